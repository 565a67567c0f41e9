//! The egui shell: the app's state, and a `ui()` that reads like a table of contents.
//! Commands are applied in `apply.rs`; episodes are read off the UI thread by `opening.rs`.

mod apply;
pub mod blocks;
pub mod chapter_rows;
pub mod command;
pub mod export_dialog;
pub mod follow;
pub mod help;
pub mod hidden;
pub mod library_panel;
pub mod mpris;
pub mod opening;
pub mod playback;
pub mod player_bar;
pub mod quote;
pub mod search_bar;
pub mod signals;
pub mod status_bar;
pub mod suggest;
pub mod sync_panel;
pub mod theme;
pub mod top_bar;
pub mod transcript_view;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use eframe::egui::{self, Context, Ui};

use crate::audio::{OutputState, Player};
use crate::chapter_files::EpisodeChapters;
use crate::episode::{EpisodeFiles, TranscriptChoice, file_name};
use crate::state::{State, StateStore};
use crate::trace::{Trace, TraceEvent};
use crate::transcript::Transcript;
use crate::transcript::chapters::Chapter;
use crate::transcript::paragraphs::{Paragraphs, SentenceId};
use crate::transcript::sync::SyncMap;
pub use command::Command;
use opening::Opener;
use player_bar::PlayerSnapshot;
use search_bar::SearchState;
use status_bar::StatusItem;
use transcript_view::{TranscriptView, ViewInput};

/// The longest wait between repaints while playing, so the clock text stays fresh.
const MAX_REPAINT_WAIT: Duration = Duration::from_secs(1);
/// How often to look for background results (audio opening, file dialogs) while waiting for them.
const POLL_WAIT: Duration = Duration::from_millis(100);
/// How often the place is saved while playing: a kill loses at most this much listening.
const SAVE_EVERY: Duration = Duration::from_secs(5);

/// How the app gets its sound.
pub enum AudioChoice {
    /// The default output device, falling back to a silent clock when there is none.
    Device,
    /// No device: a silent clock, for tests and `--no-audio`.
    Silent(String),
}

/// Where the app keeps what it remembers.
pub enum StateChoice {
    /// Readalong's config folder (`$XDG_CONFIG_HOME/readalong`).
    Default,
    /// This folder.
    At(PathBuf),
    /// Nowhere: nothing is read or written.
    InMemory,
}

/// What the app does when it starts.
pub struct StartOptions {
    /// The episode to open; the demo when `None`.
    pub path: Option<PathBuf>,
    /// Start playing at this time.
    pub at: Option<Duration>,
    /// Playback speed to set (and remember).
    pub speed: Option<f32>,
    /// Where sound goes.
    pub audio: AudioChoice,
    /// Where what is remembered lives.
    pub state: StateChoice,
    /// Save and close on SIGTERM, SIGINT and SIGHUP.
    pub handle_signals: bool,
    /// Folders of audio to add to the library opened (remembered for it).
    pub audio_dirs: Vec<PathBuf>,
    /// Offer "now playing" and the media keys to the desktop (MPRIS on the session bus).
    pub media_controls: bool,
}

/// How the episode's audio is doing.
#[derive(Clone, Debug, PartialEq)]
enum AudioStatus {
    /// The episode has no audio file.
    NoFile,
    /// Opening and indexing.
    Loading { fraction: f32 },
    /// Ready to play.
    Ready { description: String },
    /// It could not be opened.
    Failed { error: String },
}

/// The open episode: its files and its transcripts, richest first.
struct OpenEpisode {
    files: EpisodeFiles,
    choices: Vec<TranscriptChoice>,
    chosen: usize,
    chapters: EpisodeChapters,
}

impl OpenEpisode {
    fn transcript(&self) -> Option<&Transcript> {
        self.choices
            .get(self.chosen)?
            .result
            .as_ref()
            .ok()
            .map(Arc::as_ref)
    }

    fn shared_transcript(&self) -> Option<Arc<Transcript>> {
        self.choices.get(self.chosen)?.result.as_ref().ok().cloned()
    }

    fn transcript_path(&self) -> Option<&std::path::Path> {
        self.choices.get(self.chosen).map(|c| c.path.as_path())
    }
}

