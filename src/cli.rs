//! The command line: open the app on an episode, or `export`, `info` and `search` without a window.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::audio;
use crate::episode::{self, EpisodeFiles};
use crate::library::{self, Episode, Library, PairedBy, Query, ScanRequest};
use crate::state::{self, LibraryPrefs};
use crate::timefmt;
use crate::transcript::align;
use crate::transcript::sync::{SyncMap, SyncPoint};
use crate::transcript::{self, Transcript, export};

/// Read a podcast episode's transcript while listening to it.
#[derive(Parser, Debug)]
#[command(
    name = "readalong",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// An episode folder, an audio file or a transcript file. Opens the demo episode when left out.
    pub path: Option<PathBuf>,
    /// Start playing at this time: seconds (3723.5) or H:MM:SS (1:02:03.5).
    #[arg(long, value_parser = timefmt::parse_clock)]
    pub at: Option<Duration>,
    /// Playback speed, 0.5 to 3 (the voice keeps its pitch); remembered like the speed slider.
    #[arg(long, value_parser = parse_speed)]
    pub speed: Option<f32>,
    /// Do not open an audio device; a silent clock moves the highlight.
    #[arg(long)]
    pub no_audio: bool,
    /// A folder of audio files to pair with a library's transcripts (repeatable; remembered for
    /// that library).
    #[arg(long = "audio", value_name = "DIR")]
    pub audio_dirs: Vec<PathBuf>,
    /// A subcommand that works without a window.
    #[command(subcommand)]
    pub command: Option<CliCommand>,
}

/// Parses `--speed`: a number from 0.5 to 3.
fn parse_speed(text: &str) -> Result<f32, String> {
    match text.trim().parse::<f32>() {
        Ok(speed) if audio::SPEED_RANGE.contains(&speed) => Ok(speed),
        _ => Err(format!(
            "'{text}' is not a speed: use a number from {} to {}",
            audio::MIN_SPEED,
            audio::MAX_SPEED
        )),
    }
}

/// Parses `--offset`: seconds, negative for earlier; returns milliseconds.
fn parse_offset(text: &str) -> Result<i64, String> {
    match text.trim().parse::<f64>() {
        Ok(secs) if secs.is_finite() && secs.abs() <= 86_400.0 => {
            Ok((secs * 1000.0).round() as i64)
        }
        _ => Err(format!(
            "'{text}' is not an offset: use seconds, such as 2.5 or -1.25"
        )),
    }
}

/// Parses `--sync`: `TRANSCRIPT_TIME=AUDIO_TIME`, each in seconds or H:MM:SS.
fn parse_sync_point(text: &str) -> Result<SyncPoint, String> {
    let Some((transcript, audio)) = text.split_once('=') else {
        return Err(format!(
            "'{text}' is not a sync point: use TRANSCRIPT_TIME=AUDIO_TIME, such as 10:00=10:30.5"
        ));
    };
    Ok(SyncPoint {
        transcript: timefmt::parse_clock(transcript)?,
        audio: timefmt::parse_clock(audio)?,
    })
}

