//! End-to-end audio sync: plays a synthetic episode (cue tones at exact times) through the real
//! `readalong` binary into a paced fake ALSA card, and checks seek accuracy, click-to-sound
//! latency and highlight timing against what was actually "heard".
//!
//! The work is done by `scripts/sync-check.py run` (see its docstring for how the capture is
//! paced and calibrated); this test runs it under `xvfb-run`, with a hard timeout that kills the
//! whole process group (Xvfb, the app, the capture reader), and asserts the targets. A second
//! check, `scripts/sync-ads.py`, plays an episode with an inserted ad with and without sync points.
//! Both run with an empty HOME and XDG folders.
//!
//! Needs xvfb-run, espeak-ng, sox, lame, aplay and python3. Without them it is skipped, unless
//! `CI` is set, where it fails.

#![allow(clippy::expect_used)]

use std::fs::{self, File};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

const TOOLS: [&str; 6] = ["xvfb-run", "espeak-ng", "sox", "lame", "aplay", "python3"];
/// Hard limit for the whole check (it normally takes about 60 s).
const TIMEOUT: Duration = Duration::from_secs(150);

/// Seek error limits (ms) per encoding: the source position of the first sound vs `--at`.
/// The product target for an untagged file is 15 ms; this one is LAME's, whose version string
/// in the frames lets the app trim LAME's encoder delay, so it is held to 2 ms like the others.
const SEEK_LIMITS_MS: [(&str, f64); 3] = [("cbr", 2.0), ("vbr", 2.0), ("notag", 2.0)];
/// Play command -> first sound heard (ms).
const CLICK_TO_SOUND_LIMIT_MS: f64 = 60.0;
/// Median |highlight time - tone heard time| per encoding (ms), after removing the fake card's
/// calibrated hidden latency. The product target is 20 ms; on this capture rig the device clock
/// lands anywhere from 0 to about 60 ms (see BENCHMARKS.md), so the test guards against a gross
/// regression (a highlight driven by a stopwatch or by samples handed over, not heard) at 100 ms.
const HIGHLIGHT_LIMIT_MS: f64 = 100.0;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Kills the process group on drop, so every path (timeout, panic, success) cleans up.
struct GroupGuard(u32);

