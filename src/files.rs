//! Opening the listener's files safely: only regular files, bounded reads, and errors in words.
//!
//! A transcript named `episode.vtt` may be a FIFO, a link to `/dev/zero` or a 60 GB file. Every
//! file Readalong reads goes through here, so none of them can hang a thread or exhaust memory,
//! and every failure names the file and says what is wrong without an `os error N`.

use std::fmt;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// What went wrong opening or reading a file. Each message names the file.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// Nothing is at the path.
    #[error("{}: not found", .path.display())]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// The file exists but the user may not read it.
    #[error("{}: cannot be read (permission denied)", .path.display())]
    PermissionDenied {
        /// The file.
        path: PathBuf,
    },
    /// A folder, FIFO, device or socket where a file was expected.
    #[error("{}: not a regular file (it is {kind})", .path.display())]
    NotRegular {
        /// The file.
        path: PathBuf,
        /// What it is instead.
        kind: FileKind,
    },
    /// The file is larger than what may be read.
    #[error(
        "{}: too large ({} MB; a {what} may be at most {} MB)",
        .path.display(),
        .size_bytes / 1_000_000,
        .limit_bytes / 1_000_000
    )]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size_bytes: u64,
        /// The largest allowed.
        limit_bytes: u64,
        /// What kind of file it was meant to be ("transcript").
        what: &'static str,
    },
    /// Any other failure, in words.
    #[error("{}: cannot be read ({reason})", .path.display())]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// What the system said, in words.
        reason: String,
    },
}

/// What a path that is not a regular file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// A directory.
    Folder,
    /// A named pipe.
    Fifo,
    /// A character or block device, such as `/dev/zero`.
    Device,
    /// A Unix socket.
    Socket,
    /// Anything else.
    Other,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Folder => "a folder",
            FileKind::Fifo => "a named pipe (FIFO)",
            FileKind::Device => "a device",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a file",
        })
    }
}

impl FileError {
    /// Turns an I/O error about `path` into words.
    pub fn from_io(path: &Path, error: &io::Error) -> FileError {
        let path = path.to_path_buf();
        match error.kind() {
            io::ErrorKind::NotFound => FileError::NotFound { path },
            io::ErrorKind::PermissionDenied => FileError::PermissionDenied { path },
            io::ErrorKind::IsADirectory => FileError::NotRegular {
                path,
                kind: FileKind::Folder,
            },
            kind => FileError::Unreadable {
                path,
                reason: io_reason(kind),
            },
        }
    }
}

/// An I/O error kind in words, without the `os error N` that `io::Error` prints.
pub fn io_reason(kind: io::ErrorKind) -> String {
    match kind {
        io::ErrorKind::NotFound => "not found".to_owned(),
        io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        io::ErrorKind::UnexpectedEof => "the file ended early".to_owned(),
        io::ErrorKind::InvalidData => "the data is not valid".to_owned(),
        kind => kind.to_string(),
    }
}

/// What kind of thing `meta` describes, when it is not a regular file.
fn non_regular_kind(meta: &Metadata) -> Option<FileKind> {
    if meta.is_file() {
        return None;
    }
    if meta.is_dir() {
        return Some(FileKind::Folder);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return Some(FileKind::Fifo);
        }
        if t.is_char_device() || t.is_block_device() {
            return Some(FileKind::Device);
        }
        if t.is_socket() {
            return Some(FileKind::Socket);
        }
    }
    Some(FileKind::Other)
}

/// Looks at `path` (following links) and says whether it is a regular file; nothing is opened.
pub fn check_regular(path: &Path) -> Result<Metadata, FileError> {
    let meta = std::fs::metadata(path).map_err(|e| FileError::from_io(path, &e))?;
    match non_regular_kind(&meta) {
        None => Ok(meta),
        Some(kind) => Err(FileError::NotRegular {
            path: path.to_path_buf(),
            kind,
        }),
    }
}

/// Opens `path` for reading only if it is a regular file (after following links).
///
/// The file is opened without blocking, so a FIFO swapped in after the check cannot hang the
/// caller, and checked again once open.
pub fn open_regular(path: &Path) -> Result<(File, Metadata), FileError> {
    check_regular(path)?;
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options
        .open(path)
        .map_err(|e| FileError::from_io(path, &e))?;
    let meta = file.metadata().map_err(|e| FileError::from_io(path, &e))?;
    if let Some(kind) = non_regular_kind(&meta) {
        return Err(FileError::NotRegular {
            path: path.to_path_buf(),
            kind,
        });
    }
    Ok((file, meta))
}

