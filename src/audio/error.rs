//! What can go wrong in the audio core, in words a listener can act on.
//!
//! Opening a file gives an [`AudioError`] that names the file; the output device gives one that
//! names the device. None of the messages carries an `os error N`: I/O errors go through
//! [`FileError`], which says what happened in words.

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use symphonia::core::errors::Error as SymError;

use crate::files::{FileError, io_reason};

/// Why a file could not be opened for playback, or why there is no sound device.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// The file is missing, unreadable or not a regular file.
    #[error(transparent)]
    File(#[from] FileError),
    /// The file is plainly something else (an image, a document, a transcript).
    #[error("{}: not audio (it looks like {kind})", .path.display())]
    NotAudio {
        /// The file.
        path: PathBuf,
        /// What it looks like ("a PNG image").
        kind: &'static str,
    },
    /// No supported container or stream was recognised.
    #[error("{}: unrecognised audio format", .path.display())]
    UnknownFormat {
        /// The file.
        path: PathBuf,
    },
    /// The file looked like an MP3 but holds no MPEG audio frame.
    #[error("{}: no MP3 audio frames found", .path.display())]
    NoMp3Frames {
        /// The file.
        path: PathBuf,
    },
    /// A recognised file that Readalong cannot play.
    #[error("{}: {what}", .path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What is not supported, as a phrase ("unsupported codec ALAC").
        what: String,
    },
    /// The file's data is damaged.
    #[error("{}: damaged audio ({detail})", .path.display())]
    Damaged {
        /// The file.
        path: PathBuf,
        /// What the decoder said.
        detail: String,
    },
    /// There is no default output device.
    #[error("no audio output device")]
    NoDevice,
    /// The output device refused to open or play.
    #[error("audio device {device}: {detail}")]
    Device {
        /// The device's name.
        device: String,
        /// What went wrong.
        detail: String,
    },
    /// The device did not open in time.
    #[error("opening the audio device took longer than {} s", .0.as_secs_f32())]
    DeviceTimeout(Duration),
    /// The device reported an error while playing.
    #[error("the audio device failed")]
    DeviceFailed,
    /// A background thread could not be started.
    #[error("could not start the {name} thread ({reason})")]
    Thread {
        /// The thread's name.
        name: &'static str,
        /// Why, in words.
        reason: String,
    },
}

impl AudioError {
    /// An I/O error about `path`, in words.
    pub fn io(path: &Path, error: &io::Error) -> AudioError {
        AudioError::File(FileError::from_io(path, error))
    }

    /// A symphonia error about `path`, in words.
    pub fn symphonia(path: &Path, error: SymError) -> AudioError {
        let path = path.to_path_buf();
        match error {
            SymError::IoError(err) => AudioError::io(&path, &err),
            SymError::Unsupported(what) => AudioError::Unsupported {
                path,
                what: format!("unsupported ({what})"),
            },
            SymError::DecodeError(detail) => AudioError::Damaged {
                path,
                detail: detail.to_string(),
            },
            other => AudioError::Damaged {
                path,
                detail: other.to_string(),
            },
        }
    }

    /// A thread that could not be spawned.
    pub fn thread(name: &'static str, error: &io::Error) -> AudioError {
        AudioError::Thread {
            name,
            reason: io_reason(error.kind()),
        }
    }
}

/// Why decoding stopped in an open stream. Logged, never shown: the stream then ends early.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Reading the file failed.
    #[error("reading failed ({})", io_reason(.0.kind()))]
    Io(#[from] io::Error),
    /// The codec or container failed.
    #[error("{0}")]
    Codec(#[from] SymError),
    /// An MP3 frame is not where the index says.
    #[error("an MP3 frame header changed since indexing")]
    HeaderChanged,
}
