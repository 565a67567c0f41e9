//! The library side panel: the episodes of an open library with a filter, the scan's progress,
//! and search across every episode as you type, with hits that open the episode where they are.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use eframe::egui::{self, Color32, Key, Ui, text::LayoutJob};

use super::Command;
use crate::library::background::{ScanMessage, Scanner, SearchResult, Searcher, Wake};
use crate::library::{self, Episode, Hit, Library, Phase, Progress, Query, ScanRequest};
use crate::state::State;
use crate::timefmt;
use crate::transcript::fold::fold;

/// One row of search results: an episode's header, or a line found.
#[derive(Clone, Copy, Debug)]
enum ResultRow {
    /// The episode (index into the library's episodes) and how many lines it has.
    Header(usize, usize),
    /// A line found.
    Hit(Hit),
}

/// The open library as the panel shows it.
pub struct LibraryView {
    /// The library's folder.
    pub root: PathBuf,
    scanner: Option<Scanner>,
    progress: Progress,
    episodes: Vec<Episode>,
    library: Option<Arc<Library>>,
    error: Option<String>,
    /// The filter typed.
    pub filter: String,
    filtered: Vec<usize>,
    filtered_for: Option<String>,
    selected: usize,
    /// The search typed.
    pub query: String,
    searcher: Option<Searcher>,
    results: Option<SearchResult>,
    rows: Vec<ResultRow>,
    selected_hit: usize,
    /// The episode open now, by key.
    pub open_key: Option<String>,
    /// The episode to open once the scan knows it (the one open last time), with where to start.
    pending_open: Option<String>,
    /// Wait for the scan to finish before opening `pending_open`.
    reopen_when_done: bool,
    /// Whether the panel shows.
    pub visible: bool,
    focus_search: bool,
    scroll_to_selected: bool,
    /// The filter box had the keyboard (the keyboard's selection shows).
    filter_focused: bool,
    wake: Wake,
}

impl LibraryView {
    /// Starts scanning the library; `reopen` is the episode to open once it is found.
    pub fn new(request: ScanRequest, reopen: Option<String>, wake: Wake) -> LibraryView {
        let root = request.root.clone();
        LibraryView {
            root,
            scanner: Some(Scanner::start(request, wake.clone())),
            progress: Progress {
                phase: Phase::Listing,
                done: 0,
                total: 0,
            },
            episodes: Vec::new(),
            library: None,
            error: None,
            filter: String::new(),
            filtered: Vec::new(),
            filtered_for: None,
            selected: 0,
            query: String::new(),
            searcher: None,
            results: None,
            rows: Vec::new(),
            selected_hit: 0,
            open_key: None,
            pending_open: reopen,
            reopen_when_done: false,
            visible: true,
            focus_search: false,
            scroll_to_selected: false,
            filter_focused: false,
            wake,
        }
    }

    /// Scans again (after audio folders or pairings changed), keeping what is typed.
    pub fn rescan(&mut self, request: ScanRequest) {
        self.scanner = Some(Scanner::start(request, self.wake.clone()));
    }

    /// True while scanning or searching.
    pub fn is_busy(&self) -> bool {
        self.scanner.is_some() || self.searcher.is_some()
    }

    /// The episodes known so far, newest first.
    pub fn episodes(&self) -> &[Episode] {
        &self.episodes
    }

    /// The episode with this key.
    pub fn episode(&self, key: &str) -> Option<&Episode> {
        self.episodes.iter().find(|e| e.key == key)
    }

    /// The lines found by the last search, by episode key and time.
    pub fn hits(&self) -> Vec<(String, Duration)> {
        self.rows
            .iter()
            .filter_map(|r| match r {
                ResultRow::Hit(h) => Some((self.episodes.get(h.episode)?.key.clone(), h.start)),
                ResultRow::Header(..) => None,
            })
            .collect()
    }

    /// Opens the episode with this key again once the scan running now has finished (its files
    /// may have changed).
    pub fn reopen_after_scan(&mut self, key: &str) {
        self.pending_open = Some(key.to_owned());
        self.reopen_when_done = true;
    }

    /// Asks for the search box to take the keyboard.
    pub fn focus_search(&mut self) {
        self.visible = true;
        self.focus_search = true;
    }

    /// Clears the search.
    pub fn clear_search(&mut self) {
        self.query.clear();
        self.searcher = None;
        self.results = None;
        self.rows.clear();
    }

