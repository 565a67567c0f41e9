//! A library of episodes: every episode under a folder (and in added audio folders), grouped by
//! number or slug, paired with its audio, described for the side panel, and searchable across
//! episodes. No UI here; `episode` stays the one-folder case.

pub mod background;
pub mod cache;
pub mod group;
pub mod naming;
pub mod search;
pub mod tags;
pub mod walk;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::audio;
use crate::episode::{self, EpisodeFiles};
use crate::files::FileError;
use crate::transcript::sync;
use cache::{AudioFacts, Cache, TranscriptFacts};
pub use group::PairedBy;
use group::{AudioName, Group};
pub use search::{EpisodeText, Hit, Query};
use walk::{Found, FoundFile};

/// How often a scan reports the episodes found so far.
const SNAPSHOT_EVERY: Duration = Duration::from_millis(250);

/// One episode of a library.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Episode {
    /// Its key: its number, else its slug.
    pub key: String,
    /// Its number.
    pub number: Option<u32>,
    /// Its title: from a transcript header, the audio's tag, or the file name made readable.
    pub title: String,
    /// Its transcripts, the one it opens with first.
    pub transcripts: Vec<PathBuf>,
    /// Its audio.
    pub audio: Option<PathBuf>,
    /// How its audio was found.
    pub paired_by: Option<PairedBy>,
    /// The audio's length, once read.
    #[serde(skip)]
    pub audio_duration: Option<Duration>,
    /// The start of the last line of the transcript it opens with, once read.
    #[serde(skip)]
    pub last_cue: Option<Duration>,
    /// When the audio and the transcript's lengths differ by more than two minutes, saying so.
    pub length_warning: Option<String>,
    /// Other things worth knowing (other audio claiming the episode).
    pub warnings: Vec<String>,
    /// Files of this episode that could not be read, with the reason.
    pub errors: Vec<String>,
}

impl Episode {
    /// Its length: the audio's, else the last line's start.
    pub fn duration(&self) -> Option<Duration> {
        self.audio_duration.or(self.last_cue)
    }

    /// The transcript formats it has, by file extension (`vtt`, `txt`), each once.
    pub fn formats(&self) -> Vec<String> {
        let mut formats: Vec<String> = self
            .transcripts
            .iter()
            .filter_map(|p| p.extension())
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .collect();
        formats.sort();
        formats.dedup();
        formats
    }

    /// The files to open, remembered under this library and this episode's key.
    pub fn files(&self, root: &Path) -> EpisodeFiles {
        let folder = self
            .transcripts
            .first()
            .or(self.audio.as_ref())
            .and_then(|p| p.parent())
            .unwrap_or(root)
            .to_path_buf();
        EpisodeFiles {
            folder,
            audio: self.audio.clone(),
            transcripts: self.transcripts.clone(),
            preferred: None,
            skipped: Vec::new(),
            remember_as: Some(episode_state_key(root, &self.key)),
            title: Some(self.title.clone()),
        }
    }

    /// True when `filter` (already folded) is in its number or its title.
    pub fn matches_filter(&self, folded_filter: &str) -> bool {
        if folded_filter.is_empty() {
            return true;
        }
        let number = self.number.map(|n| n.to_string()).unwrap_or_default();
        number.contains(folded_filter.trim_start_matches('#'))
            || crate::transcript::fold::fold(&self.title).contains(folded_filter)
    }
}

/// The key a library episode's place is remembered under.
pub fn episode_state_key(root: &Path, key: &str) -> PathBuf {
    PathBuf::from(format!("{}#{key}", root.display()))
}

/// A scanned library.
#[derive(Clone, Debug, Default)]
pub struct Library {
    /// The folder opened.
    pub root: PathBuf,
    /// Added folders of audio.
    pub audio_dirs: Vec<PathBuf>,
    /// Its episodes, newest (highest number) first.
    pub episodes: Vec<Episode>,
    /// Each episode's searchable text (`None` without a readable transcript), by episode index.
    pub texts: Vec<Option<Arc<EpisodeText>>>,
    /// Files that could not be looked at, with the reason.
    pub skipped: Vec<(PathBuf, String)>,
    /// Transcript-named files that are not transcripts (a README.txt), with the reason.
    pub ignored: Vec<(PathBuf, String)>,
    /// Whether the walk stopped at its bound.
    pub truncated: bool,
}

impl Library {
    /// The episode with this key.
    pub fn episode(&self, key: &str) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.key == key)
    }

    /// Searches every episode's richest transcript; hits come by episode (in the order given,
    /// newest first) then time.
    pub fn search(&self, query: &Query, cancelled: &dyn Fn() -> bool) -> Vec<Hit> {
        let texts: Vec<(usize, &EpisodeText)> = self
            .texts
            .iter()
            .enumerate()
            .filter_map(|(i, t)| Some((i, t.as_deref()?)))
            .collect();
        search::search(&texts, query, cancelled)
    }
}

