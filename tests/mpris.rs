//! "Now playing" and media keys, end to end: the real app under Xvfb on a private D-Bus session
//! bus (`dbus-run-session`), read and driven with `busctl` as a desktop widget would.
//!
//! Needs `dbus-run-session`, `busctl` and `xvfb-run`. Without them the test is skipped, unless
//! `CI` is set, where it fails. The app gets an empty HOME and XDG folders.

#![allow(clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Longer than any answer may take: past this the app is hung and the test fails.
const HANG: Duration = Duration::from_secs(20);
const NAME: &str = "org.mpris.MediaPlayer2.readalong";
const PATH: &str = "/org/mpris/MediaPlayer2";
const PLAYER: &str = "org.mpris.MediaPlayer2.Player";

fn have_tools() -> bool {
    let missing: Vec<&str> = ["dbus-run-session", "busctl", "xvfb-run"]
        .into_iter()
        .filter(|tool| {
            !Command::new("sh")
                .args(["-c", &format!("command -v {tool}")])
                .stdout(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .collect();
    if !missing.is_empty() && std::env::var_os("CI").is_some() {
        panic!("the MPRIS test needs {missing:?} in CI");
    }
    missing.is_empty()
}

/// A private session bus: `dbus-run-session` running `cat`, which ends when its input closes.
struct Bus {
    session: Child,
    address: String,
}

impl Bus {
    fn start() -> Bus {
        let mut session = Command::new("dbus-run-session")
            .args([
                "--",
                "sh",
                "-c",
                "echo \"$DBUS_SESSION_BUS_ADDRESS\"; exec cat",
            ])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start dbus-run-session");
        let mut address = String::new();
        BufReader::new(session.stdout.take().expect("stdout"))
            .read_line(&mut address)
            .expect("the bus address");
        let address = address.trim().to_owned();
        assert!(!address.is_empty(), "dbus-run-session gave no address");
        Bus { session, address }
    }
}

impl Drop for Bus {
    fn drop(&mut self) {
        drop(self.session.stdin.take());
        let started = Instant::now();
        while self.session.try_wait().ok().flatten().is_none() && started.elapsed() < HANG {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.session.kill();
    }
}

/// The app in a window under Xvfb, on the private bus, with an empty home.
struct App {
    xvfb: Child,
    pid: u32,
    _home: tempfile::TempDir,
}

impl App {
    fn start(bus: &Bus, episode: &Path) -> App {
        let home = tempfile::tempdir().expect("temp home");
        let root = home.path();
        let pid_file = root.join("app.pid");
        let script = format!("\"$0\" \"$@\" & echo $! > '{}'; wait", pid_file.display());
        let xvfb = Command::new("xvfb-run")
            .env("HOME", root)
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_RUNTIME_DIR", root)
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .env_remove("READALONG_TRACE")
            .args(["-a", "-s", "-screen 0 1024x700x24", "sh", "-c", &script])
            .arg(env!("CARGO_BIN_EXE_readalong"))
            .arg(episode)
            .arg("--no-audio")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start xvfb-run");
        let started = Instant::now();
        let pid = loop {
            if let Some(pid) = std::fs::read_to_string(&pid_file)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                break pid;
            }
            assert!(started.elapsed() < HANG, "the app did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        App {
            xvfb,
            pid,
            _home: home,
        }
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-s", "TERM", &self.pid.to_string()])
            .status();
        let started = Instant::now();
        while self.xvfb.try_wait().ok().flatten().is_none() && started.elapsed() < HANG {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.xvfb.kill();
    }
}

/// Runs `busctl --user` on the private bus; `None` when it fails (the name is not there yet).
fn busctl(bus: &Bus, args: &[&str]) -> Option<serde_json::Value> {
    let output = Command::new("busctl")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .args(["--user", "--json=short", "--timeout=5"])
        .args(args)
        .output()
        .expect("run busctl");
    if !output.status.success() {
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Some(serde_json::from_str(text.trim()).unwrap_or(serde_json::Value::Null))
}

fn property(bus: &Bus, name: &str) -> Option<serde_json::Value> {
    busctl(bus, &["get-property", NAME, PATH, PLAYER, name]).map(|v| v["data"].clone())
}

fn call(bus: &Bus, method: &str, signature_and_args: &[&str]) {
    let mut args = vec!["call", NAME, PATH, PLAYER, method];
    args.extend_from_slice(signature_and_args);
    assert!(busctl(bus, &args).is_some(), "{method} failed");
}

/// Waits until `check` holds for the property's value; returns the value.
fn wait_for(
    bus: &Bus,
    name: &str,
    what: &str,
    check: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let started = Instant::now();
    loop {
        if let Some(value) = property(bus, name)
            && check(&value)
        {
            return value;
        }
        assert!(started.elapsed() < HANG, "{name} never showed {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn position_secs(bus: &Bus) -> f64 {
    let micros = property(bus, "Position")
        .and_then(|v| v.as_i64())
        .expect("a Position");
    micros as f64 / 1e6
}

/// `busctl monitor` watching for the `Seeked` signal.
struct Seeked {
    monitor: Child,
    positions: mpsc::Receiver<i64>,
}

impl Seeked {
    fn watch(bus: &Bus) -> Seeked {
        let mut monitor = Command::new("busctl")
            .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
            .args(["--user", "--json=short", "monitor", "--match"])
            .arg("type='signal',member='Seeked'")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start busctl monitor");
        let stdout = monitor.stdout.take().expect("stdout");
        let (tx, positions) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Ok(message) = serde_json::from_str::<serde_json::Value>(&line)
                    && let Some(position) = message["payload"]["data"][0].as_i64()
                {
                    let _ = tx.send(position);
                }
            }
        });
        // The monitor is listening once it has said so; give it a moment to subscribe.
        std::thread::sleep(Duration::from_millis(500));
        Seeked { monitor, positions }
    }

    /// The position the next `Seeked` carries.
    fn next(&self) -> i64 {
        self.positions.recv_timeout(HANG).expect("a Seeked signal")
    }
}

impl Drop for Seeked {
    fn drop(&mut self) {
        let _ = self.monitor.kill();
        let _ = self.monitor.wait();
    }
}

#[test]
fn desktop_sees_the_episode_and_drives_it() {
    if !have_tools() {
        return;
    }
    let bus = Bus::start();
    let episode = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/episode");
    let _app = App::start(&bus, &episode.join("interview.vtt"));

    // Now playing: the episode's title and length, paused at the start.
    let metadata = wait_for(&bus, "Metadata", "a title", |m| {
        m["xesam:title"]["data"].is_string() && m["mpris:length"]["data"].is_i64()
    });
    assert_eq!(
        metadata["xesam:title"]["data"], "Interview",
        "the file name made readable"
    );
    assert_eq!(metadata["mpris:length"]["data"], 39_500_000);
    let track = metadata["mpris:trackid"]["data"]
        .as_str()
        .expect("a track id")
        .to_owned();
    assert_eq!(property(&bus, "PlaybackStatus").expect("status"), "Paused");
    assert_eq!(position_secs(&bus), 0.0);

    // PlayPause plays, and the position moves on while playing.
    call(&bus, "PlayPause", &[]);
    wait_for(&bus, "PlaybackStatus", "Playing", |s| s == "Playing");
    std::thread::sleep(Duration::from_millis(1500));
    let moved = position_secs(&bus);
    assert!((1.0..5.0).contains(&moved), "position {moved} after 1.5 s");

    // SetPosition jumps there, announces the jump (`Seeked`), and playing goes on from it.
    let seeked = Seeked::watch(&bus);
    call(&bus, "SetPosition", &["ox", &track, "20000000"]);
    // Playing: the position in the signal is where it was heard when the app sent it.
    let jumped_to = seeked.next();
    assert!(
        (20_000_000..20_500_000).contains(&jumped_to),
        "Seeked to {jumped_to} µs after SetPosition 20 s"
    );
    let started = Instant::now();
    let mut at = position_secs(&bus);
    while !(20.0..23.0).contains(&at) {
        assert!(
            started.elapsed() < HANG,
            "position {at} after SetPosition 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
        at = position_secs(&bus);
    }

    // Pause stops the position; Next moves to a later line.
    call(&bus, "PlayPause", &[]);
    wait_for(&bus, "PlaybackStatus", "Paused", |s| s == "Paused");
    let paused = position_secs(&bus);
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(
        position_secs(&bus),
        paused,
        "the position moved while paused"
    );
    call(&bus, "Next", &[]);
    let started = Instant::now();
    while position_secs(&bus) <= paused {
        assert!(
            started.elapsed() < HANG,
            "Next did not move on from {paused}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