    /// Takes in what the scan and the search sent; returns commands (opening the episode open
    /// last time once the scan knows it).
    pub fn poll(&mut self) -> Vec<Command> {
        let mut commands = Vec::new();
        if let Some(scanner) = &self.scanner {
            for message in scanner.poll() {
                match message {
                    ScanMessage::Update(update) => {
                        self.progress = update.progress;
                        if let Some(episodes) = update.episodes {
                            self.set_episodes(episodes);
                        }
                        if let Some(library) = update.library {
                            self.set_library(library);
                        }
                    }
                    ScanMessage::Finished(Ok(library)) => {
                        self.scanner = None;
                        self.set_library(library);
                    }
                    ScanMessage::Finished(Err(e)) => {
                        self.scanner = None;
                        self.error = Some(e);
                    }
                }
            }
        }
        let waiting = self.reopen_when_done && self.scanner.is_some();
        if let Some(key) = &self.pending_open
            && !waiting
            && self.episode(key).is_some()
        {
            self.reopen_when_done = false;
            commands.push(Command::OpenLibraryEpisode {
                key: key.clone(),
                at: None,
            });
            self.pending_open = None;
        }
        if self.scanner.is_none() && self.pending_open.is_some() {
            self.pending_open = None;
        }
        if let Some(result) = self.searcher.as_ref().and_then(Searcher::poll) {
            self.searcher = None;
            self.set_results(result);
        }
        commands
    }

    fn set_episodes(&mut self, episodes: Vec<Episode>) {
        self.episodes = episodes;
        self.filtered_for = None;
    }

    fn set_library(&mut self, library: Library) {
        self.set_episodes(library.episodes.clone());
        self.library = Some(Arc::new(library));
        // Search again over what is now known.
        if !self.query.trim().is_empty() {
            self.start_search();
        }
    }

    fn start_search(&mut self) {
        match &self.library {
            Some(library) if !Query::parse(&self.query).is_empty() => {
                self.searcher = Some(Searcher::start(
                    library.clone(),
                    self.query.clone(),
                    self.wake.clone(),
                ));
            }
            _ => {
                self.searcher = None;
                self.results = None;
                self.rows.clear();
            }
        }
    }

    fn set_results(&mut self, result: SearchResult) {
        let mut rows = Vec::new();
        let mut i = 0;
        while i < result.hits.len() {
            let episode = result.hits[i].episode;
            let count = result.hits[i..]
                .iter()
                .take_while(|h| h.episode == episode)
                .count();
            rows.push(ResultRow::Header(episode, count));
            rows.extend(result.hits[i..i + count].iter().map(|h| ResultRow::Hit(*h)));
            i += count;
        }
        self.rows = rows;
        self.selected_hit = 0;
        self.results = Some(result);
    }

    fn refilter(&mut self) {
        if self.filtered_for.as_deref() == Some(self.filter.as_str()) {
            return;
        }
        let folded = fold(self.filter.trim());
        self.filtered = (0..self.episodes.len())
            .filter(|&i| self.episodes[i].matches_filter(&folded))
            .collect();
        self.selected = self.selected.min(self.filtered.len().saturating_sub(1));
        self.filtered_for = Some(self.filter.clone());
    }

    /// Draws the panel; returns the commands its widgets sent.
    pub fn ui(&mut self, ui: &mut Ui, state: &State) -> Vec<Command> {
        let mut commands = Vec::new();
        self.refilter();
        self.header_ui(ui, &mut commands);
        let searching = self.search_box_ui(ui, &mut commands);
        ui.separator();
        if searching {
            self.results_ui(ui, &mut commands);
        } else {
            self.episode_list_ui(ui, state, &mut commands);
        }
        commands
    }

