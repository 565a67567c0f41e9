//! Opening an episode off the UI thread: finding its files and reading its transcripts on a named
//! thread, with each result tagged by the request it answers so a late one is dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use eframe::egui::Context;

use crate::episode::{self, EpisodeFiles, TranscriptChoice};

/// What opening a path found.
pub struct Opened {
    /// The path as the user gave it, made absolute.
    pub path: PathBuf,
    /// The episode's files, or why the path cannot be opened.
    pub result: Result<(EpisodeFiles, Vec<TranscriptChoice>), String>,
    /// Where to start, as asked when opening.
    pub at: Option<Duration>,
}

/// The request being read now.
struct Current {
    id: u64,
    path: PathBuf,
    cancel: Arc<AtomicBool>,
}

/// Reads episodes in the background, one request at a time; a new request cancels the old one.
pub struct Opener {
    next_id: u64,
    current: Option<Current>,
    tx: Sender<(u64, Opened)>,
    rx: Receiver<(u64, Opened)>,
}

impl Default for Opener {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Opener {
            next_id: 0,
            current: None,
            tx,
            rx,
        }
    }
}

impl Opener {
    /// Starts reading `path` on the `episode-open` thread, cancelling any read in progress.
    pub fn open(&mut self, ctx: &Context, path: &Path, at: Option<Duration>) {
        self.cancel();
        self.next_id += 1;
        let id = self.next_id;
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, thread_cancel, thread_path) = (self.tx.clone(), cancel.clone(), path.to_owned());
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("episode-open".to_owned())
            .spawn(move || {
                let opened = read_episode(&thread_path, at, &thread_cancel);
                if !thread_cancel.load(Ordering::Relaxed) {
                    let _ = tx.send((id, opened));
                    ctx.request_repaint();
                }
            });
        match spawned {
            Ok(_) => {
                self.current = Some(Current {
                    id,
                    path: path.to_owned(),
                    cancel,
                })
            }
            Err(e) => {
                let _ = self.tx.send((
                    id,
                    Opened {
                        path: path.to_owned(),
                        result: Err(format!("cannot start reading {}: {e}", path.display())),
                        at,
                    },
                ));
                self.current = Some(Current {
                    id,
                    path: path.to_owned(),
                    cancel,
                });
            }
        }
    }

    /// Stops the read in progress; its result, if it still comes, is dropped.
    pub fn cancel(&mut self) {
        if let Some(current) = self.current.take() {
            current.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// The path being read now, if any.
    pub fn reading(&self) -> Option<&Path> {
        self.current.as_ref().map(|c| c.path.as_path())
    }

    /// The result of the current request, once it is ready. Results of older requests are dropped.
    pub fn poll(&mut self) -> Option<Opened> {
        while let Ok((id, opened)) = self.rx.try_recv() {
            if self.current.as_ref().is_some_and(|c| c.id == id) {
                self.current = None;
                return Some(opened);
            }
        }
        None
    }
}

/// Finds the episode at `path` and reads its transcripts (this runs off the UI thread).
fn read_episode(path: &Path, at: Option<Duration>, cancel: &AtomicBool) -> Opened {
    // The same episode reached by another relative path must find its saved place.
    let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let result = episode::discover(&path)
        .map_err(|e| format!("{e:#}"))
        .map(|files| {
            let choices = episode::read_choices_until(&files, &|| cancel.load(Ordering::Relaxed));
            (files, choices)
        });
    Opened { path, result, at }
}