/// Reads a whole regular file of at most `limit_bytes`; a larger one is refused before reading.
/// `what` names the kind of file in the message ("transcript").
pub fn read_bounded(
    path: &Path,
    limit_bytes: u64,
    what: &'static str,
) -> Result<Vec<u8>, FileError> {
    let (file, meta) = open_regular(path)?;
    let too_large = |size_bytes| FileError::TooLarge {
        path: path.to_path_buf(),
        size_bytes,
        limit_bytes,
        what,
    };
    if meta.len() > limit_bytes {
        return Err(too_large(meta.len()));
    }
    // The size may have grown since the check; never read past the limit.
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::from_io(path, &e))?;
    if bytes.len() as u64 > limit_bytes {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// Reads at most the first `max_bytes` of a regular file (for sniffing what it is).
pub fn read_head(path: &Path, max_bytes: u64) -> Result<Vec<u8>, FileError> {
    let (file, _) = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(max_bytes)
        .read_to_end(&mut bytes)
        .map_err(|e| FileError::from_io(path, &e))?;
    Ok(bytes)
}

/// What a file's first bytes say it is, for files that are plainly not audio or text:
/// "a PNG image", "a PDF document" and so on. `None` when nothing is recognized.
pub fn sniff_foreign(head: &[u8]) -> Option<&'static str> {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"GIF87a", "a GIF image"),
        (b"GIF89a", "a GIF image"),
        (b"%PDF-", "a PDF document"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x1f\x8b", "a gzip archive"),
        (b"\x7fELF", "a program (ELF)"),
        (b"BM", "a BMP image"),
        (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
        (b"Rar!", "a RAR archive"),
    ];
    if let Some((_, name)) = SIGNATURES.iter().find(|(magic, _)| head.starts_with(magic)) {
        return Some(name);
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Some("a WebP image");
    }
    let text = String::from_utf8_lossy(&head[..head.len().min(512)]).to_ascii_lowercase();
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.starts_with("<!doctype html") || text.starts_with("<html") {
        return Some("a web page (HTML)");
    }
    if text.starts_with("webvtt") {
        return Some("a WebVTT transcript");
    }
    if text.starts_with('{') || text.starts_with('[') {
        return Some("a JSON file");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(e: &FileError) -> String {
        e.to_string()
    }

    #[test]
    fn messages_name_the_file_and_the_problem_in_words() {
        let dir = tempfile::tempdir().expect("temp dir");
        let missing = dir.path().join("missing.vtt");
        let err = read_bounded(&missing, 10, "transcript").expect_err("missing");
        assert_eq!(message(&err), format!("{}: not found", missing.display()));

        let big = dir.path().join("big.vtt");
        std::fs::write(&big, vec![b'a'; 3_000_001]).expect("write");
        let err = read_bounded(&big, 2_000_000, "transcript").expect_err("too large");
        assert_eq!(
            message(&err),
            format!(
                "{}: too large (3 MB; a transcript may be at most 2 MB)",
                big.display()
            )
        );

        let err = read_bounded(dir.path(), 10, "transcript").expect_err("folder");
        assert!(message(&err).ends_with("not a regular file (it is a folder)"));
        assert!(!message(&err).contains("os error"));
    }

    #[cfg(unix)]
    #[test]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("episode.vtt");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("path");
        // SAFETY: mkfifo reads a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let err = read_bounded(&fifo, 10, "transcript").expect_err("fifo");
        assert!(message(&err).contains("not a regular file (it is a named pipe (FIFO))"));

        let link = dir.path().join("zero.vtt");
        std::os::unix::fs::symlink("/dev/zero", &link).expect("symlink");
        let err = read_bounded(&link, 10, "transcript").expect_err("device");
        assert!(message(&err).contains("not a regular file (it is a device)"));
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_says_permission_denied() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("locked.vtt");
        std::fs::write(&path, "WEBVTT\n").expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
        if std::fs::read(&path).is_ok() {
            return; // Running as root: permissions do not apply.
        }
        let err = read_bounded(&path, 100, "transcript").expect_err("locked");
        assert!(message(&err).ends_with("cannot be read (permission denied)"));
    }

    #[test]
    fn reads_within_the_limit() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.txt");
        std::fs::write(&path, "hello").expect("write");
        assert_eq!(
            read_bounded(&path, 5, "transcript").expect("read"),
            b"hello"
        );
        assert_eq!(read_head(&path, 2).expect("head"), b"he");
    }

    #[test]
    fn foreign_files_are_named() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", Some("a PNG image")),
            (b"\xff\xd8\xff\xe0\0\x10JFIF", Some("a JPEG image")),
            (b"%PDF-1.7\n", Some("a PDF document")),
            (b"<!DOCTYPE html><html>", Some("a web page (HTML)")),
            (b"WEBVTT\n\n", Some("a WebVTT transcript")),
            (b"ID3\x04\0\0\0\0\0\0", None),
            (b"\xff\xfb\x90\x64", None),
            (b"", None),
        ];
        for (head, want) in cases {
            assert_eq!(sniff_foreign(head), *want, "{head:?}");
        }
    }
}