/// What to scan.
#[derive(Clone, Debug, Default)]
pub struct ScanRequest {
    /// The library folder.
    pub root: PathBuf,
    /// Folders of audio to pair from as well.
    pub audio_dirs: Vec<PathBuf>,
    /// Pairings the listener fixed.
    pub fixes: BTreeMap<String, Option<PathBuf>>,
    /// The cache folder; `None` reads everything and keeps nothing.
    pub cache_dir: Option<PathBuf>,
    /// Read the audio files' tags and lengths (slow the first time: an MP3 is read through).
    pub read_audio: bool,
}

/// What a scan is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Listing folders.
    Listing,
    /// Reading transcripts.
    Transcripts,
    /// Reading audio tags and lengths.
    Audio,
    /// Finished.
    Done,
}

/// How far a scan has come.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What it is doing.
    pub phase: Phase,
    /// Files done in this phase.
    pub done: usize,
    /// Files in this phase.
    pub total: usize,
}

/// A scan's report: its progress, and now and then the episodes as known so far.
#[derive(Clone, Debug)]
pub struct ScanUpdate {
    /// How far it has come.
    pub progress: Progress,
    /// The episodes so far, when they changed.
    pub episodes: Option<Vec<Episode>>,
    /// The library, searchable, once every transcript is read (audio may still be read after).
    pub library: Option<Library>,
}

/// Whether a folder holds more than one episode (so it opens as a library), from names alone:
/// at least two episodes with transcripts, or, with no transcript at all, at least two audio
/// files. One folder with one audio file is one episode, whatever its transcripts are called, and
/// an episode folder's extra audio (a bonus clip, a WAV beside the MP3) does not make it a library.
pub fn is_library(root: &Path, cancel: &AtomicBool) -> Result<bool, FileError> {
    let found = walk::walk(root, true, cancel)?;
    if found.folders().len() <= 1 && found.audio.len() == 1 {
        return Ok(false);
    }
    if found.transcripts.is_empty() {
        return Ok(found.audio.len() > 1);
    }
    let with_transcripts = group_found(&found, &Facts::default(), &ScanRequest::default())
        .iter()
        .filter(|g| !g.transcripts.is_empty())
        .count();
    Ok(with_transcripts > 1)
}

/// Facts about one transcript file, read now.
fn read_transcript_facts(path: &Path) -> TranscriptFacts {
    match episode::read_transcript(path) {
        Ok(t) => {
            let mut text = String::new();
            for (i, cue) in t.cues.iter().enumerate() {
                if i > 0 {
                    text.push('\n');
                }
                text.extend(cue.text.chars().map(|c| if c == '\n' { ' ' } else { c }));
            }
            TranscriptFacts {
                error: None,
                format: t.format.name().to_owned(),
                format_richness: t.format.richness(),
                has_speakers: t.cues.iter().any(|c| c.speaker.is_some()),
                title: t.title.clone(),
                last_cue_ms: t.cues.last().map(|c| millis(c.start)),
                cue_count: t.cues.len(),
                starts_ms: t.cues.iter().map(|c| millis(c.start)).collect(),
                text,
                lines_dropped: false,
            }
        }
        Err(e) => TranscriptFacts {
            error: Some(format!("{e:#}")),
            ..TranscriptFacts::default()
        },
    }
}

