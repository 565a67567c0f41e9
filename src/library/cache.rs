//! The library cache: what reading each transcript and audio file found, kept in the user's
//! cache folder and trusted per file only while its size and modification time are unchanged.
//! A damaged or older cache is rebuilt, never trusted.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::walk::Stamp;
use crate::files;

/// The cache format; a cache of another version is ignored.
const VERSION: u32 = 2;
/// The largest cache file read (a library of many thousand episodes fits well below this).
const MAX_CACHE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// What reading one transcript found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TranscriptFacts {
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
    /// The format's name.
    pub format: String,
    /// The format's richness (see `Format::richness`).
    pub format_richness: u8,
    /// True when any cue names its speaker.
    pub has_speakers: bool,
    /// The title its header gives.
    pub title: Option<String>,
    /// The start of the last cue, in milliseconds.
    pub last_cue_ms: Option<u64>,
    /// How many cues it has.
    pub cue_count: usize,
    /// The start of each line, in milliseconds (empty once dropped).
    pub starts_ms: Vec<u64>,
    /// The text of each line, one per entry of `starts_ms`, joined by newlines (empty once dropped).
    pub text: String,
    /// True when the lines were dropped (it is not the transcript its episode opens with).
    #[serde(default)]
    pub lines_dropped: bool,
}

impl TranscriptFacts {
    /// How rich it is, for choosing the one an episode opens with: readable, named speakers, the
    /// richer format, more lines (as `episode::read_choices` orders them).
    pub fn richness(&self) -> (bool, bool, u8, usize) {
        (
            self.error.is_none(),
            self.has_speakers,
            self.format_richness,
            self.cue_count,
        )
    }

    /// Forgets the lines (kept only for the transcript an episode opens with).
    pub fn drop_lines(&mut self) {
        if !self.lines_dropped {
            self.starts_ms = Vec::new();
            self.text = String::new();
            self.lines_dropped = true;
        }
    }
}

/// What reading one audio file found.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AudioFacts {
    /// Why it could not be read, when it could not.
    pub error: Option<String>,
    /// Its length, in milliseconds.
    pub duration_ms: Option<u64>,
    /// Its tag's title.
    pub title: Option<String>,
    /// Its tag's album.
    pub album: Option<String>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Entry<T> {
    stamp: Stamp,
    facts: T,
}

/// The cache of one library.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Cache {
    version: u32,
    transcripts: BTreeMap<PathBuf, Entry<TranscriptFacts>>,
    audio: BTreeMap<PathBuf, Entry<AudioFacts>>,
}

impl Cache {
    /// An empty cache.
    pub fn new() -> Cache {
        Cache {
            version: VERSION,
            ..Cache::default()
        }
    }

    /// The facts kept for `path`, if its stamp still matches.
    pub fn transcript(&self, path: &Path, stamp: Stamp) -> Option<&TranscriptFacts> {
        self.transcripts
            .get(path)
            .filter(|e| e.stamp == stamp)
            .map(|e| &e.facts)
    }

    /// Takes the facts kept for `path` out of the cache, if its stamp still matches.
    pub fn take_transcript(&mut self, path: &Path, stamp: Stamp) -> Option<TranscriptFacts> {
        let entry = self.transcripts.remove(path)?;
        (entry.stamp == stamp).then_some(entry.facts)
    }

    /// Takes the facts kept for the audio at `path` out of the cache, if its stamp still matches.
    pub fn take_audio(&mut self, path: &Path, stamp: Stamp) -> Option<AudioFacts> {
        let entry = self.audio.remove(path)?;
        (entry.stamp == stamp).then_some(entry.facts)
    }

    /// Keeps the facts for a transcript.
    pub fn put_transcript(&mut self, path: &Path, stamp: Stamp, facts: TranscriptFacts) {
        self.transcripts
            .insert(path.to_path_buf(), Entry { stamp, facts });
    }