    fn header_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        ui.horizontal(|ui| {
            let name = crate::episode::file_name(&self.root);
            ui.strong(format!("{name} · {} episodes", self.episodes.len()))
                .on_hover_text(self.root.display().to_string());
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui
                    .small_button("+ Audio folder…")
                    .on_hover_text("Add a folder of audio files to pair with these episodes")
                    .clicked()
                {
                    commands.push(Command::AddAudioFolderDialog);
                }
            });
        });
        if self.scanner.is_some() {
            let Progress { phase, done, total } = self.progress;
            let what = match phase {
                Phase::Listing => "listing files…".to_owned(),
                Phase::Transcripts => format!("reading transcripts {done}/{total}"),
                Phase::Audio => format!("reading audio {done}/{total}"),
                Phase::Done => "finishing…".to_owned(),
            };
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(egui::RichText::new(what).small());
            });
        }
        if let Some(error) = &self.error {
            ui.colored_label(Color32::from_rgb(230, 90, 70), format!("⚠ {error}"));
        }
        let filter = ui.add(
            egui::TextEdit::singleline(&mut self.filter)
                .hint_text("Filter by number or title")
                .desired_width(f32::INFINITY),
        );
        filter.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Filter episodes")
        });
        if filter.changed() {
            self.refilter();
        }
        self.filter_focused = filter.has_focus();
        if filter.has_focus() {
            let count = self.filtered.len();
            ui.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowDown) && count > 0 {
                    self.selected = (self.selected + 1).min(count - 1);
                    self.scroll_to_selected = true;
                }
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowUp) {
                    self.selected = self.selected.saturating_sub(1);
                    self.scroll_to_selected = true;
                }
            });
        }
        if filter.lost_focus()
            && ui.input(|i| i.key_pressed(Key::Enter))
            && let Some(e) = self
                .filtered
                .get(self.selected)
                .and_then(|&i| self.episodes.get(i))
        {
            commands.push(Command::OpenLibraryEpisode {
                key: e.key.clone(),
                at: None,
            });
        }
    }

    /// The search box; true when a search is shown.
    fn search_box_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) -> bool {
        let search = ui.add(
            egui::TextEdit::singleline(&mut self.query)
                .hint_text("Search every episode")
                .desired_width(f32::INFINITY),
        );
        search.widget_info(|| {
            egui::WidgetInfo::labeled(egui::Role::TextInput, true, "Search every episode")
        });
        if std::mem::take(&mut self.focus_search) {
            search.request_focus();
        }
        if search.changed() {
            self.start_search();
        }
        let hit_rows: Vec<usize> = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, ResultRow::Hit(_)))
            .map(|(i, _)| i)
            .collect();
        if search.has_focus() && !hit_rows.is_empty() {
            ui.input_mut(|i| {
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowDown) {
                    self.selected_hit = (self.selected_hit + 1).min(hit_rows.len() - 1);
                }
                if i.consume_key(egui::Modifiers::NONE, Key::ArrowUp) {
                    self.selected_hit = self.selected_hit.saturating_sub(1);
                }
            });
        }
        if search.lost_focus()
            && ui.input(|i| i.key_pressed(Key::Enter))
            && let Some(ResultRow::Hit(hit)) = hit_rows
                .get(self.selected_hit)
                .and_then(|&r| self.rows.get(r))
            && let Some(e) = self.episodes.get(hit.episode)
        {
            commands.push(Command::OpenLibraryEpisode {
                key: e.key.clone(),
                at: Some(hit.start),
            });
        }
        !self.query.trim().is_empty()
    }

    fn results_ui(&mut self, ui: &mut Ui, commands: &mut Vec<Command>) {
        let hits = self.rows.len()
            - self
                .rows
                .iter()
                .filter(|r| matches!(r, ResultRow::Header(..)))
                .count();
        let episodes = self.rows.len() - hits;
        let status = if self.library.is_none() {
            "the transcripts are still being read…".to_owned()
        } else if self.searcher.is_some() {
            "searching…".to_owned()
        } else if hits == 0 {
            "no line holds these words".to_owned()
        } else {
            format!(
                "{hits} line{} in {episodes} episode{}",
                plural(hits),
                plural(episodes)
            )
        };
        ui.weak(status);
        let query = Query::parse(&self.query);
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 6.0;
        let selected_row = self
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r, ResultRow::Hit(_)))
            .nth(self.selected_hit)
            .map(|(i, _)| i);
        let Some(library) = self.library.clone() else {
            return;
        };
        egui::ScrollArea::vertical()
            .id_salt("library-results")
            .auto_shrink([false, false])
            .show_rows(ui, row_height, self.rows.len(), |ui, range| {
                for i in range {
                    match self.rows[i] {
                        ResultRow::Header(episode, count) => {
                            let title = self
                                .episodes
                                .get(episode)
                                .map(episode_title)
                                .unwrap_or_default();
                            let size = egui::vec2(ui.available_width(), row_height);
                            let layout = egui::Layout::left_to_right(egui::Align::Center);
                            ui.allocate_ui_with_layout(size, layout, |ui| {
                                ui.add(
                                    egui::Label::new(
                                        egui::RichText::new(format!(
                                            "{title} — {count} line{}",
                                            plural(count)
                                        ))
                                        .strong(),
                                    )
                                    .truncate(),
                                );
                            });
                        }
                        ResultRow::Hit(hit) => {
                            let line = library
                                .texts
                                .get(hit.episode)
                                .and_then(|t| t.as_ref())
                                .and_then(|t| t.line(hit.line))
                                .unwrap_or("");
                            let job = hit_job(ui, hit.start, line, &query);
                            let label = format!("{} {line}", timefmt::clock(hit.start));
                            let response =
                                list_row(ui, row_height, selected_row == Some(i), &[job], &label)
                                    .on_hover_text(line);
                            if response.clicked()
                                && let Some(e) = self.episodes.get(hit.episode)
                            {
                                commands.push(Command::OpenLibraryEpisode {
                                    key: e.key.clone(),
                                    at: Some(hit.start),
                                });
                            }
                        }
                    }
                }
            });
    }

    fn episode_list_ui(&mut self, ui: &mut Ui, state: &State, commands: &mut Vec<Command>) {
        if self.episodes.is_empty() && self.scanner.is_none() {
            ui.label("No episodes were found in this folder.");
            return;
        }
        if self.filtered.is_empty() && !self.episodes.is_empty() {
            ui.label("No episode matches the filter.");
            return;
        }
        let body = ui.text_style_height(&egui::TextStyle::Body);
        let row_height = body * 1.8 + 12.0;
        let mut area = egui::ScrollArea::vertical()
            .id_salt("library-episodes")
            .auto_shrink([false, false]);
        if std::mem::take(&mut self.scroll_to_selected) {
            let spacing = ui.spacing().item_spacing.y;
            let above = self.selected.saturating_sub(2) as f32;
            area = area.vertical_scroll_offset(above * (row_height + spacing));
        }
        area.show_rows(ui, row_height, self.filtered.len(), |ui, range| {
            for row in range {
                let Some(episode) = self.filtered.get(row).and_then(|&i| self.episodes.get(i))
                else {
                    continue;
                };
                let left_at = state
                    .place(&library::episode_state_key(&self.root, &episode.key))
                    .map(|p| p.position());
                let is_open = self.open_key.as_deref() == Some(episode.key.as_str());
                let (title, facts) = episode_jobs(ui, episode, left_at);
                let label = format!("{}, {}", title.text, facts.text);
                let response = list_row(
                    ui,
                    row_height,
                    is_open || (self.filter_focused && row == self.selected),
                    &[title, facts],
                    &label,
                )
                .on_hover_text(episode_details(episode));
                if response.clicked() {
                    self.selected = row;
                    commands.push(Command::OpenLibraryEpisode {
                        key: episode.key.clone(),
                        at: None,
                    });
                }
                let key = episode.key.clone();
                response.context_menu(|ui| {
                    if ui.button("Open").clicked() {
                        commands.push(Command::OpenLibraryEpisode {
                            key: key.clone(),
                            at: None,
                        });
                    }
                    if ui.button("Choose its audio file…").clicked() {
                        commands.push(Command::ChooseAudioDialog(key.clone()));
                    }
                    if ui.button("It has no audio").clicked() {
                        commands.push(Command::SetPairing {
                            key: key.clone(),
                            audio: None,
                        });
                    }
                    if ui.button("Pair its audio automatically").clicked() {
                        commands.push(Command::ResetPairing(key.clone()));
                    }
                });
            }
        });
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "#518 Title", or the title alone.
fn episode_title(e: &Episode) -> String {
    match e.number {
        Some(n) => format!("#{n} {}", e.title),
        None => e.title.clone(),
    }
}

/// A clickable row of the full width, left-aligned lines each cut to fit, with its accessible
/// label (the whole text, as the cut lines may not show it).
fn list_row(
    ui: &mut Ui,
    height: f32,
    selected: bool,
    lines: &[LayoutJob],
    label: &str,
) -> egui::Response {
    let size = egui::vec2(ui.available_width(), height);
    let (rect, response) = ui.allocate_exact_size(size, egui::Sense::click());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, label));
    if ui.is_rect_visible(rect) {
        let visuals = ui.style().interact_selectable(&response, selected);
        if selected || response.hovered() || response.has_focus() {
            ui.painter()
                .rect_filled(rect, visuals.corner_radius, visuals.weak_bg_fill);
        }
        let inner = rect.shrink2(egui::vec2(6.0, 4.0));
        let mut y = inner.top();
        for job in lines {
            let mut job = job.clone();
            job.wrap = egui::text::TextWrapping::truncate_at_width(inner.width());
            let galley = ui.fonts_mut(|f| f.layout_job(job));
            let height = galley.size().y;
            ui.painter()
                .galley(egui::pos2(inner.left(), y), galley, visuals.text_color());
            y += height;
        }
    }
    response
}

