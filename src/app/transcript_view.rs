//! The transcript panel: lays out only the rows in view, lights the spoken sentence, marks matches, follows the
//! audio.
//!
//! A row is one block of [`Paragraphs`]: a paragraph in the paragraph view, a cue as published. Each sentence in a
//! row is its own clickable widget with an accessible label; a click anywhere on a row plays from the sentence
//! under the pointer.
//!
//! Every row starts with a height estimated from its length; a row is laid out only when it is drawn or about to
//! be, and its measured height then replaces the estimate (see [`super::follow::RowHeights`]). Where the view
//! scrolls is decided by [`super::follow`]; this file turns those decisions into egui calls.

use std::cell::Cell;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use eframe::egui::{
    self, Align2, Color32, FontId, Galley, Pos2, Rect, Role, ScrollArea, Sense, Stroke, TextFormat,
    Ui, Vec2, WidgetInfo, containers::scroll_area::ScrollAreaOutput, pos2, text::CCursor,
    text::LayoutJob, vec2,
};

use super::chapter_rows::ChapterRow;
use super::command::Command;
use super::follow::{self, Anchor, RowHeights, RowSpan, ViewGeometry};
pub use super::follow::{Reveal, ViewScroll};
use crate::timefmt;
use crate::transcript::paragraphs::{Paragraph, Paragraphs, SentenceId, TimedWord};
use crate::transcript::search::Match;
use crate::transcript::sync::SyncMap;

/// Vertical space around a row's text, in points.
const ROW_PAD_Y: f32 = 5.0;
/// Space between the time gutter and the text, in points.
const GUTTER_GAP: f32 = 12.0;
/// The space above a chapter's title, with the rule in its middle, in points.
const CHAPTER_GAP_PTS: f32 = 12.0;
/// A chapter title's size against the text's.
const CHAPTER_SCALE: f32 = 1.2;
/// Text whose glyphs stand for an average line, to estimate how long a row's text runs without laying it out.
const SAMPLE_TEXT: &str = "The quick brown fox jumps over the lazy dog, then rests a while.";

/// What the view shows this frame.
pub struct ViewInput<'a> {
    /// The blocks shown: paragraphs, or the cues as published.
    pub blocks: &'a Paragraphs,
    /// Changes whenever a different transcript is shown, so cached row heights and the scroll offset are dropped.
    pub generation: u64,
    /// The sentence being heard.
    pub current: Option<SentenceId>,
    /// The position heard, to light the word being spoken where the transcript has word times.
    pub heard: std::time::Duration,
    /// Search matches, sorted by cue then position.
    pub matches: &'a [Match],
    /// The match the reader is on.
    pub current_match: Option<usize>,
    /// Text size in points.
    pub font_size_pts: f32,
    /// True while the view follows the audio: a resize then puts the lit line back in the comfort band.
    pub follow: bool,
    /// Where each line is heard in the audio: the gutter shows that time.
    pub sync: &'a SyncMap,
    /// The chapter headers, by block, sorted.
    pub chapters: &'a [ChapterRow],
    /// The sentences selected: where the selection started and where it ends (in either order).
    pub selection: Option<(SentenceId, SentenceId)>,
}

/// What the row heights were computed for; any change drops them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LayoutKey {
    generation: u64,
    width_bits: u32,
    font_size_bits: u32,
}

/// What each row's estimate needs from the transcript, gathered once per transcript.
#[derive(Default)]
struct RowFacts {
    generation: Option<u64>,
    chars: Vec<u32>,
    turns: Vec<bool>,
    chapters: Vec<ChapterRow>,
}

impl RowFacts {
    fn gather(blocks: &Paragraphs, generation: u64, chapters: &[ChapterRow]) -> Self {
        let count = |p: &Paragraph| u32::try_from(p.text.chars().count()).unwrap_or(u32::MAX);
        RowFacts {
            generation: Some(generation),
            chars: blocks.paragraphs.iter().map(count).collect(),
            turns: blocks.paragraphs.iter().map(|p| p.turn).collect(),
            chapters: chapters.to_vec(),
        }
    }

    /// What row `index` starts with: a speaker's turn, a chapter header.
    fn header(&self, index: usize) -> RowHeader {
        RowHeader {
            turn: self.turns.get(index).copied().unwrap_or(false),
            chapter: chapter_title(&self.chapters, index).is_some(),
        }
    }
}

/// What a row shows above its text.
#[derive(Clone, Copy, Debug, Default)]
struct RowHeader {
    /// The speaker's name (a new turn).
    turn: bool,
    /// A chapter's title.
    chapter: bool,
}

/// The title of the chapter header over block `index`, if it has one.
fn chapter_title(chapters: &[ChapterRow], index: usize) -> Option<&str> {
    let i = chapters.partition_point(|c| c.block < index);
    chapters
        .get(i)
        .filter(|c| c.block == index)
        .map(|c| c.title.as_str())
}

/// Font measures for one row width and text size: enough to estimate a row's height without laying it out.
#[derive(Clone, Copy, Debug, Default)]
struct Metrics {
    row_width_pts: f32,
    text_width_pts: f32,
    font_size_pts: f32,
    glyph_width_pts: f32,
    line_height_pts: f32,
    speaker_height_pts: f32,
    chapter_height_pts: f32,
}

impl Metrics {
    fn of(ui: &Ui, row_width_pts: f32, font_size_pts: f32) -> Self {
        // One galley per width and text size: a line of sample text gives the line height and average glyph width.
        let font = FontId::proportional(font_size_pts);
        let sample =
            ui.fonts_mut(|f| f.layout_no_wrap(SAMPLE_TEXT.to_owned(), font, Color32::WHITE));
        let sample_chars = SAMPLE_TEXT.chars().count() as f32;
        Metrics {
            row_width_pts,
            text_width_pts: text_width(row_width_pts, font_size_pts),
            font_size_pts,
            glyph_width_pts: sample.size().x / sample_chars,
            line_height_pts: sample.size().y,
            speaker_height_pts: speaker_line_height(ui, font_size_pts),
            chapter_height_pts: chapter_line_height(ui, font_size_pts),
        }
    }

    /// A row's height guessed from its length: its characters at the average glyph width, wrapped at the text width.
    fn estimate_pts(&self, chars: u32, header: RowHeader) -> f64 {
        let run_pts = f64::from(chars) * f64::from(self.glyph_width_pts);
        let lines = (run_pts / f64::from(self.text_width_pts)).ceil().max(1.0);
        f64::from(self.header_pts(header) + 2.0 * ROW_PAD_Y)
            + lines * f64::from(self.line_height_pts)
    }

