//! What Readalong remembers between runs (settings, recent episodes, where each episode was left):
//! one JSON file in the user's config folder, written atomically, read tolerantly.
//!
//! Writing: the new state goes to a temporary file beside the real one, is flushed to disk, the
//! current file becomes `state.json.bak` (the previous good copy) and the temporary file is
//! renamed over `state.json`. A kill at any moment leaves either file whole.
//!
//! Reading: every part that parses is kept. One bad episode entry never drops the others. A file
//! that does not parse at all is moved aside (never deleted) and the previous good copy is read
//! instead. Either way the listener is told once.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::files;
use crate::transcript::sync::{SyncMap, SyncPoint};

/// The state file's name inside Readalong's config folder.
pub const STATE_FILE: &str = "state.json";
/// The previous good copy, kept beside it.
pub const BACKUP_FILE: &str = "state.json.bak";
/// The largest state file read; a bigger one is not Readalong's.
const MAX_STATE_BYTES: u64 = 64 * 1024 * 1024;

/// How many recent episodes the File menu lists.
pub const MAX_RECENT: usize = 10;
/// The smallest and largest transcript text size, in points.
pub const FONT_SIZE_RANGE: std::ops::RangeInclusive<f32> = 10.0..=40.0;
/// The most that resuming after a long pause backs up, in seconds.
pub const MAX_BACK_UP_SECS: u32 = 60;
/// The longest skip, in seconds.
pub const MAX_SKIP_SECS: u32 = 600;
/// The slowest and fastest playback speed.
pub use crate::audio::SPEED_RANGE;

/// Settings that are not tied to one episode. Unknown or missing fields fall back to defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Transcript text size in points.
    pub font_size_pts: f32,
    /// Playback speed for an episode that has none of its own, 0.5 to 3.
    pub speed: f32,
    /// Volume, 0 to 1.
    pub volume: f32,
    /// Show the transcript as paragraphs (true) or as its lines were published (false).
    pub paragraph_view: bool,
    /// Light or dark, or as the system says.
    pub theme: ThemeChoice,
    /// How far playing backs up when it resumes after a pause of over a minute, in seconds (0: off).
    pub back_up_after_pause_secs: u32,
    /// How far Left (and the back button) skips back, in seconds.
    pub skip_back_secs: u32,
    /// How far Right (and the forward button) skips forward, in seconds.
    pub skip_forward_secs: u32,
}

/// The colours the window uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    /// Follow the system's light or dark preference.
    #[default]
    System,
    /// Dark text on a light background.
    Light,
    /// Light text on a dark background.
    Dark,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            font_size_pts: 17.0,
            speed: 1.0,
            volume: 1.0,
            paragraph_view: true,
            theme: ThemeChoice::System,
            back_up_after_pause_secs: 3,
            skip_back_secs: 15,
            skip_forward_secs: 30,
        }
    }
}

impl Settings {
    /// Clamps values read from an older or edited file into their ranges.
    pub fn sanitized(mut self) -> Self {
        let defaults = Settings::default();
        self.font_size_pts = clamp_or(self.font_size_pts, FONT_SIZE_RANGE, defaults.font_size_pts);
        self.speed = clamp_or(self.speed, SPEED_RANGE, defaults.speed);
        self.volume = clamp_or(self.volume, 0.0..=1.0, defaults.volume);
        self.back_up_after_pause_secs = self.back_up_after_pause_secs.min(MAX_BACK_UP_SECS);
        self.skip_back_secs = self.skip_back_secs.clamp(1, MAX_SKIP_SECS);
        self.skip_forward_secs = self.skip_forward_secs.clamp(1, MAX_SKIP_SECS);
        self
    }
}

/// `value` clamped into `range`, or `fallback` when it is not a number.
pub fn clamp_or(value: f32, range: std::ops::RangeInclusive<f32>, fallback: f32) -> f32 {
    if value.is_finite() {
        value.clamp(*range.start(), *range.end())
    } else {
        fallback
    }
}