/// A bad argument found after parsing (sync points that go backwards): exit status 2, like the
/// errors clap reports.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// Subcommands that need no window.
#[derive(Subcommand, Debug)]
pub enum CliCommand {
    /// Write a transcript, normalized, to standard output.
    Export {
        /// The transcript file.
        file: PathBuf,
        /// The output format.
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        to: ExportFormat,
        /// Move the times as Readalong remembers for the episode of this audio file (its offset
        /// and sync points).
        #[arg(long)]
        audio: Option<PathBuf>,
        /// Move every time by this many seconds (negative: earlier); replaces a remembered offset.
        #[arg(long, allow_negative_numbers = true, value_parser = parse_offset)]
        offset: Option<i64>,
        /// A sync point TRANSCRIPT_TIME=AUDIO_TIME (seconds or H:MM:SS), repeatable; these replace
        /// remembered sync points.
        #[arg(long = "sync", value_name = "TRANSCRIPT_TIME=AUDIO_TIME", value_parser = parse_sync_point)]
        sync: Vec<SyncPoint>,
    },
    /// Say what Readalong finds in a file, an episode folder or a library.
    Info {
        /// A transcript, an audio file, an episode folder or a library folder.
        path: PathBuf,
        /// Print one JSON object: `{"episodes":[...]}`.
        #[arg(long)]
        json: bool,
        /// A folder of audio files to pair with the library's transcripts (repeatable; remembered).
        #[arg(long = "audio", value_name = "DIR")]
        audio_dirs: Vec<PathBuf>,
    },
    /// Print the lines that hold the words, across every episode of a library:
    /// `H:MM:SS.mmm<TAB>transcript<TAB>line`. Exit status 0 with hits, 1 without, 2 on error.
    Search {
        /// A library folder, an episode folder, an audio file or a transcript.
        path: PathBuf,
        /// Words (each must be in the line) and "quoted phrases"; case, accents and curly
        /// quotes do not matter.
        query: String,
        /// Print one JSON object per hit: `start` (seconds), `file`, `episode`, `title`, `text`.
        #[arg(long)]
        json: bool,
        /// A folder of audio files to pair with the library's transcripts (repeatable; remembered).
        #[arg(long = "audio", value_name = "DIR")]
        audio_dirs: Vec<PathBuf>,
    },
    /// Find blocks inserted into the audio (ads) that the transcript does not have, and print
    /// the sync points that would line them up (nothing is remembered). Exit status 0 with
    /// blocks, 1 without, 2 on error.
    SuggestSync {
        /// The audio file.
        audio: PathBuf,
        /// Its transcript.
        transcript: PathBuf,
        /// Print one JSON object: `blocks` (each with `before_cue`, `audio_start_secs`,
        /// `length_secs`, `points`) and `offsets_secs`, one per line of the transcript.
        #[arg(long)]
        json: bool,
    },
}

/// The shapes `export` writes.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ExportFormat {
    /// Readalong's JSON.
    Json,
    /// WebVTT.
    Vtt,
    /// SubRip.
    Srt,
    /// `HH:MM:SS text` lines.
    Txt,
    /// The paragraph view as a Markdown document, headed by the title (or the file's name).
    Md,
}

/// How a subcommand that ran ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It did its work (exit status 0).
    Done,
    /// It looked and found nothing (exit status 1).
    NothingFound,
}

/// Runs a subcommand, writing its result to `out`.
pub fn run(command: &CliCommand, out: &mut dyn Write) -> anyhow::Result<Outcome> {
    match command {
        CliCommand::Export {
            file,
            to,
            audio,
            offset,
            sync,
        } => {
            let map = export_map(audio.as_deref(), *offset, sync)?;
            export_file(file, *to, &map, out).map(|()| Outcome::Done)
        }
        CliCommand::Info {
            path,
            json: false,
            audio_dirs,
        } if audio_dirs.is_empty() && !is_library_folder(path)? => {
            info(path, out).map(|()| Outcome::Done)
        }
        CliCommand::Info {
            path,
            json,
            audio_dirs,
        } => library_info(path, audio_dirs, *json, out).map(|()| Outcome::Done),
        CliCommand::Search {
            path,
            query,
            json,
            audio_dirs,
        } => search(path, query, audio_dirs, *json, out),
        CliCommand::SuggestSync {
            audio,
            transcript,
            json,
        } => suggest_sync(audio, transcript, *json, out),
    }
}

/// The exit status for a subcommand that failed: 2 for `search` (1 means "nothing found"),
/// else 1.
pub fn error_status(command: &CliCommand) -> u8 {
    match command {
        CliCommand::Search { .. } | CliCommand::SuggestSync { .. } => 2,
        _ => 1,
    }
}

