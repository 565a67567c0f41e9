//! The command line: open the app on an episode, or `export`, `info` and `search` without a window.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand, ValueEnum};

use crate::audio;
use crate::episode::{self, EpisodeFiles};
use crate::state;
use crate::timefmt;
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
    /// Say what Readalong finds in a file or an episode folder.
    Info {
        /// A transcript, an audio file or an episode folder.
        path: PathBuf,
    },
    /// Print the lines of an episode's transcript that contain the words.
    Search {
        /// A transcript, an audio file or an episode folder.
        path: PathBuf,
        /// The words to find (case-insensitive).
        query: String,
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
}

/// Runs a subcommand, writing its result to `out`.
pub fn run(command: &CliCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        CliCommand::Export {
            file,
            to,
            audio,
            offset,
            sync,
        } => {
            let map = export_map(audio.as_deref(), *offset, sync)?;
            export_file(file, *to, &map, out)
        }
        CliCommand::Info { path } => info(path, out),
        CliCommand::Search { path, query } => search(path, query, out),
    }
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
    };
    out.write_all(text.as_bytes())
        .context("cannot write the output")?;
    Ok(())
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

fn search(path: &Path, query: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    let path = &std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let files = episode::discover(path)?;
    let choices = episode::read_choices(&files);
    let Some(choice) = choices.first() else {
        bail!("{} has no transcript", path.display());
    };
    let t = choice.result.as_ref().map_err(|e| anyhow::anyhow!("{e}"))?;
    let matches = transcript::search::find(t, query);
    let mut last_cue = None;
    for m in &matches {
        if last_cue == Some(m.cue) {
            continue;
        }
        last_cue = Some(m.cue);
        if let Some(cue) = t.cues.get(m.cue) {
            writeln!(out, "{}  {}", timefmt::clock(cue.start), cue.text)?;
        }
    }
    writeln!(
        out,
        "{} matches in {}",
        matches.len(),
        choice.path.display()
    )?;
    Ok(())
}