/// Where one episode was left and how it was being listened to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpisodePlace {
    /// The position heard, in seconds.
    pub position_secs: f64,
    /// The speed used for this episode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<f32>,
    /// The transcript chosen in the switcher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<PathBuf>,
    /// When this was last saved, in seconds since 1970.
    #[serde(default)]
    pub saved_unix_secs: u64,
    /// How far the transcript is moved against the audio, in milliseconds (see [`SyncMap`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub offset_ms: i64,
    /// Transcript times tied to where they are heard in this episode's audio.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "points_that_parse"
    )]
    pub sync_points: Vec<SavedSyncPoint>,
}

fn is_zero(value: &i64) -> bool {
    *value == 0
}

/// Reads the sync points that parse and leaves out the rest, so one bad point never costs the
/// episode its place.
fn points_that_parse<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<SavedSyncPoint>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    let Value::Array(items) = value else {
        return Ok(Vec::new());
    };
    Ok(items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect())
}

/// One sync point as it is saved: a transcript time and where it is heard, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SavedSyncPoint {
    /// The time in the transcript.
    pub transcript_secs: f64,
    /// Where it is heard in the audio (before the offset).
    pub audio_secs: f64,
}

impl EpisodePlace {
    /// The position as a duration (a bad number reads as the start).
    pub fn position(&self) -> Duration {
        Duration::try_from_secs_f64(self.position_secs).unwrap_or_default()
    }

    /// The episode's map from transcript to audio time. Points that are not times are left out,
    /// and points that go backwards (an edited file) leave the offset alone.
    pub fn sync_map(&self) -> SyncMap {
        let points = self
            .sync_points
            .iter()
            .filter_map(|p| {
                Some(SyncPoint {
                    transcript: Duration::try_from_secs_f64(p.transcript_secs).ok()?,
                    audio: Duration::try_from_secs_f64(p.audio_secs).ok()?,
                })
            })
            .collect();
        SyncMap::new(self.offset_ms, points)
            .unwrap_or_else(|_| SyncMap::default().with_offset_ms(self.offset_ms))
    }
}

/// Everything Readalong remembers.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct State {
    /// Settings for every episode.
    pub settings: Settings,
    /// Episodes opened lately, newest first.
    pub recent: Vec<PathBuf>,
    /// Where each episode was left, by its key (see [`episode_key`]).
    pub episodes: BTreeMap<String, EpisodePlace>,
    /// What the listener set for each library, by the library folder's path.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub libraries: BTreeMap<String, LibraryPrefs>,
}

/// What the listener set for one library.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryPrefs {
    /// Folders of audio added to the library (by `--audio` or in the panel).
    #[serde(default)]
    pub audio_dirs: Vec<PathBuf>,
    /// Pairings the listener fixed: episode key to its audio file, or `None` for "no audio".
    #[serde(default)]
    pub pairs: BTreeMap<String, Option<PathBuf>>,
    /// The episode open last, by its key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_episode: Option<String>,
}

/// The key an episode's place is stored under: the path of its audio, else of its first transcript.
pub fn episode_key(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

impl State {
    /// What the listener set for the library at `root` (nothing yet: the defaults).
    pub fn library(&self, root: &Path) -> LibraryPrefs {
        self.libraries
            .get(&episode_key(root))
            .cloned()
            .unwrap_or_default()
    }

    /// What the listener set for the library at `root`, to change.
    pub fn library_mut(&mut self, root: &Path) -> &mut LibraryPrefs {
        self.libraries.entry(episode_key(root)).or_default()
    }

    /// Adds audio folders to the library at `root` (each once); true when one was new.
    pub fn add_audio_dirs(&mut self, root: &Path, dirs: &[PathBuf]) -> bool {
        let prefs = self.library_mut(root);
        let mut added = false;
        for dir in dirs {
            if !prefs.audio_dirs.contains(dir) {
                prefs.audio_dirs.push(dir.clone());
                added = true;
            }
        }
        added
    }

    /// Puts `path` first in the recent list.
    pub fn remember_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }

    /// Where the episode with this key was left.
    pub fn place(&self, key: &Path) -> Option<&EpisodePlace> {
        self.episodes.get(&episode_key(key))
    }

    /// Remembers the episode's map from transcript to audio time (its place is kept).
    pub fn set_sync(&mut self, key: &Path, map: &SyncMap) {
        let place = self
            .episodes
            .entry(episode_key(key))
            .or_insert_with(|| EpisodePlace {
                position_secs: 0.0,
                speed: None,
                transcript: None,
                saved_unix_secs: 0,
                offset_ms: 0,
                sync_points: Vec::new(),
            });
        place.offset_ms = map.offset_ms();
        place.sync_points = map
            .points()
            .iter()
            .map(|p| SavedSyncPoint {
                transcript_secs: p.transcript.as_secs_f64(),
                audio_secs: p.audio.as_secs_f64(),
            })
            .collect();
    }

    /// Remembers where the episode with this key is now (its sync map is kept).
    pub fn set_place(
        &mut self,
        key: &Path,
        position: Duration,
        speed: f32,
        transcript: Option<&Path>,
    ) {
        let previous = self.episodes.remove(&episode_key(key));
        let (offset_ms, sync_points) = previous
            .map(|p| (p.offset_ms, p.sync_points))
            .unwrap_or_default();
        self.episodes.insert(
            episode_key(key),
            EpisodePlace {
                position_secs: position.as_secs_f64(),
                speed: Some(speed),
                transcript: transcript.map(Path::to_path_buf),
                saved_unix_secs: SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs()),
                offset_ms,
                sync_points,
            },
        );
    }
}