/// A row's two lines: number and title; length, formats, audio, where it was left, problems.
fn episode_jobs(ui: &Ui, e: &Episode, left_at: Option<Duration>) -> (LayoutJob, LayoutJob) {
    let style = ui.style();
    let strong = style.visuals.strong_text_color();
    let weak = style.visuals.weak_text_color();
    let body = egui::TextStyle::Body.resolve(style);
    let small = egui::FontId::proportional(body.size * 0.8);
    let format = |font: &egui::FontId, color: Color32| egui::TextFormat {
        font_id: font.clone(),
        color,
        ..Default::default()
    };
    let mut title = LayoutJob::default();
    title.append(&episode_title(e), 0.0, format(&body, strong));
    let mut job = LayoutJob::default();
    let mut facts = Vec::new();
    if let Some(d) = e.duration() {
        facts.push(timefmt::clock(d));
    }
    let formats = e.formats();
    if formats.is_empty() {
        facts.push("no transcript".to_owned());
    } else {
        facts.push(formats.join(" "));
    }
    facts.push(
        if e.audio.is_some() {
            "audio"
        } else {
            "no audio"
        }
        .to_owned(),
    );
    if let Some(left_at) = left_at {
        facts.push(format!("left at {}", timefmt::clock(left_at)));
    }
    job.append(&facts.join(" · "), 0.0, format(&small, weak));
    let warnings = e.warnings.len() + usize::from(e.length_warning.is_some());
    let problems = e.errors.len() + warnings;
    if problems > 0 {
        let text = if e.errors.is_empty() {
            format!(" · ⚠ {warnings}")
        } else {
            format!(" · ⚠ {}", e.errors.first().map_or("", String::as_str))
        };
        job.append(&text, 0.0, format(&small, Color32::from_rgb(220, 130, 60)));
    }
    (title, job)
}