    /// The height of what is above a row's text: a chapter's title, a speaker's name.
    fn header_pts(&self, header: RowHeader) -> f32 {
        let chapter = if header.chapter {
            self.chapter_height_pts
        } else {
            0.0
        };
        let speaker = if header.turn {
            self.speaker_height_pts
        } else {
            0.0
        };
        chapter + speaker
    }
}

/// Where the view was left last frame.
#[derive(Clone, Copy, Debug)]
struct Shown {
    generation: u64,
    offset_pts: f64,
    size: Vec2,
}

/// A scroll asked for before the next frame.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Pending {
    Reveal(usize, Reveal),
    Scroll(ViewScroll),
}

/// The transcript view's own state: row heights, the scroll asked for, where the view was left.
#[derive(Default)]
pub struct TranscriptView {
    facts: RowFacts,
    key: Option<LayoutKey>,
    metrics: Metrics,
    rows: RowHeights,
    pending: Option<Pending>,
    /// The row last clicked: a follow tick that lights it must not move the view under the pointer.
    quiet_row: Option<usize>,
    shown: Option<Shown>,
    /// Rows have been drawn since this view was made, and whether that was already reported.
    rows_drawn: bool,
    rows_drawn_reported: bool,
    /// The start (transcript time) of the sentence under the pointer last frame, for "this line
    /// is playing now" from the keyboard.
    hovered: Option<Duration>,
    /// The sentence whose right-click menu is open, and its start.
    menu_start: Cell<Option<(SentenceId, Duration)>>,
    /// The sentence a mouse drag started on, while it lasts, and the sentence it is over now.
    drag: Cell<Option<(SentenceId, Option<SentenceId>)>>,
}

/// What drawing one block gives back.
#[derive(Default)]
struct RowOutput {
    /// What a click or the right-click menu asks for.
    command: Option<Command>,
    /// The start (transcript time) of the sentence under the pointer.
    hovered: Option<Duration>,
}

/// Colours for one frame, taken from the theme.
struct Palette {
    dark: bool,
    text: Color32,
    weak: Color32,
    speaker: Color32,
    current_fill: Color32,
    hover_fill: Color32,
    match_fill: Color32,
    current_match_fill: Color32,
    word_fill: Color32,
    selection_fill: Color32,
}

impl Palette {
    fn from(ui: &Ui) -> Self {
        let v = ui.visuals();
        let dark = v.dark_mode;
        Palette {
            dark,
            text: v.strong_text_color(),
            weak: v.weak_text_color(),
            speaker: if dark {
                Color32::from_rgb(120, 180, 255)
            } else {
                Color32::from_rgb(20, 80, 170)
            },
            current_fill: if dark {
                Color32::from_rgb(72, 58, 18)
            } else {
                Color32::from_rgb(255, 236, 170)
            },
            hover_fill: v.widgets.hovered.weak_bg_fill,
            match_fill: if dark {
                Color32::from_rgb(40, 90, 60)
            } else {
                Color32::from_rgb(170, 230, 180)
            },
            current_match_fill: Color32::from_rgb(255, 140, 40),
            word_fill: if dark {
                Color32::from_rgb(155, 118, 30)
            } else {
                Color32::from_rgb(255, 205, 90)
            },
            selection_fill: v.selection.bg_fill,
        }
    }
}

impl TranscriptView {
    /// Asks to show row `index` on the next frame, moving the view as much as `how` allows.
    ///
    /// A reader's request beats the follow tick: an [`Reveal::IfNeeded`] neither replaces another request made
    /// before the next frame nor moves the row last revealed with [`Reveal::Never`] (the clicked line).
    pub fn reveal(&mut self, index: usize, how: Reveal) {
        match how {
            Reveal::IfNeeded => {
                let request_waiting = self.pending.is_some() && !self.pending_is_follow_tick();
                if self.quiet_row == Some(index) || request_waiting {
                    return;
                }
                self.quiet_row = None;
            }
            Reveal::Band => self.quiet_row = None,
            Reveal::Never => self.quiet_row = Some(index),
        }
        self.pending = Some(Pending::Reveal(index, how));
    }

    /// Scrolls as a key asks on the next frame (Home, End, Page Up, Page Down).
    pub fn scroll(&mut self, how: ViewScroll) {
        self.quiet_row = None;
        self.pending = Some(Pending::Scroll(how));
    }

    /// The start (transcript time) of the sentence under the pointer when the view was last drawn.
    pub fn hovered_start(&self) -> Option<Duration> {
        self.hovered
    }

    /// True once, on the first frame this view (one per shown transcript) drew rows; false otherwise.
    pub fn first_rows_drawn(&mut self) -> bool {
        let first = self.rows_drawn && !self.rows_drawn_reported;
        self.rows_drawn_reported |= first;
        first
    }

    fn pending_is_follow_tick(&self) -> bool {
        matches!(self.pending, Some(Pending::Reveal(_, Reveal::IfNeeded)))
    }

    /// Draws the transcript. Returns the commands the reader gave: a click on a line, or a scroll by hand.
    pub fn ui(&mut self, ui: &mut Ui, input: &ViewInput<'_>) -> Vec<Command> {
        let view_rect = ui.available_rect_before_wrap();
        let size = vec2(
            (view_rect.width() - ui.spacing().scroll.allocated_width()).max(0.0),
            view_rect.height(),
        );
        let forced_offset_pts = self.plan_offset(ui, input, size);
        // The generation in the id gives each transcript its own offset, never one left by another.
        let mut area = ScrollArea::vertical()
            .id_salt(("transcript", input.generation))
            .content_margin(0.0)
            .auto_shrink(false);
        if let Some(offset_pts) = forced_offset_pts {
            area = area.vertical_scroll_offset(offset_pts as f32);
        }
        let mut commands = Vec::new();
        if !ui.input(|i| i.pointer.primary_down()) {
            self.drag.set(None);
        }
        let output = area.show_viewport(ui, |ui, viewport| {
            self.rows_ui(ui, view_rect.min, viewport, input, &mut commands);
            viewport.min.y
        });
        if scrolled_by_hand(&output) {
            commands.push(Command::SetFollow(false));
        }
        self.shown = Some(Shown {
            generation: input.generation,
            offset_pts: f64::from(output.state.clamped_offset().y),
            size,
        });
        commands
    }