/// What reading the state file found besides the state.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    /// One sentence for the status bar when something could not be read, naming where the
    /// unreadable copy was put.
    pub problem: Option<String>,
}

/// Reads a state from JSON text, keeping every part that parses.
/// Returns the state and the names of the parts that were dropped.
pub fn decode(text: &str) -> Result<(State, Vec<String>), serde_json::Error> {
    let value: Value = serde_json::from_str(text)?;
    let mut dropped = Vec::new();
    let mut state = State::default();
    let Value::Object(map) = value else {
        dropped.push("the whole file (not a JSON object)".to_owned());
        return Ok((state, dropped));
    };
    if let Some(v) = map.get("settings") {
        match serde_json::from_value::<Settings>(v.clone()) {
            Ok(s) => state.settings = s.sanitized(),
            Err(_) => dropped.push("settings".to_owned()),
        }
    }
    if let Some(Value::Array(items)) = map.get("recent") {
        for item in items {
            match item {
                Value::String(s) => state.recent.push(PathBuf::from(s)),
                _ => dropped.push("a recent entry".to_owned()),
            }
        }
        state.recent.truncate(MAX_RECENT);
    }
    if let Some(Value::Object(episodes)) = map.get("episodes") {
        for (key, v) in episodes {
            match serde_json::from_value::<EpisodePlace>(v.clone()) {
                Ok(place) if place.position_secs.is_finite() && place.position_secs >= 0.0 => {
                    state.episodes.insert(key.clone(), place);
                }
                _ => dropped.push(format!("the place in {key}")),
            }
        }
    }
    if let Some(Value::Object(libraries)) = map.get("libraries") {
        for (key, v) in libraries {
            match serde_json::from_value::<LibraryPrefs>(v.clone()) {
                Ok(prefs) => {
                    state.libraries.insert(key.clone(), prefs);
                }
                Err(_) => dropped.push(format!("the settings of the library {key}")),
            }
        }
    }
    Ok((state, dropped))
}

/// Where Readalong keeps its state: `$XDG_CONFIG_HOME/readalong` (by default `~/.config/readalong`).
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "readalong").map(|d| d.config_dir().to_path_buf())
}

/// Reads the state in `dir`, tolerating damage (see the module docs). Never fails: the worst case
/// is the default state and a report saying why.
pub fn load(dir: &Path) -> (State, LoadReport) {
    let main = dir.join(STATE_FILE);
    let backup = dir.join(BACKUP_FILE);
    match read_state_file(&main) {
        Ok(None) => {}
        Ok(Some((state, dropped))) if dropped.is_empty() => return (state, LoadReport::default()),
        Ok(Some((state, dropped))) => {
            let moved = move_aside(&main);
            let problem = format!(
                "Some of what Readalong remembered could not be read ({}); the rest was kept{moved}",
                dropped.join(", ")
            );
            return (
                state,
                LoadReport {
                    problem: Some(problem),
                },
            );
        }
        Err(reason) => {
            let moved = move_aside(&main);
            let (state, from_backup) = match read_state_file(&backup) {
                Ok(Some((state, _))) => (state, "; the previous copy was used instead"),
                _ => (State::default(), ""),
            };
            let problem =
                format!("Readalong's saved state could not be read ({reason}){moved}{from_backup}");
            return (
                state,
                LoadReport {
                    problem: Some(problem),
                },
            );
        }
    }
    // No main file: a kill between the two renames of a save leaves only the backup.
    match read_state_file(&backup) {
        Ok(Some((state, _))) => (state, LoadReport::default()),
        _ => (State::default(), LoadReport::default()),
    }
}

