//! End-to-end "Suggest sync points": builds the `scripts/sync-ads.py` episode (a 30 s block of
//! other speech inserted 1 s before cue 3, MP3) with `--episode-only`, runs
//! `readalong suggest-sync AUDIO TRANSCRIPT --json` on it, and checks that the block is found in
//! its gap, its length within 0.5 s, and every cue's offset within 0.5 s of where it is heard.
//! Runs with an empty HOME and XDG folders.
//!
//! Needs espeak-ng, sox, lame and python3. Without them it is skipped, unless `CI` is set, where
//! it fails (as tests/sync.rs).

#![allow(clippy::expect_used)]

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;

const TOOLS: [&str; 4] = ["espeak-ng", "sox", "lame", "python3"];
/// The most a found block length or a cue's offset may be off, in seconds.
const TOLERANCE_S: f64 = 0.5;

fn have(tool: &str) -> bool {
    Command::new("sh")
        .args(["-c", &format!("command -v {tool}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `command` with an empty HOME and XDG folders under `home`.
fn hermetic(mut command: Command, home: &Path) -> Command {
    command
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
        .stdin(Stdio::null());
    command
}

fn secs(v: &Value) -> f64 {
    v.as_f64().expect("a number")
}

#[test]
fn suggest_sync_finds_the_inserted_block_within_half_a_second() {
    let missing: Vec<&str> = TOOLS.iter().copied().filter(|t| !have(t)).collect();
    if !missing.is_empty() {
        let msg = format!(
            "suggest-sync test needs {} (missing: {})",
            TOOLS.join(", "),
            missing.join(", ")
        );
        if std::env::var_os("CI").is_some() {
            panic!("{msg}; install them (see .ci/run)");
        }
        println!("SKIPPED: {msg}");
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("suggest-sync");
    let _ = fs::remove_dir_all(&work);
    let home = work.join("home");
    fs::create_dir_all(&home).expect("create home");
    let episode_json = work.join("episode.json");

    let mut build = Command::new("python3");
    build
        .arg(root.join("scripts/sync-ads.py"))
        .arg("--episode-only")
        .arg("--work")
        .arg(&work)
        .arg("--json")
        .arg(&episode_json)
        .stdout(Stdio::null())
        .current_dir(root);
    let status = hermetic(build, &home).status().expect("run sync-ads.py");
    assert!(
        status.success(),
        "scripts/sync-ads.py --episode-only failed"
    );
    let episode: Value =
        serde_json::from_str(&fs::read_to_string(&episode_json).expect("read episode.json"))
            .expect("episode json");

    let mut suggest = Command::new(env!("CARGO_BIN_EXE_readalong"));
    suggest
        .arg("suggest-sync")
        .arg(episode["audio"].as_str().expect("audio"))
        .arg(episode["transcript"].as_str().expect("transcript"))
        .arg("--json");
    let output = hermetic(suggest, &home).output().expect("run readalong");
    assert!(
        output.status.success(),
        "suggest-sync failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let found: Value = serde_json::from_slice(&output.stdout).expect("suggest-sync json");
    println!("episode: {episode}\nfound: {found}");

    let block_s = secs(&episode["block_seconds"]);
    let blocks = found["blocks"].as_array().expect("blocks");
    assert_eq!(blocks.len(), 1, "{found}");
    let block = &blocks[0];
    assert_eq!(block["before_cue"], episode["before_cue"], "{found}");
    let length_error = secs(&block["length_secs"]) - block_s;
    assert!(
        length_error.abs() <= TOLERANCE_S,
        "block length {length_error:+.3} s off"
    );
    // Every cue is placed where it is heard; the two suggested points are the cues either side.
    let offsets = found["offsets_secs"].as_array().expect("offsets");
    let starts = episode["transcript_cue_starts"].as_array().expect("starts");
    let heard = episode["heard_cue_starts"].as_array().expect("heard");
    assert_eq!(offsets.len(), starts.len());
    for (i, ((offset, start), heard)) in offsets.iter().zip(starts).zip(heard).enumerate() {
        let error = secs(start) + secs(offset) - secs(heard);
        assert!(error.abs() <= TOLERANCE_S, "cue {i}: {error:+.3} s off");
    }
    let points = block["points"].as_array().expect("points");
    assert_eq!(points.len(), 2);
    let after = block["before_cue"].as_u64().expect("index") as usize;
    for (point, cue) in points.iter().zip([after - 1, after]) {
        assert!((secs(&point["transcript_secs"]) - secs(&starts[cue])).abs() < 0.001);
        let error = secs(&point["audio_secs"]) - secs(&heard[cue]);
        assert!(
            error.abs() <= TOLERANCE_S,
            "point at cue {cue}: {error:+.3} s off"
        );
    }
}