    /// Brings the row heights up to date, measures the rows about to be shown, and decides where the view goes
    /// this frame. Returns the offset to force, or `None` to keep egui's.
    fn plan_offset(&mut self, ui: &Ui, input: &ViewInput<'_>, size: Vec2) -> Option<f64> {
        let height_pts = f64::from(size.y);
        let previous = self.shown.filter(|s| s.generation == input.generation);
        // Taken before any height changes, so the rows on screen stay put when rows above them are measured.
        let stay = previous.map_or(Anchor::TOP, |s| self.rows.anchor_at(s.offset_pts));
        let relaid = self.sync_layout(ui, input, size.x);
        let resized = previous.is_some_and(|s| relaid || s.size != size);
        let above_pts = height_pts + (-stay.delta_pts).max(0.0);
        self.measure_around(ui, input, stay.row, above_pts, 2.0 * height_pts);
        let target_pts = match self.take_action(input, resized) {
            Some(Pending::Scroll(how)) => {
                Some(self.scroll_target(ui, input, how, stay, height_pts))
            }
            Some(Pending::Reveal(index, how)) => {
                self.reveal_target(ui, input, index, how, stay, height_pts)
            }
            None => None,
        };
        let offset_pts = target_pts.unwrap_or_else(|| self.stay_offset(stay, height_pts));
        let moved = previous.is_none_or(|s| !follow::same_offset(s.offset_pts, offset_pts));
        moved.then_some(offset_pts)
    }

    /// The pending scroll, or a band reveal of the lit line after a resize while following.
    fn take_action(&mut self, input: &ViewInput<'_>, resized: bool) -> Option<Pending> {
        let pending = self.pending.take();
        match (pending, input.current) {
            (None | Some(Pending::Reveal(_, Reveal::IfNeeded)), Some(lit))
                if resized && input.follow =>
            {
                Some(Pending::Reveal(lit.paragraph, Reveal::Band))
            }
            (pending, _) => pending,
        }
    }

    /// The offset a scroll key asks for, after measuring the rows it lands on.
    fn scroll_target(
        &mut self,
        ui: &Ui,
        input: &ViewInput<'_>,
        how: ViewScroll,
        stay: Anchor,
        height_pts: f64,
    ) -> f64 {
        let anchor = match how {
            ViewScroll::Home => Anchor::TOP,
            ViewScroll::End => Anchor {
                row: self.rows.len().saturating_sub(1),
                delta_pts: 0.0,
            },
            ViewScroll::PageUp | ViewScroll::PageDown => {
                let view = self.geometry(self.stay_offset(stay, height_pts), height_pts);
                self.rows.anchor_at(follow::scroll_offset(how, view))
            }
        };
        self.measure_around(ui, input, anchor.row, 2.0 * height_pts, 2.0 * height_pts);
        let view = self.geometry(self.rows.offset_of(anchor), height_pts);
        match how {
            ViewScroll::End => view.max_offset_pts(),
            _ => view.clamp(view.offset_pts),
        }
    }

    /// The offset that shows row `index` as `how` asks, or `None` to stay.
    fn reveal_target(
        &mut self,
        ui: &Ui,
        input: &ViewInput<'_>,
        index: usize,
        how: Reveal,
        stay: Anchor,
        height_pts: f64,
    ) -> Option<f64> {
        if how == Reveal::Never || index >= self.rows.len() {
            return None;
        }
        self.measure_around(ui, input, index, 2.0 * height_pts, 2.0 * height_pts);
        let view = self.geometry(self.stay_offset(stay, height_pts), height_pts);
        let span = self
            .lit_sentence_span(ui, input, index)
            .unwrap_or_else(|| self.rows.span(index));
        follow::reveal_offset(span, view, how)
    }

    /// Where the lit sentence is, when it is in block `index` with other sentences: a paragraph can be taller than
    /// the view, and it is the sentence being heard that must stay in sight.
    fn lit_sentence_span(&self, ui: &Ui, input: &ViewInput<'_>, index: usize) -> Option<RowSpan> {
        let lit = input.current.filter(|c| c.paragraph == index)?;
        let para = input.blocks.paragraphs.get(index)?;
        if para.sentences.len() < 2 {
            return None;
        }
        let sentence = para.sentences.get(lit.sentence)?;
        let font = FontId::proportional(self.metrics.font_size_pts);
        let job = LayoutJob::simple(
            para.text.clone(),
            font,
            Color32::WHITE,
            self.metrics.text_width_pts,
        );
        let galley = ui.fonts_mut(|f| f.layout_job(job));
        let start = para.text[..sentence.range.start].chars().count();
        let end = start + para.text[sentence.range.clone()].chars().count();
        let top = galley.pos_from_cursor(CCursor::new(start)).top();
        let bottom = galley.pos_from_cursor(CCursor::new(end)).bottom();
        let row = self.rows.span(index);
        let header = self.facts.header(index);
        let text_top_pts = row.top_pts + f64::from(ROW_PAD_Y + self.metrics.header_pts(header));
        Some(RowSpan {
            top_pts: text_top_pts + f64::from(top),
            height_pts: f64::from((bottom - top).max(0.0)),
        })
    }

    /// Where `stay` is now, limited to the content.
    fn stay_offset(&self, stay: Anchor, height_pts: f64) -> f64 {
        self.geometry(0.0, height_pts)
            .clamp(self.rows.offset_of(stay))
    }

    fn geometry(&self, offset_pts: f64, height_pts: f64) -> ViewGeometry {
        ViewGeometry {
            offset_pts,
            height_pts,
            content_height_pts: self.rows.total_pts(),
        }
    }

    /// Re-estimates every row when the transcript, width or text size changed. Returns true when it did.
    fn sync_layout(&mut self, ui: &Ui, input: &ViewInput<'_>, width_pts: f32) -> bool {
        let key = LayoutKey {
            generation: input.generation,
            width_bits: width_pts.to_bits(),
            font_size_bits: input.font_size_pts.to_bits(),
        };
        let chapters_moved = self.facts.chapters != input.chapters;
        if self.key == Some(key) && !chapters_moved {
            return false;
        }
        if self.facts.generation != Some(input.generation) || chapters_moved {
            if self.facts.generation != Some(input.generation) {
                self.quiet_row = None;
            }
            self.facts = RowFacts::gather(input.blocks, input.generation, input.chapters);
        }
        let metrics = Metrics::of(ui, width_pts, input.font_size_pts);
        let facts = &self.facts;
        let estimates = facts
            .chars
            .iter()
            .enumerate()
            .map(|(row, &chars)| metrics.estimate_pts(chars, facts.header(row)));
        self.rows = RowHeights::from_estimates(estimates);
        self.metrics = metrics;
        self.key = Some(key);
        true
    }

