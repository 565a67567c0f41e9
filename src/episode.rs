//! What an episode folder holds: finding its audio and its transcripts, and reading them.

use std::fs;
use std::path::{Path, PathBuf};

use anyhow::bail;

use crate::files::{self, FileError};
use crate::transcript::{self, Transcript};

/// File extensions Readalong plays.
pub const AUDIO_EXTENSIONS: &[&str] = &[
    "mp3", "m4a", "aac", "mp4", "ogg", "oga", "opus", "flac", "wav",
];

/// File extensions that may hold a transcript.
pub const TRANSCRIPT_EXTENSIONS: &[&str] = &["vtt", "srt", "txt", "json"];

/// The largest transcript file Readalong reads (200 MB); larger files are refused before reading.
pub const MAX_TRANSCRIPT_BYTES: u64 = transcript::MAX_FILE_BYTES as u64;

/// The files that make up one episode.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpisodeFiles {
    /// The folder the episode lives in.
    pub folder: PathBuf,
    /// The audio, if there is one.
    pub audio: Option<PathBuf>,
    /// Transcript candidates, the ones named like the audio first.
    pub transcripts: Vec<PathBuf>,
    /// The transcript the user opened by name, which is shown first whatever its richness.
    pub preferred: Option<PathBuf>,
    /// Files named like audio or transcripts that cannot be opened (a FIFO, a device, a dangling
    /// link), each with the reason, so the listener sees them instead of missing them silently.
    pub skipped: Vec<(PathBuf, String)>,
    /// The key its place is remembered under, when it is not the default (a library's episode).
    pub remember_as: Option<PathBuf>,
    /// Its title, when known before its transcripts are read (a library's episode).
    pub title: Option<String>,
}

impl EpisodeFiles {
    /// A stable key for remembering this episode (its audio, else its first transcript, else its folder).
    pub fn key(&self) -> PathBuf {
        if let Some(key) = &self.remember_as {
            return key.clone();
        }
        self.audio
            .clone()
            .or_else(|| self.transcripts.first().cloned())
            .unwrap_or_else(|| self.folder.clone())
    }

    /// A short name for the window title and the recent list.
    pub fn display_name(&self) -> String {
        if let Some(title) = &self.title {
            return title.clone();
        }
        let key = self
            .audio
            .clone()
            .or_else(|| self.transcripts.first().cloned())
            .unwrap_or_else(|| self.folder.clone());
        key.file_stem()
            .or_else(|| key.file_name())
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| key.display().to_string())
    }
}

/// A transcript candidate after reading: the file and what came of it.
#[derive(Clone, Debug)]
pub struct TranscriptChoice {
    /// The file.
    pub path: PathBuf,
    /// The transcript, or a one-line reason it could not be read. Shared, so the window can build its paragraphs
    /// on another thread without copying it.
    pub result: Result<std::sync::Arc<Transcript>, String>,
}

impl TranscriptChoice {
    /// A label for the switcher: file name and format.
    pub fn label(&self) -> String {
        let name = file_name(&self.path);
        match &self.result {
            Ok(t) => format!("{name} ({}, {} lines)", t.format, t.cues.len()),
            Err(_) => format!("{name} (unreadable)"),
        }
    }
}

/// The last part of `path` for people to read (the whole path when it has none).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn extension(path: &Path) -> Option<String> {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
}

fn has_extension(path: &Path, list: &[&str]) -> bool {
    extension(path).is_some_and(|e| list.contains(&e.as_str()))
}

/// True when `path` names a file Readalong would play.
pub fn is_audio(path: &Path) -> bool {
    has_extension(path, AUDIO_EXTENSIONS)
}