/// Facts about one audio file, read now.
fn read_audio_facts(path: &Path) -> AudioFacts {
    let tags = tags::read_tags(path).unwrap_or_default();
    match audio::open_media(path, &mut |_| {}) {
        Ok(media) => AudioFacts {
            error: None,
            duration_ms: Some(millis(media.duration)),
            title: tags.title,
            album: tags.album,
        },
        Err(e) => AudioFacts {
            error: Some(e.to_string()),
            title: tags.title,
            album: tags.album,
            duration_ms: None,
        },
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Everything read so far, by path.
#[derive(Default)]
struct Facts {
    transcripts: HashMap<PathBuf, TranscriptFacts>,
    audio: HashMap<PathBuf, AudioFacts>,
}

/// Builds the episodes from groups and what has been read; groups whose every file is unreadable
/// as a transcript and that have no audio are not episodes (a README.txt), and go to `ignored`.
fn build_episodes(groups: &[Group], facts: &Facts) -> (Vec<Episode>, Vec<(PathBuf, String)>) {
    let mut episodes = Vec::new();
    let mut ignored = Vec::new();
    for g in groups {
        let mut transcripts = g.transcripts.clone();
        let read: Vec<Option<&TranscriptFacts>> = transcripts
            .iter()
            .map(|p| facts.transcripts.get(p))
            .collect();
        let all_failed =
            !read.is_empty() && read.iter().all(|f| f.is_some_and(|f| f.error.is_some()));
        if all_failed && g.audio.is_none() {
            for (path, f) in transcripts.iter().zip(&read) {
                if let Some(error) = f.and_then(|f| f.error.clone()) {
                    ignored.push((path.clone(), error));
                }
            }
            continue;
        }
        // Richest first, as an episode folder orders them.
        transcripts.sort_by_key(|p| {
            std::cmp::Reverse(facts.transcripts.get(p).map(TranscriptFacts::richness))
        });
        let richest = transcripts.first().and_then(|p| facts.transcripts.get(p));
        let audio_facts = g.audio.as_ref().and_then(|a| facts.audio.get(a));
        let title = richest
            .and_then(|f| f.title.clone())
            .or_else(|| audio_facts.and_then(|a| a.title.clone()))
            .unwrap_or_else(|| {
                let first = transcripts.first().or(g.audio.as_ref());
                let name = g
                    .names
                    .iter()
                    .find(|(p, _)| Some(p) == first)
                    .map_or(g.key.as_str(), |(_, n)| n.as_str());
                naming::readable_title(name)
            });
        let audio_duration = audio_facts
            .and_then(|a| a.duration_ms)
            .map(Duration::from_millis);
        let last_cue = richest
            .and_then(|f| f.last_cue_ms)
            .map(Duration::from_millis);
        let length_warning = audio_duration
            .zip(last_cue)
            .and_then(|(a, c)| sync::length_warning(a, c));
        let mut warnings = Vec::new();
        for extra in &g.extra_audio {
            warnings.push(format!(
                "{} also looks like this episode's audio",
                episode::file_name(extra)
            ));
        }
        let mut errors: Vec<String> = transcripts
            .iter()
            .filter_map(|p| facts.transcripts.get(p)?.error.clone())
            .collect();
        errors.extend(audio_facts.and_then(|a| a.error.clone()));
        episodes.push(Episode {
            key: g.key.clone(),
            number: g.number,
            title,
            transcripts,
            audio: g.audio.clone(),
            paired_by: g.paired_by,
            audio_duration,
            last_cue,
            length_warning,
            warnings,
            errors,
        });
    }
    sort_episodes(&mut episodes);
    (episodes, ignored)
}

/// Newest first: by number, highest first; episodes without a number after, by title.
pub fn sort_episodes(episodes: &mut [Episode]) {
    episodes.sort_by(|a, b| match (a.number, b.number) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.key.cmp(&b.key)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.title.cmp(&b.title).then_with(|| a.key.cmp(&b.key)),
    });
}

fn group_found(found: &Found, facts: &Facts, request: &ScanRequest) -> Vec<Group> {
    let transcripts: Vec<PathBuf> = found.transcripts.iter().map(|f| f.path.clone()).collect();
    let audio: Vec<AudioName> = found
        .audio
        .iter()
        .map(|f| AudioName {
            path: f.path.clone(),
            tag_title: facts.audio.get(&f.path).and_then(|a| a.title.clone()),
        })
        .collect();
    group::group(&transcripts, &audio, &request.fixes)
}

/// Lists the library and its audio folders into one `Found`.
fn list(request: &ScanRequest, cancel: &AtomicBool) -> Result<Found, FileError> {
    let mut found = walk::walk(&request.root, true, cancel)?;
    for dir in &request.audio_dirs {
        match walk::walk(dir, false, cancel) {
            Ok(more) => {
                found.audio.extend(more.audio);
                found.skipped.extend(more.skipped);
                found.truncated |= more.truncated;
            }
            Err(e) => found.skipped.push((dir.clone(), e.to_string())),
        }
    }
    found.audio.sort_by(|a, b| a.path.cmp(&b.path));
    found.audio.dedup_by(|a, b| a.path == b.path);
    Ok(found)
}

/// Scans a library: lists it, reads every transcript (and, when asked, every audio file's tag
/// and length), using and refreshing the cache. Reports progress and the episodes as they fill
/// in; a cancelled scan returns what it has. Fails only when the folder cannot be read.
pub fn scan(
    request: &ScanRequest,
    cancel: &AtomicBool,
    report: &mut dyn FnMut(ScanUpdate),
) -> Result<Library, FileError> {
    let progress = |phase, done, total| Progress { phase, done, total };
    report(ScanUpdate {
        progress: progress(Phase::Listing, 0, 0),
        episodes: None,
        library: None,
    });
    let found = list(request, cancel)?;
    let mut cache = match &request.cache_dir {
        Some(dir) => cache::load(dir, &request.root),
        None => Cache::new(),
    };
    let cached_files = cache.len();
    let mut facts = Facts::default();
    // What the cache knows already shapes the first list (tag titles pair UUID-named audio).
    for f in &found.audio {
        if let Some(a) = cache.take_audio(&f.path, f.stamp) {
            facts.audio.insert(f.path.clone(), a);
        }
    }
    let groups = group_found(&found, &facts, request);
    report(ScanUpdate {
        progress: progress(Phase::Transcripts, 0, found.transcripts.len()),
        episodes: Some(build_episodes(&groups, &facts).0),
        library: None,
    });
    let mut last_snapshot = Instant::now();
    let mut read_now = 0usize;
    let mut read_phase = |phase: Phase,
                          files: &[FoundFile],
                          facts: &mut Facts,
                          cache: &mut Cache,
                          report: &mut dyn FnMut(ScanUpdate)| {
        for (i, f) in files.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                return;
            }
            match phase {
                Phase::Transcripts => {
                    let read = cache.take_transcript(&f.path, f.stamp).unwrap_or_else(|| {
                        read_now += 1;
                        read_transcript_facts(&f.path)
                    });
                    facts.transcripts.insert(f.path.clone(), read);
                }
                _ => {
                    if facts.audio.contains_key(&f.path) {
                        continue;
                    }
                    read_now += 1;
                    facts
                        .audio
                        .insert(f.path.clone(), read_audio_facts(&f.path));
                }
            }
            let snapshot = last_snapshot.elapsed() >= SNAPSHOT_EVERY;
            if snapshot {
                last_snapshot = Instant::now();
            }
            report(ScanUpdate {
                progress: progress(phase, i + 1, files.len()),
                episodes: snapshot.then(|| build_episodes(&groups, facts).0),
                library: None,
            });
        }
    };
    read_phase(
        Phase::Transcripts,
        &found.transcripts,
        &mut facts,
        &mut cache,
        report,
    );
    let mut texts = HashMap::new();
    if request.read_audio {
        // Searchable now; the audio's tags and lengths follow.
        let library = assemble(request, &found, &mut facts, &mut texts);
        report(ScanUpdate {
            progress: progress(Phase::Audio, 0, found.audio.len()),
            episodes: None,
            library: Some(library),
        });
        read_phase(Phase::Audio, &found.audio, &mut facts, &mut cache, report);
    }
    let library = assemble(request, &found, &mut facts, &mut texts);
    if let Some(dir) = &request.cache_dir
        && !cancel.load(Ordering::Relaxed)
    {
        // The cache is what was read, for the files there are now.
        let mut fresh = Cache::new();
        for f in &found.transcripts {
            if let Some(t) = facts.transcripts.remove(&f.path)
                && t.error.is_none()
            {
                fresh.put_transcript(&f.path, f.stamp, t);
            }
        }
        for f in &found.audio {
            if let Some(a) = facts.audio.remove(&f.path) {
                fresh.put_audio(&f.path, f.stamp, a);
            }
        }
        if (read_now > 0 || fresh.len() != cached_files)
            && let Err(e) = cache::save(dir, &request.root, &fresh)
        {
            log::warn!("cannot write the library cache in {}: {e}", dir.display());
        }
    }
    report(ScanUpdate {
        progress: progress(
            Phase::Done,
            found.transcripts.len(),
            found.transcripts.len(),
        ),
        episodes: Some(library.episodes.clone()),
        library: None,
    });
    Ok(library)
}