/// Reads the state in `dir` without changing anything there (for the command line): a damaged
/// file is not moved aside, the previous good copy is read instead.
pub fn load_read_only(dir: &Path) -> (State, Option<String>) {
    let backup = || {
        read_state_file(&dir.join(BACKUP_FILE))
            .ok()
            .flatten()
            .map(|(state, _)| state)
            .unwrap_or_default()
    };
    match read_state_file(&dir.join(STATE_FILE)) {
        Ok(Some((state, _))) => (state, None),
        Ok(None) => (backup(), None),
        Err(reason) => (backup(), Some(reason)),
    }
}

/// `Ok(None)` when the file does not exist; `Err` with a reason when it cannot be read or parsed.
fn read_state_file(path: &Path) -> Result<Option<(State, Vec<String>)>, String> {
    let bytes = match files::read_bounded(path, MAX_STATE_BYTES, "state file") {
        Ok(bytes) => bytes,
        Err(files::FileError::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e.to_string()),
    };
    let text = String::from_utf8(bytes).map_err(|_| "it is not text".to_owned())?;
    decode(&text)
        .map(Some)
        .map_err(|e| format!("{} is damaged at line {}", path.display(), e.line()))
}

/// Renames a damaged file aside (never deletes it); says where, for the message.
fn move_aside(path: &Path) -> String {
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let aside = path.with_file_name(format!("{STATE_FILE}.damaged-{stamp}"));
    match fs::rename(path, &aside) {
        Ok(()) => format!("; the file was kept as {}", aside.display()),
        Err(_) => String::new(),
    }
}

