//! The pure transcript core: bytes in, a `Transcript` out. No UI, audio or file I/O here.
//!
//! Decisions worth knowing:
//! - Text files: lines before the first stamp are a header (a `#NNN: ... Transcript` line becomes
//!   the title). Unstamped lines after an entry continue it. On a web-page copy, a block after
//!   the last entry that follows a blank line and is short (at most 4 lines of at most 120
//!   characters) is the footer and is dropped; anything longer is kept as text.
//! - `<v Name>` repeated for the same speaker is just removed; a different speaker mid-line (or
//!   a mid-line `>>`) splits the entry into cues with the same start and line, in file order.
//!   So `Cue::line` counts source entries while `cues.len()` may be a little larger.
//! - WebVTT payload lines are joined with a space; `<ruby>` keeps its base text and drops `<rt>`.
//! - A cue ending before it starts, or lasting no time, keeps its start and text but loses its
//!   end (so `Transcript::cue_end` falls back to the next start), with a warning.
//! - Overlapping cues are kept as they are; out-of-order cues are sorted (stably) with a warning.

pub mod align;
pub mod chapters;
mod encoding;
mod error;
pub mod export;
pub mod fold;
mod json;
mod lines;
mod markup;
pub mod model;
pub mod paragraphs;
mod podcasting;
pub mod search;
mod segment;
mod sniff;
mod srt;
pub mod sync;
mod text;
mod timestamp;
mod vtt;
mod warnings;
mod whisper;
mod youtube;

#[cfg(test)]
mod tests;

pub use error::ParseError;
pub use model::{Cue, Format, Transcript, Warning, Word};

use sniff::Shape;
use warnings::Warnings;

/// Files bigger than this (200 MB) are refused with [`ParseError::TooLarge`].
pub const MAX_FILE_BYTES: usize = 200 * 1000 * 1000;

/// What a format reader hands back before sorting and checking.
#[derive(Debug)]
pub(crate) struct Parsed {
    pub title: Option<String>,
    pub format: Format,
    pub cues: Vec<Cue>,
}

impl Parsed {
    pub(crate) fn empty(format: Format) -> Self {
        Self {
            title: None,
            format,
            cues: Vec::new(),
        }
    }
}

/// Reads a transcript from a file's bytes: decodes the text encoding, tells the format from the
/// content, reads the cues, sorts them by start (equal starts keep file order) and lists what it
/// recovered from as warnings.
pub fn parse(bytes: &[u8]) -> Result<Transcript, ParseError> {
    parse_with_hint(bytes, None)
}

/// Like [`parse`], but `extension` (such as `"vtt"`, without or with the dot) breaks a tie the
/// content cannot: cue timings with a `.` before the milliseconds and no `WEBVTT` line are read
/// as WebVTT for `.vtt` and as SRT otherwise.
pub fn parse_with_hint(bytes: &[u8], extension: Option<&str>) -> Result<Transcript, ParseError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ParseError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ParseError::Empty);
    }
    let mut warnings = Warnings::new();
    let text = encoding::decode(bytes, &mut warnings);
    if text.trim().trim_matches('\u{feff}').is_empty() {
        return Err(ParseError::Empty);
    }
    check_binary(&text)?;
    let lines = lines::split(&text, &mut warnings);
    let parsed = match sniff::sniff(&text, &lines, extension) {
        Shape::Json => json::read(&text, &mut warnings)?,
        Shape::Vtt | Shape::VttWithoutSignature => vtt::read(&lines, &mut warnings),
        Shape::YouTube => youtube::read(&lines, &mut warnings),
        Shape::Srt => srt::read(&lines, &mut warnings),
        Shape::Text => text::read(&lines, false, &mut warnings),
        Shape::WebPage => text::read(&lines, true, &mut warnings),
        Shape::Unrecognized(line) => return Err(ParseError::Unrecognized { line }),
    };
    Ok(finish(parsed, warnings))
}

/// Refuses text with NUL bytes, or with many other control characters: that is binary data.
fn check_binary(text: &str) -> Result<(), ParseError> {
    let line_of = |pos: usize| lines::line_of_byte(text.as_bytes(), pos);
    if let Some(pos) = text.find('\0') {
        return Err(ParseError::Binary { line: line_of(pos) });
    }
    // The control characters are all ASCII, and an ASCII byte in UTF-8 is always that character.
    let controls: usize = text
        .as_bytes()
        .chunks(4096)
        .map(|chunk| {
            chunk
                .iter()
                .map(|&b| u32::from(is_control_byte(b)))
                .sum::<u32>() as usize
        })
        .sum();
    if controls > 8 && controls * 100 > text.chars().count() {
        let pos = text.bytes().position(is_control_byte).unwrap_or(0);
        return Err(ParseError::Binary { line: line_of(pos) });
    }
    Ok(())
}

/// The control characters that mark binary data: 0x00..=0x08, 0x0E..=0x1F except ESC, and DEL.
fn is_control_byte(b: u8) -> bool {
    (b <= 0x08) | ((0x0e..=0x1f).contains(&b) & (b != 0x1b)) | (b == 0x7f)
}

/// Checks end times, sorts the cues stably by start and closes the warning list.
fn finish(parsed: Parsed, mut warnings: Warnings) -> Transcript {
    let mut cues = parsed.cues;
    let mut warned_line = 0;
    for c in &mut cues {
        let Some(end) = c.end else { continue };
        let problem = if end < c.start {
            format!(
                "the cue ends ({}) before it starts ({}); its end was ignored",
                timestamp::format_millis(end, '.'),
                timestamp::format_millis(c.start, '.')
            )
        } else if end == c.start {
            "the cue lasts no time at all; its end was ignored".to_owned()
        } else {
            continue;
        };
        c.end = None;
        // A cue split at a speaker change is warned about once.
        if c.line != warned_line {
            warned_line = c.line;
            warnings.push(c.line, problem);
        }
    }
    if let Some(w) = cues.windows(2).find(|w| w[1].start < w[0].start) {
        warnings.push(
            w[1].line,
            "the cues are not in time order (this is the first out of place); they were sorted by start time",
        );
        cues.sort_by_key(|c| c.start);
    }
    Transcript {
        title: parsed.title,
        format: parsed.format,
        cues,
        warnings: warnings.finish(),
    }
}
