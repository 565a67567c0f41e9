//! The command line without a window: `export`, `info` and `search`, their output and their exit codes.

#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn readalong(args: &[&str]) -> Output {
    // An empty home, so nothing remembered from another run changes what is printed.
    let home = tempfile::tempdir().expect("temp home");
    Command::new(env!("CARGO_BIN_EXE_readalong"))
        .args(args)
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path().join("config"))
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("data"))
        .output()
        .expect("run readalong")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn export_json(path: &Path) -> serde_json::Value {
    let out = readalong(&["export", path.to_str().expect("utf-8 path"), "--to", "json"]);
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    serde_json::from_slice(&out.stdout).expect("export writes JSON")
}

#[test]
fn export_json_has_the_documented_shape() {
    let json = export_json(&fixture("episode/interview.vtt"));
    assert_eq!(json["format"], "vtt");
    assert!(json["title"].is_null());
    assert_eq!(json["warnings"].as_array().map(Vec::len), Some(0));
    let cues = json["cues"].as_array().expect("cues");
    assert_eq!(cues.len(), 8);
    assert_eq!(cues[0]["start"], 1.0);
    assert_eq!(cues[0]["end"], 4.0);
    assert_eq!(cues[0]["speaker"], "Maya");
    assert_eq!(cues[0]["text"], "Welcome back to the show, everyone.");
    assert!(
        cues[0].get("words").is_none(),
        "words are left out when a cue has none"
    );
}

#[test]
fn export_keeps_word_times_when_the_source_has_them() {
    let json = export_json(&fixture("transcripts/whisper.json"));
    let cues = json["cues"].as_array().expect("cues");
    let words = cues[0]["words"]
        .as_array()
        .expect("whisper words are exported");
    assert!(!words.is_empty());
    assert!(words[0]["start"].is_number() && words[0]["text"].is_string());
}

#[test]
fn every_fixture_round_trips_through_vtt_and_srt() {
    let dir = tempfile::tempdir().expect("temp dir");
    for name in [
        "episode/interview.vtt",
        "transcripts/basic.srt",
        "transcripts/voice-tags.txt",
        "transcripts/podcasting.json",
    ] {
        let original = export_json(&fixture(name));
        for to in ["vtt", "srt"] {
            let out = readalong(&["export", fixture(name).to_str().expect("utf-8"), "--to", to]);
            assert!(out.status.success(), "{name} to {to}: {}", stderr(&out));
            let written = dir.path().join(format!("round-trip.{to}"));
            std::fs::write(&written, &out.stdout).expect("write");
            let again = export_json(&written);
            let starts = |v: &serde_json::Value| -> Vec<(String, String)> {
                v["cues"]
                    .as_array()
                    .expect("cues")
                    .iter()
                    .map(|c| (c["start"].to_string(), c["text"].to_string()))
                    .collect()
            };
            assert_eq!(starts(&original), starts(&again), "{name} through {to}");
        }
    }
}

#[test]
fn unreadable_files_exit_1_with_one_line_on_stderr() {
    let cases = [
        fixture("transcripts/empty.txt"),
        fixture("transcripts/binary.bin"),
        fixture("transcripts/no-timestamps.txt"),
        PathBuf::from("/no/such/file.vtt"),
        fixture("episode"),
    ];
    for path in cases {
        let out = readalong(&["export", path.to_str().expect("utf-8")]);
        assert_eq!(out.status.code(), Some(1), "{}", path.display());
        let err = stderr(&out);
        assert_eq!(
            err.trim_end().lines().count(),
            1,
            "one line for {}: {err}",
            path.display()
        );
        assert!(
            err.contains(
                path.file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
            ),
            "names the file: {err}"
        );
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn empty_file_says_so() {
    let out = readalong(&[
        "export",
        fixture("transcripts/empty.txt").to_str().expect("utf-8"),
    ]);
    assert!(stderr(&out).contains("empty"), "{}", stderr(&out));
}

#[test]
fn info_on_a_folder_names_the_pairing_and_the_richest_transcript_first() {
    let out = readalong(&["info", fixture("episode").to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("audio: none"), "{text}");
    let vtt = text.find("transcript: ").expect("a transcript line");
    assert!(
        text[vtt..].starts_with("transcript: ")
            && text[vtt..]
                .lines()
                .next()
                .is_some_and(|l| l.ends_with(".vtt")),
        "{text}"
    );
    assert!(
        text.contains("also: ") && text.contains("interview.txt"),
        "{text}"
    );
    assert!(text.contains("speakers: Maya, Theo"), "{text}");
    assert!(text.contains("cues: 8"), "{text}");
}

#[test]
fn info_reports_warnings_with_their_lines() {
    let out = readalong(&[
        "info",
        fixture("transcripts/bad-times.vtt")
            .to_str()
            .expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("warnings: ") && text.contains("line "),
        "{text}"
    );
}

#[test]
fn search_prints_matching_lines() {
    let out = readalong(&[
        "search",
        fixture("episode").to_str().expect("utf-8"),
        "database",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0:24  Search helps too"), "{text}");
    assert!(text.contains("3 matches"), "{text}");
}

#[test]
fn a_bad_start_time_is_refused_before_any_window_opens() {
    let out = readalong(&[fixture("episode").to_str().expect("utf-8"), "--at", "1:75"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not a time"), "{}", stderr(&out));
}

#[test]
fn a_speed_out_of_range_is_refused_before_any_window_opens() {
    for speed in ["5", "0.2", "fast"] {
        let out = readalong(&[
            fixture("episode").to_str().expect("utf-8"),
            "--speed",
            speed,
        ]);
        assert_eq!(out.status.code(), Some(2), "--speed {speed}");
        assert!(stderr(&out).contains("not a speed"), "{}", stderr(&out));
    }
}

#[test]
fn info_gives_the_exact_duration_of_an_mp3_without_a_xing_header() {
    let out = readalong(&[
        "info",
        fixture("audio/vbr_notag.mp3").to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // 155 frames (ffprobe -count_packets) of 1152 samples, less the decoder's 529-sample delay
    // and LAME's 576-sample encoder delay (its version string is in the frames), at 44.1 kHz.
    // An estimate from the first frames' bitrate would differ.
    assert!(text.contains("duration: 0:04 (4.024 s)"), "{text}");
    assert!(
        text.contains("no gapless tag, LAME delay assumed"),
        "{text}"
    );
}

#[test]
fn export_to_md_writes_the_paragraph_view_as_a_document() {
    let out = readalong(&[
        "export",
        fixture("paragraphs/fragments.vtt").to_str().expect("utf-8"),
        "--to",
        "md",
    ]);
    assert!(out.status.success(), "export failed: {}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "# fragments\n\
         \n[0:01] **Maya:** Welcome back. Today we look at why published captions break sentences. It was hard \
         to read. The trick there is to join them again.\n\
         \n[0:10] **Theo:** Happy to have you. I agree.\n\
         \n[0:15] After a long pause, a new paragraph starts.\n"
    );
}