/// The library as read so far: episodes grouped again (tag titles read may pair audio the names
/// could not) and each episode's searchable text, folded once per transcript. Only the lines of
/// the transcript each episode opens with are kept; a transcript whose lines were dropped before
/// is read again when it becomes the one an episode opens with.
fn assemble(
    request: &ScanRequest,
    found: &Found,
    facts: &mut Facts,
    texts: &mut HashMap<PathBuf, Arc<EpisodeText>>,
) -> Library {
    let groups = group_found(found, facts, request);
    let (episodes, ignored) = build_episodes(&groups, facts);
    let mut episode_texts = Vec::with_capacity(episodes.len());
    for e in &episodes {
        for other in e.transcripts.iter().skip(1) {
            if let Some(f) = facts.transcripts.get_mut(other) {
                f.drop_lines();
            }
        }
        let text = e.transcripts.first().and_then(|path| {
            if let Some(text) = texts.get(path) {
                return Some(text.clone());
            }
            let f = facts.transcripts.get_mut(path)?;
            if f.lines_dropped {
                *f = read_transcript_facts(path);
            }
            if f.error.is_some() {
                return None;
            }
            let text = Arc::new(EpisodeText::new(
                path.clone(),
                f.starts_ms.clone(),
                f.text.clone(),
            ));
            texts.insert(path.clone(), text.clone());
            Some(text)
        });
        episode_texts.push(text);
    }
    Library {
        root: request.root.clone(),
        audio_dirs: request.audio_dirs.clone(),
        episodes,
        texts: episode_texts,
        skipped: found.skipped.clone(),
        ignored,
        truncated: found.truncated,
    }
}

#[cfg(test)]
mod tests;
