//! Finds and reads an episode's chapters (on the thread that reads the episode): a Podcasting 2.0
//! chapters JSON beside the audio (`<audio stem>.chapters.json`, else `chapters.json`), else the
//! ID3 `CHAP` frames of the audio itself. The parsing is in [`crate::transcript::chapters`].

use std::path::{Path, PathBuf};

use crate::files;
use crate::transcript::chapters::{self, Chapter};

/// The largest chapters JSON read.
const MAX_CHAPTERS_JSON_BYTES: u64 = 4 * 1024 * 1024;

/// An episode's chapters and where they came from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpisodeChapters {
    /// The chapters, sorted by start (audio times).
    pub chapters: Vec<Chapter>,
    /// The file they were read from.
    pub source: Option<PathBuf>,
    /// What was wrong with a chapters file that could not be read, for the status bar.
    pub problem: Option<String>,
}

/// True for a file named as a chapters JSON (`chapters.json`, `x.chapters.json`): it is not a
/// transcript.
pub fn is_chapters_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|n| n == "chapters.json" || n.ends_with(".chapters.json"))
}

/// The chapters JSON files that may belong to `audio`, the most specific first.
fn json_candidates(audio: &Path) -> Vec<PathBuf> {
    let folder = audio.parent().unwrap_or(Path::new("."));
    let mut candidates = Vec::new();
    if let Some(stem) = audio.file_stem() {
        let mut name = stem.to_os_string();
        name.push(".chapters.json");
        candidates.push(folder.join(name));
    }
    candidates.push(folder.join("chapters.json"));
    candidates
}

/// Reads the chapters of the episode whose audio (or, without audio, whose transcript) is `media`.
/// A chapters JSON that exists but cannot be read is reported, and the audio's own chapters are
/// used instead.
pub fn read_chapters(media: &Path, is_audio: bool) -> EpisodeChapters {
    let mut problem = None;
    for candidate in json_candidates(media) {
        if !candidate.is_file() {
            continue;
        }
        let read = files::read_bounded(&candidate, MAX_CHAPTERS_JSON_BYTES, "chapters file")
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                chapters::parse_json(&bytes).map_err(|e| format!("{}: {e}", candidate.display()))
            });
        match read {
            Ok(chapters) => {
                return EpisodeChapters {
                    chapters,
                    source: Some(candidate),
                    problem: None,
                };
            }
            Err(e) => {
                problem.get_or_insert(format!("chapters not read: {e}"));
            }
        }
    }
    let chapters = if is_audio {
        files::open_regular(media)
            .map(|(mut file, _)| chapters::read_id3(&mut file))
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    EpisodeChapters {
        source: (!chapters.is_empty()).then(|| media.to_path_buf()),
        chapters,
        problem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::chapters::build;

    #[test]
    fn chapters_files_are_told_from_transcripts() {
        let cases = [
            ("chapters.json", true),
            ("518-django.chapters.json", true),
            ("Chapters.JSON", true),
            ("518-django.json", false),
            ("chapters.vtt", false),
        ];
        for (name, want) in cases {
            assert_eq!(is_chapters_file(Path::new(name)), want, "{name}");
        }
    }

    #[test]
    fn json_beside_the_audio_wins_over_its_tag_and_a_broken_one_is_reported() {
        let dir = tempfile::tempdir().expect("temp dir");
        let audio = dir.path().join("ep.mp3");
        let tag = build::tag(4, &[build::chap(4, "c1", 0, 10, Some("From the tag"))]);
        std::fs::write(&audio, tag).expect("write");
        let read = read_chapters(&audio, true);
        assert_eq!(read.chapters[0].title, "From the tag");
        assert_eq!(read.problem, None);

        std::fs::write(dir.path().join("chapters.json"), "{ not json").expect("write");
        let read = read_chapters(&audio, true);
        assert_eq!(read.chapters[0].title, "From the tag");
        assert!(
            read.problem
                .as_deref()
                .is_some_and(|p| p.contains("line 1")),
            "{:?}",
            read.problem
        );

        std::fs::write(
            dir.path().join("ep.chapters.json"),
            r#"{"version":"1.2.0","chapters":[{"startTime":5,"title":"From JSON"}]}"#,
        )
        .expect("write");
        let read = read_chapters(&audio, true);
        assert_eq!(read.chapters[0].title, "From JSON");
        assert_eq!(read.source, Some(dir.path().join("ep.chapters.json")));
    }
}
