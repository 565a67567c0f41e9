//! Listing a library's files: every audio and transcript file under a folder, at any depth,
//! without following folder links, skipping hidden folders, with a bound on what is visited.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::episode::{is_audio, is_transcript};
use crate::files::{self, FileError, FileKind};

/// The deepest folder level looked into.
const MAX_DEPTH: usize = 16;
/// The most folder entries looked at in one walk.
const MAX_ENTRIES: usize = 500_000;

/// A file's size and modification time: what tells a cached reading is still good.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Size in bytes.
    pub size_bytes: u64,
    /// Modification time, in nanoseconds since 1970.
    pub modified_ns: u64,
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &fs::Metadata) -> Stamp {
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Stamp {
            size_bytes: meta.len(),
            modified_ns,
        }
    }
}

/// A file found, with its stamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundFile {
    /// The file.
    pub path: PathBuf,
    /// Its size and time.
    pub stamp: Stamp,
}

/// What a walk found.
#[derive(Clone, Debug, Default)]
pub struct Found {
    /// Transcript files (by extension), sorted by path.
    pub transcripts: Vec<FoundFile>,
    /// Audio files (by extension), sorted by path.
    pub audio: Vec<FoundFile>,
    /// Files and folders that could not be looked at, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// True when the walk stopped early at its bound.
    pub truncated: bool,
}

impl Found {
    /// The folders (relative to nothing: as found) that hold any of the files.
    pub fn folders(&self) -> Vec<&Path> {
        let mut folders: Vec<&Path> = self
            .transcripts
            .iter()
            .chain(&self.audio)
            .filter_map(|f| f.path.parent())
            .collect();
        folders.sort();
        folders.dedup();
        folders
    }
}

/// Lists the audio (and, when `transcripts` is true, transcript) files under `root`.
/// Fails only when `root` itself cannot be read.
pub fn walk(root: &Path, transcripts: bool, cancel: &AtomicBool) -> Result<Found, FileError> {
    let mut found = Found::default();
    let mut entries_seen = 0usize;
    let mut stack: Vec<(PathBuf, usize)> = vec![(root.to_path_buf(), 0)];
    let mut first = true;
    while let Some((folder, depth)) = stack.pop() {
        if cancel.load(Ordering::Relaxed) {
            break;
        }
        let listing = match fs::read_dir(&folder) {
            Ok(listing) => listing,
            Err(e) if first => return Err(FileError::from_io(&folder, &e)),
            Err(e) => {
                found
                    .skipped
                    .push((folder.clone(), FileError::from_io(&folder, &e).to_string()));
                continue;
            }
        };
        first = false;
        for entry in listing.filter_map(Result::ok) {
            entries_seen += 1;
            if entries_seen > MAX_ENTRIES {
                found.truncated = true;
                break;
            }
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                if !hidden && depth < MAX_DEPTH {
                    stack.push((path, depth + 1));
                }
                continue;
            }
            let wanted_audio = is_audio(&path);
            let wanted_transcript = transcripts && is_transcript(&path);
            if hidden || !(wanted_audio || wanted_transcript) {
                continue;
            }
            match files::check_regular(&path) {
                Ok(meta) => {
                    let file = FoundFile {
                        path,
                        stamp: Stamp::of(&meta),
                    };
                    if wanted_audio {
                        found.audio.push(file);
                    } else {
                        found.transcripts.push(file);
                    }
                }
                // A link to a folder is not followed.
                Err(FileError::NotRegular {
                    kind: FileKind::Folder,
                    ..
                }) => {}
                Err(e) => found.skipped.push((path, e.to_string())),
            }
        }
        if found.truncated {
            break;
        }
    }
    found.transcripts.sort_by(|a, b| a.path.cmp(&b.path));
    found.audio.sort_by(|a, b| a.path.cmp(&b.path));
    found.skipped.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_at_any_depth_but_not_in_hidden_folders_or_through_links() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path();
        for name in [
            "a/1-x.vtt",
            "a/b/c/2-y.txt",
            "m/2.mp3",
            ".git/objects/3-z.vtt",
            "notes.md",
        ] {
            let path = root.join(name);
            fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            fs::write(&path, b"x").expect("write");
        }
        std::os::unix::fs::symlink(root, root.join("a/loop")).expect("link");
        std::os::unix::fs::symlink(root.join("missing.vtt"), root.join("dangling.vtt"))
            .expect("link");
        let found = walk(root, true, &AtomicBool::new(false)).expect("walk");
        let rel = |files: &[FoundFile]| -> Vec<String> {
            files
                .iter()
                .map(|f| {
                    f.path
                        .strip_prefix(root)
                        .expect("under root")
                        .display()
                        .to_string()
                })
                .collect()
        };
        assert_eq!(rel(&found.transcripts), vec!["a/1-x.vtt", "a/b/c/2-y.txt"]);
        assert_eq!(rel(&found.audio), vec!["m/2.mp3"]);
        assert_eq!(found.skipped.len(), 1, "{:?}", found.skipped);
        assert!(found.skipped[0].0.ends_with("dangling.vtt"));
        let only_audio = walk(root, false, &AtomicBool::new(false)).expect("walk");
        assert!(only_audio.transcripts.is_empty());
    }

    #[test]
    fn a_missing_root_is_an_error() {
        let err = walk(Path::new("/no/such/library"), true, &AtomicBool::new(false))
            .expect_err("missing");
        assert!(err.to_string().contains("/no/such/library"));
    }
}