/// Readalong's window: state, logic and UI.
pub struct ReadalongApp {
    state: State,
    store: StateStore,
    /// The speed of the open episode (its own, or the default from settings).
    speed: f32,
    player: Player,
    opener: Opener,
    episode: Option<OpenEpisode>,
    audio: AudioStatus,
    audio_request: Option<u64>,
    start_at: Option<(Duration, bool)>,
    follow: bool,
    view: TranscriptView,
    search: SearchState,
    show_help: bool,
    error: Option<String>,
    notice: Option<String>,
    dialog: Option<(Receiver<apply::DialogResult>, apply::DialogPurpose)>,
    export: Option<Receiver<export_dialog::ExportOutcome>>,
    builtin_dialog: Option<String>,
    trace: Trace,
    lit: Option<usize>,
    /// The blocks shown: paragraphs, or the cues as published.
    blocks: Paragraphs,
    blocks_builder: blocks::BlocksBuilder,
    lit_sentence: Option<SentenceId>,
    /// Show only this speaker's lines.
    speaker_filter: Option<String>,
    generation: u64,
    pending: Vec<Command>,
    seek_bar_px: f32,
    background: theme::Background,
    last_saved: Instant,
    quit: Arc<AtomicBool>,
    popup_was_open: bool,
    /// The sentences selected with Shift+Up/Down: where the selection started and where it ends.
    selection: Option<(SentenceId, SentenceId)>,
    /// When the listener paused, so that resuming after a long pause can back up a little.
    paused_at: Option<Instant>,
    /// The open library, when a folder of episodes was opened.
    library: Option<library_panel::LibraryView>,
    /// Where library scans are cached (`None`: nowhere).
    cache_dir: Option<PathBuf>,
    /// `--audio` folders, added to the first library opened.
    start_audio_dirs: Vec<PathBuf>,
    /// The open episode's map from transcript time to audio time.
    sync: SyncMap,
    show_sync: bool,
    /// What the last sync action has to say (points replaced, no line to sync).
    sync_notice: Option<String>,
    /// "Suggest sync points": the search running, or what it found.
    suggest: suggest::SuggestState,
    /// "Now playing" and the media keys (MPRIS).
    media_controls: mpris::MediaControls,
    /// Counts the seeks, so the desktop hears of each one.
    seeks: u64,
}

impl ReadalongApp {
    /// Builds the app, restoring what it remembers, and opens the episode asked for (or the demo).
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> Self {
        let cache_dir = match &options.state {
            StateChoice::InMemory => None,
            StateChoice::At(dir) => Some(dir.join("cache")),
            StateChoice::Default => crate::library::cache::default_dir(),
        };
        let (store, state, notice) = match options.state {
            StateChoice::InMemory => (StateStore::in_memory(), State::default(), None),
            StateChoice::At(dir) => open_store(dir),
            StateChoice::Default => match crate::state::default_dir() {
                Some(dir) => open_store(dir),
                None => (StateStore::in_memory(), State::default(), None),
            },
        };
        let mut app = Self::with_state(store, state, options.audio);
        app.notice = notice;
        app.cache_dir = cache_dir;
        app.start_audio_dirs = options
            .audio_dirs
            .iter()
            .map(|d| std::fs::canonicalize(d).unwrap_or_else(|_| d.clone()))
            .collect();
        app.background = theme::Background::install(&cc.egui_ctx);
        theme::apply(&cc.egui_ctx, app.state.settings.theme);
        if options.handle_signals {
            app.quit = signals::watch(&cc.egui_ctx);
        }
        if options.media_controls {
            app.media_controls = mpris::MediaControls::start(&cc.egui_ctx);
        }
        if let Some(speed) = options.speed {
            app.apply(&cc.egui_ctx, Command::SetSpeed(speed));
            app.state.settings.speed = app.speed;
        }
        match options.path.or_else(demo_episode) {
            Some(path) => app.open(&cc.egui_ctx, &path, options.at),
            None => {
                app.error =
                    Some("The demo episode was not found. Open an episode with Ctrl+O.".to_owned())
            }
        }
        app
    }

