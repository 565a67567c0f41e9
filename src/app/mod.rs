//! The egui shell: the app's state, the one place commands are applied, and a `ui()` that reads like a table of contents.

pub mod command;
pub mod help;
pub mod player_bar;
pub mod search_bar;
pub mod settings;
pub mod status_bar;
pub mod theme;
pub mod top_bar;
pub mod transcript_view;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use eframe::egui::{self, Context, Ui};

use crate::audio::{OutputState, Player, PlayerEvent};
use crate::episode::{self, EpisodeFiles, TranscriptChoice};
use crate::trace::{Trace, TraceEvent};
use crate::transcript::Transcript;
pub use command::Command;
use player_bar::PlayerSnapshot;
use search_bar::SearchState;
use settings::Settings;
use status_bar::StatusItem;
use transcript_view::{TranscriptView, ViewInput};

/// The longest wait between repaints while playing, so the clock text stays fresh.
const MAX_REPAINT_WAIT: Duration = Duration::from_secs(1);
/// How often to look for background results (audio opening, file dialogs) while waiting for them.
const POLL_WAIT: Duration = Duration::from_millis(100);
/// How long a transcript-only episode runs past its last line's start, when the last line has no end.
const TAIL_WITHOUT_END: Duration = Duration::from_secs(5);

/// How the app gets its sound.
pub enum AudioChoice {
    /// The default output device, falling back to a silent clock when there is none.
    Device,
    /// No device: a silent clock, for tests and `--no-audio`.
    Silent(String),
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
}

impl OpenEpisode {
    fn transcript(&self) -> Option<&Transcript> {
        self.choices.get(self.chosen)?.result.as_ref().ok()
    }
}

/// Readalong's window: state, logic and UI.
pub struct ReadalongApp {
    settings: Settings,
    player: Player,
    episode: Option<OpenEpisode>,
    audio: AudioStatus,
    audio_request: Option<u64>,
    start_at: Option<(Duration, bool)>,
    follow: bool,
    view: TranscriptView,
    search: SearchState,
    show_help: bool,
    error: Option<String>,
    dialog: Option<Receiver<Option<PathBuf>>>,
    trace: Trace,
    lit: Option<usize>,
    generation: u64,
    pending: Vec<Command>,
    seek_bar_px: f32,
    background: theme::Background,
}

impl ReadalongApp {
    /// Builds the app, restoring saved settings, and opens the episode asked for (or the demo).
    pub fn new(cc: &eframe::CreationContext<'_>, options: StartOptions) -> Self {
        let settings: Settings = cc
            .storage
            .and_then(|s| eframe::get_value(s, settings::STORAGE_KEY))
            .unwrap_or_default();
        let mut app = Self::with_settings(settings.sanitized(), options.audio);
        app.background = theme::Background::install(&cc.egui_ctx);
        if let Some(speed) = options.speed {
            app.apply(&cc.egui_ctx, Command::SetSpeed(speed));
        }
        let path = options.path.or_else(demo_episode);
        match path {
            Some(path) => app.open(&cc.egui_ctx, &path, options.at),
            None => {
                app.error =
                    Some("The demo episode was not found. Open an episode with Ctrl+O.".to_owned())
            }
        }
        app
    }

