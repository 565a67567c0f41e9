//! Trust, end to end with the real binary: hostile files get a clear message at once (never a
//! hang), and the listener's place survives SIGTERM and `kill -9`.
//!
//! The window tests need `xvfb-run`. Without it they are skipped, unless `CI` is set, where
//! they fail. Every run gets an empty HOME and XDG folders.

#![allow(clippy::expect_used)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Longer than any answer may take: past this the command is hung and the test fails.
const HANG: Duration = Duration::from_secs(10);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// An empty home with its XDG folders, for one run of the app.
struct Home(tempfile::TempDir);

impl Home {
    fn new() -> Home {
        Home(tempfile::tempdir().expect("temp home"))
    }

    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        let root = self.0.path();
        command
            .env("HOME", root)
            .env("XDG_CONFIG_HOME", root.join("config"))
            .env("XDG_CACHE_HOME", root.join("cache"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env_remove("READALONG_TRACE");
        command
    }

    fn readalong(&self, args: &[&str]) -> Command {
        let mut command = self.command(env!("CARGO_BIN_EXE_readalong"));
        command.args(args);
        command
    }
}

/// Runs `command`, failing the test if it does not finish within [`HANG`].
fn run_bounded(mut command: Command) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start readalong");
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > HANG {
            let _ = child.kill();
            panic!("readalong hung: {command:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = started.elapsed();
    (child.wait_with_output().expect("output"), elapsed)
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(status.success());
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8 path")
}

/// Each hostile input, the subcommand run on it, and the words its message must contain.
#[test]
fn hostile_files_get_a_clear_message_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let d = dir.path();
    mkfifo(&d.join("fifo.vtt"));
    mkfifo(&d.join("fifo.mp3"));
    std::os::unix::fs::symlink("/dev/zero", d.join("zero.vtt")).expect("symlink");
    let big = fs::File::create(d.join("big.vtt")).expect("create");
    big.set_len(201_000_000).expect("sparse file");
    fs::write(d.join("header-only.vtt"), "WEBVTT\n\n").expect("write");
    fs::write(
        d.join("image.mp3"),
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0",
    )
    .expect("write");
    fs::create_dir(d.join("only-audio")).expect("mkdir");
    fs::copy(fixture("audio/cbr.mp3"), d.join("only-audio/ep.mp3")).expect("copy");
    fs::create_dir(d.join("only-fifo")).expect("mkdir");
    mkfifo(&d.join("only-fifo/ep.vtt"));

    let at = |name: &str| path_str(&d.join(name)).to_owned();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["export".into(), at("fifo.vtt")],
            "fifo.vtt: not a regular file (it is a named pipe (FIFO))",
        ),
        (
            vec!["export".into(), at("zero.vtt")],
            "zero.vtt: not a regular file (it is a device)",
        ),
        (
            vec!["export".into(), at("big.vtt")],
            "big.vtt: too large (201 MB; a transcript may be at most 200 MB)",
        ),
        (
            vec!["export".into(), at("header-only.vtt")],
            "header-only.vtt: the transcript has no cues",
        ),
        (
            vec!["export".into(), at("missing.vtt")],
            "missing.vtt: not found",
        ),
        (vec!["info".into(), at("fifo.mp3")], "not a regular file"),
        (
            vec!["info".into(), at("image.mp3")],
            "not audio (it looks like a PNG image)",
        ),
        (
            vec!["info".into(), at("only-audio")],
            "no transcript beside this audio",
        ),
        (
            vec!["info".into(), at("only-fifo")],
            "holds no episode that can be opened",
        ),
    ];
    let home = Home::new();
    for (args, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (output, took) = run_bounded(home.readalong(&args));
        let said = text(&output);
        assert!(
            said.contains(want),
            "{args:?}: wanted {want:?}, got:\n{said}"
        );
        assert!(!said.contains("os error"), "{args:?}: {said}");
        eprintln!(
            "{:>6.0} ms  {}",
            took.as_secs_f64() * 1000.0,
            args.join(" ")
        );
    }
}

#[test]
fn at_past_the_end_is_refused_before_a_window_opens() {
    let home = Home::new();
    let episode = fixture("episode/interview.vtt");
    let (output, _) = run_bounded(home.readalong(&[path_str(&episode), "--at", "2:00:00"]));
    assert_eq!(output.status.code(), Some(2), "{}", text(&output));
    assert!(
        text(&output).contains("--at 2:00:00.000 is past the end of interview, which is 0:00:"),
        "{}",
        text(&output)
    );
}