    fn with_state(store: StateStore, state: State, audio: AudioChoice) -> Self {
        let mut player = match audio {
            AudioChoice::Device => Player::new(),
            AudioChoice::Silent(reason) => Player::silent(&reason),
        };
        let speed = state.settings.speed;
        player.set_speed(speed);
        player.set_volume(state.settings.volume);
        ReadalongApp {
            state,
            store,
            speed,
            player,
            opener: Opener::default(),
            episode: None,
            audio: AudioStatus::NoFile,
            audio_request: None,
            start_at: None,
            follow: true,
            view: TranscriptView::default(),
            search: SearchState::default(),
            show_help: false,
            error: None,
            notice: None,
            dialog: None,
            export: None,
            builtin_dialog: None,
            trace: Trace::from_env(),
            lit: None,
            blocks: Paragraphs::default(),
            blocks_builder: blocks::BlocksBuilder::default(),
            lit_sentence: None,
            speaker_filter: None,
            generation: 0,
            pending: Vec::new(),
            seek_bar_px: 0.0,
            background: theme::Background::default(),
            last_saved: Instant::now(),
            quit: Arc::new(AtomicBool::new(false)),
            popup_was_open: false,
            paused_at: None,
            selection: None,
            library: None,
            cache_dir: None,
            start_audio_dirs: Vec::new(),
            sync: SyncMap::default(),
            show_sync: false,
            sync_notice: None,
            suggest: suggest::SuggestState::Idle,
            media_controls: mpris::MediaControls::off(),
            seeks: 0,
        }
    }

    /// The transcript shown, if any.
    pub fn transcript(&self) -> Option<&Transcript> {
        self.episode.as_ref()?.transcript()
    }

    /// The position the listener hears now.
    pub fn heard_position(&self) -> Duration {
        self.player.heard_position()
    }

    /// True while playing.
    pub fn is_playing(&self) -> bool {
        self.player.is_playing()
    }

    /// True while the view follows the audio.
    pub fn is_following(&self) -> bool {
        self.follow
    }

    /// The lit line.
    pub fn lit_cue(&self) -> Option<usize> {
        self.lit
    }

    /// The open episode's map from transcript time to audio time.
    pub fn sync_map(&self) -> &SyncMap {
        &self.sync
    }

    /// The sentence lit: its block (a paragraph, or a line as published) and its place in the block.
    pub fn lit_sentence(&self) -> Option<SentenceId> {
        self.lit_sentence
    }

    /// The sentences selected (from Shift+Up/Down): where the selection started and where it ends.
    pub fn selection(&self) -> Option<(SentenceId, SentenceId)> {
        self.selection
    }

    /// The blocks shown: paragraphs, or the lines as published.
    pub fn blocks(&self) -> &Paragraphs {
        &self.blocks
    }

    /// True while "Suggest sync points" is searching the audio.
    pub fn is_suggesting(&self) -> bool {
        self.suggest.is_finding()
    }

    /// The open episode's chapters (audio times), sorted by start.
    pub fn chapters(&self) -> &[Chapter] {
        self.episode
            .as_ref()
            .map_or(&[], |e| e.chapters.chapters.as_slice())
    }

    /// The chapter heard now, if any.
    pub fn current_chapter(&self) -> Option<usize> {
        chapter_rows::chapter_at(self.chapters(), self.heard_position())
    }

    /// The chapter headers of the blocks shown.
    fn chapter_rows(&self) -> Vec<chapter_rows::ChapterRow> {
        chapter_rows::chapter_rows(&self.blocks, self.chapters(), &self.sync)
    }

    /// The error shown to the user, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// True while an episode is being read or its audio opened.
    pub fn is_busy(&self) -> bool {
        self.opener.reading().is_some()
            || matches!(self.audio, AudioStatus::Loading { .. })
            || self.library.as_ref().is_some_and(|l| l.is_busy())
            || self.blocks_builder.is_building()
    }

    /// The open library's panel, when a library is open.
    pub fn library(&self) -> Option<&library_panel::LibraryView> {
        self.library.as_ref()
    }

    /// The title of the open episode (the window's title).
    pub fn episode_title(&self) -> Option<String> {
        self.episode.as_ref().map(|e| e.files.display_name())
    }

    /// What Readalong remembers, as it is now.
    pub fn state(&self) -> &State {
        &self.state
    }

    /// The messages the status bar shows now.
    pub fn status_texts(&self) -> Vec<String> {
        self.status_items().into_iter().map(|i| i.text).collect()
    }

    /// Queues a command as if a widget had sent it.
    pub fn send(&mut self, command: Command) {
        self.pending.push(command);
    }

    // ----- ui: one call per part of the window ---------------------------------------------------

