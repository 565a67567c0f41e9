//! File › Export: asks where to save with the desktop's save dialog and writes the transcript there, all on a
//! named thread, so the window never waits for the dialog or the disk.
//!
//! The dialog starts in the user's documents folder (else home), never in the episode's folder: Readalong writes
//! there only when the user picks it.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};

use eframe::egui::Context;

use crate::transcript::{Transcript, export::Kind};

/// How an export ended.
#[derive(Debug)]
pub enum ExportOutcome {
    /// Written to this file.
    Written(PathBuf),
    /// The user closed the dialog without picking a place.
    Cancelled,
    /// It could not be done; the message says why, in words.
    Failed(String),
}

/// What to export and how to name it.
pub struct ExportRequest {
    /// The transcript shown.
    pub transcript: Transcript,
    /// The shape to write.
    pub kind: Kind,
    /// The file name offered, without extension (the transcript's own name).
    pub stem: String,
    /// Why there is no save dialog, when there is none.
    pub dialog_missing: Option<String>,
}

/// Starts the export on its own thread; the answer arrives on the receiver, and the window is asked to repaint.
pub fn start(ctx: &Context, request: ExportRequest) -> Result<Receiver<ExportOutcome>, String> {
    let (tx, rx) = mpsc::channel();
    let ctx = ctx.clone();
    std::thread::Builder::new()
        .name("export".to_owned())
        .spawn(move || {
            let _ = tx.send(run(request));
            ctx.request_repaint();
        })
        .map_err(|e| format!("Cannot start the export: {e}"))?;
    Ok(rx)
}

fn run(request: ExportRequest) -> ExportOutcome {
    if let Some(reason) = &request.dialog_missing {
        return ExportOutcome::Failed(format!("No save dialog: {reason}."));
    }
    let kind = request.kind;
    let file_name = format!("{}.{}", request.stem, kind.extension());
    let mut dialog = rfd::FileDialog::new()
        .set_title(format!("Export the transcript as {}", kind.label()))
        .set_file_name(&file_name)
        .add_filter(kind.label(), &[kind.extension()]);
    if let Some(dir) = start_folder() {
        dialog = dialog.set_directory(dir);
    }
    let Some(path) = dialog.save_file() else {
        return ExportOutcome::Cancelled;
    };
    write(&path, &request)
}

/// Writes the transcript in the shape asked for to `path`.
fn write(path: &Path, request: &ExportRequest) -> ExportOutcome {
    let text = request.kind.write(&request.transcript, &request.stem);
    match std::fs::write(path, text) {
        Ok(()) => ExportOutcome::Written(path.to_path_buf()),
        Err(e) => ExportOutcome::Failed(format!("Cannot write {}: {e}", path.display())),
    }
}

/// The user's documents folder, else home: never the episode's folder.
fn start_folder() -> Option<PathBuf> {
    let dirs = directories::UserDirs::new()?;
    Some(
        dirs.document_dir()
            .map_or_else(|| dirs.home_dir().to_path_buf(), Path::to_path_buf),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Cue, Format};

    #[test]
    fn writes_the_kind_asked_for_to_the_place_picked() {
        let dir = tempfile::tempdir().expect("temp dir");
        let transcript = Transcript {
            title: None,
            format: Format::WebVtt,
            cues: vec![Cue {
                text: "Hello there.".to_owned(),
                ..Cue::default()
            }],
            warnings: Vec::new(),
        };
        let request = ExportRequest {
            transcript,
            kind: Kind::Markdown,
            stem: "show".to_owned(),
            dialog_missing: None,
        };
        let path = dir.path().join("show.md");
        let ExportOutcome::Written(written) = write(&path, &request) else {
            panic!("not written");
        };
        assert_eq!(written, path);
        let text = std::fs::read_to_string(&path).expect("read back");
        assert_eq!(text, "# show\n\n[0:00] Hello there.\n");
        let missing = dir.path().join("no/such/folder/show.md");
        assert!(
            matches!(write(&missing, &request), ExportOutcome::Failed(m) if m.contains("Cannot write"))
        );
    }
}