/// The hover text of a row: its files, pairing and problems.
fn episode_details(e: &Episode) -> String {
    let mut lines = vec![episode_title(e)];
    for t in &e.transcripts {
        lines.push(format!("transcript: {}", t.display()));
    }
    match (&e.audio, e.paired_by) {
        (Some(a), Some(by)) => lines.push(format!(
            "audio: {} (paired by {})",
            a.display(),
            by.describe()
        )),
        (Some(a), None) => lines.push(format!("audio: {}", a.display())),
        (None, _) => lines.push("audio: none (right-click to choose one)".to_owned()),
    }
    lines.extend(
        e.length_warning
            .iter()
            .chain(&e.warnings)
            .map(|w| format!("⚠ {w}")),
    );
    lines.extend(e.errors.iter().map(|w| format!("⚠ {w}")));
    lines.join("\n")
}

/// How much of a line shows before its first mark, in characters, when the mark is far in.
const LEAD_CHARS: usize = 16;

/// A hit's row: its time, then the line with the words marked.
fn hit_job(ui: &Ui, start: Duration, line: &str, query: &Query) -> LayoutJob {
    let style = ui.style();
    let body = egui::TextStyle::Body.resolve(style);
    let text_color = style.visuals.text_color();
    let weak = style.visuals.weak_text_color();
    let mark = style.visuals.selection.bg_fill;
    let plain = egui::TextFormat {
        font_id: body.clone(),
        color: text_color,
        ..Default::default()
    };
    let mut job = LayoutJob::default();
    job.append(
        &format!("{}  ", timefmt::clock(start)),
        0.0,
        egui::TextFormat {
            color: weak,
            ..plain.clone()
        },
    );
    let marks = query.marks(line);
    // A line whose first mark is far in is shown from a little before it.
    let mut at = match marks.first() {
        Some(first) if first.start > LEAD_CHARS * 2 => {
            let from = line[..first.start]
                .char_indices()
                .rev()
                .nth(LEAD_CHARS)
                .map_or(0, |(i, _)| i);
            let from = line[from..first.start]
                .find(' ')
                .map_or(from, |space| from + space + 1);
            job.append("…", 0.0, plain.clone());
            from
        }
        _ => 0,
    };
    for range in marks {
        job.append(&line[at..range.start], 0.0, plain.clone());
        job.append(
            &line[range.clone()],
            0.0,
            egui::TextFormat {
                background: mark,
                ..plain.clone()
            },
        );
        at = range.end;
    }
    job.append(&line[at..], 0.0, plain);
    job
}

/// The scan request for the library at `root`, with what the listener set for it.
pub fn scan_request(root: &Path, state: &State, cache_dir: Option<PathBuf>) -> ScanRequest {
    let prefs = state.library(root);
    ScanRequest {
        root: root.to_path_buf(),
        audio_dirs: prefs.audio_dirs,
        fixes: prefs.pairs,
        cache_dir,
        read_audio: true,
    }
}