/// `suggest-sync`: decodes the audio, aligns the transcript to it and prints the blocks found.
fn suggest_sync(
    audio_path: &Path,
    transcript_path: &Path,
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let transcript = episode::read_transcript(transcript_path)?;
    let cues = align::cue_spans(&transcript);
    let cancel = AtomicBool::new(false);
    let alignment = audio::energy::align_file(audio_path, &cues, &cancel, &mut |_| {})
        .map_err(anyhow::Error::msg)?
        .context("cancelled")?;
    let suggestions = align::suggestions(&alignment, &cues);
    let secs = |d: Duration| d.as_secs_f64();
    if json {
        let blocks: Vec<serde_json::Value> = suggestions
            .iter()
            .map(|s| {
                serde_json::json!({
                    "before_cue": s.block.before_cue,
                    "audio_start_secs": secs(s.audio_start),
                    "length_secs": secs(s.block.length()),
                    "points": s.points.iter().map(|p| serde_json::json!({
                        "transcript_secs": secs(p.transcript),
                        "audio_secs": secs(p.audio),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let offsets: Vec<f64> = alignment
            .offsets_frames
            .iter()
            .map(|&f| f as f64 / align::FRAMES_PER_SEC as f64)
            .collect();
        let value = serde_json::json!({"blocks": blocks, "offsets_secs": offsets});
        writeln!(out, "{value}").context("cannot write the output")?;
    } else if suggestions.is_empty() {
        writeln!(out, "no inserted blocks found").context("cannot write the output")?;
    } else {
        for s in &suggestions {
            let line = |i: usize| {
                let text: String = transcript.cues[i].text.chars().take(60).collect();
                format!("line {} \"{text}\"", i + 1)
            };
            writeln!(
                out,
                "block at {}, {:.2} s, before {}",
                timefmt::clock_millis(s.audio_start),
                secs(s.block.length()),
                line(s.block.before_cue)
            )?;
            for (p, &i) in s.points.iter().zip(&s.cues) {
                writeln!(
                    out,
                    "  --sync {}={}  ({})",
                    timefmt::clock_millis(p.transcript),
                    timefmt::clock_millis(p.audio),
                    line(i)
                )?;
            }
        }
    }
    Ok(if suggestions.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

/// The map `export` applies: the one remembered for `audio`'s episode, with `--offset` and
/// `--sync` in place of its offset and points when given.
fn export_map(
    audio: Option<&Path>,
    offset_ms: Option<i64>,
    points: &[SyncPoint],
) -> anyhow::Result<SyncMap> {
    let saved = match audio {
        Some(audio) => saved_map(audio)?,
        None => SyncMap::default(),
    };
    let points = if points.is_empty() {
        saved.points().to_vec()
    } else {
        points.to_vec()
    };
    SyncMap::new(offset_ms.unwrap_or(saved.offset_ms()), points)
        .map_err(|e| UsageError(format!("invalid value for '--sync': {e}")).into())
}

/// The sync map Readalong remembers for the episode of `audio` (the identity when none).
fn saved_map(audio: &Path) -> anyhow::Result<SyncMap> {
    let audio = &std::fs::canonicalize(audio).unwrap_or_else(|_| audio.to_path_buf());
    Ok(saved_map_of(&episode::discover(audio)?))
}

/// The sync map Readalong remembers for an episode (the identity when none).
fn saved_map_of(files: &EpisodeFiles) -> SyncMap {
    let Some(dir) = state::default_dir() else {
        return SyncMap::default();
    };
    let (saved, _) = state::load_read_only(&dir);
    saved
        .place(&files.key())
        .map(state::EpisodePlace::sync_map)
        .unwrap_or_default()
}

fn export_file(
    file: &Path,
    to: ExportFormat,
    map: &SyncMap,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if file.is_dir() {
        bail!(
            "{} is a folder; export takes a transcript file",
            file.display()
        );
    }
    let read = episode::read_transcript(file)?;
    let transcript = if map.is_identity() {
        read
    } else {
        map.apply(&read)
    };
    let text = match to {
        ExportFormat::Json => export::to_json(&transcript),
        ExportFormat::Vtt => export::to_vtt(&transcript),
        ExportFormat::Srt => export::to_srt(&transcript),
        ExportFormat::Txt => export::to_txt(&transcript),
        ExportFormat::Md => export::to_markdown(&transcript, &file_stem(file)),
    };
    out.write_all(text.as_bytes())
        .context("cannot write the output")?;
    Ok(())
}

/// The file's name without its extension: a Markdown document's title when the transcript has none.
fn file_stem(path: &Path) -> String {
    path.file_stem().map_or_else(
        || episode::file_name(path),
        |s| s.to_string_lossy().into_owned(),
    )
}

fn info(path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    let path = &std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let files = episode::discover(path)?;
    if path.is_dir() {
        writeln!(out, "folder: {}", files.folder.display())?;
    }
    describe_place(&files, out)?;
    for (skipped, reason) in &files.skipped {
        writeln!(out, "skipped: {} ({reason})", skipped.display())?;
    }
    match &files.audio {
        Some(audio) => {
            writeln!(out, "audio: {}", audio.display())?;
            describe_audio(audio, out)?;
        }
        None => writeln!(out, "audio: none")?,
    }
    let choices = episode::read_choices(&files);
    if choices.is_empty() {
        writeln!(out, "transcript: none (no transcript beside this audio)")?;
    }
    for (i, choice) in choices.iter().enumerate() {
        let role = if i == 0 { "transcript" } else { "also" };
        writeln!(out, "{role}: {}", choice.path.display())?;
        match &choice.result {
            Ok(t) => describe(t, out)?,
            Err(e) => writeln!(out, "  error: {e}")?,
        }
    }
    Ok(())
}

/// The `resume:` and `speed:` lines, for an episode Readalong remembers.
fn describe_place(files: &EpisodeFiles, out: &mut dyn Write) -> anyhow::Result<()> {
    let Some(dir) = state::default_dir() else {
        return Ok(());
    };
    let (saved, _) = state::load_read_only(&dir);
    if let Some(place) = saved.place(&files.key()) {
        writeln!(out, "resume: {}", timefmt::clock_millis(place.position()))?;
        if let Some(speed) = place.speed {
            writeln!(out, "speed: {speed}")?;
        }
    }
    Ok(())
}

/// Refuses a start time past the end of the episode at `path`, before any window opens. `at` is
/// a time in the transcript, checked where the episode's remembered sync map puts it.
pub fn check_start_at(path: &Path, at: Duration) -> anyhow::Result<()> {
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let files = episode::discover(&canonical)?;
    let heard_at = saved_map_of(&files).to_audio(at).unwrap_or_default();
    let length = match &files.audio {
        Some(audio) => audio::source::open_media(audio, &mut |_| {})
            .ok()
            .map(|media| media.duration),
        None => None,
    }
    .or_else(|| {
        episode::read_choices(&files)
            .into_iter()
            .find_map(|c| c.result.ok())
            .and_then(|t| t.length_without_audio())
    });
    if let Some(length) = length
        && heard_at > length
    {
        bail!(
            "--at {} is past the end of {}, which is {} long",
            timefmt::clock_millis(at),
            files.display_name(),
            timefmt::clock_millis(length)
        );
    }
    Ok(())
}

fn describe_audio(path: &Path, out: &mut dyn Write) -> anyhow::Result<()> {
    match audio::source::open_media(path, &mut |_| {}) {
        Ok(media) => {
            let secs = media.duration.as_secs_f64();
            writeln!(
                out,
                "  duration: {} ({secs:.3} s)",
                timefmt::clock(media.duration)
            )?;
            writeln!(out, "  format: {}", media.description)?;
        }
        Err(e) => writeln!(out, "  error: {e}")?,
    }
    Ok(())
}

fn describe(t: &Transcript, out: &mut dyn Write) -> anyhow::Result<()> {
    writeln!(out, "  format: {}", t.format)?;
    if let Some(title) = &t.title {
        writeln!(out, "  title: {title}")?;
    }
    writeln!(out, "  cues: {}", t.cues.len())?;
    if let (Some(first), Some(last)) = (t.cues.first(), t.cues.last()) {
        writeln!(out, "  first: {}", timefmt::clock(first.start))?;
        writeln!(out, "  last: {}", timefmt::clock(last.start))?;
    }
    let speakers = t.speakers();
    if speakers.is_empty() {
        let turns = t.cues.iter().filter(|c| c.turn).count();
        writeln!(out, "  speakers: none named ({turns} marked turns)")?;
    } else {
        writeln!(out, "  speakers: {}", speakers.join(", "))?;
    }
    writeln!(out, "  warnings: {}", t.warnings.len())?;
    for warning in &t.warnings {
        writeln!(out, "    {warning}")?;
    }
    Ok(())
}

/// True when `path` is a folder of several episodes.
fn is_library_folder(path: &Path) -> anyhow::Result<bool> {
    Ok(path.is_dir() && library::is_library(path, &AtomicBool::new(false))?)
}

/// The library at `path` (a library folder), or an episode as a library of one.
fn load_library(path: &Path, audio_dirs: &[PathBuf], read_audio: bool) -> anyhow::Result<Library> {
    let path = &std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let audio_dirs: Vec<PathBuf> = audio_dirs
        .iter()
        .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
        .collect();
    if is_library_folder(path)? {
        let prefs = remember_audio_dirs(path, &audio_dirs);
        let request = ScanRequest {
            root: path.clone(),
            audio_dirs: prefs.audio_dirs,
            fixes: prefs.pairs,
            cache_dir: library::cache::default_dir(),
            read_audio,
        };
        return Ok(library::scan(
            &request,
            &AtomicBool::new(false),
            &mut |_| {},
        )?);
    }
    let files = episode::discover(path)?;
    let choices = episode::read_choices(&files);
    let readable = choices
        .iter()
        .find_map(|c| c.result.as_ref().ok().map(|t| (c, t)));
    let audio_duration = match (&files.audio, read_audio) {
        (Some(audio), true) => audio::source::open_media(audio, &mut |_| {})
            .ok()
            .map(|m| m.duration),
        _ => None,
    };
    let last_cue = readable.and_then(|(_, t)| t.cues.last()).map(|c| c.start);
    let length_warning = audio_duration
        .zip(last_cue)
        .and_then(|(a, c)| transcript::sync::length_warning(a, c));
    let episode = Episode {
        key: files.display_name(),
        number: None,
        title: readable
            .and_then(|(_, t)| t.title.clone())
            .unwrap_or_else(|| files.display_name()),
        transcripts: choices.iter().map(|c| c.path.clone()).collect(),
        audio: files.audio.clone(),
        paired_by: files.audio.as_ref().map(|_| PairedBy::SameName),
        audio_duration,
        last_cue,
        length_warning,
        warnings: Vec::new(),
        errors: choices
            .iter()
            .filter_map(|c| c.result.clone().err())
            .collect(),
    };
    let text = readable.map(|(c, t)| {
        let lines: Vec<(Duration, String)> =
            t.cues.iter().map(|q| (q.start, q.text.clone())).collect();
        Arc::new(library::EpisodeText::from_lines(c.path.clone(), &lines))
    });
    Ok(Library {
        root: files.folder.clone(),
        episodes: vec![episode],
        texts: vec![text],
        skipped: files.skipped.clone(),
        ..Library::default()
    })
}

/// Adds `--audio` folders to what is remembered for the library at `root`, and returns what is
/// remembered.
fn remember_audio_dirs(root: &Path, audio_dirs: &[PathBuf]) -> LibraryPrefs {
    let Some(dir) = state::default_dir() else {
        return LibraryPrefs {
            audio_dirs: audio_dirs.to_vec(),
            ..LibraryPrefs::default()
        };
    };
    if audio_dirs.is_empty() {
        return state::load_read_only(&dir).0.library(root);
    }
    let (mut saved, _) = state::load(&dir);
    if saved.add_audio_dirs(root, audio_dirs)
        && let Err(e) = state::save(&dir, &saved)
    {
        log::warn!(
            "cannot remember the audio folders in {}: {e}",
            dir.display()
        );
    }
    saved.library(root)
}

/// Episode indexes in the order the command line lists them: by number, lowest first, then
/// the others by title.
fn cli_order(library: &Library) -> Vec<usize> {
    let mut order: Vec<usize> = (0..library.episodes.len()).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&library.episodes[a], &library.episodes[b]);
        match (x.number, y.number) {
            (Some(m), Some(n)) => m.cmp(&n).then_with(|| x.key.cmp(&y.key)),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => x.title.cmp(&y.title).then_with(|| x.key.cmp(&y.key)),
        }
    });
    order
}

fn search(
    path: &Path,
    query: &str,
    audio_dirs: &[PathBuf],
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<Outcome> {
    let parsed = Query::parse(query);
    if parsed.is_empty() {
        bail!("the query is empty: give the words to find");
    }
    let library = load_library(path, audio_dirs, false)?;
    let hits = library.search(&parsed, &|| false);
    let mut by_episode: Vec<Vec<library::Hit>> = vec![Vec::new(); library.episodes.len()];
    for hit in &hits {
        by_episode[hit.episode].push(*hit);
    }
    for index in cli_order(&library) {
        let (Some(episode), Some(Some(text))) =
            (library.episodes.get(index), library.texts.get(index))
        else {
            continue;
        };
        for hit in &by_episode[index] {
            let line = text.line(hit.line).unwrap_or("");
            if json {
                let record = serde_json::json!({
                    "start": hit.start.as_secs_f64(),
                    "file": text.transcript,
                    "episode": episode.key,
                    "title": episode.title,
                    "text": line,
                });
                writeln!(out, "{record}")?;
            } else {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    timefmt::clock_millis(hit.start),
                    text.transcript.display(),
                    line.replace(['\t', '\n'], " ")
                )?;
            }
        }
    }
    Ok(if hits.is_empty() {
        Outcome::NothingFound
    } else {
        Outcome::Done
    })
}

fn library_info(
    path: &Path,
    audio_dirs: &[PathBuf],
    json: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let library = load_library(path, audio_dirs, true)?;
    let order = cli_order(&library);
    if json {
        let episodes: Vec<serde_json::Value> = order
            .iter()
            .map(|&i| {
                let e = &library.episodes[i];
                serde_json::json!({
                    "key": e.key,
                    "number": e.number,
                    "title": e.title,
                    "transcripts": e.transcripts,
                    "audio": e.audio,
                    "paired_by": e.paired_by,
                    "duration": e.duration().map(|d| d.as_secs_f64()),
                    "warnings": e.length_warning.iter().chain(&e.warnings).collect::<Vec<_>>(),
                    "errors": e.errors,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::json!({ "episodes": episodes }))?;
        return Ok(());
    }
    writeln!(out, "library: {}", library.root.display())?;
    for dir in &library.audio_dirs {
        writeln!(out, "audio folder: {}", dir.display())?;
    }
    writeln!(out, "episodes: {}", library.episodes.len())?;
    for &i in &order {
        let e = &library.episodes[i];
        let number = e.number.map(|n| format!("#{n} ")).unwrap_or_default();
        let length = e
            .duration()
            .map(|d| format!(" ({})", timefmt::clock(d)))
            .unwrap_or_default();
        writeln!(out, "{number}{}{length}", e.title)?;
        for (j, t) in e.transcripts.iter().enumerate() {
            let role = if j == 0 { "transcript" } else { "also" };
            writeln!(out, "  {role}: {}", t.display())?;
        }
        match (&e.audio, e.paired_by) {
            (Some(a), Some(by)) => writeln!(
                out,
                "  audio: {} (paired by {})",
                a.display(),
                by.describe()
            )?,
            (Some(a), None) => writeln!(out, "  audio: {} (no transcript)", a.display())?,
            (None, _) => writeln!(out, "  audio: none")?,
        }
        for w in e.length_warning.iter().chain(&e.warnings) {
            writeln!(out, "  warning: {w}")?;
        }
        for err in &e.errors {
            writeln!(out, "  error: {err}")?;
        }
    }
    for (path, reason) in &library.ignored {
        writeln!(out, "not an episode: {} ({reason})", path.display())?;
    }
    for (path, reason) in &library.skipped {
        writeln!(out, "skipped: {} ({reason})", path.display())?;
    }
    if library.truncated {
        writeln!(
            out,
            "warning: the folder holds too many files; the listing stopped early"
        )?;
    }
    Ok(())
}