    /// Lays out the rows around row `index` not laid out yet (see [`RowHeights::measure_around`]).
    fn measure_around(
        &mut self,
        ui: &Ui,
        input: &ViewInput<'_>,
        index: usize,
        above_pts: f64,
        below_pts: f64,
    ) {
        let metrics = self.metrics;
        let facts = &self.facts;
        self.rows
            .measure_around(index, above_pts, below_pts, |row| {
                let header = facts.header(row);
                f64::from(exact_height_pts(ui, input.blocks, &metrics, header, row))
            });
    }

    /// Draws the rows in `viewport` (content coordinates); `view_min` is the view's top-left on screen.
    fn rows_ui(
        &mut self,
        ui: &mut Ui,
        view_min: Pos2,
        viewport: Rect,
        input: &ViewInput<'_>,
        commands: &mut Vec<Command>,
    ) {
        let offset_pts = f64::from(viewport.min.y);
        let bottom_pts = f64::from(viewport.max.y);
        // Normally measured already; this catches a viewport egui moved on its own (kinetic scrolling).
        let first = self.rows.row_at(offset_pts);
        let below_pts = bottom_pts - self.rows.top_pts(first);
        self.measure_around(ui, input, first, 0.0, below_pts);
        ui.set_height(self.rows.total_pts() as f32);
        let palette = Palette::from(ui);
        self.hovered = None;
        for index in first..self.rows.len() {
            let span = self.rows.span(index);
            if span.top_pts > bottom_pts {
                break;
            }
            // Screen positions from the offset in f64: at 18 million points f32 would move rows by whole points.
            let top = view_min.y + (span.top_pts - offset_pts) as f32;
            let rect = Rect::from_min_size(
                pos2(view_min.x, top),
                vec2(self.metrics.row_width_pts, span.height_pts as f32),
            );
            let output = self.row_ui(ui, rect, index, input, &palette);
            if output.hovered.is_some() {
                self.hovered = output.hovered;
            }
            commands.extend(output.command);
            self.rows_drawn = true;
        }
    }

    /// Draws one block; returns what a click or its right-click menu asks for, and the start of
    /// the sentence under the pointer.
    fn row_ui(
        &self,
        ui: &mut Ui,
        rect: Rect,
        index: usize,
        input: &ViewInput<'_>,
        palette: &Palette,
    ) -> RowOutput {
        let Some(para) = input.blocks.paragraphs.get(index) else {
            return RowOutput::default();
        };
        let single = para.sentences.len() == 1;
        // A drag across sentences selects them (so it never scrolls the view).
        let response = ui.interact(
            rect,
            ui.scope_id().with(("row", index)),
            Sense::click_and_drag(),
        );
        if single {
            let label = sentence_label(para, 0, input.sync);
            response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
        }
        let painter = ui.painter_at(rect);
        let lit = input
            .current
            .filter(|c| c.paragraph == index)
            .map(|c| c.sentence);
        let size = input.font_size_pts;
        let text_left = rect.left() + gutter_width(size);
        let mut y = rect.top() + ROW_PAD_Y;
        // The lit or hovered fill goes under the names and the text, drawn after them.
        let fill_slot = painter.add(egui::Shape::Noop);
        // The lit and hovered marks cover the block below its chapter header.
        let mut marked = rect;
        if let Some(title) = chapter_title(input.chapters, index) {
            self.chapter_header_ui(
                ui,
                &painter,
                pos2(text_left, y),
                rect,
                index,
                title,
                palette,
            );
            y += self.metrics.chapter_height_pts;
            marked.min.y = y - ROW_PAD_Y;
        }
        if para.turn {
            let (name, colour) = match para.speaker.as_deref() {
                Some(name) => {
                    let index = input.blocks.speaker_index(name).unwrap_or_default();
                    (name, super::theme::speaker_colour(index, palette.dark))
                }
                None => ("» new speaker", palette.speaker),
            };
            painter.text(
                pos2(text_left, y),
                Align2::LEFT_TOP,
                name,
                FontId::proportional(size * 0.8),
                colour,
            );
            y += self.metrics.speaker_height_pts;
        }
        let galley_pos = pos2(text_left, y);
        // Laid out once plain to find the sentence under the pointer, then with the marks.
        let plain = self.text_galley(ui, para, index, input, palette, Marks::default());
        let pointer = ui
            .ctx()
            .pointer_hover_pos()
            // Layer-aware: a menu or popup over the row hides it from the pointer.
            .filter(|_| ui.rect_contains_pointer(rect));
        let hovered_byte = pointer.map(|pos| byte_under(para, &plain, pos - galley_pos));
        let hovered = hovered_byte.map(|byte| para.sentence_at_byte(byte));
        if single && lit.is_some() {
            painter.set(
                fill_slot,
                egui::Shape::rect_filled(marked, 4.0, palette.current_fill),
            );
        } else if single && hovered.is_some() {
            painter.set(
                fill_slot,
                egui::Shape::rect_filled(marked, 4.0, palette.hover_fill),
            );
        }
        painter.text(
            pos2(rect.left() + 4.0, y + size * 0.15),
            Align2::LEFT_TOP,
            timefmt::clock(input.sync.to_audio(para.start()).unwrap_or_default()),
            FontId::monospace(size * 0.7),
            palette.weak,
        );
        let marks = Marks {
            lit: lit.filter(|_| !single),
            hovered: hovered.filter(|_| !single),
            word: lit
                .and_then(|s| para.word_at(s, input.heard))
                .map(|w| w.range.clone()),
            selected: selected_bytes(para, index, input.selection),
        };
        let galley = self.text_galley(ui, para, index, input, palette, marks);
        painter.galley(galley_pos, galley.clone(), palette.text);
        if single && lit.is_some() {
            painter.rect_stroke(
                marked,
                4.0,
                Stroke::new(1.0, palette.current_match_fill),
                egui::StrokeKind::Inside,
            );
        }
        let under_pointer = hovered.and_then(|h| para.sentences.get(h)).map(|s| s.start);
        let mut clicked = response
            .clicked()
            .then(|| click_command(para, index, hovered.unwrap_or(0), hovered_byte));
        let menu_id = SentenceId {
            paragraph: index,
            sentence: hovered.unwrap_or(0),
        };
        // Where the drag started: it is only seen as one after the pointer has moved away.
        let pressed_on = ui
            .input(|i| i.pointer.press_origin())
            .filter(|&origin| rect.contains(origin))
            .map(|origin| para.sentence_at_byte(byte_under(para, &plain, origin - galley_pos)));
        clicked = clicked.or(self.drag_select(ui, &response, index, pressed_on, hovered));
        clicked = clicked.or(self.sentence_menu(
            &response,
            menu_id,
            under_pointer.unwrap_or(para.start()),
        ));
        if !single {
            clicked = clicked.or(self.sentences_ui(ui, para, index, &galley, galley_pos, input));
        }
        RowOutput {
            command: clicked,
            hovered: under_pointer,
        }
    }

