//! The one place the app's state changes: applying commands, and the per-frame logic that reacts
//! to background work (episodes read, audio opened, dialogs answered) and saves the listener's place.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use eframe::egui::{self, Context};

use super::blocks::BlocksRequest;
use super::command::{self, Command};
use super::export_dialog::{self, ExportOutcome, ExportRequest};
use super::library_panel;
use super::opening::{Found, Opened};
use super::playback;
use super::quote;
use super::transcript_view::Reveal;
use super::{AudioStatus, MAX_REPAINT_WAIT, OpenEpisode, POLL_WAIT, ReadalongApp, search_bar};
use crate::audio::PlayerEvent;
use crate::chapter_files::EpisodeChapters;
use crate::episode::{self, EpisodeFiles, TranscriptChoice};
use crate::state::{self, FONT_SIZE_RANGE, SPEED_RANGE};
use crate::trace::TraceEvent;
use crate::transcript::export::Kind;
use crate::transcript::paragraphs::{Paragraphs, SentenceId};

/// What the file dialog thread answers.
pub(super) enum DialogResult {
    /// The user picked this, or cancelled (`None`).
    Picked(Option<PathBuf>),
    /// The desktop has no file dialog; the reason says what is missing.
    Unavailable(String),
}

/// What a file dialog is for.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum DialogPurpose {
    /// Open an episode file.
    OpenFile,
    /// Open an episode or library folder.
    OpenFolder,
    /// Add a folder of audio to the library.
    AudioFolder,
    /// Choose the audio of the library's episode with this key.
    AudioFileFor(String),
}

impl ReadalongApp {
    pub(super) fn apply_pending(&mut self, ctx: &Context) {
        let commands = std::mem::take(&mut self.pending);
        if commands.is_empty() {
            return;
        }
        for command in commands {
            self.apply(ctx, command);
        }
        ctx.request_repaint();
    }

