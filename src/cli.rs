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
    /// The paragraph view as a Markdown document, headed by the title (or the file's name).
    Md,
}

/// Runs a subcommand, writing its result to `out`.
pub fn run(command: &CliCommand, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        CliCommand::Export { file, to } => export_file(file, *to, out),
        CliCommand::Info { path } => info(path, out),
        CliCommand::Search { path, query } => search(path, query, out),
    }
}

fn export_file(file: &Path, to: ExportFormat, out: &mut dyn Write) -> anyhow::Result<()> {
    if file.is_dir() {
        bail!(
            "{} is a folder; export takes a transcript file",
            file.display()
        );
    }
    let transcript = episode::read_transcript(file)?;
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

/// Refuses a start time past the end of the episode at `path`, before any window opens.
pub fn check_start_at(path: &Path, at: Duration) -> anyhow::Result<()> {
    let files = episode::discover(path)?;
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
        && at > length
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
