//! Scanning and searching a library on named background threads: each job reports through a
//! channel and wakes its owner; dropping or replacing a job cancels it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};

use super::{Hit, Library, Query, ScanRequest, ScanUpdate};

/// Called when a job has something new (the app asks for a repaint).
pub type Wake = Arc<dyn Fn() + Send + Sync>;

/// What a scan sends.
#[derive(Debug)]
pub enum ScanMessage {
    /// Progress, and now and then the episodes so far or the searchable library.
    Update(ScanUpdate),
    /// The scan ended: the library, or why the folder cannot be read.
    Finished(Result<Library, String>),
}

/// A scan running on the `library-scan` thread.
pub struct Scanner {
    rx: Receiver<ScanMessage>,
    cancel: Arc<AtomicBool>,
}

impl Scanner {
    /// Starts scanning.
    pub fn start(request: ScanRequest, wake: Wake) -> Scanner {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let spawned = std::thread::Builder::new()
            .name("library-scan".to_owned())
            .spawn({
                let tx = tx.clone();
                let wake = wake.clone();
                move || {
                    let result = super::scan(&request, &thread_cancel, &mut |update| {
                        let _ = tx.send(ScanMessage::Update(update));
                        wake();
                    })
                    .map_err(|e| e.to_string());
                    let _ = tx.send(ScanMessage::Finished(result));
                    wake();
                }
            });
        if let Err(e) = spawned {
            let _ = tx.send(ScanMessage::Finished(Err(format!(
                "cannot start reading the library: {e}"
            ))));
        }
        Scanner { rx, cancel }
    }

    /// The messages sent since the last call.
    pub fn poll(&self) -> Vec<ScanMessage> {
        self.rx.try_iter().collect()
    }
}

impl Drop for Scanner {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

/// The result of one search.
#[derive(Clone, Debug)]
pub struct SearchResult {
    /// The query as typed.
    pub query: String,
    /// The lines found, by episode then time.
    pub hits: Vec<Hit>,
}

/// A search running on the `library-search` thread; a new one replaces (and cancels) it.
pub struct Searcher {
    rx: Receiver<SearchResult>,
    cancel: Arc<AtomicBool>,
}

impl Searcher {
    /// Starts searching `library` for `query`.
    pub fn start(library: Arc<Library>, query: String, wake: Wake) -> Searcher {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let thread_cancel = cancel.clone();
        let _ = std::thread::Builder::new()
            .name("library-search".to_owned())
            .spawn(move || {
                let parsed = Query::parse(&query);
                let hits = library.search(&parsed, &|| thread_cancel.load(Ordering::Relaxed));
                if !thread_cancel.load(Ordering::Relaxed) {
                    let _ = tx.send(SearchResult { query, hits });
                    wake();
                }
            });
        Searcher { rx, cancel }
    }

    /// The result, once ready.
    pub fn poll(&self) -> Option<SearchResult> {
        self.rx.try_recv().ok()
    }
}

impl Drop for Searcher {
    fn drop(&mut self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}