    pub(super) fn apply(&mut self, ctx: &Context, command: Command) {
        match command {
            Command::OpenFileDialog => self.start_dialog(ctx, DialogPurpose::OpenFile),
            Command::OpenFolderDialog => self.start_dialog(ctx, DialogPurpose::OpenFolder),
            Command::Export(kind) => self.start_export(ctx, kind),
            Command::Open(path) => self.open(ctx, &path, None),
            Command::SwitchTranscript(index) => self.switch_transcript(ctx, index),
            Command::TogglePlay => self.toggle_play(),
            Command::Play => {
                if !self.player.is_playing() {
                    self.play();
                }
            }
            Command::Pause => {
                if self.player.is_playing() {
                    self.toggle_play();
                }
            }
            Command::SeekBy { by, back: true } => {
                self.seek(self.heard_position().saturating_sub(by))
            }
            Command::SeekBy { by, back: false } => self.seek(self.heard_position() + by),
            Command::SeekTo(to) => self.seek(to),
            Command::SeekToSentence(id) => {
                self.selection = None;
                self.seek_to_sentence(id);
                self.view.reveal(id.paragraph, Reveal::Never);
            }
            Command::SeekToWord(id, start) => {
                self.selection = None;
                self.follow = true;
                self.seek(start);
                self.view.reveal(id.paragraph, Reveal::Never);
            }
            Command::ToggleParagraphView => self.toggle_paragraph_view(ctx),
            Command::FilterSpeaker(name) => {
                self.speaker_filter = name;
                self.blocks_changed(ctx);
                self.follow = true;
            }
            Command::SetTheme(choice) => {
                self.state.settings.theme = choice;
                super::theme::apply(ctx, choice);
                self.store.save(&self.state);
            }
            Command::ScrollView(how) => {
                self.set_follow(false);
                self.view.scroll(how);
            }
            Command::SkipBack => {
                let back = Duration::from_secs(self.state.settings.skip_back_secs.into());
                self.seek(self.heard_position().saturating_sub(back))
            }
            Command::SkipForward => {
                let forward = Duration::from_secs(self.state.settings.skip_forward_secs.into());
                self.seek(self.heard_position() + forward)
            }
            Command::JumpToChapter(index) => {
                if let Some(start) = self.chapters().get(index).map(|c| c.start) {
                    self.follow = true;
                    self.seek(start);
                }
            }
            Command::ExtendSelection(forward) => self.extend_selection(forward),
            Command::Select(selection) => self.selection = selection,
            Command::PreviousLine => self.step_line(false),
            Command::NextLine => self.step_line(true),
            Command::SetSpeed(speed) => self.set_speed(speed),
            Command::StepSpeed(faster) => self.set_speed(playback::step_speed(self.speed, faster)),
            Command::SetBackUpAfterPause(secs) => {
                self.state.settings.back_up_after_pause_secs = secs.min(state::MAX_BACK_UP_SECS);
                self.store.save(&self.state);
            }
            Command::SetSkipBack(secs) => {
                self.state.settings.skip_back_secs = secs.clamp(1, state::MAX_SKIP_SECS);
                self.store.save(&self.state);
            }
            Command::SetSkipForward(secs) => {
                self.state.settings.skip_forward_secs = secs.clamp(1, state::MAX_SKIP_SECS);
                self.store.save(&self.state);
            }
            Command::SetVolume(volume) => self.set_volume(volume),
            Command::FontBigger => self.change_font(1.0),
            Command::FontSmaller => self.change_font(-1.0),
            Command::SetFollow(follow) => self.set_follow(follow),
            Command::FocusSearch => self.focus_search(ctx),
            Command::Search(query) => self.search_for(query),
            Command::NextMatch => self.step_match(true),
            Command::PreviousMatch => self.step_match(false),
            Command::CloseSearch => self.close_search(),
            Command::ToggleHelp => self.show_help = !self.show_help,
            Command::Escape => self.escape(ctx),
            Command::DismissError => self.error = None,
            Command::BuiltinDialogPick(path) => {
                self.builtin_dialog = None;
                self.open(ctx, &path, None);
            }
            Command::BuiltinDialogClose => self.builtin_dialog = None,
            Command::OpenLibraryEpisode { key, at } => self.open_library_episode(ctx, &key, at),
            Command::ToggleLibrary => {
                if let Some(library) = &mut self.library {
                    library.visible = !library.visible;
                }
            }
            Command::FocusLibrarySearch => {
                if let Some(library) = &mut self.library {
                    library.focus_search();
                }
            }
            Command::AddAudioFolderDialog => self.start_dialog(ctx, DialogPurpose::AudioFolder),
            Command::AddAudioFolder(dir) => {
                if let Some(root) = self.library_root() {
                    self.state.add_audio_dirs(&root, &[dir]);
                    self.store.save(&self.state);
                    self.rescan_library();
                }
            }
            Command::ChooseAudioDialog(key) => {
                self.start_dialog(ctx, DialogPurpose::AudioFileFor(key))
            }
            Command::SetPairing { key, audio } => self.set_pairing(&key, Some(audio)),
            Command::ResetPairing(key) => self.set_pairing(&key, None),
            Command::NudgeOffset(step_ms) => self.set_offset(self.sync.offset_ms() + step_ms),
            Command::SetOffset(offset_ms) => self.set_offset(offset_ms),
            Command::SyncLineNow(index) => self.sync_line_now(index),
            Command::CopySentence(id) => self.copy_sentence(ctx, id, Copy::Text),
            Command::CopyQuote(id) => self.copy_sentence(ctx, id, Copy::Quote),
            Command::CopyLink(id) => self.copy_sentence(ctx, id, Copy::Link),
            Command::RemoveSyncPoint(index) => self.set_sync(self.sync.without_point(index)),
            Command::ToggleSync => self.show_sync = !self.show_sync,
            Command::SuggestSyncPoints => self.start_suggest(ctx),
            Command::ApplySuggestions => self.apply_suggestions(),
            Command::DismissSuggestions => self.suggest = super::suggest::SuggestState::Idle,
        }
    }

    fn library_root(&self) -> Option<PathBuf> {
        self.library.as_ref().map(|l| l.root.clone())
    }

