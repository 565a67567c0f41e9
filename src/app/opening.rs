//! Opening an episode off the UI thread: finding its files and reading its transcripts on a named
//! thread, with each result tagged by the request it answers so a late one is dropped.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::Duration;

use eframe::egui::Context;

use crate::chapter_files::{self, EpisodeChapters};
use crate::episode::{self, EpisodeFiles, TranscriptChoice};
use crate::library;

/// What a path turned out to be.
pub enum Found {
    /// One episode: its files, its transcripts and its chapters, read.
    Episode(EpisodeFiles, Vec<TranscriptChoice>, Box<EpisodeChapters>),
    /// A folder of several episodes.
    Library,
}

/// What opening a path found.
pub struct Opened {
    /// The path as the user gave it, made absolute (for a library's episode, the library folder).
    pub path: PathBuf,
    /// What the path holds, or why it cannot be opened.
    pub result: Result<Found, String>,
    /// Where to start, as asked when opening.
    pub at: Option<Duration>,
}

/// What to read.
enum Request {
    /// A path the user gave: a library, an episode folder or a file.
    Path(PathBuf),
    /// A library's episode, whose files are known.
    Files(PathBuf, Box<EpisodeFiles>),
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
        self.start(ctx, Request::Path(path.to_owned()), path, at);
    }

    /// Starts reading a library episode's transcripts; `root` is the library's folder.
    pub fn open_files(
        &mut self,
        ctx: &Context,
        root: &Path,
        files: EpisodeFiles,
        at: Option<Duration>,
    ) {
        let shown = files.folder.clone();
        self.start(
            ctx,
            Request::Files(root.to_owned(), Box::new(files)),
            &shown,
            at,
        );
    }

    fn start(&mut self, ctx: &Context, request: Request, path: &Path, at: Option<Duration>) {
        self.cancel();
        self.next_id += 1;
        let id = self.next_id;
        let cancel = Arc::new(AtomicBool::new(false));
        let (tx, thread_cancel) = (self.tx.clone(), cancel.clone());
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("episode-open".to_owned())
            .spawn(move || {
                let opened = read(request, at, &thread_cancel);
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

/// Reads what was asked (this runs off the UI thread).
fn read(request: Request, at: Option<Duration>, cancel: &AtomicBool) -> Opened {
    let cancelled = || cancel.load(Ordering::Relaxed);
    match request {
        Request::Files(root, files) => {
            let choices = episode::read_choices_until(&files, &cancelled);
            let chapters = Box::new(chapters_of(&files));
            Opened {
                path: root,
                result: Ok(Found::Episode(*files, choices, chapters)),
                at,
            }
        }
        Request::Path(path) => {
            // The same episode reached by another relative path must find its saved place.
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let result = if path.is_dir() {
                library::is_library(&path, cancel).map_err(|e| e.to_string())
            } else {
                Ok(false)
            }
            .and_then(|is_library| {
                if is_library {
                    return Ok(Found::Library);
                }
                let files = episode::discover(&path).map_err(|e| format!("{e:#}"))?;
                let choices = episode::read_choices_until(&files, &cancelled);
                let files = with_title(files, &choices);
                let chapters = Box::new(chapters_of(&files));
                Ok(Found::Episode(files, choices, chapters))
            });
            Opened { path, result, at }
        }
    }
}

/// Gives the episode its title, when it has none yet: the transcript's (a web page's header, a
/// `WEBVTT - Title` line), else the audio's ID3 title, else its file name made readable.
fn with_title(mut files: EpisodeFiles, choices: &[TranscriptChoice]) -> EpisodeFiles {
    if files.title.is_none() {
        let from_transcript = choices
            .iter()
            .find_map(|c| c.result.as_ref().ok()?.title.clone());
        let from_tag = || {
            files
                .audio
                .as_deref()
                .and_then(|a| library::tags::read_tags(a).ok()?.title)
        };
        let from_name = || library::naming::readable_title(&files.display_name());
        files.title = Some(from_transcript.or_else(from_tag).unwrap_or_else(from_name));
    }
    files
}

/// The episode's chapters: beside or inside its audio, else beside its first transcript.
fn chapters_of(files: &EpisodeFiles) -> EpisodeChapters {
    match (&files.audio, files.transcripts.first()) {
        (Some(audio), _) => chapter_files::read_chapters(audio, true),
        (None, Some(transcript)) => chapter_files::read_chapters(transcript, false),
        (None, None) => EpisodeChapters::default(),
    }
}