    fn top_bar(&mut self, ui: &mut Ui) {
        let input = top_bar::TopBarInput {
            recent: &self.state.recent,
            transcript_labels: self
                .episode
                .as_ref()
                .map(|e| e.choices.iter().map(TranscriptChoice::label).collect())
                .unwrap_or_default(),
            chosen: self.episode.as_ref().map_or(0, |e| e.chosen),
            follow: self.follow,
            library: self.library.as_ref().map(|l| l.visible),
            paragraph_view: self.state.settings.paragraph_view,
            theme: self.state.settings.theme,
            speakers: self
                .transcript()
                .map(|t| t.speakers().into_iter().map(str::to_owned).collect())
                .unwrap_or_default(),
            speaker_filter: self.speaker_filter.clone(),
            chapters: self
                .chapters()
                .iter()
                .map(|c| (c.start, c.title.clone()))
                .collect(),
            current_chapter: self.current_chapter(),
            back_up_after_pause_secs: self.state.settings.back_up_after_pause_secs,
            skip_back_secs: self.state.settings.skip_back_secs,
            skip_forward_secs: self.state.settings.skip_forward_secs,
        };
        let commands = egui::Panel::top("top-bar")
            .show(ui, |ui| top_bar::top_bar_ui(ui, &input, &mut self.search))
            .inner;
        self.pending.extend(commands);
    }