    /// Shows a library: its episode list fills as it is scanned; the episode open last time
    /// there opens once it is found.
    fn show_library(&mut self, ctx: &Context, root: &Path) {
        self.save_place();
        self.player.pause();
        self.player.close();
        self.paused_at = None;
        self.audio = AudioStatus::NoFile;
        self.audio_request = None;
        self.episode = None;
        self.transcript_changed(ctx);
        self.error = None;
        self.state.remember_recent(root);
        let audio_dirs = std::mem::take(&mut self.start_audio_dirs);
        self.state.add_audio_dirs(root, &audio_dirs);
        self.store.save(&self.state);
        let reopen = self.state.library(root).last_episode;
        let request = library_panel::scan_request(root, &self.state, self.cache_dir.clone());
        let wake_ctx = ctx.clone();
        let wake: crate::library::background::Wake = Arc::new(move || wake_ctx.request_repaint());
        self.library = Some(library_panel::LibraryView::new(request, reopen, wake));
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
            "{} — Readalong",
            episode::file_name(root)
        )));
    }

    fn rescan_library(&mut self) {
        if let Some(library) = &mut self.library {
            let request =
                library_panel::scan_request(&library.root, &self.state, self.cache_dir.clone());
            library.rescan(request);
        }
    }

    /// Remembers a pairing the listener chose (`Some`), or forgets it (`None`), and scans again.
    fn set_pairing(&mut self, key: &str, choice: Option<Option<PathBuf>>) {
        let Some(root) = self.library_root() else {
            return;
        };
        let prefs = self.state.library_mut(&root);
        match choice {
            Some(audio) => {
                prefs.pairs.insert(key.to_owned(), audio);
            }
            None => {
                prefs.pairs.remove(key);
            }
        }
        self.store.save(&self.state);
        self.rescan_library();
        if let Some(library) = &mut self.library
            && library.open_key.as_deref() == Some(key)
        {
            library.reopen_after_scan(key);
        }
    }

    fn open_library_episode(&mut self, ctx: &Context, key: &str, at: Option<Duration>) {
        let Some(library) = &mut self.library else {
            return;
        };
        let Some(files) = library.episode(key).map(|e| e.files(&library.root)) else {
            return;
        };
        library.open_key = Some(key.to_owned());
        let root = library.root.clone();
        self.state.library_mut(&root).last_episode = Some(key.to_owned());
        self.opener.open_files(ctx, &root, files, at);
    }

    /// Takes in what the library's scan and search sent.
    pub(super) fn handle_library(&mut self) {
        if let Some(library) = &mut self.library {
            let commands = library.poll();
            self.pending.extend(commands);
        }
    }

    /// Escape closes what is on top: a menu or dropdown, then the keys, the open dialog, search,
    /// the library's search.
    fn escape(&mut self, ctx: &Context) {
        if self.popup_was_open || egui::Popup::is_any_open(ctx) {
            egui::Popup::close_all(ctx);
        } else if self.show_help {
            self.show_help = false;
        } else if self.show_sync {
            self.show_sync = false;
        } else if self.builtin_dialog.is_some() {
            self.builtin_dialog = None;
        } else if self.search.open {
            self.close_search();
        } else if let Some(library) = self.library.as_mut().filter(|l| !l.query.is_empty()) {
            library.clear_search();
        } else if self.selection.is_some() {
            self.selection = None;
        } else if !self.follow {
            self.set_follow(true);
        }
    }

    fn start_dialog(&mut self, ctx: &Context, purpose: DialogPurpose) {
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let thread_purpose = purpose.clone();
        let spawned = std::thread::Builder::new()
            .name("open-dialog".to_owned())
            .spawn(move || {
                let answer = match file_dialog_missing() {
                    Some(reason) => DialogResult::Unavailable(reason),
                    None => DialogResult::Picked(pick(&thread_purpose)),
                };
                let _ = tx.send(answer);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some((rx, purpose)),
            Err(e) => self.error = Some(format!("Cannot show the open dialog: {e}")),
        }
    }

    pub(super) fn handle_dialog(&mut self, ctx: &Context) {
        let Some((rx, purpose)) = &self.dialog else {
            return;
        };
        match rx.try_recv() {
            Ok(DialogResult::Picked(picked)) => {
                let purpose = purpose.clone();
                self.dialog = None;
                if let Some(path) = picked {
                    self.pending.push(match purpose {
                        DialogPurpose::OpenFile | DialogPurpose::OpenFolder => Command::Open(path),
                        DialogPurpose::AudioFolder => Command::AddAudioFolder(path),
                        DialogPurpose::AudioFileFor(key) => Command::SetPairing {
                            key,
                            audio: Some(path),
                        },
                    });
                }
            }
            Ok(DialogResult::Unavailable(reason)) => {
                let opening =
                    matches!(purpose, DialogPurpose::OpenFile | DialogPurpose::OpenFolder);
                self.dialog = None;
                if opening {
                    self.notice = Some(format!(
                        "No file dialog: {reason}. Type or paste a path instead."
                    ));
                    self.builtin_dialog = Some(String::new());
                } else {
                    self.notice = Some(format!(
                        "No file dialog: {reason}. Start Readalong with --audio DIR to add audio."
                    ));
                }
            }
            Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(POLL_WAIT),
            Err(mpsc::TryRecvError::Disconnected) => self.dialog = None,
        }
    }

    fn start_export(&mut self, ctx: &Context, kind: Kind) {
        let Some(episode) = self.episode.as_ref() else {
            return;
        };
        let Some(transcript) = episode.transcript() else {
            self.error = Some("There is no transcript to export.".to_owned());
            return;
        };
        let stem = episode
            .transcript_path()
            .and_then(Path::file_stem)
            .map_or_else(
                || "transcript".to_owned(),
                |s| s.to_string_lossy().into_owned(),
            );
        let request = ExportRequest {
            transcript: transcript.clone(),
            kind,
            stem,
            dialog_missing: file_dialog_missing(),
        };
        match export_dialog::start(ctx, request) {
            Ok(rx) => self.export = Some(rx),
            Err(e) => self.error = Some(e),
        }
    }

    pub(super) fn handle_export(&mut self, ctx: &Context) {
        let Some(rx) = &self.export else {
            return;
        };
        match rx.try_recv() {
            Ok(outcome) => {
                self.export = None;
                match outcome {
                    ExportOutcome::Written(path) => {
                        self.notice = Some(format!("exported to {}", path.display()))
                    }
                    ExportOutcome::Cancelled => {}
                    ExportOutcome::Failed(message) => self.error = Some(message),
                }
            }
            Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(POLL_WAIT),
            Err(mpsc::TryRecvError::Disconnected) => self.export = None,
        }
    }

    /// Starts opening an episode in the background; the current one stays until it is read.
    pub(super) fn open(&mut self, ctx: &Context, path: &Path, at: Option<Duration>) {
        self.opener.open(ctx, path, at);
    }

    /// Shows an episode the opener has read: its transcripts now, its audio as it opens.
    pub(super) fn handle_opened(&mut self, ctx: &Context) {
        let Some(Opened { path, result, at }) = self.opener.poll() else {
            if self.opener.reading().is_some() {
                ctx.request_repaint_after(POLL_WAIT);
            }
            return;
        };
        match result {
            Ok(Found::Episode(files, choices, chapters)) => {
                // An episode opened by its own path leaves the library.
                if files.remember_as.is_none() {
                    self.library = None;
                }
                self.show_episode(ctx, &path, files, choices, *chapters, at)
            }
            Ok(Found::Library) => self.show_library(ctx, &path),
            Err(error) => self.error = Some(error),
        }
    }

    fn show_episode(
        &mut self,
        ctx: &Context,
        path: &Path,
        files: EpisodeFiles,
        choices: Vec<TranscriptChoice>,
        chapters: EpisodeChapters,
        at: Option<Duration>,
    ) {
        self.save_place();
        let place = self.state.place(&files.key()).cloned();
        self.state.remember_recent(path);
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
            "{} — Readalong",
            files.display_name()
        )));
        self.player.pause();
        self.player.close();
        self.paused_at = None;
        self.audio = AudioStatus::NoFile;
        self.audio_request = files.audio.as_ref().map(|audio| self.player.open(audio));
        if self.audio_request.is_some() {
            self.audio = AudioStatus::Loading { fraction: 0.0 };
        }
        self.error = choices
            .first()
            .and_then(|c| c.result.as_ref().err())
            .map(|e| format!("Transcript could not be read: {e}"));
        let chosen = place
            .as_ref()
            .and_then(|p| p.transcript.as_ref())
            .and_then(|t| {
                choices
                    .iter()
                    .position(|c| &c.path == t && c.result.is_ok())
            })
            .unwrap_or(0);
        self.episode = Some(OpenEpisode {
            files,
            choices,
            chosen,
            chapters,
        });
        let speed = place
            .as_ref()
            .and_then(|p| p.speed)
            .unwrap_or(self.state.settings.speed);
        self.speed = state::clamp_or(speed, SPEED_RANGE, 1.0);
        self.player.set_speed(self.speed);
        self.sync = place
            .as_ref()
            .map(state::EpisodePlace::sync_map)
            .unwrap_or_default();
        self.sync_notice = None;
        self.transcript_changed(ctx);
        // `--at` is a time in the transcript: it lands where that is heard in this audio.
        let at = at.map(|t| self.sync.to_audio(t).unwrap_or_default());
        let start = at
            .or(place.as_ref().map(|p| self.resume_place(p)))
            .unwrap_or_default();
        self.trace.record(TraceEvent::Open, start, None);
        if self.audio_request.is_some() {
            self.start_at = Some((start, at.is_some()));
        } else {
            self.start_at = None;
            self.seek(start);
            if at.is_some() {
                self.play();
            }
        }
        // The recent list changed; the new episode's place is saved once its start is applied.
        self.store.save(&self.state);
    }

    /// Where an episode left earlier resumes: its place, backed up as after a long pause when it
    /// was left more than a minute ago.
    fn resume_place(&self, place: &state::EpisodePlace) -> Duration {
        let now_unix_secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        // A place saved by an older Readalong has no time: it is not backed up.
        let away = match place.saved_unix_secs {
            0 => Duration::ZERO,
            saved => Duration::from_secs(now_unix_secs.saturating_sub(saved)),
        };
        let back_up = Duration::from_secs(self.state.settings.back_up_after_pause_secs.into());
        playback::resume_position(place.position(), away, back_up)
    }

    fn switch_transcript(&mut self, ctx: &Context, index: usize) {
        if let Some(episode) = self.episode.as_mut()
            && index < episode.choices.len()
        {
            episode.chosen = index;
            self.error = episode.choices[index].result.as_ref().err().cloned();
            self.transcript_changed(ctx);
            self.save_place();
        }
    }

    /// Resets everything that depends on which transcript is shown.
    fn transcript_changed(&mut self, ctx: &Context) {
        // Suggestions (and a search running) belong to the transcript they were found for.
        self.suggest = super::suggest::SuggestState::Idle;
        self.lit = None;
        self.selection = None;
        self.speaker_filter = None;
        // Nothing of the last transcript stays on screen while the new one's blocks are built.
        self.blocks = Paragraphs::default();
        self.lit_sentence = None;
        self.generation += 1;
        self.view = super::TranscriptView::default();
        self.blocks_changed(ctx);
        self.follow = true;
        let query = self.search.query.clone();
        if self.search.open {
            self.search.set_query(
                self.episode.as_ref().and_then(OpenEpisode::transcript),
                query,
                None,
            );
        }
    }

    /// Starts building the blocks shown (paragraphs or the lines as published, maybe one speaker's) on the
    /// paragraphs thread; the blocks on screen stay until the new ones are ready ([`Self::handle_blocks`]).
    fn blocks_changed(&mut self, ctx: &Context) {
        match self
            .episode
            .as_ref()
            .and_then(OpenEpisode::shared_transcript)
        {
            Some(transcript) => self.blocks_builder.build(
                ctx,
                BlocksRequest {
                    transcript,
                    paragraphs: self.state.settings.paragraph_view,
                    speaker: self.speaker_filter.clone(),
                },
            ),
            None => self.blocks_builder.cancel(),
        }
    }

    /// Shows the blocks built, in a fresh view at the place heard.
    pub(super) fn handle_blocks(&mut self, ctx: &Context) {
        let Some(blocks) = self.blocks_builder.poll() else {
            if self.blocks_builder.is_building() {
                ctx.request_repaint_after(POLL_WAIT);
            }
            return;
        };
        self.blocks = blocks;
        self.selection = None;
        self.generation += 1;
        self.lit_sentence = None;
        self.view = super::TranscriptView::default();
        if let Some(id) = self.sentence_heard_at(self.heard_position()) {
            self.view.reveal(id.paragraph, Reveal::Band);
        }
        self.update_lit();
    }

    fn toggle_paragraph_view(&mut self, ctx: &Context) {
        self.state.settings.paragraph_view = !self.state.settings.paragraph_view;
        self.store.save(&self.state);
        self.blocks_changed(ctx);
        self.follow = true;
    }

    fn toggle_play(&mut self) {
        if self.player.is_playing() {
            self.player.pause();
            self.paused_at = Some(Instant::now());
            self.trace
                .record(TraceEvent::Pause, self.heard_position(), self.lit);
            self.save_place();
        } else {
            self.play();
        }
    }

    fn play(&mut self) {
        if let Some(end) = self.duration()
            && self.heard_position() >= end
        {
            self.player.seek(Duration::ZERO);
        } else if let Some(paused_at) = self.paused_at.take() {
            // A listener back from a long pause has lost the thread: replay the last few seconds.
            let back_up = Duration::from_secs(self.state.settings.back_up_after_pause_secs.into());
            let position = self.heard_position();
            let resume = playback::resume_position(position, paused_at.elapsed(), back_up);
            if resume != position {
                self.seek(resume);
            }
        }
        self.paused_at = None;
        self.player.play();
        self.last_saved = Instant::now();
        self.trace
            .record(TraceEvent::Play, self.heard_position(), self.lit);
    }

    fn seek(&mut self, to: Duration) {
        let to = match self.duration() {
            Some(end) => to.min(end),
            None => to,
        };
        self.player.seek(to);
        // A place chosen while paused is where the listener wants to resume: no backing up.
        self.paused_at = None;
        self.seeks += 1;
        let cue = self.cue_heard_at(to);
        self.trace.record(TraceEvent::Seek, to, cue);
        if self.follow
            && let Some(id) = self.sentence_heard_at(to)
        {
            self.view.reveal(id.paragraph, Reveal::Band);
        }
        self.save_place_at(to);
    }

    fn seek_to_sentence(&mut self, id: SentenceId) {
        if let Some(start) = self
            .blocks
            .sentence(id)
            .map(|s| self.sync.to_audio(s.start).unwrap_or_default())
        {
            self.follow = true;
            self.seek(start);
        }
    }

    /// Up and Down: the previous or next sentence (a line, as published).
    fn step_line(&mut self, forward: bool) {
        let position = self.heard_position();
        let target = match (self.sentence_heard_at(position), forward) {
            (Some(id), _) => self.blocks.step(id, forward).or(Some(id)),
            // In a gap (an inserted ad) or before the first line: the lines around the position.
            (None, forward) => {
                let Some(transcript) = self.transcript() else {
                    return;
                };
                let started = self.sync.cues_started(transcript, position);
                let cue = if forward {
                    Some(started)
                } else {
                    started.checked_sub(1)
                };
                match cue.and_then(|i| transcript.cues.get(i)) {
                    Some(cue) => self.blocks.sentence_at(cue.start),
                    None if forward => self.blocks.first(),
                    None => return,
                }
            }
        };
        if let Some(id) = target {
            self.seek_to_sentence(id);
        }
    }

    fn set_speed(&mut self, speed: f32) {
        self.speed = state::clamp_or(speed, SPEED_RANGE, 1.0);
        self.state.settings.speed = self.speed;
        self.player.set_speed(self.speed);
        self.save_place();
    }

    fn set_volume(&mut self, volume: f32) {
        self.state.settings.volume = state::clamp_or(volume, 0.0..=1.0, 1.0);
        self.player.set_volume(self.state.settings.volume);
        self.store.save(&self.state);
    }

    fn change_font(&mut self, step_pts: f32) {
        let size = self.state.settings.font_size_pts + step_pts;
        self.state.settings.font_size_pts = state::clamp_or(size, FONT_SIZE_RANGE, 17.0);
        self.store.save(&self.state);
    }

    fn set_follow(&mut self, follow: bool) {
        self.follow = follow;
        if follow && let Some(lit) = self.lit_sentence {
            self.view.reveal(lit.paragraph, Reveal::Band);
        }
    }

    fn focus_search(&mut self, ctx: &Context) {
        self.search.open = true;
        ctx.memory_mut(|m| m.request_focus(search_bar::field_id()));
    }

    fn search_for(&mut self, query: String) {
        let transcript = self.episode.as_ref().and_then(OpenEpisode::transcript);
        self.search.set_query(transcript, query, self.lit);
        self.show_current_match();
    }

    fn step_match(&mut self, forward: bool) {
        self.search.step(forward);
        self.show_current_match();
    }

    fn show_current_match(&mut self) {
        let block = self
            .search
            .current
            .and_then(|i| self.search.matches.get(i))
            .and_then(|m| self.blocks.locate(m.cue, m.range.start));
        if let Some((paragraph, _)) = block {
            self.follow = false;
            self.view.reveal(paragraph, Reveal::Band);
        }
    }

    fn close_search(&mut self) {
        self.search.close();
        self.set_follow(true);
    }

    // ----- logic: what happens every frame, before the UI ---------------------------------------

    pub(super) fn handle_player_events(&mut self) {
        for event in self.player.poll() {
            match event {
                PlayerEvent::IndexProgress { request, fraction }
                    if Some(request) == self.audio_request =>
                {
                    self.audio = AudioStatus::Loading { fraction };
                }
                PlayerEvent::Loaded {
                    request,
                    description,
                    ..
                } if Some(request) == self.audio_request => {
                    self.audio = AudioStatus::Ready { description };
                    self.apply_start_at();
                }
                PlayerEvent::Failed { request, error } if Some(request) == self.audio_request => {
                    self.audio = AudioStatus::Failed { error };
                    self.apply_start_at();
                }
                PlayerEvent::EndOfTrack => {
                    self.trace
                        .record(TraceEvent::Pause, self.heard_position(), self.lit);
                    self.save_place();
                }
                _ => {}
            }
        }
    }

    fn apply_start_at(&mut self) {
        if let Some((at, play)) = self.start_at.take() {
            self.seek(at);
            if play {
                self.play();
            }
        }
    }

    pub(super) fn handle_dropped_files(&mut self, ctx: &Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .filter(|p| !p.as_os_str().is_empty())
                .collect()
        });
        if let Some(path) = dropped.into_iter().next() {
            self.pending.push(Command::Open(path));
        }
    }

    pub(super) fn handle_keys(&mut self, ctx: &Context) {
        self.pending.extend(command::from_keys(ctx));
    }

    /// Lights the line being heard and keeps it in view.
    pub(super) fn update_lit(&mut self) {
        let position = self.heard_position();
        let lit = self.cue_heard_at(position);
        if lit != self.lit {
            self.lit = lit;
            self.trace.record(TraceEvent::Highlight, position, lit);
        }
        let sentence = self.sentence_heard_at(position);
        if sentence != self.lit_sentence {
            self.lit_sentence = sentence;
            if self.follow
                && let Some(id) = sentence
            {
                self.view.reveal(id.paragraph, Reveal::IfNeeded);
            }
        }
    }

    /// The episode's length: the audio's, or for a transcript alone, its last line's end.
    pub(super) fn duration(&self) -> Option<Duration> {
        self.player
            .duration()
            .or_else(|| self.transcript()?.length_without_audio())
    }

    /// Asks for the next frame exactly when something visible will change: the next line, the clock's
    /// next second, or the seek bar's next pixel.
    pub(super) fn schedule_repaint(&self, ctx: &Context) {
        if matches!(self.audio, AudioStatus::Loading { .. }) {
            ctx.request_repaint_after(POLL_WAIT);
        }
        if !self.player.is_playing() {
            return;
        }
        if super::hidden::window_hidden(ctx) {
            ctx.request_repaint_after(self.hidden_wait());
            return;
        }
        let position = self.heard_position();
        let speed = f64::from(self.speed.max(0.1));
        let mut media_wait =
            Duration::from_secs(1) - Duration::from_nanos(u64::from(position.subsec_nanos()));
        if let Some(next_change) = self.next_cue_change(position) {
            media_wait = media_wait.min(next_change.saturating_sub(position));
        }
        if let Some(total) = self.duration()
            && self.seek_bar_px >= 1.0
        {
            let pixel = total.div_f64(f64::from(self.seek_bar_px));
            media_wait = media_wait.min(pixel.max(Duration::from_millis(5)));
        }
        let wait = media_wait
            .div_f64(speed)
            .clamp(Duration::from_millis(2), MAX_REPAINT_WAIT);
        ctx.request_repaint_after(wait);
    }

    /// When what is lit next changes: the next line's or sentence's start, the next word's, or a
    /// gap's start or end, in audio time.
    fn next_cue_change(&self, position: Duration) -> Option<Duration> {
        let transcript = self.transcript()?;
        let next = self.sync.cues_started(transcript, position);
        let next_start = self.sync.cue_start(transcript, next);
        let gap_edge = self
            .sync
            .gaps()
            .into_iter()
            .flat_map(|(start, end)| [start, end])
            .find(|&edge| edge > position);
        // A sentence can start inside a cue; the word lit changes at the next word's start.
        let in_transcript = self.sync.to_transcript(position);
        let sentence = in_transcript.and_then(|t| self.blocks.next_start_after(t));
        let word = in_transcript.and_then(|t| {
            self.lit_sentence
                .and_then(|id| self.blocks.paragraphs.get(id.paragraph))
                .and_then(|p| p.words.iter().map(|w| w.start).find(|&s| s > t))
        });
        let mapped = sentence
            .into_iter()
            .chain(word)
            .filter_map(|t| self.sync.to_audio(t));
        next_start.into_iter().chain(gap_edge).chain(mapped).min()
    }

    /// The line heard at audio time `position`, through the episode's sync map.
    pub(super) fn cue_heard_at(&self, position: Duration) -> Option<usize> {
        self.sync.cue_at(self.transcript()?, position)
    }

    /// The sentence heard at audio time `position`, through the episode's sync map.
    pub(super) fn sentence_heard_at(&self, position: Duration) -> Option<SentenceId> {
        self.blocks.sentence_at(self.sync.to_transcript(position)?)
    }

    /// Remembers where the open episode is now and hands the state to the writer thread.
    pub(super) fn save_place(&mut self) {
        self.save_place_at(self.heard_position());
    }

    fn save_place_at(&mut self, position: Duration) {
        if let Some(episode) = &self.episode {
            let key = episode.files.key();
            let transcript = episode.transcript_path().map(Path::to_path_buf);
            self.state
                .set_place(&key, position, self.speed, transcript.as_deref());
        }
        self.store.save(&self.state);
        self.last_saved = Instant::now();
    }

    /// While playing, saves the place every few seconds, so a kill loses at most that much.
    pub(super) fn save_while_playing(&mut self) {
        if self.player.is_playing() && self.last_saved.elapsed() >= super::SAVE_EVERY {
            self.save_place();
        }
    }
}

