//! Scanning small libraries built in temporary folders.

use std::fs;
use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, SystemTime};

use super::*;

fn write(root: &Path, name: &str, text: &str) {
    let path = root.join(name);
    fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    fs::write(path, text).expect("write");
}

fn vtt(lines: &[(u32, &str)]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for (secs, text) in lines {
        out.push_str(&format!(
            "00:00:{secs:02}.000 --> 00:00:{:02}.000\n{text}\n\n",
            secs + 1
        ));
    }
    out
}

fn scan_all(root: &Path, cache_dir: Option<&Path>) -> Library {
    let request = ScanRequest {
        root: root.to_path_buf(),
        cache_dir: cache_dir.map(Path::to_path_buf),
        ..ScanRequest::default()
    };
    scan(&request, &AtomicBool::new(false), &mut |_| {}).expect("scan")
}

fn a_library(root: &Path) {
    write(
        root,
        "transcripts/1-first-steps.vtt",
        &vtt(&[(1, "<v Ann>Hello café"), (5, "<v Bob>Don’t panic")]),
    );
    write(
        root,
        "transcripts/1-first-steps.txt",
        "00:00:01 Hello cafe\n00:00:05 Don't panic\n",
    );
    write(
        root,
        "transcripts/2-second-show.txt",
        "00:00:02 A second hello\n00:01:09 The end\n",
    );
    write(
        root,
        "youtube/2-the-second-show.vtt",
        &vtt(&[(2, "a second hello")]),
    );
    write(
        root,
        "transcripts/README.txt",
        "This repository holds transcripts.\n",
    );
}

#[test]
fn groups_titles_and_searches_a_library() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    a_library(root);
    let library = scan_all(root, None);
    let summary: Vec<(&str, Option<u32>, &str, usize)> = library
        .episodes
        .iter()
        .map(|e| {
            (
                e.key.as_str(),
                e.number,
                e.title.as_str(),
                e.transcripts.len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("2", Some(2), "The second show", 2),
            ("1", Some(1), "First steps", 2)
        ]
    );
    let first = library.episode("1").expect("episode 1");
    assert!(
        first.transcripts[0].ends_with("1-first-steps.vtt"),
        "the richest (named speakers) opens first: {:?}",
        first.transcripts
    );
    assert_eq!(first.formats(), vec!["txt", "vtt"]);
    assert_eq!(first.last_cue, Some(Duration::from_secs(5)));
    assert_eq!(
        library.episode("2").and_then(Episode::duration),
        Some(Duration::from_secs(2))
    );
    assert_eq!(library.ignored.len(), 1, "{:?}", library.ignored);
    assert!(library.ignored[0].0.ends_with("README.txt"));
    let hits = |q: &str| -> Vec<(String, u64)> {
        library
            .search(&Query::parse(q), &|| false)
            .into_iter()
            .map(|h| (library.episodes[h.episode].key.clone(), h.start.as_secs()))
            .collect()
    };
    // Each episode is searched once, in the transcript it opens with.
    assert_eq!(hits("hello"), vec![("2".into(), 2), ("1".into(), 1)]);
    assert_eq!(hits("dont"), Vec::<(String, u64)>::new());
    assert_eq!(hits("don't cafe"), Vec::<(String, u64)>::new());
    assert_eq!(hits("don't"), vec![("1".into(), 5)]);
    assert_eq!(hits("CAFE"), vec![("1".into(), 1)]);
}

/// Rewrites a file with text of the same size, keeping (`None`) or changing its time.
fn rewrite(path: &Path, text: &str, modified: Option<SystemTime>) {
    let before = fs::metadata(path).expect("meta");
    assert_eq!(before.len(), text.len() as u64, "same size");
    fs::write(path, text).expect("write");
    let time = modified.unwrap_or_else(|| before.modified().expect("mtime"));
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(time))
        .expect("set mtime");
}

fn lines_of(library: &Library, key: &str) -> Vec<String> {
    let i = library
        .episodes
        .iter()
        .position(|e| e.key == key)
        .expect("episode");
    let text = library.texts[i].as_ref().expect("text");
    (0..text.len())
        .filter_map(|l| text.line(l).map(str::to_owned))
        .collect()
}

#[test]
fn the_cache_is_used_while_size_and_time_are_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("cache dir");
    let root = dir.path();
    a_library(root);
    let path = root.join("youtube/2-the-second-show.vtt");
    assert_eq!(
        lines_of(&scan_all(root, Some(cache.path())), "2"),
        vec!["a second hello"]
    );
    rewrite(&path, &vtt(&[(2, "a second HELLO")]), None);
    assert_eq!(
        lines_of(&scan_all(root, Some(cache.path())), "2"),
        vec!["a second hello"],
        "an unchanged size and time: the cached reading"
    );
    rewrite(
        &path,
        &vtt(&[(2, "a second HELLO")]),
        Some(SystemTime::now() + Duration::from_secs(5)),
    );
    assert_eq!(
        lines_of(&scan_all(root, Some(cache.path())), "2"),
        vec!["a second HELLO"],
        "a new time: read again"
    );
    // A damaged cache is rebuilt.
    fs::write(cache::file_for(cache.path(), root), "{damaged").expect("write");
    assert_eq!(
        lines_of(&scan_all(root, Some(cache.path())), "2"),
        vec!["a second HELLO"]
    );
    assert!(!cache::load(cache.path(), root).is_empty(), "written again");
}