    /// Selecting with the mouse: a drag that starts on a sentence selects from it to the sentence
    /// under the pointer (in whichever block). Returns the new selection when it changes.
    fn drag_select(
        &self,
        ui: &Ui,
        response: &egui::Response,
        index: usize,
        pressed_on: Option<usize>,
        hovered: Option<usize>,
    ) -> Option<Command> {
        let in_block = |sentence| SentenceId {
            paragraph: index,
            sentence,
        };
        if response.drag_started()
            && let Some(sentence) = pressed_on
        {
            self.drag.set(Some((in_block(sentence), None)));
        }
        let under = hovered.map(in_block);
        let (anchor, head) = self.drag.get()?;
        let id = under?;
        let moved = head != Some(id) && (head.is_some() || id != anchor);
        if !moved || !ui.input(|i| i.pointer.primary_down()) {
            return None;
        }
        self.drag.set(Some((anchor, Some(id))));
        Some(Command::Select(Some((anchor, id))))
    }

    /// A chapter's title over a block, under a rule, read by a screen reader as "Chapter: title".
    #[allow(clippy::too_many_arguments)]
    fn chapter_header_ui(
        &self,
        ui: &Ui,
        painter: &egui::Painter,
        at: Pos2,
        row: Rect,
        index: usize,
        title: &str,
        palette: &Palette,
    ) {
        let size = self.metrics.font_size_pts;
        let rule_y = at.y + CHAPTER_GAP_PTS * 0.5;
        painter.hline(
            at.x..=row.right() - 8.0,
            rule_y,
            Stroke::new(1.0, palette.weak),
        );
        let text_top = at.y + CHAPTER_GAP_PTS;
        let galley = painter.layout_no_wrap(
            title.to_owned(),
            FontId::proportional(size * CHAPTER_SCALE),
            palette.text,
        );
        let text_rect = Rect::from_min_size(pos2(at.x, text_top), galley.size());
        painter.galley(text_rect.min, galley, palette.text);
        let response = ui.interact(
            text_rect,
            ui.scope_id().with(("chapter", index)),
            Sense::hover(),
        );
        let label = format!("Chapter: {title}");
        response.widget_info(|| WidgetInfo::labeled(Role::Heading, true, &label));
    }

    /// The right-click menu of a sentence (or of a block, for the sentence under the pointer when it
    /// was right-clicked): "This line is playing now" ties that sentence's `start` (transcript time)
    /// to the position heard; the copy items put it on the clipboard as a quote, a link or text.
    fn sentence_menu(
        &self,
        response: &egui::Response,
        id: SentenceId,
        start: Duration,
    ) -> Option<Command> {
        if response.secondary_clicked() {
            self.menu_start.set(Some((id, start)));
        }
        let mut command = None;
        response.context_menu(|ui| {
            let (id, start) = self.menu_start.get().unwrap_or((id, start));
            let items = [
                (
                    "This line is playing now",
                    Command::SyncLineNow(Some(start)),
                ),
                ("Copy quote", Command::CopyQuote(Some(id))),
                ("Copy link at this time", Command::CopyLink(Some(id))),
                ("Copy text", Command::CopySentence(Some(id))),
            ];
            for (label, item) in items {
                let mut button = egui::Button::new(label);
                if let Some(keys) = super::command::key_text_for(&item) {
                    button = button.shortcut_text(keys);
                }
                if ui.add(button).clicked() {
                    command = Some(item);
                    ui.close();
                }
            }
        });
        command
    }

    /// One clickable widget per sentence of a block, over the sentence's first line, each with its label. Returns
    /// the sentence clicked, if any.
    fn sentences_ui(
        &self,
        ui: &mut Ui,
        para: &Paragraph,
        index: usize,
        galley: &Galley,
        galley_pos: Pos2,
        input: &ViewInput<'_>,
    ) -> Option<Command> {
        let mut clicked = None;
        let mut chars_before = 0;
        let mut at_byte = 0;
        for (sentence, s) in para.sentences.iter().enumerate() {
            chars_before += para.text[at_byte..s.range.start].chars().count();
            let chars = para.text[s.range.clone()].chars().count();
            let rect = first_line_rect(galley, chars_before, chars_before + chars)
                .translate(galley_pos.to_vec2());
            chars_before += chars;
            at_byte = s.range.end;
            let id = ui.scope_id().with(("sentence", index, sentence));
            let response = ui.interact(rect, id, Sense::click());
            let label = sentence_label(para, sentence, input.sync);
            response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
            let id = SentenceId {
                paragraph: index,
                sentence,
            };
            clicked = clicked.or(self.sentence_menu(&response, id, s.start));
            if response.clicked() {
                // A screen reader's click has no pointer: it plays the sentence.
                let byte = response
                    .interact_pointer_pos()
                    .map(|pos| byte_under(para, galley, pos - galley_pos));
                clicked = Some(click_command(para, index, sentence, byte));
            }
        }
        clicked
    }

    /// The block's text laid out at the text width, with the lit and hovered sentences and the matches marked.
    fn text_galley(
        &self,
        ui: &Ui,
        para: &Paragraph,
        index: usize,
        input: &ViewInput<'_>,
        palette: &Palette,
        marks: Marks,
    ) -> Arc<Galley> {
        let text = para.text.as_str();
        let font = FontId::proportional(input.font_size_pts);
        // Every place the marking changes: sentence edges and match edges, in this block's bytes.
        let mut fills: Vec<(Range<usize>, Color32)> = Vec::new();
        let sentence_fill = |sentence: Option<usize>, fill: Color32| {
            sentence
                .and_then(|s| para.sentences.get(s))
                .map(|s| (s.range.clone(), fill))
        };
        fills.extend(sentence_fill(marks.hovered, palette.hover_fill));
        fills.extend(sentence_fill(marks.lit, palette.current_fill));
        fills.extend(marks.word.map(|range| (range, palette.word_fill)));
        fills.extend(marks.selected.map(|range| (range, palette.selection_fill)));
        for (match_index, m) in self.matches_in(input, index) {
            let fill = if input.current_match == Some(match_index) {
                palette.current_match_fill
            } else {
                palette.match_fill
            };
            fills.push((m, fill));
        }
        let mut edges: Vec<usize> = vec![0, text.len()];
        for (range, _) in &fills {
            edges.extend([range.start, range.end]);
        }
        edges.retain(|&e| e <= text.len() && text.is_char_boundary(e));
        edges.sort_unstable();
        edges.dedup();
        let mut job = LayoutJob::default();
        job.wrap.max_width = self.metrics.text_width_pts;
        for pair in edges.windows(2) {
            let (start, end) = (pair[0], pair[1]);
            // The last fill pushed that covers the piece wins: matches over the lit sentence over the hovered one.
            let background = fills
                .iter()
                .rev()
                .find(|(range, _)| range.start <= start && end <= range.end)
                .map_or(Color32::TRANSPARENT, |(_, fill)| *fill);
            let format = TextFormat {
                background,
                ..TextFormat::simple(font.clone(), palette.text)
            };
            job.append(&text[start..end], 0.0, format);
        }
        ui.fonts_mut(|f| f.layout_job(job))
    }