// ----- syncing the transcript to the audio ------------------------------------------------------

impl ReadalongApp {
    fn set_offset(&mut self, offset_ms: i64) {
        self.set_sync(
            self.sync
                .with_offset_ms(offset_ms.clamp(-MAX_OFFSET_MS, MAX_OFFSET_MS)),
        );
    }

    /// Ties line `index` (or the line under the pointer, else the current search match) to the
    /// position heard now.
    fn sync_line_now(&mut self, start: Option<Duration>) {
        let search_cue = self
            .search
            .current_cue()
            .and_then(|i| Some(self.transcript()?.cues.get(i)?.start));
        let Some(start) = start.or(self.view.hovered_start()).or(search_cue) else {
            self.sync_notice = Some(
                "to sync, point at the line you hear (or right-click it) and press S".to_owned(),
            );
            return;
        };
        let (map, dropped) = self.sync.with_heard_point(start, self.heard_position());
        self.set_sync(map);
        if dropped > 0 {
            self.sync_notice = Some(format!(
                "removed {dropped} sync point(s) that disagreed with the new one"
            ));
        }
    }

    /// Uses `map` from now on, remembers it for the episode, and lights the line it says is heard.
    pub(super) fn set_sync(&mut self, map: crate::transcript::sync::SyncMap) {
        self.sync = map;
        self.sync_notice = None;
        if let Some(episode) = &self.episode {
            self.state.set_sync(&episode.files.key(), &self.sync);
            self.store.save(&self.state);
        }
        self.update_lit();
    }
}