#[test]
fn audio_in_another_folder_pairs_and_the_listeners_fix_is_kept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let audio = tempfile::tempdir().expect("audio dir");
    let root = dir.path();
    a_library(root);
    write(audio.path(), "Show - 1.mp3", "not really audio");
    write(audio.path(), "the-second-show.8841.mp3", "not really audio");
    let mut request = ScanRequest {
        root: root.to_path_buf(),
        audio_dirs: vec![audio.path().to_path_buf()],
        read_audio: true,
        ..ScanRequest::default()
    };
    let library = scan(&request, &AtomicBool::new(false), &mut |_| {}).expect("scan");
    let first = library.episode("1").expect("1");
    assert_eq!(
        first.audio.as_deref(),
        Some(audio.path().join("Show - 1.mp3").as_path())
    );
    assert_eq!(first.paired_by, Some(PairedBy::Number));
    assert!(
        first.errors.iter().any(|e| e.contains("Show - 1.mp3")),
        "a broken audio file is listed: {:?}",
        first.errors
    );
    let second = library.episode("2").expect("2");
    assert_eq!(second.paired_by, Some(PairedBy::Title));
    request
        .fixes
        .insert("2".into(), Some(audio.path().join("Show - 1.mp3")));
    request.fixes.insert("1".into(), None);
    let fixed = scan(&request, &AtomicBool::new(false), &mut |_| {}).expect("scan");
    assert_eq!(fixed.episode("1").and_then(|e| e.audio.clone()), None);
    assert_eq!(
        fixed.episode("2").and_then(|e| e.paired_by),
        Some(PairedBy::Chosen)
    );
}

#[test]
fn what_opens_as_a_library() {
    let cases: &[(&[&str], bool)] = &[
        (&["ep.mp3", "notes.srt", "other.txt"], false),
        (&["518-x.mp3", "518-x.vtt", "518-x.txt"], false),
        (&["1-a.vtt", "2-b.vtt"], true),
        (&["a/1-a.vtt", "b/1-a.mp3"], false),
        (&["a.mp3", "b.mp3"], true),
        (&["episode.mp3", "episode.vtt", "truth.wav"], false),
        (&["ep/a.mp3", "ep/a.vtt", "ep/bonus.mp3"], false),
        (&["x/1-a.vtt", "y/2-b.vtt"], true),
    ];
    for (names, want) in cases {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in *names {
            write(dir.path(), name, "x");
        }
        assert_eq!(
            is_library(dir.path(), &AtomicBool::new(false)).expect("walk"),
            *want,
            "{names:?}"
        );
    }
}

#[test]
fn an_audio_far_longer_than_its_transcript_is_warned_about() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    a_library(root);
    // The fixture's audio lasts seconds; a transcript whose last line starts at 3 minutes.
    write(
        root,
        "transcripts/3-long.txt",
        "00:00:01 Start\n00:03:00 Later\n",
    );
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/cbr.mp3"),
        root.join("transcripts/3-long.mp3"),
    )
    .expect("copy");
    let request = ScanRequest {
        root: root.to_path_buf(),
        read_audio: true,
        ..ScanRequest::default()
    };
    let library = scan(&request, &AtomicBool::new(false), &mut |_| {}).expect("scan");
    let warning = library
        .episode("3")
        .and_then(|e| e.length_warning.clone())
        .expect("a length warning");
    assert!(warning.contains("shorter than the transcript"), "{warning}");
    assert_eq!(
        library.episode("1").and_then(|e| e.length_warning.clone()),
        None
    );
}

#[test]
fn a_folder_per_episode_with_files_named_alike() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    for folder in ["518 - Django birthday", "519 - Flask tips"] {
        write(
            root,
            &format!("{folder}/transcript.vtt"),
            &vtt(&[(1, "Hello")]),
        );
        write(root, &format!("{folder}/episode.mp3"), "not really audio");
    }
    assert!(is_library(root, &AtomicBool::new(false)).expect("walk"));
    let library = scan_all(root, None);
    let summary: Vec<(&str, &str, Option<PairedBy>)> = library
        .episodes
        .iter()
        .map(|e| (e.key.as_str(), e.title.as_str(), e.paired_by))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("519", "Flask tips", Some(PairedBy::SameFolder)),
            ("518", "Django birthday", Some(PairedBy::SameFolder)),
        ]
    );
}

#[test]
fn a_transcript_whose_lines_were_not_kept_is_read_again_when_it_becomes_the_one_opened() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = tempfile::tempdir().expect("cache dir");
    let root = dir.path();
    a_library(root);
    let first = scan_all(root, Some(cache.path()));
    assert!(first.episode("1").expect("1").transcripts[0].ends_with("1-first-steps.vtt"));
    // Only the lines of the transcript an episode opens with are kept in the cache.
    let kept = cache::load(cache.path(), root);
    let txt = root.join("transcripts/1-first-steps.txt");
    let stamp = walk::Stamp::of(&fs::metadata(&txt).expect("meta"));
    assert!(kept.transcript(&txt, stamp).expect("cached").lines_dropped);
    fs::remove_file(root.join("transcripts/1-first-steps.vtt")).expect("remove");
    let after = scan_all(root, Some(cache.path()));
    assert!(after.episode("1").expect("1").transcripts[0].ends_with("1-first-steps.txt"));
    assert_eq!(
        lines_of(&after, "1"),
        vec!["Hello cafe".to_owned(), "Don't panic".to_owned()]
    );
}
