//! The reasons a file cannot be read as a transcript at all, each worded for the person who opened it.

use thiserror::Error;

/// Why `parse` gave up. Every message is one sentence; the caller puts the file name in front.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ParseError {
    /// The file has no bytes, or only whitespace.
    #[error("the file is empty")]
    Empty,
    /// The file is bigger than any transcript should be.
    #[error("the file is {bytes} bytes long, more than the {limit} bytes a transcript may have")]
    TooLarge {
        /// The file's size.
        bytes: usize,
        /// The largest size accepted.
        limit: usize,
    },
    /// The file holds binary data (NUL bytes or control characters), not text.
    #[error("line {line}: this is a binary file, not a text transcript")]
    Binary {
        /// The line holding the first binary byte.
        line: usize,
    },
    /// No timestamps anywhere: not a transcript shape this reader knows.
    #[error(
        "line {line}: no timestamps found; expected WebVTT, SRT, JSON or `HH:MM:SS text` lines"
    )]
    Unrecognized {
        /// The first line with text on it.
        line: usize,
    },
    /// The file looks like JSON but is not valid JSON.
    #[error("line {line}, column {column}: the JSON is broken: {message}")]
    Json {
        /// Where the JSON breaks (1-based).
        line: usize,
        /// The column where it breaks (1-based).
        column: usize,
        /// What the JSON parser expected.
        message: String,
    },
    /// Valid JSON, but neither Podcasting 2.0 nor Whisper (no `segments` list).
    #[error(
        "line {line}: this JSON has no \"segments\" list, so it is not a Podcasting 2.0 or Whisper transcript"
    )]
    UnknownJson {
        /// The line where the JSON document starts.
        line: usize,
    },
}