    /// The search matches shown in block `index`, with their index in the match list, as byte ranges of its text.
    fn matches_in(&self, input: &ViewInput<'_>, index: usize) -> Vec<(usize, Range<usize>)> {
        let Some(para) = input.blocks.paragraphs.get(index) else {
            return Vec::new();
        };
        let first_cue = para.first_cue;
        let from = input.matches.partition_point(|m| m.cue < first_cue);
        let mut out = Vec::new();
        for (match_index, m) in input.matches.iter().enumerate().skip(from) {
            let Some((p, start)) = input.blocks.locate(m.cue, m.range.start) else {
                continue;
            };
            if p > index {
                break;
            }
            if p == index {
                let end = start + m.range.len();
                if end <= para.text.len() {
                    out.push((match_index, start..end));
                }
            }
        }
        out
    }
}

/// The sentences of a block to mark beside the search matches.
#[derive(Clone, Debug, Default)]
struct Marks {
    lit: Option<usize>,
    hovered: Option<usize>,
    /// The word being spoken, in the block's bytes.
    word: Option<Range<usize>>,
    /// The selected sentences of the block, in its bytes.
    selected: Option<Range<usize>>,
}

/// The bytes of block `index` that `selection` covers, if any.
fn selected_bytes(
    para: &Paragraph,
    index: usize,
    selection: Option<(SentenceId, SentenceId)>,
) -> Option<Range<usize>> {
    let (from, to) = selection?;
    let key = |id: SentenceId| (id.paragraph, id.sentence);
    let (first, last) = if key(from) <= key(to) {
        (from, to)
    } else {
        (to, from)
    };
    if index < first.paragraph || index > last.paragraph {
        return None;
    }
    let start = if index == first.paragraph {
        first.sentence
    } else {
        0
    };
    let end = if index == last.paragraph {
        last.sentence
    } else {
        para.sentences.len().checked_sub(1)?
    };
    let (a, b) = (para.sentences.get(start)?, para.sentences.get(end)?);
    Some(a.range.start..b.range.end.max(a.range.start))
}

/// What a click on sentence `sentence` of block `index` asks for: to play from the timed word at byte `byte` when
/// it is in that sentence, else from the sentence's start.
fn click_command(para: &Paragraph, index: usize, sentence: usize, byte: Option<usize>) -> Command {
    let id = SentenceId {
        paragraph: index,
        sentence,
    };
    let in_sentence = |w: &&TimedWord| {
        para.sentences
            .get(sentence)
            .is_some_and(|s| s.range.start <= w.range.start && w.range.end <= s.range.end)
    };
    match byte.and_then(|b| para.word_at_byte(b)).filter(in_sentence) {
        Some(word) => Command::SeekToWord(id, word.start),
        None => Command::SeekToSentence(id),
    }
}

/// The byte of `para`'s text under `pos` (relative to the galley's top-left).
fn byte_under(para: &Paragraph, galley: &Galley, pos: Vec2) -> usize {
    let char_index = galley.cursor_from_pos(pos).index.0;
    para.text
        .char_indices()
        .nth(char_index)
        .map_or(para.text.len(), |(b, _)| b)
}

/// The rectangle of the first laid-out line of characters `start..end` (relative to the galley's top-left).
fn first_line_rect(galley: &Galley, start: usize, end: usize) -> Rect {
    let from = galley.pos_from_cursor(CCursor::new(start));
    let to = galley.pos_from_cursor(CCursor {
        prefer_next_row: false,
        ..CCursor::new(end)
    });
    let right = if (to.top() - from.top()).abs() < 1.0 {
        to.left()
    } else {
        galley.rect.right()
    };
    Rect::from_min_max(
        from.left_top(),
        pos2(right.max(from.left() + 1.0), from.bottom()),
    )
}

/// True when the reader moved the view between its drawing and the frame's end (wheel, drag, scroll bar). Our own
/// scrolls are applied before drawing and a resize only clamps, so neither counts.
fn scrolled_by_hand(output: &ScrollAreaOutput<f32>) -> bool {
    let max_offset_pts = (output.content_size.y - output.inner_rect.height()).max(0.0);
    let drawn_offset_pts = output.inner.clamp(0.0, max_offset_pts);
    let offset_pts = output.state.clamped_offset().y;
    !follow::same_offset(f64::from(offset_pts), f64::from(drawn_offset_pts))
}

/// What a screen reader says for a sentence: "speaker, text, time", or "text, time" when nobody is
/// named. The time is where the sentence is heard in the audio.
fn sentence_label(para: &Paragraph, sentence: usize, sync: &SyncMap) -> String {
    let Some(s) = para.sentences.get(sentence) else {
        return String::new();
    };
    let time = timefmt::clock(sync.to_audio(s.start).unwrap_or_default());
    let text = &para.text[s.range.clone()];
    match &para.speaker {
        Some(speaker) => format!("{speaker}, {text}, {time}"),
        None => format!("{text}, {time}"),
    }
}

/// A row's exact height: its text laid out at the text width, plus its speaker line and padding.
fn exact_height_pts(
    ui: &Ui,
    blocks: &Paragraphs,
    metrics: &Metrics,
    header: RowHeader,
    index: usize,
) -> f32 {
    let text = blocks
        .paragraphs
        .get(index)
        .map(|p| p.text.clone())
        .unwrap_or_default();
    let font = FontId::proportional(metrics.font_size_pts);
    let job = LayoutJob::simple(text, font, Color32::WHITE, metrics.text_width_pts);
    let text_pts = ui.fonts_mut(|f| f.layout_job(job)).size().y;
    metrics.header_pts(header) + text_pts + 2.0 * ROW_PAD_Y
}

fn gutter_width(font_size_pts: f32) -> f32 {
    font_size_pts * 3.6 + GUTTER_GAP
}

