//! The command line without a window: `export`, `info`, `search` and `suggest-sync`, their output and their exit codes.

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
    readalong_in(home.path(), args)
}

/// Runs readalong with `home` as its home and XDG folders (kept between runs by the caller).
fn readalong_in(home: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_readalong"))
        .args(args)
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("XDG_DATA_HOME", home.join("data"))
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
    assert!(
        text.lines().any(|l| l.starts_with("0:00:24.500\t")
            && l.ends_with("\tSearch helps too, when I want to find the part about the database.")),
        "{text}"
    );
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("utf-8")
}

/// (time, file name, text) of each line `search` printed.
fn hits(text: &str) -> Vec<(String, String, String)> {
    text.lines()
        .map(|l| {
            let parts: Vec<&str> = l.split('\t').collect();
            assert_eq!(parts.len(), 3, "three fields: {l}");
            let file = Path::new(parts[1])
                .file_name()
                .and_then(|n| n.to_str())
                .expect("file name")
                .to_owned();
            (parts[0].to_owned(), file, parts[2].to_owned())
        })
        .collect()
}

#[test]
fn search_across_a_library_prints_every_episode_once_in_order() {
    let library = fixture("library");
    let cases: &[(&str, &[(&str, &str)])] = &[
        (
            "durable",
            &[
                ("0:00:04.000", "001-first-steps.vtt"),
                ("0:00:06.000", "002-what-s-new-in-python.vtt"),
                ("0:00:03.500", "pants-build.srt"),
            ],
        ),
        ("DON'T", &[("0:00:04.000", "001-first-steps.vtt")]),
        ("cafe", &[("0:00:01.000", "001-first-steps.vtt")]),
        ("\"type hint\"", &[("0:00:08.000", "001-first-steps.vtt")]),
        ("durable builds", &[("0:00:03.500", "pants-build.srt")]),
    ];
    for (query, want) in cases {
        let out = readalong(&["search", path_str(&library), query]);
        assert_eq!(out.status.code(), Some(0), "{query}: {}", stderr(&out));
        let got: Vec<(String, String)> = hits(&stdout(&out))
            .into_iter()
            .map(|(time, file, _)| (time, file))
            .collect();
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(t, f)| ((*t).to_owned(), (*f).to_owned()))
            .collect();
        assert_eq!(got, want, "{query}");
    }
}