/// True when `path` names a file that may hold a transcript.
pub fn is_transcript(path: &Path) -> bool {
    has_extension(path, TRANSCRIPT_EXTENSIONS) && !crate::chapter_files::is_chapters_file(path)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The regular files in `folder`, sorted, and the episode-like names that are not regular files.
struct Listing {
    files: Vec<PathBuf>,
    skipped: Vec<(PathBuf, String)>,
}

fn list_folder(folder: &Path) -> anyhow::Result<Listing> {
    let entries = fs::read_dir(folder).map_err(|e| FileError::from_io(folder, &e))?;
    let mut listing = Listing {
        files: Vec::new(),
        skipped: Vec::new(),
    };
    for path in entries.filter_map(Result::ok).map(|e| e.path()) {
        match files::check_regular(&path) {
            Ok(_) => listing.files.push(path),
            Err(FileError::NotRegular {
                kind: files::FileKind::Folder,
                ..
            }) => {}
            Err(e) if is_audio(&path) || is_transcript(&path) => {
                listing.skipped.push((path, e.to_string()))
            }
            Err(_) => {}
        }
    }
    listing.files.sort();
    listing.skipped.sort();
    Ok(listing)
}

/// Transcripts in `files` that belong with `audio`: those named like it first; when the folder holds
/// a single audio file, the other transcripts too.
fn transcripts_for(audio: Option<&Path>, files: &[PathBuf]) -> Vec<PathBuf> {
    let transcripts: Vec<&PathBuf> = files.iter().filter(|p| is_transcript(p)).collect();
    let Some(audio) = audio else {
        return transcripts.into_iter().cloned().collect();
    };
    let audio_stem = stem(audio);
    let (mut named, others): (Vec<&PathBuf>, Vec<&PathBuf>) =
        transcripts.into_iter().partition(|p| stem(p) == audio_stem);
    let audio_count = files.iter().filter(|p| is_audio(p)).count();
    if audio_count <= 1 {
        named.extend(others);
    }
    named.into_iter().cloned().collect()
}

/// Finds the episode that `path` names: a folder, an audio file or a transcript file.
pub fn discover(path: &Path) -> anyhow::Result<EpisodeFiles> {
    let meta = fs::metadata(path).map_err(|e| FileError::from_io(path, &e))?;
    if meta.is_dir() {
        return discover_folder(path);
    }
    if !is_audio(path) && !is_transcript(path) {
        files::check_regular(path)?;
    }
    let folder = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let Listing {
        files: siblings,
        skipped,
    } = list_folder(if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        &folder
    })?;
    if is_audio(path) {
        let transcripts = transcripts_for(Some(path), &siblings);
        return Ok(EpisodeFiles {
            folder,
            audio: Some(path.to_path_buf()),
            transcripts,
            preferred: None,
            skipped,
            remember_as: None,
            title: None,
        });
    }
    let path_stem = stem(path);
    let audios: Vec<&PathBuf> = siblings.iter().filter(|p| is_audio(p)).collect();
    let audio = audios
        .iter()
        .find(|a| stem(a) == path_stem)
        .or(if audios.len() == 1 {
            audios.first()
        } else {
            None
        })
        .map(|a| a.to_path_buf());
    // The file the user named comes first; only transcripts named like it are offered beside it.
    let mut transcripts = vec![path.to_path_buf()];
    transcripts.extend(
        siblings
            .iter()
            .filter(|p| is_transcript(p) && *p != path && stem(p) == path_stem)
            .cloned(),
    );
    Ok(EpisodeFiles {
        folder,
        audio,
        transcripts,
        preferred: Some(path.to_path_buf()),
        skipped,
        remember_as: None,
        title: None,
    })
}

fn discover_folder(folder: &Path) -> anyhow::Result<EpisodeFiles> {
    let Listing { files, skipped } = list_folder(folder)?;
    let audios: Vec<&PathBuf> = files.iter().filter(|p| is_audio(p)).collect();
    // In a folder of several episodes, take the first audio that has a transcript named like it.
    let audio = audios
        .iter()
        .find(|a| files.iter().any(|t| is_transcript(t) && stem(t) == stem(a)))
        .or(audios.first())
        .map(|a| a.to_path_buf());
    let transcripts = transcripts_for(audio.as_deref(), &files);
    if audio.is_none() && transcripts.is_empty() {
        if let Some((_, reason)) = skipped.first() {
            bail!(
                "{} holds no episode that can be opened: {reason}",
                folder.display()
            );
        }
        bail!(
            "{} holds no audio and no transcript (looked for {} and {} files)",
            folder.display(),
            AUDIO_EXTENSIONS.join(", "),
            TRANSCRIPT_EXTENSIONS.join(", ")
        );
    }
    Ok(EpisodeFiles {
        folder: folder.to_path_buf(),
        audio,
        transcripts,
        preferred: None,
        skipped,
        remember_as: None,
        title: None,
    })
}

/// Reads and parses one transcript file. Errors name the file.
/// Reads and parses one transcript file. Errors name the file and say what is wrong in words:
/// not found, permission, not a regular file, too large, not a transcript, no cues.
pub fn read_transcript(path: &Path) -> anyhow::Result<Transcript> {
    let bytes = files::read_bounded(path, MAX_TRANSCRIPT_BYTES, "transcript")?;
    let ext = extension(path);
    let transcript = transcript::parse_with_hint(&bytes, ext.as_deref()).map_err(|e| {
        match foreign_kind(&bytes) {
            Some(kind) => anyhow::anyhow!(
                "{}: not a transcript (it looks like {kind})",
                path.display()
            ),
            None => anyhow::anyhow!("{}: {e}", path.display()),
        }
    })?;
    if transcript.cues.is_empty() {
        bail!(
            "{}: the transcript has no cues (no timed lines were found)",
            path.display()
        );
    }
    Ok(transcript)
}

/// What a file that failed to parse plainly is instead (an image, an archive, a web page).
fn foreign_kind(bytes: &[u8]) -> Option<&'static str> {
    let kind = files::sniff_foreign(&bytes[..bytes.len().min(512)])?;
    let text_like = kind.contains("transcript") || kind.contains("JSON");
    (!text_like).then_some(kind)
}