/// What a copy puts on the clipboard.
enum Copy {
    Text,
    Quote,
    Link,
}

impl ReadalongApp {
    /// Selects one more sentence after or before the selection, starting from the lit sentence,
    /// and shows it. The view stops following the audio while the reader selects.
    fn extend_selection(&mut self, forward: bool) {
        let Some(start) = self.lit_sentence.or(self.blocks.first()) else {
            return;
        };
        let (anchor, head) = self.selection.unwrap_or((start, start));
        let head = self.blocks.step(head, forward).unwrap_or(head);
        self.selection = Some((anchor, head));
        self.follow = false;
        self.view.reveal(head.paragraph, Reveal::IfNeeded);
    }

    /// Puts the selection (when `id` is `None` or in it), else sentence `id` (or the lit one), on
    /// the clipboard as text, a quote or a link.
    fn copy_sentence(&mut self, ctx: &Context, id: Option<SentenceId>, how: Copy) {
        let selected = self
            .selection
            .filter(|&(from, to)| id.is_none_or(|id| quote::in_selection(id, from, to)));
        let (first, text) = match (selected, id.or(self.lit_sentence)) {
            (Some((from, to)), _) => {
                let key = |id: SentenceId| (id.paragraph, id.sentence);
                let first = if key(from) <= key(to) { from } else { to };
                (first, quote::selection_text(&self.blocks, from, to))
            }
            (None, Some(id)) => {
                let Some(text) = self.blocks.paragraphs.get(id.paragraph).and_then(|p| {
                    p.text
                        .get(p.sentences.get(id.sentence)?.range.clone())
                        .map(str::to_owned)
                }) else {
                    return;
                };
                (id, text)
            }
            (None, None) => return,
        };
        let Some(sentence) = self.blocks.sentence(first) else {
            return;
        };
        let text = text.as_str();
        let heard = self.sync.to_audio(sentence.start).unwrap_or_default();
        let copied = match how {
            Copy::Text => text.trim().to_owned(),
            Copy::Quote => quote::quote_text(text, self.episode_title().as_deref(), heard),
            Copy::Link => {
                // The audio, else the transcript shown: a path `readalong` opens as this episode.
                let Some(path) = self.episode.as_ref().map(|e| {
                    e.files
                        .audio
                        .clone()
                        .or_else(|| e.transcript_path().map(Path::to_path_buf))
                        .unwrap_or_else(|| e.files.folder.clone())
                }) else {
                    return;
                };
                // `--at` is a transcript time (it goes through the sync map), so the link lands
                // on this sentence wherever its audio has it.
                quote::link_text(&path, sentence.start)
            }
        };
        ctx.copy_text(copied);
    }
}