#[test]
fn search_exit_status_says_found_not_found_or_error() {
    let library = fixture("library");
    let none = readalong(&["search", path_str(&library), "zeppelin"]);
    assert_eq!(none.status.code(), Some(1), "{}", stderr(&none));
    assert!(none.stdout.is_empty());
    let missing = readalong(&["search", "/no/such/library", "x"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("/no/such/library"),
        "{}",
        stderr(&missing)
    );
    let empty = readalong(&["search", path_str(&library), "  "]);
    assert_eq!(empty.status.code(), Some(2), "{}", stderr(&empty));
}

#[test]
fn search_json_prints_one_object_per_hit() {
    let out = readalong(&["search", "--json", path_str(&fixture("library")), "durable"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let records: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
        .collect();
    assert_eq!(records.len(), 3);
    assert_eq!(records[0]["start"], 4.0);
    assert_eq!(records[0]["episode"], "1");
    assert_eq!(records[0]["title"], "First steps with Readalong");
    assert!(
        records[0]["file"]
            .as_str()
            .is_some_and(|f| f.ends_with("001-first-steps.vtt"))
    );
    assert_eq!(records[2]["text"], "Durable execution is not about builds.");
}

#[test]
fn info_json_lists_episodes_files_and_pairings_and_remembers_audio_folders() {
    let home = tempfile::tempdir().expect("temp home");
    let library = fixture("library");
    let audio = fixture("library-audio");
    let first = readalong_in(
        home.path(),
        &[
            "info",
            "--json",
            path_str(&library),
            "--audio",
            path_str(&audio),
        ],
    );
    assert!(first.status.success(), "{}", stderr(&first));
    // The second run is given no --audio: the folder is remembered for this library.
    let out = readalong_in(home.path(), &["info", "--json", path_str(&library)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let info: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let episodes = info["episodes"].as_array().expect("episodes");
    let summary: Vec<(serde_json::Value, String, usize, Option<String>)> = episodes
        .iter()
        .map(|e| {
            (
                e["number"].clone(),
                e["title"].as_str().expect("title").to_owned(),
                e["transcripts"].as_array().expect("transcripts").len(),
                e["audio"].as_str().map(|a| {
                    Path::new(a)
                        .file_name()
                        .and_then(|n| n.to_str())
                        .expect("name")
                        .to_owned()
                }),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                serde_json::json!(1),
                "First steps with Readalong".to_owned(),
                2,
                Some("Talk Python - 1.mp3".to_owned())
            ),
            (
                serde_json::json!(2),
                "What's new in python".to_owned(),
                2,
                None
            ),
            (
                serde_json::Value::Null,
                "Pants build".to_owned(),
                1,
                Some("build-all-the-things-with-pants-build-system.8841.mp3".to_owned())
            ),
        ]
    );
    assert!(episodes[0]["duration"].as_f64().is_some_and(|d| d > 0.0));
    assert!(episodes[0]["warnings"].as_array().is_some());
    // Nothing was written into the library or audio folders.
    for dir in [&library, &audio] {
        for entry in std::fs::read_dir(dir).expect("list") {
            let name = entry.expect("entry").file_name();
            let name = name.to_string_lossy();
            assert!(
                !name.contains("tmp") && !name.ends_with(".json"),
                "wrote {name} into {}",
                dir.display()
            );
        }
    }
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

fn vtt_starts(vtt: &str) -> Vec<&str> {
    vtt.lines()
        .filter_map(|l| l.split_once(" --> ").map(|(start, _)| start))
        .collect()
}

#[test]
fn export_moves_times_by_an_offset_and_sync_points() {
    let file = fixture("episode/interview.vtt");
    let file = file.to_str().expect("utf-8 path");
    let out = readalong(&["export", file, "--to", "vtt", "--offset", "-1.5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    // The first cue (1.0 s) would start before the audio: it is dropped.
    assert!(!text.contains("Welcome back"), "{text}");
    assert_eq!(vtt_starts(&text)[..2], ["00:00:03.000", "00:00:08.000"]);

    // A 30 s ad after 14 s of the transcript.
    let out = readalong(&[
        "export",
        file,
        "--to",
        "vtt",
        "--sync",
        "4.5=4.5",
        "--sync",
        "0:14.5=0:44.5",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(
        vtt_starts(&text),
        [
            "00:00:01.000",
            "00:00:04.500",
            "00:00:09.500",
            "00:00:44.500",
            "00:00:49.500",
            "00:00:54.500",
            "00:00:59.500",
            "00:01:04.500"
        ]
    );
}

#[test]
fn bad_offsets_and_sync_points_exit_2_naming_the_argument() {
    let file = fixture("episode/interview.vtt");
    let file = file.to_str().expect("utf-8 path");
    let cases: [(&[&str], &str); 4] = [
        (&["--offset", "soon"], "--offset"),
        (&["--sync", "10"], "--sync"),
        (&["--sync", "10=1:99"], "--sync"),
        (&["--sync", "10=20", "--sync", "20=5"], "--sync"),
    ];
    for (args, named) in cases {
        let mut all = vec!["export", file, "--to", "vtt"];
        all.extend_from_slice(args);
        let out = readalong(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(named), "{args:?}: {}", stderr(&out));
        assert!(stdout(&out).is_empty(), "{args:?}");
    }
}

#[test]
fn export_with_audio_applies_the_episode_s_remembered_map() {
    let home = tempfile::tempdir().expect("temp home");
    let audio = std::fs::canonicalize(fixture("audio/cbr.mp3")).expect("audio fixture");
    let state_dir = home.path().join("config/readalong");
    std::fs::create_dir_all(&state_dir).expect("state dir");
    let state = serde_json::json!({
        "episodes": {
            audio.to_str().expect("utf-8 path"): {
                "position_secs": 3.0,
                "offset_ms": 250,
                "sync_points": [{"transcript_secs": 14.5, "audio_secs": 20.0}]
            }
        }
    });
    std::fs::write(state_dir.join("state.json"), state.to_string()).expect("write state");
    let file = fixture("episode/interview.vtt");
    let file = file.to_str().expect("utf-8 path");
    let audio = audio.to_str().expect("utf-8 path");
    let out = readalong_in(
        home.path(),
        &["export", file, "--to", "vtt", "--audio", audio],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // Every cue is 5.5 s later, plus the 250 ms offset.
    assert_eq!(
        vtt_starts(&stdout(&out))[..2],
        ["00:00:06.750", "00:00:10.250"]
    );
    // --offset replaces the remembered offset; the remembered point stays.
    let out = readalong_in(
        home.path(),
        &[
            "export", file, "--to", "vtt", "--audio", audio, "--offset", "0",
        ],
    );
    assert_eq!(vtt_starts(&stdout(&out))[..1], ["00:00:06.500"]);
}

#[test]
fn at_is_a_transcript_time_checked_where_the_remembered_map_puts_it() {
    let home = tempfile::tempdir().expect("temp home");
    let audio = std::fs::canonicalize(fixture("audio/cbr.mp3")).expect("audio fixture");
    let state_dir = home.path().join("config/readalong");
    std::fs::create_dir_all(&state_dir).expect("state dir");
    let state = serde_json::json!({
        "episodes": {audio.to_str().expect("utf-8 path"): {"position_secs": 0.0, "offset_ms": 3500}}
    });
    std::fs::write(state_dir.join("state.json"), state.to_string()).expect("write state");
    // 1 s into the transcript is heard at 4.5 s, past the end of the 4 s audio.
    let out = readalong_in(
        home.path(),
        &[
            audio.to_str().expect("utf-8 path"),
            "--at",
            "1",
            "--no-audio",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("past the end"), "{}", stderr(&out));
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

#[test]
fn suggest_sync_says_when_there_is_nothing_to_find_and_why_it_cannot_look() {
    let dir = tempfile::tempdir().expect("temp dir");
    let short = dir.path().join("short.vtt");
    std::fs::write(&short, "WEBVTT\n\n00:00:00.100 --> 00:00:00.600\nHello.\n").expect("write");
    let audio = fixture("audio/small.wav");
    let audio = audio.to_str().expect("utf-8 path");
    let interview = fixture("episode/interview.vtt");
    let interview = interview.to_str().expect("utf-8 path");
    let short = short.to_str().expect("utf-8 path");
    // (transcript, audio, exit status, stdout, stderr)
    let cases = [
        (short, audio, 1, "no inserted blocks found\n", ""),
        (
            interview,
            audio,
            2,
            "",
            "the audio is shorter than the transcript",
        ),
        (interview, "/nonexistent/audio.mp3", 2, "", "not found"),
    ];
    for (transcript, audio, status, out, err) in cases {
        let got = readalong(&["suggest-sync", audio, transcript]);
        assert_eq!(got.status.code(), Some(status), "{audio} {transcript}");
        assert_eq!(stdout(&got), out);
        assert!(stderr(&got).contains(err), "{}", stderr(&got));
    }
    let json = readalong(&["suggest-sync", audio, short, "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(value["blocks"], serde_json::json!([]));
    assert_eq!(value["offsets_secs"].as_array().map(Vec::len), Some(1));
}