impl Drop for GroupGuard {
    fn drop(&mut self) {
        // `kill -KILL -PGID` is misread by procps-ng's kill (it killed every process the user
        // owns); `-s KILL -- -PGID` is the unambiguous form.
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", self.0)])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

/// The two checks share the machine's sound timing: one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Runs `scripts/<script> --app <readalong> --work <work> --json <work>/result.json` under
/// xvfb-run with an empty HOME, and reads its result. `None` when a tool is missing (outside CI).
fn run_check(script: &str, work_name: &str, timeout: Duration) -> Option<(Value, PathBuf)> {
    let missing: Vec<&str> = TOOLS.iter().copied().filter(|t| !have(t)).collect();
    if !missing.is_empty() {
        let msg = format!(
            "audio sync test needs {} (missing: {})",
            TOOLS.join(", "),
            missing.join(", ")
        );
        if std::env::var_os("CI").is_some() {
            panic!("{msg}; install them (see .ci/run)");
        }
        println!("SKIPPED: {msg}");
        return None;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join(work_name);
    let _ = fs::remove_dir_all(&work);
    fs::create_dir_all(&work).expect("create work dir");
    let home = work.join("home");
    fs::create_dir_all(&home).expect("create home");
    let json_path = work.join("result.json");
    let log_path = work.join(format!("{script}.log"));
    let log = File::create(&log_path).expect("create log");

    let mut child = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "python3"])
        .arg(root.join("scripts").join(script))
        .args(if script == "sync-check.py" {
            &["run"][..]
        } else {
            &[][..]
        })
        .arg("--app")
        .arg(env!("CARGO_BIN_EXE_readalong"))
        .arg("--work")
        .arg(&work)
        .arg("--json")
        .arg(&json_path)
        // Nothing remembered from another run (a speed, a place) changes what the app plays.
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("start xvfb-run python3");
    let guard = GroupGuard(child.id());

    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the check") {
            break Some(status);
        }
        if start.elapsed() > timeout {
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    drop(guard); // kills anything left (Xvfb, a stuck app) on every path
    let _ = child.wait();
    let log_text = fs::read_to_string(&log_path).unwrap_or_default();
    println!(
        "--- scripts/{script} log ({}) ---\n{log_text}",
        log_path.display()
    );
    let status = status.unwrap_or_else(|| {
        panic!(
            "{script} timed out after {timeout:?}; work files in {}",
            work.display()
        )
    });
    assert!(
        status.success(),
        "{script} failed ({status}); see the log above and {}",
        work.display()
    );
    let result: Value = serde_json::from_str(&fs::read_to_string(&json_path).expect("read result"))
        .expect("result JSON");
    Some((result, json_path))
}

#[test]
fn audio_sync_end_to_end() {
    let Some((result, json_path)) = run_check("sync-check.py", "sync-check", TIMEOUT) else {
        return;
    };
    let mut failures: Vec<String> = Vec::new();

    // The fake card itself: aplay of truth.wav excerpts must come out sample-exact, in real time.
    let aplay = &result["aplay_check"];
    println!(
        "rig: aplay onset errors {} ms, pacing {}",
        aplay["onset_errors_ms"], aplay["pacing"]
    );
    if aplay["ok"] != Value::Bool(true) {
        failures.push(format!(
            "fake card: aplay onsets off by more than 1 ms: {aplay}"
        ));
    }
    if let Some(ppm) = num(&aplay["pacing"]["rate_error_ppm"])
        && ppm.abs() > 1000.0
    {
        failures.push(format!("fake card: pacing off by {ppm} ppm"));
    }
    let bias = num(&result["rig_bias_ms"]);
    for cal in result["calibration"].as_array().into_iter().flatten() {
        println!(
            "rig: calibration {} {} Hz period {} buffer {}: hidden latency {} ms (min {}, max {})",
            cal["format"],
            cal["rate"],
            cal["period_frames"],
            cal["buffer_frames"],
            cal["bias_ms_median"],
            cal["bias_ms_min"],
            cal["bias_ms_max"]
        );
        if cal["bursts_found"] != cal["bursts"] {
            failures.push(format!("calibration lost bursts: {cal}"));
        }
    }
    if bias.is_none() {
        failures.push("no calibration of the fake card's hidden latency".to_string());
    }

    for (enc, seek_limit) in SEEK_LIMITS_MS {
        let s = &result["summary"][enc];
        println!("{enc}: {s}");
        for (kind, v) in s["seek_error_ms"].as_object().into_iter().flatten() {
            match num(v) {
                Some(ms) if ms.abs() <= seek_limit => {}
                other => failures.push(format!(
                    "{enc} {kind}: seek error {other:?} ms (limit {seek_limit})"
                )),
            }
        }
        for (kind, v) in s["click_to_sound_ms"].as_object().into_iter().flatten() {
            match num(v) {
                Some(ms) if ms <= CLICK_TO_SOUND_LIMIT_MS => {}
                other => failures.push(format!(
                    "{enc} {kind}: click-to-sound {other:?} ms (limit {CLICK_TO_SOUND_LIMIT_MS})"
                )),
            }
        }
        let tones = s["highlight_error_ms_raw"].as_array().map_or(0, Vec::len);
        match num(&s["highlight_error_ms_median"]) {
            Some(ms) if ms.abs() <= HIGHLIGHT_LIMIT_MS && tones >= 2 => {}
            other => failures.push(format!(
                "{enc}: highlight error median {other:?} ms over {tones} cue changes (limit \
                 {HIGHLIGHT_LIMIT_MS}; raw {}, app clock error {}, app position past the cue \
                 start when lit {}; details in {})",
                s["highlight_error_ms_raw"],
                s["clock_error_ms"],
                s["app_pos_past_cue_ms"],
                json_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "audio sync targets missed:\n  {}",
        failures.join("\n  ")
    );
}

/// Hard limit for the inserted-ad check (it normally takes about 25 s).
const ADS_TIMEOUT: Duration = Duration::from_secs(90);
/// How far a highlight change after the inserted block may be from the cue start heard, with
/// two sync points (after removing the fake card's calibrated hidden latency). The product target
/// is 30 ms; on this capture rig the device clock itself lands anywhere from 0 to about 60 ms (see
/// `HIGHLIGHT_LIMIT_MS` and BENCHMARKS.md), so runs here measured -4 to +94 ms and the test
/// holds the same gross-regression limit as the main check: a map that is off by a line or by the
/// block's length fails it by seconds.
const SYNCED_LIMIT_MS: f64 = HIGHLIGHT_LIMIT_MS;

/// An episode whose audio has a 30 s block of other speech the transcript does not have
/// (`scripts/sync-ads.py`): without sync points the line lit after the block is the wrong one;
/// with two sync points every cue change measured after it is the heard line, lit near its start.
#[test]
fn an_inserted_ad_is_lined_up_by_two_sync_points() {
    let Some((result, json_path)) = run_check("sync-ads.py", "sync-ads", ADS_TIMEOUT) else {
        return;
    };
    let bias = num(&result["rig_bias_ms"]).expect("the fake card was calibrated");
    let tones = |run: &str| result[run]["tones"].as_array().cloned().unwrap_or_default();
    let details = json_path.display();

    let unsynced = tones("unsynced");
    println!("unsynced: {unsynced:?}");
    assert!(!unsynced.is_empty(), "no cue heard unsynced; see {details}");
    for t in &unsynced {
        assert_ne!(
            t["lit_150ms_after"], t["cue"],
            "without sync points the line lit after the block should be wrong: {t}"
        );
    }

    let synced = tones("synced");
    println!("synced (rig bias {bias} ms): {synced:?}");
    assert!(
        synced.len() >= 2,
        "expected at least 2 cue changes after the block, got {synced:?}; see {details}"
    );
    for t in &synced {
        assert_eq!(t["lit_150ms_after"], t["cue"], "the heard line is lit: {t}");
        let error_ms = num(&t["highlight_error_ms"]).map(|ms| ms + bias);
        assert!(
            error_ms.is_some_and(|ms| ms.abs() <= SYNCED_LIMIT_MS),
            "cue {} lit {error_ms:?} ms from its start heard (limit {SYNCED_LIMIT_MS}): {t}",
            t["cue"]
        );
    }
}