/// The largest offset the keys and the field allow, in milliseconds (a whole day either way).
const MAX_OFFSET_MS: i64 = 24 * 3600 * 1000;

/// Shows the desktop's file dialog (runs on the dialog thread).
fn pick(purpose: &DialogPurpose) -> Option<PathBuf> {
    let dialog = rfd::FileDialog::new();
    match purpose {
        DialogPurpose::OpenFolder => dialog
            .set_title("Open an episode folder or a library")
            .pick_folder(),
        DialogPurpose::OpenFile => dialog
            .set_title("Open an episode")
            .add_filter(
                "Episodes",
                &[episode::AUDIO_EXTENSIONS, episode::TRANSCRIPT_EXTENSIONS].concat(),
            )
            .pick_file(),
        DialogPurpose::AudioFolder => dialog
            .set_title("Add a folder of audio to the library")
            .pick_folder(),
        DialogPurpose::AudioFileFor(key) => dialog
            .set_title(format!("Choose the audio of episode {key}"))
            .add_filter("Audio", episode::AUDIO_EXTENSIONS)
            .pick_file(),
    }
}

/// Why the desktop cannot show a file dialog, or `None` when it can: the dialog needs the
/// xdg-desktop-portal's file chooser on the session bus, or else the `zenity` program.
fn file_dialog_missing() -> Option<String> {
    if program_on_path("zenity") {
        return None;
    }
    match portal_on_session_bus() {
        Ok(true) => None,
        Ok(false) => Some(
            "the desktop has no file-dialog portal (xdg-desktop-portal) and zenity is not installed"
                .to_owned(),
        ),
        Err(reason) => Some(format!(
            "there is no desktop session bus for a file dialog ({reason}) and zenity is not installed"
        )),
    }
}

fn program_on_path(name: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()))
}

fn portal_on_session_bus() -> Result<bool, String> {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let connection = zbus::blocking::Connection::session().map_err(|e| e.to_string())?;
    let dbus = zbus::blocking::fdo::DBusProxy::new(&connection).map_err(|e| e.to_string())?;
    let name = zbus::names::BusName::try_from(PORTAL).map_err(|e| e.to_string())?;
    if dbus.name_has_owner(name).unwrap_or(false) {
        return Ok(true);
    }
    let activatable = dbus.list_activatable_names().map_err(|e| e.to_string())?;
    Ok(activatable.iter().any(|n| n.as_str() == PORTAL))
}