    fn error_banner(&mut self, ui: &mut Ui) {
        let Some(error) = self.error.clone() else {
            return;
        };
        let clicked = egui::Panel::top("error-banner")
            .show(ui, |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.colored_label(egui::Color32::from_rgb(230, 90, 70), format!("⚠ {error}"));
                    ui.button("Dismiss").clicked()
                })
                .inner
            })
            .inner;
        if clicked {
            self.pending.push(Command::DismissError);
        }
    }

    fn status_bar(&mut self, ui: &mut Ui) {
        let items = self.status_items();
        egui::Panel::bottom("status-bar").show(ui, |ui| status_bar::status_bar_ui(ui, &items));
    }

    fn status_items(&self) -> Vec<StatusItem> {
        let mut items = Vec::new();
        if let Some(path) = self.opener.reading() {
            items.push(StatusItem::info(format!("reading {}…", path.display())));
        }
        if let Some(notice) = &self.notice {
            items.push(StatusItem::warn(notice.clone()));
        }
        if let OutputState::NoDevice { reason } = self.player.output()
            && !matches!(self.audio, AudioStatus::NoFile)
        {
            items.push(
                StatusItem::warn("no sound device: playing silently, the highlight still moves")
                    .with_detail(reason.clone()),
            );
        }
        items.extend(self.library_status_items());
        if let Some(name) = &self.speaker_filter {
            items.push(StatusItem::info(format!("showing only {name}'s lines")));
        }
        items.extend(self.audio_status_item());
        if let Some(problem) = self
            .episode
            .as_ref()
            .and_then(|e| e.chapters.problem.as_ref())
        {
            items.push(StatusItem::warn(problem.clone()));
        }
        items.extend(self.transcript_status_items());
        items.extend(self.sync_status_items());
        items
    }

    /// The offset and sync points when there are any, and a warning when the audio and the
    /// transcript differ in length by minutes (an edition with ads) and nothing is synced yet.
    fn sync_status_items(&self) -> Vec<StatusItem> {
        let mut items: Vec<StatusItem> = self.sync_notice.iter().map(StatusItem::warn).collect();
        items.extend(suggest::status_item(&self.suggest));
        let offset_ms = self.sync.offset_ms();
        if offset_ms != 0 {
            items.push(StatusItem::info(format!(
                "offset {}",
                sync_panel::offset_text(offset_ms)
            )));
        }
        match self.sync.points().len() {
            0 => {
                if let (Some(t), Some(audio_length)) = (self.transcript(), self.player.duration())
                    && let Some(warning) = crate::transcript::sync::length_mismatch(t, audio_length)
                {
                    items.push(StatusItem::warn(warning));
                }
            }
            1 => items.push(StatusItem::info("1 sync point")),
            n => items.push(StatusItem::info(format!("{n} sync points"))),
        }
        items
    }

    /// The open library episode's warnings and broken files.
    fn library_status_items(&self) -> Vec<StatusItem> {
        let Some(episode) = self
            .library
            .as_ref()
            .and_then(|l| l.episode(l.open_key.as_deref()?))
        else {
            return Vec::new();
        };
        episode
            .warnings
            .iter()
            .chain(&episode.errors)
            .map(|w| StatusItem::warn(w.clone()))
            .collect()
    }

    fn audio_status_item(&self) -> Option<StatusItem> {
        let episode = self.episode.as_ref()?;
        Some(match &self.audio {
            AudioStatus::NoFile => StatusItem::warn(format!(
                "no audio beside {}: reading only",
                file_name(episode.transcript_path().unwrap_or(&episode.files.folder))
            )),
            AudioStatus::Loading { fraction } => {
                StatusItem::info(format!("opening audio… {:.0}%", fraction * 100.0))
            }
            AudioStatus::Ready { description } => StatusItem::info(description.clone()),
            AudioStatus::Failed { error } => StatusItem::warn(error.clone()),
        })
    }

    fn transcript_status_items(&self) -> Vec<StatusItem> {
        let Some(episode) = self.episode.as_ref() else {
            return Vec::new();
        };
        let mut items = Vec::new();
        for (path, reason) in &episode.files.skipped {
            items.push(
                StatusItem::warn(format!("skipped {}", file_name(path)))
                    .with_detail(reason.clone()),
            );
        }
        match episode.choices.get(episode.chosen) {
            Some(TranscriptChoice {
                result: Ok(t),
                path,
            }) => {
                let name = file_name(path);
                items.push(StatusItem::info(format!(
                    "{name}: {} lines, {}",
                    t.cues.len(),
                    t.format
                )));
                if let Some(first) = t.warnings.first() {
                    let more = t.warnings.len() - 1;
                    let suffix = if more > 0 {
                        format!(" (+{more} more)")
                    } else {
                        String::new()
                    };
                    items.push(StatusItem::warn(format!("{name} {first}{suffix}")));
                }
            }
            Some(TranscriptChoice { result: Err(_), .. }) => {
                items.push(StatusItem::warn("transcript unreadable"))
            }
            None => items.push(StatusItem::warn(format!(
                "no transcript beside {}: listening only",
                file_name(&episode.files.key())
            ))),
        }
        items
    }

    fn player_bar(&mut self, ui: &mut Ui) {
        let snapshot = PlayerSnapshot {
            playing: self.player.is_playing(),
            position: self.heard_position(),
            duration: self.duration(),
            speed: self.speed,
            volume: self.state.settings.volume,
            sync_open: self.show_sync,
            skip_back_secs: self.state.settings.skip_back_secs,
            skip_forward_secs: self.state.settings.skip_forward_secs,
            chapter_starts: self.chapters().iter().map(|c| c.start).collect(),
        };
        let output = egui::Panel::bottom("player-bar")
            .show(ui, |ui| {
                ui.add_space(4.0);
                let output = player_bar::player_bar_ui(ui, &snapshot);
                ui.add_space(2.0);
                output
            })
            .inner;
        self.seek_bar_px = output.seek_bar_width_pts * ui.ctx().pixels_per_point();
        self.pending.extend(output.commands);
    }

    fn library_panel(&mut self, ui: &mut Ui) {
        let Some(library) = self.library.as_mut().filter(|l| l.visible) else {
            return;
        };
        // About a third of the window, so a narrow window keeps room for the transcript.
        let width_pts = ui.available_width();
        let commands = egui::Panel::left("library-panel")
            .resizable(true)
            .default_size((width_pts * 0.32).clamp(180.0, 360.0))
            .min_size(160.0)
            .max_size((width_pts * 0.45).max(160.0))
            .show(ui, |ui| library.ui(ui, &self.state))
            .inner;
        self.pending.extend(commands);
    }

    fn transcript_panel(&mut self, ui: &mut Ui) {
        let title = self.episode_title();
        let chapter_rows = self.chapter_rows();
        let commands = egui::CentralPanel::default()
            .show(ui, |ui| {
                match self.episode.as_ref().and_then(OpenEpisode::transcript) {
                    Some(_) => {
                        if let Some(title) = &title {
                            let size_pts = self.state.settings.font_size_pts * 1.15;
                            ui.add(
                                egui::Label::new(
                                    egui::RichText::new(title).size(size_pts).strong(),
                                )
                                .truncate(),
                            );
                        }
                        let input = ViewInput {
                            blocks: &self.blocks,
                            generation: self.generation,
                            current: self.lit_sentence,
                            heard: self.player.heard_position(),
                            matches: &self.search.matches,
                            current_match: self.search.current,
                            font_size_pts: self.state.settings.font_size_pts,
                            follow: self.follow,
                            sync: &self.sync,
                            chapters: &chapter_rows,
                            selection: self.selection,
                        };
                        self.view.ui(ui, &input)
                    }
                    None => {
                        let in_library = self.library.is_some() && self.episode.is_none();
                        empty_transcript_ui(ui, self.opener.reading().is_some(), in_library);
                        Vec::new()
                    }
                }
            })
            .inner;
        if self.view.first_rows_drawn() {
            self.trace
                .record(TraceEvent::Shown, self.heard_position(), self.lit);
        }
        // A click that closes a menu or dropdown only closes it; it never seeks.
        let clicked_away = self.popup_was_open;
        self.pending.extend(commands.into_iter().filter(|c| {
            !(clicked_away && matches!(c, Command::SeekToSentence(_) | Command::SeekToWord(..)))
        }));
    }

    fn overlays(&mut self, ui: &Ui) {
        if self.show_help {
            self.pending.extend(help::help_overlay(ui.ctx()));
        }
        if self.show_sync {
            let input = sync_panel::SyncInput {
                map: &self.sync,
                transcript: self.transcript(),
                suggest: &self.suggest,
                can_suggest: self.transcript().is_some()
                    && self
                        .episode
                        .as_ref()
                        .is_some_and(|e| e.files.audio.is_some()),
            };
            self.pending
                .extend(sync_panel::sync_popover(ui.ctx(), &input));
        }
        if let Some(text) = &mut self.builtin_dialog {
            self.pending.extend(help::open_path_ui(ui.ctx(), text));
        }
        if !self.follow && self.transcript().is_some() {
            self.pending.extend(help::back_to_now_ui(ui.ctx()));
        }
    }
}