    fn with_settings(settings: Settings, audio: AudioChoice) -> Self {
        let mut player = match audio {
            AudioChoice::Device => Player::new(),
            AudioChoice::Silent(reason) => Player::silent(&reason),
        };
        player.set_speed(settings.speed);
        player.set_volume(settings.volume);
        ReadalongApp {
            settings,
            player,
            episode: None,
            audio: AudioStatus::NoFile,
            audio_request: None,
            start_at: None,
            follow: true,
            view: TranscriptView::default(),
            search: SearchState::default(),
            show_help: false,
            error: None,
            dialog: None,
            trace: Trace::from_env(),
            lit: None,
            generation: 0,
            pending: Vec::new(),
            seek_bar_px: 0.0,
            background: theme::Background::default(),
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

    /// The error shown to the user, if any.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The saved settings as they are now.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Queues a command as if a widget had sent it.
    pub fn send(&mut self, command: Command) {
        self.pending.push(command);
    }

    // ----- applying commands ------------------------------------------------------------------

    fn apply_pending(&mut self, ctx: &Context) {
        let commands = std::mem::take(&mut self.pending);
        if commands.is_empty() {
            return;
        }
        for command in commands {
            self.apply(ctx, command);
        }
        ctx.request_repaint();
    }

    fn apply(&mut self, ctx: &Context, command: Command) {
        match command {
            Command::OpenFileDialog => self.start_dialog(ctx, false),
            Command::OpenFolderDialog => self.start_dialog(ctx, true),
            Command::Open(path) => self.open(ctx, &path, None),
            Command::SwitchTranscript(index) => self.switch_transcript(index),
            Command::TogglePlay => self.toggle_play(),
            Command::SeekTo(to) => self.seek(to),
            Command::SeekToCue(index) => self.seek_to_cue(index),
            Command::SkipBack => {
                self.seek(self.heard_position().saturating_sub(command::SKIP_BACK))
            }
            Command::SkipForward => self.seek(self.heard_position() + command::SKIP_FORWARD),
            Command::PreviousLine => self.step_line(false),
            Command::NextLine => self.step_line(true),
            Command::SetSpeed(speed) => self.set_speed(speed),
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
            Command::DismissError => self.error = None,
        }
    }

    fn start_dialog(&mut self, ctx: &Context, folder: bool) {
        let (tx, rx) = mpsc::channel();
        let ctx = ctx.clone();
        let spawned = std::thread::Builder::new()
            .name("open-dialog".to_owned())
            .spawn(move || {
                let dialog = rfd::FileDialog::new().set_title("Open an episode");
                let picked = if folder {
                    dialog.pick_folder()
                } else {
                    dialog
                        .add_filter(
                            "Episodes",
                            &[episode::AUDIO_EXTENSIONS, episode::TRANSCRIPT_EXTENSIONS].concat(),
                        )
                        .pick_file()
                };
                let _ = tx.send(picked);
                ctx.request_repaint();
            });
        match spawned {
            Ok(_) => self.dialog = Some(rx),
            Err(e) => self.error = Some(format!("Cannot show the open dialog: {e}")),
        }
    }

    /// Opens an episode: finds its files, reads its transcripts, starts opening its audio.
    fn open(&mut self, ctx: &Context, path: &Path, at: Option<Duration>) {
        // The same episode reached by another relative path must find its saved position.
        let path = &std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let files = match episode::discover(path) {
            Ok(files) => files,
            Err(e) => {
                self.error = Some(format!("{e:#}"));
                return;
            }
        };
        self.remember_position();
        let choices = episode::read_choices(&files);
        let key = files.key();
        let resume = self.settings.position(&key);
        self.settings.remember_recent(path);
        ctx.send_viewport_cmd(egui::ViewportCommand::Title(format!(
            "{} — Readalong",
            files.display_name()
        )));
        self.player.pause();
        self.player.close();
        self.audio = AudioStatus::NoFile;
        self.audio_request = files.audio.as_ref().map(|audio| self.player.open(audio));
        if self.audio_request.is_some() {
            self.audio = AudioStatus::Loading { fraction: 0.0 };
        }
        self.error = choices
            .first()
            .and_then(|c| c.result.as_ref().err())
            .map(|e| format!("Transcript could not be read: {e}"));
        self.episode = Some(OpenEpisode {
            files,
            choices,
            chosen: 0,
        });
        self.transcript_changed();
        let start = at.or(resume).unwrap_or_default();
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
    }

    fn switch_transcript(&mut self, index: usize) {
        if let Some(episode) = self.episode.as_mut()
            && index < episode.choices.len()
        {
            episode.chosen = index;
            self.error = episode.choices[index].result.as_ref().err().cloned();
            self.transcript_changed();
        }
    }

    /// Resets everything that depends on which transcript is shown.
    fn transcript_changed(&mut self) {
        self.generation += 1;
        self.lit = None;
        self.follow = true;
        let query = self.search.query.clone();
        if self.search.open {
            self.search.set_query(
                self.episode.as_ref().and_then(OpenEpisode::transcript),
                query,
                None,
            );
        }
        self.view = TranscriptView::default();
    }

    fn toggle_play(&mut self) {
        if self.player.is_playing() {
            self.player.pause();
            self.trace
                .record(TraceEvent::Pause, self.heard_position(), self.lit);
        } else {
            self.play();
        }
    }

    fn play(&mut self) {
        if let Some(end) = self.duration()
            && self.heard_position() >= end
        {
            self.player.seek(Duration::ZERO);
        }
        self.player.play();
        self.trace
            .record(TraceEvent::Play, self.heard_position(), self.lit);
    }

    fn seek(&mut self, to: Duration) {
        let to = match self.duration() {
            Some(end) => to.min(end),
            None => to,
        };
        self.player.seek(to);
        self.trace.record(
            TraceEvent::Seek,
            to,
            self.transcript().and_then(|t| t.cue_at(to)),
        );
    }

    fn seek_to_cue(&mut self, index: usize) {
        if let Some(start) = self
            .transcript()
            .and_then(|t| t.cues.get(index))
            .map(|c| c.start)
        {
            self.seek(start);
            self.follow = true;
        }
    }

    fn step_line(&mut self, forward: bool) {
        let Some(transcript) = self.transcript() else {
            return;
        };
        let count = transcript.cues.len();
        let target = match (transcript.cue_at(self.heard_position()), forward) {
            (None, true) => 0,
            (None, false) => return,
            (Some(i), true) => (i + 1).min(count.saturating_sub(1)),
            (Some(i), false) => i.saturating_sub(1),
        };
        self.seek_to_cue(target);
    }

    fn set_speed(&mut self, speed: f32) {
        self.settings.speed = crate::audio::units::clamp_speed(speed);
        self.player.set_speed(self.settings.speed);
    }

    fn set_volume(&mut self, volume: f32) {
        self.settings.volume = volume.clamp(0.0, 1.0);
        self.player.set_volume(self.settings.volume);
    }

    fn change_font(&mut self, step_pts: f32) {
        let range = settings::FONT_SIZE_RANGE;
        self.settings.font_size_pts =
            (self.settings.font_size_pts + step_pts).clamp(*range.start(), *range.end());
    }

    fn set_follow(&mut self, follow: bool) {
        self.follow = follow;
        if follow && let Some(lit) = self.lit {
            self.view.scroll_to(lit);
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
        if let Some(cue) = self.search.current_cue() {
            self.follow = false;
            self.view.scroll_to(cue);
        }
    }

    fn close_search(&mut self) {
        self.search.close();
        self.set_follow(true);
    }

    // ----- logic: what happens every frame, before the UI ---------------------------------------

    fn handle_player_events(&mut self) {
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

    fn handle_dialog(&mut self, ctx: &Context) {
        let Some(rx) = &self.dialog else {
            return;
        };
        match rx.try_recv() {
            Ok(picked) => {
                self.dialog = None;
                if let Some(path) = picked {
                    self.pending.push(Command::Open(path));
                }
            }
            Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(POLL_WAIT),
            Err(mpsc::TryRecvError::Disconnected) => self.dialog = None,
        }
    }

    fn handle_dropped_files(&mut self, ctx: &Context) {
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

    fn handle_keys(&mut self, ctx: &Context) {
        self.pending.extend(command::from_keys(ctx));
        if self.search.open
            && ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
        {
            self.pending.push(Command::CloseSearch);
        }
    }

    /// Lights the line being heard and keeps it in view.
    fn update_lit(&mut self) {
        let position = self.heard_position();
        let lit = self.transcript().and_then(|t| t.cue_at(position));
        if lit != self.lit {
            self.lit = lit;
            self.trace.record(TraceEvent::Highlight, position, lit);
            if self.follow
                && let Some(index) = lit
            {
                self.view.scroll_to(index);
            }
        }
    }

    /// The episode's length: the audio's, or for a transcript alone, its last line's end.
    fn duration(&self) -> Option<Duration> {
        self.player.duration().or_else(|| {
            let transcript = self.transcript()?;
            let last = transcript.cues.len().checked_sub(1)?;
            let tail_end = transcript.cues.get(last)?.start + TAIL_WITHOUT_END;
            Some(
                transcript
                    .cue_end(last, None)
                    .map_or(tail_end, |end| end.max(tail_end)),
            )
        })
    }

    /// Asks for the next frame exactly when something visible will change: the next line, the clock's
    /// next second, or the seek bar's next pixel.
    fn schedule_repaint(&self, ctx: &Context) {
        if matches!(self.audio, AudioStatus::Loading { .. }) {
            ctx.request_repaint_after(POLL_WAIT);
        }
        if !self.player.is_playing() {
            return;
        }
        let position = self.heard_position();
        let speed = f64::from(self.settings.speed.max(0.1));
        let mut media_wait =
            Duration::from_secs(1) - Duration::from_nanos(u64::from(position.subsec_nanos()));
        if let Some(next_start) = self.next_cue_start(position) {
            media_wait = media_wait.min(next_start.saturating_sub(position));
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

    fn next_cue_start(&self, position: Duration) -> Option<Duration> {
        let transcript = self.transcript()?;
        let next = transcript.cues.partition_point(|c| c.start <= position);
        transcript.cues.get(next).map(|c| c.start)
    }

    fn remember_position(&mut self) {
        if let Some(episode) = &self.episode {
            let key = episode.files.key();
            let position = self.heard_position();
            self.settings.set_position(&key, position);
        }
    }

    // ----- ui: one call per part of the window ---------------------------------------------------

    fn top_bar(&mut self, ui: &mut Ui) {
        let input = top_bar::TopBarInput {
            recent: &self.settings.recent,
            transcript_labels: self
                .episode
                .as_ref()
                .map(|e| e.choices.iter().map(TranscriptChoice::label).collect())
                .unwrap_or_default(),
            chosen: self.episode.as_ref().map_or(0, |e| e.chosen),
            follow: self.follow,
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
        if let OutputState::NoDevice { reason } = self.player.output() {
            items.push(StatusItem::warn("no audio output").with_detail(reason.clone()));
        }
        items.push(match &self.audio {
            AudioStatus::NoFile => StatusItem::warn("no audio file: reading only"),
            AudioStatus::Loading { fraction } => {
                StatusItem::info(format!("opening audio… {:.0}%", fraction * 100.0))
            }
            AudioStatus::Ready { description } => StatusItem::info(description.clone()),
            AudioStatus::Failed { error } => StatusItem::warn(format!("audio: {error}")),
        });
        match self.episode.as_ref().and_then(|e| e.choices.get(e.chosen)) {
            Some(TranscriptChoice {
                result: Ok(t),
                path,
            }) => {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
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
            None => items.push(StatusItem::warn("no transcript: listening only")),
        }
        items
    }

    fn player_bar(&mut self, ui: &mut Ui) {
        let snapshot = PlayerSnapshot {
            playing: self.player.is_playing(),
            position: self.heard_position(),
            duration: self.duration(),
            speed: self.settings.speed,
            volume: self.settings.volume,
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

    fn transcript_panel(&mut self, ui: &mut Ui) {
        let commands = egui::CentralPanel::default()
            .show(ui, |ui| {
                match self.episode.as_ref().and_then(OpenEpisode::transcript) {
                    Some(transcript) => {
                        let input = ViewInput {
                            transcript,
                            generation: self.generation,
                            current: self.lit,
                            matches: &self.search.matches,
                            current_match: self.search.current,
                            font_size_pts: self.settings.font_size_pts,
                        };
                        self.view.ui(ui, &input)
                    }
                    None => {
                        empty_transcript_ui(ui);
                        Vec::new()
                    }
                }
            })
            .inner;
        self.pending.extend(commands);
    }

    fn overlays(&mut self, ui: &Ui) {
        if self.show_help {
            self.pending.extend(help::help_overlay(ui.ctx()));
        }
        if !self.follow && self.transcript().is_some() {
            self.pending.extend(help::back_to_now_ui(ui.ctx()));
        }
    }
}

fn empty_transcript_ui(ui: &mut Ui) {
    ui.centered_and_justified(|ui| {
        ui.label("No transcript to show. Open an episode folder, an audio file or a transcript with Ctrl+O, or drop one here.");
    });
}

impl eframe::App for ReadalongApp {
    fn clear_color(&self, visuals: &egui::Visuals) -> [f32; 4] {
        self.background.clear_color(visuals)
    }

    fn logic(&mut self, ctx: &Context, _frame: &mut eframe::Frame) {
        self.handle_player_events();
        self.handle_dialog(ctx);
        self.handle_dropped_files(ctx);
        self.handle_keys(ctx);
        self.apply_pending(ctx);
        self.update_lit();
        self.schedule_repaint(ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.top_bar(ui);
        self.error_banner(ui);
        self.status_bar(ui);
        self.player_bar(ui);
        self.transcript_panel(ui);
        self.overlays(ui);
        let ctx = ui.ctx().clone();
        self.apply_pending(&ctx);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember_position();
        eframe::set_value(storage, settings::STORAGE_KEY, &self.settings);
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
        .with_min_inner_size([560.0, 360.0])
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