fn have_xvfb() -> bool {
    let found = Command::new("sh")
        .args(["-c", "command -v xvfb-run"])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !found && std::env::var_os("CI").is_some() {
        panic!("xvfb-run is needed for the window tests in CI");
    }
    found
}

/// The app in a window under Xvfb; `pid_file` receives the app's own process id.
struct Window {
    xvfb: Child,
    pid: i32,
}

impl Window {
    fn start(home: &Home, episode: &Path, extra: &[&str]) -> Window {
        let pid_file = home.0.path().join("app.pid");
        let app = env!("CARGO_BIN_EXE_readalong");
        let script = format!("\"$0\" \"$@\" & echo $! > '{}'; wait", pid_file.display());
        let mut command = home.command("xvfb-run");
        command
            .env("READALONG_TRACE", home.0.path().join("trace.jsonl"))
            .args([
                "-a",
                "-s",
                "-screen 0 1024x700x24",
                "sh",
                "-c",
                &script,
                app,
            ])
            .arg(episode)
            .args(["--no-audio"])
            .args(extra)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let xvfb = command.spawn().expect("start xvfb-run");
        let started = Instant::now();
        let pid = loop {
            if let Some(pid) = fs::read_to_string(&pid_file)
                .ok()
                .and_then(|t| t.trim().parse().ok())
            {
                break pid;
            }
            assert!(started.elapsed() < HANG, "the app did not start");
            std::thread::sleep(Duration::from_millis(20));
        };
        Window { xvfb, pid }
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args(["-s", signal, &self.pid.to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
    }

    fn wait(mut self) {
        let started = Instant::now();
        while self.xvfb.try_wait().expect("wait").is_none() {
            assert!(started.elapsed() < HANG, "the app did not stop");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Window {
    fn drop(&mut self) {
        let _ = self.xvfb.kill();
    }
}

/// The `resume:` and `speed:` lines `readalong info` prints for the episode.
fn saved_place(home: &Home, episode: &Path) -> (Option<f64>, Option<String>) {
    let (output, _) = run_bounded(home.readalong(&["info", path_str(episode)]));
    let out = text(&output);
    let line = |key: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_owned())
    };
    let resume = line("resume:").map(|clock| {
        let parts: Vec<f64> = clock
            .split(':')
            .map(|p| p.parse().expect("clock part"))
            .collect();
        parts.iter().fold(0.0, |acc, p| acc * 60.0 + p)
    });
    (resume, line("speed:"))
}

fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs_f64()
}

/// When playback started (seconds since 1970), from the app's trace; waits for it.
fn play_started(home: &Home) -> f64 {
    let started = Instant::now();
    loop {
        let trace = fs::read_to_string(home.0.path().join("trace.jsonl")).unwrap_or_default();
        let play = trace
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .find(|v| v["event"] == "play")
            .and_then(|v| v["t_unix"].as_f64());
        if let Some(t) = play {
            return t;
        }
        assert!(started.elapsed() < HANG * 3, "playback did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn episode_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::copy(
        fixture("episode/interview.vtt"),
        dir.path().join("interview.vtt"),
    )
    .expect("copy");
    dir
}

#[test]
fn sigterm_saves_the_place_and_the_speed() {
    if !have_xvfb() {
        return;
    }
    let home = Home::new();
    let episode = episode_copy();
    let window = Window::start(&home, episode.path(), &["--at", "5", "--speed", "1.5"]);
    let play_unix = play_started(&home);
    std::thread::sleep(Duration::from_secs(3));
    let heard = 5.0 + (unix_now() - play_unix) * 1.5;
    window.signal("TERM");
    window.wait();
    let (resume, speed) = saved_place(&home, episode.path());
    let resume = resume.expect("a resume line after SIGTERM");
    // The place saved is the one heard when the signal came (it is handled within a frame).
    assert!(
        resume >= heard - 0.2 && resume <= heard + 1.5,
        "resume {resume}, heard about {heard}"
    );
    assert_eq!(speed.as_deref(), Some("1.5"));
}

#[test]
fn kill_9_loses_at_most_five_seconds() {
    if !have_xvfb() {
        return;
    }
    let home = Home::new();
    let episode = episode_copy();
    let window = Window::start(&home, episode.path(), &["--at", "2"]);
    let play_unix = play_started(&home);
    std::thread::sleep(Duration::from_secs(12));
    let heard = 2.0 + (unix_now() - play_unix);
    window.signal("KILL");
    window.wait();
    let (resume, _) = saved_place(&home, episode.path());
    let resume = resume.expect("a resume line after kill -9");
    assert!(
        resume >= heard - 5.0 - 0.5 && resume <= heard,
        "resume {resume}, heard about {heard}"
    );
}