    /// Keeps the facts for an audio file.
    pub fn put_audio(&mut self, path: &Path, stamp: Stamp, facts: AudioFacts) {
        self.audio
            .insert(path.to_path_buf(), Entry { stamp, facts });
    }

    /// Drops entries for files no longer in the library.
    pub fn retain(&mut self, transcripts: &[&Path], audio: &[&Path]) {
        self.transcripts
            .retain(|p, _| transcripts.binary_search(&p.as_path()).is_ok());
        self.audio
            .retain(|p, _| audio.binary_search(&p.as_path()).is_ok());
    }

    /// How many files it holds facts for.
    pub fn len(&self) -> usize {
        self.transcripts.len() + self.audio.len()
    }

    /// True when it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where Readalong keeps its caches: `$XDG_CACHE_HOME/readalong` (by default `~/.cache/readalong`).
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "readalong").map(|d| d.cache_dir().to_path_buf())
}

/// A stable 64-bit FNV-1a hash, for naming a library's cache file after its folder.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The cache file of the library at `root`, in the cache folder `dir`.
pub fn file_for(dir: &Path, root: &Path) -> PathBuf {
    let hash = fnv1a(root.as_os_str().as_encoded_bytes());
    dir.join("libraries").join(format!("{hash:016x}.json"))
}

/// Reads the cache of the library at `root`. Anything wrong (missing, damaged, another version)
/// gives an empty cache.
pub fn load(dir: &Path, root: &Path) -> Cache {
    let path = file_for(dir, root);
    let Ok(bytes) = files::read_bounded(&path, MAX_CACHE_BYTES, "library cache") else {
        return Cache::new();
    };
    match serde_json::from_slice::<Cache>(&bytes) {
        Ok(cache) if cache.version == VERSION => cache,
        _ => Cache::new(),
    }
}

/// Writes the cache of the library at `root` atomically (a temporary file, then a rename).
pub fn save(dir: &Path, root: &Path, cache: &Cache) -> std::io::Result<()> {
    let path = file_for(dir, root);
    let folder = path.parent().unwrap_or(dir);
    fs::create_dir_all(folder)?;
    let tmp = path.with_extension(format!("tmp-{}", std::process::id()));
    let bytes = serde_json::to_vec(cache).map_err(std::io::Error::other)?;
    let written = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, &path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(size_bytes: u64) -> Stamp {
        Stamp {
            size_bytes,
            modified_ns: 7,
        }
    }

    #[test]
    fn a_saved_cache_is_read_back_and_trusted_only_for_unchanged_files() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = Path::new("/library");
        let mut cache = Cache::new();
        let facts = TranscriptFacts {
            format: "WebVTT".into(),
            cue_count: 2,
            starts_ms: vec![0, 1500],
            text: "one\ntwo".into(),
            ..TranscriptFacts::default()
        };
        cache.put_transcript(Path::new("/library/1.vtt"), stamp(10), facts.clone());
        save(dir.path(), root, &cache).expect("save");
        let read = load(dir.path(), root);
        assert_eq!(
            read.transcript(Path::new("/library/1.vtt"), stamp(10)),
            Some(&facts)
        );
        assert_eq!(
            read.transcript(Path::new("/library/1.vtt"), stamp(11)),
            None
        );
        // Another library has its own file.
        assert!(load(dir.path(), Path::new("/other")).is_empty());
    }

    #[test]
    fn a_damaged_or_old_cache_is_not_trusted() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = Path::new("/library");
        let path = file_for(dir.path(), root);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        for text in [
            "{not json",
            r#"{"version":1,"transcripts":{},"audio":{}}"#,
            "",
            r#"{"version":2,"transcripts":{"/x":{"stamp":"bad"}},"audio":{}}"#,
        ] {
            fs::write(&path, text).expect("write");
            assert!(load(dir.path(), root).is_empty(), "{text}");
        }
    }
}