/// Reads every transcript candidate and orders them: the one the user named first, then richest
/// first (speakers over none, then the richer format, then more cues). Unreadable files go last.
pub fn read_choices(files: &EpisodeFiles) -> Vec<TranscriptChoice> {
    read_choices_until(files, &|| false)
}

/// Like [`read_choices`], but stops reading further files once `cancelled` says so.
pub fn read_choices_until(
    files: &EpisodeFiles,
    cancelled: &dyn Fn() -> bool,
) -> Vec<TranscriptChoice> {
    let mut choices: Vec<TranscriptChoice> = files
        .transcripts
        .iter()
        .take_while(|_| !cancelled())
        .map(|path| TranscriptChoice {
            path: path.clone(),
            result: read_transcript(path)
                .map(std::sync::Arc::new)
                .map_err(|e| format!("{e:#}")),
        })
        .collect();
    choices.sort_by_key(|c| {
        let named = files.preferred.as_ref() == Some(&c.path);
        std::cmp::Reverse((named, richness(c)))
    });
    choices
}

fn richness(choice: &TranscriptChoice) -> (bool, bool, u8, usize) {
    match &choice.result {
        Ok(t) => (
            true,
            t.cues.iter().any(|c| c.speaker.is_some()),
            t.format.richness(),
            t.cues.len(),
        ),
        Err(_) => (false, false, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder_with(names: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for name in names {
            fs::write(dir.path().join(name), b"x").expect("write");
        }
        dir
    }

    fn names(paths: &[PathBuf]) -> Vec<String> {
        paths.iter().map(|p| file_name(p)).collect()
    }

    /// Files in the folder, what is opened, the audio found, the transcripts found.
    type PairingCase<'a> = (&'a [&'a str], &'a str, Option<&'a str>, &'a [&'a str]);

    #[test]
    fn pairs_audio_with_transcripts_by_name() {
        let cases: &[PairingCase] = &[
            (
                &["518-x.mp3", "518-x.vtt", "518-x.txt"],
                ".",
                Some("518-x.mp3"),
                &["518-x.txt", "518-x.vtt"],
            ),
            (&["a.mp3", "notes.srt"], ".", Some("a.mp3"), &["notes.srt"]),
            (
                &["a.mp3", "b.mp3", "b.vtt", "a.txt"],
                ".",
                Some("a.mp3"),
                &["a.txt"],
            ),
            (&["a.mp3", "b.mp3", "b.vtt"], ".", Some("b.mp3"), &["b.vtt"]),
            (&["only.vtt"], ".", None, &["only.vtt"]),
            (&["only.mp3"], ".", Some("only.mp3"), &[]),
            (
                &["a.mp3", "b.mp3", "b.vtt"],
                "b.vtt",
                Some("b.mp3"),
                &["b.vtt"],
            ),
            (
                &["a.mp3", "b.mp3", "a.vtt", "b.vtt"],
                "a.mp3",
                Some("a.mp3"),
                &["a.vtt"],
            ),
            (
                &["ep.mp3", "ep.vtt", "ep.txt"],
                "ep.txt",
                Some("ep.mp3"),
                &["ep.txt", "ep.vtt"],
            ),
            (
                &["a.txt", "b.vtt", "a.vtt"],
                "a.txt",
                None,
                &["a.txt", "a.vtt"],
            ),
        ];
        for (files, open, want_audio, want_transcripts) in cases {
            let dir = folder_with(files);
            let target = if *open == "." {
                dir.path().to_path_buf()
            } else {
                dir.path().join(open)
            };
            let found = discover(&target).expect("discover");
            assert_eq!(
                found.audio.as_deref().map(file_name).as_deref(),
                *want_audio,
                "{files:?} open {open}"
            );
            assert_eq!(
                names(&found.transcripts),
                *want_transcripts,
                "{files:?} open {open}"
            );
        }
    }

    #[test]
    fn the_transcript_named_by_the_user_is_shown_first() {
        let dir = tempfile::tempdir().expect("temp dir");
        let plain = dir.path().join("ep.txt");
        fs::write(&plain, "00:00:01 Hello there.\n").expect("write");
        fs::write(
            dir.path().join("ep.vtt"),
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hello there.\n",
        )
        .expect("write");
        let by_folder = read_choices(&discover(dir.path()).expect("folder"));
        assert_eq!(
            file_name(&by_folder[0].path),
            "ep.vtt",
            "the richest first when a folder is opened"
        );
        let by_name = read_choices(&discover(&plain).expect("file"));
        assert_eq!(
            file_name(&by_name[0].path),
            "ep.txt",
            "the named file first"
        );
        assert_eq!(by_name.len(), 2);
    }

    #[test]
    fn an_empty_folder_is_an_error() {
        let dir = folder_with(&["readme.md"]);
        let err = discover(dir.path()).expect_err("no episode");
        assert!(format!("{err}").contains("no audio and no transcript"));
    }

    #[test]
    fn a_missing_path_is_an_error_that_names_it() {
        let err = discover(Path::new("/no/such/episode")).expect_err("missing");
        assert!(format!("{err}").contains("/no/such/episode"));
    }
}
