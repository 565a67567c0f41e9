//! Builds what the transcript view shows (paragraphs, or the lines as published, maybe of one speaker only) on a
//! named thread: on a 590,000-line transcript it takes about half a second, too long for a frame.
//!
//! Each build is tagged with its request; a result for a request that is no longer the latest is dropped.

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use eframe::egui::Context;

use crate::transcript::Transcript;
use crate::transcript::paragraphs::Paragraphs;

/// What to build.
#[derive(Clone)]
pub struct BlocksRequest {
    /// The transcript shown.
    pub transcript: Arc<Transcript>,
    /// Paragraphs (true) or the lines as published (false).
    pub paragraphs: bool,
    /// Only this speaker's blocks, if set.
    pub speaker: Option<String>,
}

impl BlocksRequest {
    /// Builds the blocks asked for (on the calling thread).
    pub fn build(&self) -> Paragraphs {
        let blocks = if self.paragraphs {
            Paragraphs::build(&self.transcript)
        } else {
            Paragraphs::as_published(&self.transcript)
        };
        match &self.speaker {
            Some(name) => blocks.only_speaker(name),
            None => blocks,
        }
    }
}

/// Runs builds on the `paragraphs` thread and hands back the latest one's result.
pub struct BlocksBuilder {
    latest: u64,
    waiting: bool,
    tx: Sender<(u64, Paragraphs)>,
    rx: Receiver<(u64, Paragraphs)>,
}

impl Default for BlocksBuilder {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        BlocksBuilder {
            latest: 0,
            waiting: false,
            tx,
            rx,
        }
    }
}

impl BlocksBuilder {
    /// Starts building; an earlier build still running is left to finish and its result dropped.
    pub fn build(&mut self, ctx: &Context, request: BlocksRequest) {
        self.latest += 1;
        self.waiting = true;
        let id = self.latest;
        let tx = self.tx.clone();
        let ctx = ctx.clone();
        let fallback = request.clone();
        let spawned = std::thread::Builder::new()
            .name("paragraphs".to_owned())
            .spawn(move || {
                let _ = tx.send((id, request.build()));
                ctx.request_repaint();
            });
        if let Err(e) = spawned {
            // Without a thread, build here rather than show nothing.
            log::warn!("cannot start the paragraphs thread: {e}");
            let _ = self.tx.send((id, fallback.build()));
        }
    }

    /// Forgets the build in progress: its result will be dropped.
    pub fn cancel(&mut self) {
        self.latest += 1;
        self.waiting = false;
    }

    /// True while a build is running.
    pub fn is_building(&self) -> bool {
        self.waiting
    }

    /// The latest build's result, once it is ready.
    pub fn poll(&mut self) -> Option<Paragraphs> {
        let mut ready = None;
        while let Ok((id, blocks)) = self.rx.try_recv() {
            if id == self.latest {
                ready = Some(blocks);
            }
        }
        if ready.is_some() {
            self.waiting = false;
        }
        ready
    }
}
