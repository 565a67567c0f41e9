//! Readalong: read a podcast episode's transcript while listening to it.
//!
//! The crate is a pure [`transcript`] core (bytes in, a `Transcript` out), an [`audio`] module that alone
//! talks to the sound system, [`episode`] for finding an episode's files, the egui shell in [`app`],
//! and the command line in [`cli`].

pub mod app;
pub mod audio;
pub mod chapter_files;
pub mod cli;
pub mod episode;
pub mod files;
pub mod library;
pub mod state;
pub mod timefmt;
pub mod trace;
pub mod transcript;