fn text_width(row_width: f32, font_size_pts: f32) -> f32 {
    (row_width - gutter_width(font_size_pts) - 8.0).max(50.0)
}

/// A chapter header's height: the space with its rule, and its title's line.
fn chapter_line_height(ui: &Ui, font_size_pts: f32) -> f32 {
    let font = FontId::proportional(font_size_pts * CHAPTER_SCALE);
    CHAPTER_GAP_PTS + ui.fonts_mut(|f| f.row_height(&font)) + 4.0
}

fn speaker_line_height(ui: &Ui, font_size_pts: f32) -> f32 {
    ui.fonts_mut(|f| f.row_height(&FontId::proportional(font_size_pts * 0.8))) + 2.0
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use eframe::egui::{
        Context, Event, MouseWheelSource, MouseWheelUnit, Pos2, RawInput, TouchPhase,
    };

    use super::*;
    use crate::transcript::{Cue, Format, Transcript};

    fn transcript(count: usize) -> Paragraphs {
        let cue = |i: usize| Cue {
            start: Duration::from_millis(i as u64 * 1000),
            speaker: i.is_multiple_of(40).then(|| format!("Speaker {}", i % 3)),
            text: format!("Line {i} is short."),
            ..Cue::default()
        };
        Paragraphs::as_published(&Transcript {
            title: None,
            format: Format::WebVtt,
            cues: (0..count).map(cue).collect(),
            warnings: Vec::new(),
        })
    }

    fn input(blocks: &Paragraphs, current: Option<usize>, follow: bool) -> ViewInput<'_> {
        ViewInput {
            blocks,
            generation: 1,
            current: current.map(|paragraph| SentenceId {
                paragraph,
                sentence: 0,
            }),
            heard: Duration::ZERO,
            matches: &[],
            current_match: None,
            font_size_pts: 18.0,
            follow,
            sync: &crate::transcript::sync::IDENTITY,
            chapters: &[],
            selection: None,
        }
    }

    /// Runs one frame of `view` in the test window with no input; returns the commands it gave.
    fn quiet_frame(
        ctx: &Context,
        view: &mut TranscriptView,
        input: &ViewInput<'_>,
    ) -> Vec<Command> {
        frame(ctx, view, input, WINDOW, Vec::new())
    }

    /// Runs one frame of `view` in a window of `size`, with `events`; returns the commands it gave.
    fn frame(
        ctx: &Context,
        view: &mut TranscriptView,
        input: &ViewInput<'_>,
        size: Vec2,
        events: Vec<Event>,
    ) -> Vec<Command> {
        let raw = RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, size)),
            events,
            ..RawInput::default()
        };
        let mut commands = Vec::new();
        ctx.run_ui(raw, |ui| commands = view.ui(ui, input))
            .drop_without_applying_deltas();
        commands
    }

    fn offset_pts(view: &TranscriptView) -> f64 {
        view.shown.map_or(f64::NAN, |s| s.offset_pts)
    }

    fn view_height_pts(view: &TranscriptView) -> f64 {
        view.shown.map_or(f64::NAN, |s| f64::from(s.size.y))
    }

    /// The lit row's top, as a fraction of the view's height from the view's top.
    fn place_in_view(view: &TranscriptView, index: usize) -> f64 {
        (view.rows.top_pts(index) - offset_pts(view)) / view_height_pts(view)
    }

    const WINDOW: Vec2 = Vec2::new(800.0, 600.0);

    #[test]
    fn a_huge_transcript_lays_out_only_the_rows_near_the_view() {
        let transcript = transcript(600_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        let lit = 450_000;
        view.reveal(lit, Reveal::Band);
        let input = input(&transcript, Some(lit), true);
        let started = Instant::now();
        frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        let first_frame = started.elapsed();
        let galleys = ctx.fonts(|f| f.num_galleys_in_cache());
        eprintln!(
            "600k cues: first frame {first_frame:?}, {} rows measured, {galleys} galleys",
            view.rows.exact_count()
        );
        assert!(galleys < 500, "{galleys} galleys laid out for one frame");
        assert!(
            view.rows.exact_count() < 300,
            "{} rows measured",
            view.rows.exact_count()
        );
        let place = place_in_view(&view, lit);
        assert!(
            (place - follow::BAND_FRACTION).abs() < 0.01,
            "lit row at {place} of the view"
        );
        for _ in 0..3 {
            frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        }
        assert!(
            view.rows.exact_count() < 300,
            "settled frames measure nothing new"
        );
    }

    #[test]
    fn drawn_rows_use_the_measured_tops() {
        let transcript = transcript(2_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        view.reveal(1_000, Reveal::Band);
        let input = input(&transcript, Some(1_000), true);
        frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        let first = view.rows.row_at(offset_pts(&view));
        let last = view.rows.row_at(offset_pts(&view) + view_height_pts(&view));
        assert!(
            (first..=last).all(|row| view.rows.is_exact(row)),
            "every drawn row is measured"
        );
        let estimated = view.metrics.estimate_pts(18, RowHeader::default());
        let measured = view.rows.height_pts(1_001);
        assert!(
            (estimated - measured).abs() < 1.0,
            "estimate {estimated} vs {measured}"
        );
    }

    #[test]
    fn our_own_scrolls_and_resizes_keep_following_but_a_wheel_does_not() {
        let transcript = transcript(2_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        let mut lit = 10;
        view.reveal(lit, Reveal::Band);
        let stops_following = |commands: &[Command]| commands.contains(&Command::SetFollow(false));
        let commands = quiet_frame(&ctx, &mut view, &input(&transcript, Some(lit), true));
        assert!(!stops_following(&commands));
        for step in [500, 1_200, 1_999, 3] {
            lit = step;
            view.reveal(lit, Reveal::Band);
            let commands = quiet_frame(&ctx, &mut view, &input(&transcript, Some(lit), true));
            assert!(!stops_following(&commands), "reveal of {lit}");
        }
        lit = 1_000;
        view.reveal(lit, Reveal::Band);
        quiet_frame(&ctx, &mut view, &input(&transcript, Some(lit), true));
        for size in [vec2(500.0, 300.0), vec2(1200.0, 900.0), WINDOW] {
            let commands = frame(
                &ctx,
                &mut view,
                &input(&transcript, Some(lit), true),
                size,
                Vec::new(),
            );
            assert!(!stops_following(&commands), "resize to {size:?}");
            let place = place_in_view(&view, lit);
            assert!(
                (place - follow::BAND_FRACTION).abs() < 0.02,
                "after resize to {size:?}: {place}"
            );
        }
        let wheel = Event::MouseWheel {
            unit: MouseWheelUnit::Point,
            delta: vec2(0.0, -300.0),
            phase: TouchPhase::Move,
            modifiers: egui::Modifiers::NONE,
            source: MouseWheelSource::Wheel,
        };
        let input = input(&transcript, Some(lit), true);
        frame(
            &ctx,
            &mut view,
            &input,
            WINDOW,
            vec![Event::PointerMoved(pos2(400.0, 300.0))],
        );
        let mut stopped = false;
        for events in [vec![wheel], Vec::new(), Vec::new()] {
            stopped |= stops_following(&frame(&ctx, &mut view, &input, WINDOW, events));
        }
        assert!(stopped, "a wheel scroll is a scroll by hand");
    }

    #[test]
    fn the_follow_tick_moves_only_when_the_lit_row_nears_the_bottom() {
        let transcript = transcript(2_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        view.reveal(100, Reveal::Band);
        quiet_frame(&ctx, &mut view, &input(&transcript, Some(100), true));
        let start_pts = offset_pts(&view);
        let mut lit = 100;
        while place_in_view(&view, lit + 1) + view.rows.height_pts(lit + 1) / view_height_pts(&view)
            <= follow::FOLLOW_BOTTOM_FRACTION
        {
            lit += 1;
            view.reveal(lit, Reveal::IfNeeded);
            quiet_frame(&ctx, &mut view, &input(&transcript, Some(lit), true));
            assert_eq!(
                offset_pts(&view),
                start_pts,
                "lit {lit} is comfortably visible"
            );
        }
        lit += 1;
        view.reveal(lit, Reveal::IfNeeded);
        quiet_frame(&ctx, &mut view, &input(&transcript, Some(lit), true));
        let place = place_in_view(&view, lit);
        assert!(
            (place - follow::BAND_FRACTION).abs() < 0.01,
            "back in the band: {place}"
        );
    }

    #[test]
    fn a_clicked_row_is_not_moved_by_the_follow_tick_that_lights_it() {
        let transcript = transcript(2_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        view.reveal(100, Reveal::Band);
        quiet_frame(&ctx, &mut view, &input(&transcript, Some(100), true));
        let before_pts = offset_pts(&view);
        let clicked = view.rows.row_at(before_pts + view_height_pts(&view) - 5.0);
        view.reveal(clicked, Reveal::Never);
        quiet_frame(&ctx, &mut view, &input(&transcript, Some(100), true));
        view.reveal(clicked, Reveal::IfNeeded);
        quiet_frame(&ctx, &mut view, &input(&transcript, Some(clicked), true));
        assert_eq!(offset_pts(&view), before_pts);
    }

    #[test]
    fn a_new_generation_starts_from_its_own_offset() {
        let transcript = transcript(2_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        view.reveal(1_500, Reveal::Band);
        quiet_frame(&ctx, &mut view, &input(&transcript, None, true));
        assert!(offset_pts(&view) > 1000.0);
        let next = ViewInput {
            generation: 2,
            ..input(&transcript, None, true)
        };
        frame(&ctx, &mut view, &next, WINDOW, Vec::new());
        assert_eq!(offset_pts(&view), 0.0);
    }

    #[test]
    fn keys_scroll_to_the_ends_and_by_pages() {
        let transcript = transcript(600_000);
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        let input = input(&transcript, None, false);
        frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        view.scroll(ViewScroll::End);
        frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        let view_pts = view_height_pts(&view);
        let bottom_pts = offset_pts(&view) + view_pts;
        assert!(
            (view.rows.total_pts() - bottom_pts).abs() < 1.0,
            "End shows the last row's bottom"
        );
        assert!(view.rows.is_exact(599_999));
        let before = view.rows.anchor_at(offset_pts(&view));
        view.scroll(ViewScroll::PageUp);
        frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        let paged_pts = view.rows.offset_of(before) - offset_pts(&view);
        assert!(
            (paged_pts - view_pts * follow::PAGE_FRACTION).abs() < 1.0,
            "paged {paged_pts}"
        );
        view.scroll(ViewScroll::Home);
        frame(&ctx, &mut view, &input, WINDOW, Vec::new());
        assert_eq!(offset_pts(&view), 0.0);
        assert!(
            view.rows.exact_count() < 600,
            "{} rows measured",
            view.rows.exact_count()
        );
    }

    #[test]
    fn the_lit_sentence_of_a_paragraph_taller_than_the_view_is_kept_in_view() {
        let cue = |i: u64| Cue {
            start: Duration::from_secs(i),
            end: Some(Duration::from_secs(i + 1)),
            text: format!("Sentence number {i} is here and it goes on a while."),
            ..Cue::default()
        };
        let blocks = Paragraphs::build(&Transcript {
            title: None,
            format: Format::WebVtt,
            cues: (0..50).map(cue).collect(),
            warnings: Vec::new(),
        });
        assert_eq!(blocks.len(), 1, "one paragraph of 50 sentences");
        let ctx = Context::default();
        let mut view = TranscriptView::default();
        let size = vec2(500.0, 300.0);
        for sentence in [0, 30, 49] {
            let current = SentenceId {
                paragraph: 0,
                sentence,
            };
            let input = ViewInput {
                current: Some(current),
                ..input(&blocks, None, true)
            };
            view.reveal(0, Reveal::IfNeeded);
            frame(&ctx, &mut view, &input, size, Vec::new());
            let mut span = None;
            ctx.run_ui(RawInput::default(), |ui| {
                span = view.lit_sentence_span(ui, &input, 0);
            })
            .drop_without_applying_deltas();
            let span = span.expect("the lit sentence's place");
            let (top, bottom) = (
                offset_pts(&view),
                offset_pts(&view) + view_height_pts(&view),
            );
            assert!(
                span.top_pts >= top && span.top_pts + span.height_pts <= bottom,
                "sentence {sentence} at {span:?}, view {top}..{bottom}"
            );
        }
    }

    #[test]
    fn row_labels_name_the_speaker_first_when_known() {
        let mut cue = Cue {
            start: Duration::from_secs(75),
            text: "Hello there.".to_owned(),
            ..Cue::default()
        };
        let label = |cue: &Cue| {
            let t = Transcript {
                title: None,
                format: Format::WebVtt,
                cues: vec![cue.clone()],
                warnings: Vec::new(),
            };
            sentence_label(&Paragraphs::build(&t).paragraphs[0], 0, &SyncMap::default())
        };
        assert_eq!(label(&cue), "Hello there., 1:15");
        cue.speaker = Some("Ana".to_owned());
        assert_eq!(label(&cue), "Ana, Hello there., 1:15");
    }
}