fn open_store(dir: PathBuf) -> (StateStore, State, Option<String>) {
    let (store, state, report) = StateStore::open(dir);
    (store, state, report.problem)
}

fn empty_transcript_ui(ui: &mut Ui, reading: bool, in_library: bool) {
    ui.centered_and_justified(|ui| {
        if reading {
            ui.spinner();
        } else if in_library {
            ui.label("Choose an episode from the list, or search every episode.");
        } else {
            ui.label("No transcript to show. Open an episode folder, an audio file or a transcript with Ctrl+O, or drop one here.");
        }
    });
}

impl eframe::App for ReadalongApp {
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.background.clear_color(visuals)
    }

    fn logic(&mut self, ctx: &Context, _frame: &mut eframe::Frame) {
        self.handle_quit_request(ctx);
        self.handle_opened(ctx);
        self.handle_library();
        self.handle_blocks(ctx);
        self.handle_player_events();
        self.handle_dialog(ctx);
        self.handle_export(ctx);
        self.handle_suggest(ctx);
        self.handle_dropped_files(ctx);
        self.popup_was_open = egui::Popup::is_any_open(ctx);
        self.handle_keys(ctx);
        self.handle_media_keys();
        self.apply_pending(ctx);
        self.update_lit();
        self.save_while_playing();
        self.publish_now_playing();
        self.schedule_repaint(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.top_bar(ui);
        self.error_banner(ui);
        self.status_bar(ui);
        self.player_bar(ui);
        self.library_panel(ui);
        self.transcript_panel(ui);
        self.overlays(ui);
        let ctx = ui.ctx().clone();
        self.apply_pending(&ctx);
    }

    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        self.save_place();
        self.store.flush();
    }
}

impl ReadalongApp {
    fn handle_quit_request(&mut self, ctx: &Context) {
        if self.quit.swap(false, Ordering::Relaxed) {
            self.save_place();
            self.store.flush();
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}

/// Where the demo episode lives: beside the executable, in an installed share folder, or in the source tree.
pub fn demo_episode() -> Option<PathBuf> {
    let exe_dir = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let candidates = [
        exe_dir.join("assets/demo"),
        exe_dir.join("../share/readalong/demo"),
        exe_dir.join("../../assets/demo"),
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo")),
    ];
    candidates.into_iter().find(|p| p.is_dir())
}

/// Builds the window options: size, title and icon.
pub fn native_options() -> eframe::NativeOptions {
    let mut viewport = egui::ViewportBuilder::default()
        .with_inner_size([1100.0, 760.0])
        .with_min_inner_size([480.0, 400.0])
        .with_title("Readalong")
        .with_drag_and_drop(true);
    if let Ok(icon) = eframe::icon_data::from_png_bytes(include_bytes!("../../assets/icon.png")) {
        viewport = viewport.with_icon(icon);
    }
    eframe::NativeOptions {
        viewport,
        ..eframe::NativeOptions::default()
    }
}