/// Writes `state` into `dir` atomically: a temporary file, flushed, then renamed over the old one,
/// which is kept as the backup.
pub fn save(dir: &Path, state: &State) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let main = dir.join(STATE_FILE);
    let tmp = dir.join(format!("{STATE_FILE}.tmp-{}", std::process::id()));
    let text = serde_json::to_string_pretty(state).map_err(std::io::Error::other)?;
    {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    if main.exists() {
        fs::rename(&main, dir.join(BACKUP_FILE))?;
    }
    fs::rename(&tmp, &main)?;
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// Where the state lives, and the thread that writes it so the UI thread never touches the disk.
pub struct StateStore {
    dir: Option<PathBuf>,
    tx: Option<Sender<State>>,
    writer: Option<JoinHandle<()>>,
}

impl StateStore {
    /// A store that remembers nothing (for tests and when no config folder exists).
    pub fn in_memory() -> StateStore {
        StateStore {
            dir: None,
            tx: None,
            writer: None,
        }
    }

    /// A store in `dir`: reads what is there now and starts the writer thread.
    pub fn open(dir: PathBuf) -> (StateStore, State, LoadReport) {
        let (state, report) = load(&dir);
        let (tx, rx) = mpsc::channel();
        let writer_dir = dir.clone();
        let writer = std::thread::Builder::new()
            .name("state-writer".to_owned())
            .spawn(move || write_loop(&writer_dir, &rx))
            .ok();
        let store = StateStore {
            dir: Some(dir),
            tx: writer.as_ref().map(|_| tx),
            writer,
        };
        if report.problem.is_some() {
            // What could be read is written back at once, in place of the file moved aside.
            store.save(&state);
        }
        (store, state, report)
    }

    /// The folder the state is kept in, if any.
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }

    /// Hands a copy of the state to the writer thread; returns at once.
    pub fn save(&self, state: &State) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(state.clone());
        }
    }

    /// Writes everything handed over so far and stops the writer; later saves are ignored.
    pub fn flush(&mut self) {
        self.tx = None;
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

impl Drop for StateStore {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Writes the newest state each time one or more arrive; ends when the store is dropped.
fn write_loop(dir: &Path, rx: &Receiver<State>) {
    while let Ok(mut state) = rx.recv() {
        // Only the newest of a burst matters.
        while let Ok(newer) = rx.try_recv() {
            state = newer;
        }
        if let Err(e) = save(dir, &state) {
            log::warn!("cannot save Readalong's state in {}: {e}", dir.display());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample_state() -> State {
        let mut state = State::default();
        state.settings.volume = 0.5;
        state.remember_recent(Path::new("/podcasts/a.mp3"));
        state.set_place(
            Path::new("/podcasts/a.mp3"),
            Duration::from_millis(61_500),
            1.5,
            None,
        );
        state.set_place(
            Path::new("/podcasts/b.mp3"),
            Duration::from_secs(7),
            1.0,
            None,
        );
        state
    }

    #[test]
    fn a_saved_state_reads_back_the_same() {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = sample_state();
        save(dir.path(), &state).expect("save");
        save(dir.path(), &state).expect("save again");
        assert!(
            dir.path().join(BACKUP_FILE).exists(),
            "the previous copy is kept"
        );
        let (read, report) = load(dir.path());
        assert_eq!(read, state);
        assert_eq!(report, LoadReport::default());
    }

    #[test]
    fn a_bad_entry_never_drops_the_others() {
        let text = r#"{
            "settings": {"speed": 1.25, "volume": "loud"},
            "recent": ["/a.mp3", 7],
            "episodes": {
                "/a.mp3": {"position_secs": 12.5, "speed": 1.5},
                "/b.mp3": {"position_secs": "soon"},
                "/c.mp3": {"position_secs": -3},
                "/d.mp3": {"position_secs": 99}
            }
        }"#;
        let (state, dropped) = decode(text).expect("valid JSON");
        assert_eq!(state.recent, [PathBuf::from("/a.mp3")]);
        assert_eq!(state.episodes.len(), 2);
        assert_eq!(
            state.episodes["/a.mp3"].position(),
            Duration::from_millis(12_500)
        );
        assert_eq!(state.episodes["/d.mp3"].position(), Duration::from_secs(99));
        assert_eq!(
            dropped,
            [
                "settings",
                "a recent entry",
                "the place in /b.mp3",
                "the place in /c.mp3"
            ]
        );
    }

    #[test]
    fn a_file_with_a_bad_entry_is_kept_aside_and_the_rest_is_used() {
        let dir = tempfile::tempdir().expect("temp dir");
        fs::write(
            dir.path().join(STATE_FILE),
            r#"{"episodes": {"/a.mp3": {"position_secs": 5}, "/b.mp3": {"position_secs": null}}}"#,
        )
        .expect("write");
        let (state, report) = load(dir.path());
        assert_eq!(state.episodes.len(), 1);
        let problem = report.problem.expect("the listener is told");
        assert!(problem.contains("/b.mp3"), "{problem}");
        let kept = fs::read_dir(dir.path())
            .expect("list")
            .filter_map(Result::ok)
            .any(|e| e.file_name().to_string_lossy().contains("damaged"));
        assert!(kept, "the damaged file is moved aside, not deleted");
    }

    #[test]
    fn a_file_cut_by_a_crash_falls_back_to_the_previous_copy() {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = sample_state();
        save(dir.path(), &state).expect("save");
        save(dir.path(), &state).expect("save again");
        // A crash in the middle of a write by something else: the main file is cut short.
        let main = dir.path().join(STATE_FILE);
        let text = fs::read_to_string(&main).expect("read");
        fs::write(&main, &text[..text.len() / 2]).expect("cut");
        let (read, report) = load(dir.path());
        assert_eq!(read, state, "the backup is read");
        let problem = report.problem.expect("the listener is told");
        assert!(problem.contains("previous copy"), "{problem}");
        assert!(!main.exists(), "the cut file was moved aside");
        // An empty file (as eframe's autosave left after kill -9) is handled the same way.
        fs::write(&main, "").expect("empty");
        let (read, _) = load(dir.path());
        assert_eq!(read, state);
    }

    #[test]
    fn a_kill_between_the_two_renames_loses_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let state = sample_state();
        save(dir.path(), &state).expect("save");
        // The main file was renamed to the backup and the new one not yet renamed in.
        fs::rename(dir.path().join(STATE_FILE), dir.path().join(BACKUP_FILE)).expect("rename");
        let (read, report) = load(dir.path());
        assert_eq!(read, state);
        assert_eq!(report.problem, None);
    }

    #[test]
    fn the_writer_thread_writes_the_newest_state() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (mut store, state, _) = StateStore::open(dir.path().to_path_buf());
        assert_eq!(state, State::default());
        let mut newest = sample_state();
        store.save(&newest);
        newest.settings.volume = 0.25;
        store.save(&newest);
        store.flush();
        assert_eq!(load(dir.path()).0, newest);
    }

    #[test]
    fn an_episode_s_sync_map_is_kept_with_its_place() {
        let key = Path::new("/podcasts/a.mp3");
        let mut state = sample_state();
        let map = SyncMap::new(
            -300,
            vec![SyncPoint {
                transcript: Duration::from_secs(10),
                audio: Duration::from_millis(40_500),
            }],
        )
        .expect("map");
        state.set_sync(key, &map);
        state.set_place(key, Duration::from_secs(3), 1.0, None);
        let text = serde_json::to_string(&state).expect("json");
        let (read, dropped) = decode(&text).expect("decode");
        assert!(dropped.is_empty());
        assert_eq!(read.place(key).map(EpisodePlace::sync_map), Some(map));
        // A place saved before sync points existed, and points that go backwards, read as far
        // as they can: the offset stays, the bad points go.
        let text = r#"{"episodes": {
            "/old.mp3": {"position_secs": 5},
            "/odd.mp3": {"position_secs": 5, "sync_points": [{"transcript_secs": "x"}, 3]},
            "/bad.mp3": {"position_secs": 5, "offset_ms": 700, "sync_points": [
                {"transcript_secs": 10, "audio_secs": 20}, {"transcript_secs": 30, "audio_secs": 5}]}
        }}"#;
        let (read, dropped) = decode(text).expect("decode");
        assert!(dropped.is_empty(), "{dropped:?}");
        assert_eq!(read.episodes["/old.mp3"].sync_map(), SyncMap::default());
        assert_eq!(read.episodes["/odd.mp3"].sync_map(), SyncMap::default());
        let bad = read.episodes["/bad.mp3"].sync_map();
        assert_eq!((bad.offset_ms(), bad.points().len()), (700, 0));
    }

    #[test]
    fn out_of_range_settings_are_clamped() {
        let s = Settings {
            font_size_pts: 500.0,
            speed: f32::NAN,
            volume: -1.0,
            ..Settings::default()
        }
        .sanitized();
        assert_eq!((s.font_size_pts, s.speed, s.volume), (40.0, 1.0, 0.0));
        let s = Settings {
            back_up_after_pause_secs: 1000,
            skip_back_secs: 0,
            skip_forward_secs: 100_000,
            ..Settings::default()
        }
        .sanitized();
        assert_eq!(
            (
                s.back_up_after_pause_secs,
                s.skip_back_secs,
                s.skip_forward_secs
            ),
            (60, 1, 600)
        );
    }

    #[test]
    fn settings_saved_before_a_field_existed_take_its_default() {
        let s: Settings = serde_json::from_str(r#"{"font_size_pts": 20.0}"#).expect("parses");
        assert!(s.paragraph_view, "paragraphs are the default");
        assert_eq!(s.theme, ThemeChoice::System);
        assert_eq!(s.font_size_pts, 20.0);
        let s: Settings = serde_json::from_str(r#"{"theme": "light"}"#).expect("parses");
        assert_eq!(s.theme, ThemeChoice::Light);
        assert_eq!(
            (
                s.back_up_after_pause_secs,
                s.skip_back_secs,
                s.skip_forward_secs
            ),
            (3, 15, 30),
            "playback comfort has its defaults in an older file"
        );
    }
}
