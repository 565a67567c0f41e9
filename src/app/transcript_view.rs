//! The transcript panel: lays out only the rows in view, lights the spoken line, marks matches, follows the audio.

use std::ops::Range;

use eframe::egui::{
    self, Align2, Color32, FontId, Galley, Rect, Role, ScrollArea, Sense, Stroke, TextFormat, Ui,
    WidgetInfo, pos2, text::LayoutJob, vec2,
};

use super::command::Command;
use crate::timefmt;
use crate::transcript::{Transcript, search::Match};

/// Vertical space around a row's text, in points.
const ROW_PAD_Y: f32 = 5.0;
/// Space between the time gutter and the text, in points.
const GUTTER_GAP: f32 = 12.0;

/// What the view shows this frame.
pub struct ViewInput<'a> {
    /// The transcript.
    pub transcript: &'a Transcript,
    /// Changes whenever a different transcript is shown, so cached row heights are dropped.
    pub generation: u64,
    /// The line being heard.
    pub current: Option<usize>,
    /// Search matches, sorted by cue then position.
    pub matches: &'a [Match],
    /// The match the reader is on.
    pub current_match: Option<usize>,
    /// Text size in points.
    pub font_size_pts: f32,
}

/// Cached row geometry for one width, text size and transcript.
#[derive(Default)]
struct RowLayout {
    key: Option<(u64, u32, u32)>,
    tops: Vec<f32>,
    heights: Vec<f32>,
    total_height: f32,
}

impl RowLayout {
    fn first_visible(&self, y: f32) -> usize {
        self.tops.partition_point(|top| *top <= y).saturating_sub(1)
    }
}

/// The transcript view's own state: row heights, scroll bookkeeping.
#[derive(Default)]
pub struct TranscriptView {
    layout: RowLayout,
    scroll_to: Option<usize>,
    last_offset_y: Option<f32>,
    viewport_height: f32,
}

/// Colours for one frame, taken from the theme.
struct Palette {
    text: Color32,
    weak: Color32,
    speaker: Color32,
    current_fill: Color32,
    hover_fill: Color32,
    match_fill: Color32,
    current_match_fill: Color32,
}

impl Palette {
    fn from(ui: &Ui) -> Self {
        let v = ui.visuals();
        let dark = v.dark_mode;
        Palette {
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
        }
    }
}

impl TranscriptView {
    /// Brings cue `index` into view on the next frame.
    pub fn scroll_to(&mut self, index: usize) {
        self.scroll_to = Some(index);
    }

    /// Draws the transcript. Returns the commands the reader gave: a click on a line, or a scroll by hand.
    pub fn ui(&mut self, ui: &mut Ui, input: &ViewInput<'_>) -> Vec<Command> {
        let mut commands = Vec::new();
        let width = ui.available_width();
        self.update_layout(ui, input, width);
        let mut area = ScrollArea::vertical()
            .id_salt("transcript")
            .auto_shrink(false);
        let scrolled_by_us = if let Some(index) = self.scroll_to.take() {
            area = area.vertical_scroll_offset(self.offset_showing(index));
            true
        } else {
            false
        };
        let output = area.show_viewport(ui, |ui, viewport| {
            ui.set_height(self.layout.total_height);
            self.rows_ui(ui, viewport, input, &mut commands);
        });
        self.viewport_height = output.inner_rect.height();
        let offset_y = output.state.clamped_offset().y;
        let moved = self
            .last_offset_y
            .is_some_and(|last| (last - offset_y).abs() > 0.5);
        if moved && !scrolled_by_us {
            commands.push(Command::SetFollow(false));
        }
        self.last_offset_y = Some(offset_y);
        commands
    }

    /// The scroll offset that puts cue `index` a third of the way down the view.
    fn offset_showing(&self, index: usize) -> f32 {
        let top = self.layout.tops.get(index).copied().unwrap_or(0.0);
        let max_offset = (self.layout.total_height - self.viewport_height).max(0.0);
        (top - self.viewport_height / 3.0).clamp(0.0, max_offset)
    }

    fn update_layout(&mut self, ui: &Ui, input: &ViewInput<'_>, width: f32) {
        let key = (
            input.generation,
            width.to_bits(),
            input.font_size_pts.to_bits(),
        );
        if self.layout.key == Some(key) {
            return;
        }
        let text_width = text_width(width, input.font_size_pts);
        let font = FontId::proportional(input.font_size_pts);
        let speaker_height = speaker_line_height(ui, input.font_size_pts);
        let mut layout = RowLayout {
            key: Some(key),
            ..RowLayout::default()
        };
        let mut y = 0.0;
        for (index, cue) in input.transcript.cues.iter().enumerate() {
            let job = LayoutJob::simple(cue.text.clone(), font.clone(), Color32::WHITE, text_width);
            let text_height = ui.fonts_mut(|f| f.layout_job(job)).size().y;
            let header = if input.transcript.starts_turn(index) {
                speaker_height
            } else {
                0.0
            };
            let height = header + text_height + 2.0 * ROW_PAD_Y;
            layout.tops.push(y);
            layout.heights.push(height);
            y += height;
        }
        layout.total_height = y;
        self.layout = layout;
    }

    fn rows_ui(
        &self,
        ui: &mut Ui,
        viewport: Rect,
        input: &ViewInput<'_>,
        commands: &mut Vec<Command>,
    ) {
        let palette = Palette::from(ui);
        let origin = ui.max_rect().min;
        let width = ui.available_width();
        let first = self.layout.first_visible(viewport.min.y);
        for index in first..input.transcript.cues.len() {
            let (Some(&top), Some(&height)) =
                (self.layout.tops.get(index), self.layout.heights.get(index))
            else {
                break;
            };
            if top > viewport.max.y {
                break;
            }
            let rect = Rect::from_min_size(origin + vec2(0.0, top), vec2(width, height));
            if self.row_ui(ui, rect, index, input, &palette) {
                commands.push(Command::SeekToCue(index));
            }
        }
    }

    /// Draws one line; returns true when it was clicked.
    fn row_ui(
        &self,
        ui: &mut Ui,
        rect: Rect,
        index: usize,
        input: &ViewInput<'_>,
        palette: &Palette,
    ) -> bool {
        let Some(cue) = input.transcript.cues.get(index) else {
            return false;
        };
        let response = ui.interact(rect, ui.scope_id().with(("cue", index)), Sense::click());
        let label = format!("{} {}", timefmt::clock(cue.start), cue.text);
        response.widget_info(|| WidgetInfo::labeled(Role::Button, true, &label));
        let painter = ui.painter_at(rect);
        let is_current = input.current == Some(index);
        if is_current {
            painter.rect_filled(rect, 4.0, palette.current_fill);
        } else if response.hovered() {
            painter.rect_filled(rect, 4.0, palette.hover_fill);
        }
        let size = input.font_size_pts;
        let text_left = rect.left() + gutter_width(size);
        let mut y = rect.top() + ROW_PAD_Y;
        if input.transcript.starts_turn(index) {
            let name = cue.speaker.as_deref().unwrap_or("» new speaker");
            painter.text(
                pos2(text_left, y),
                Align2::LEFT_TOP,
                name,
                FontId::proportional(size * 0.8),
                palette.speaker,
            );
            y += speaker_line_height(ui, size);
        }
        painter.text(
            pos2(rect.left() + 4.0, y + size * 0.15),
            Align2::LEFT_TOP,
            timefmt::clock(cue.start),
            FontId::monospace(size * 0.7),
            palette.weak,
        );
        let galley = self.text_galley(ui, index, input, palette, rect.width());
        painter.galley(pos2(text_left, y), galley, palette.text);
        if is_current {
            painter.rect_stroke(
                rect,
                4.0,
                Stroke::new(1.0, palette.current_match_fill),
                egui::StrokeKind::Inside,
            );
        }
        response.clicked()
    }

    fn text_galley(
        &self,
        ui: &Ui,
        index: usize,
        input: &ViewInput<'_>,
        palette: &Palette,
        row_width: f32,
    ) -> std::sync::Arc<Galley> {
        let text = input
            .transcript
            .cues
            .get(index)
            .map(|c| c.text.as_str())
            .unwrap_or_default();
        let font = FontId::proportional(input.font_size_pts);
        let first = input.matches.partition_point(|m| m.cue < index);
        let marks: Vec<(usize, &Match)> = input
            .matches
            .iter()
            .enumerate()
            .skip(first)
            .take_while(|(_, m)| m.cue == index)
            .collect();
        let mut job = LayoutJob::default();
        job.wrap.max_width = text_width(row_width, input.font_size_pts);
        let plain = TextFormat::simple(font.clone(), palette.text);
        let mut at = 0;
        for (match_index, m) in marks {
            let Range { start, end } = m.range.clone();
            if start < at
                || end > text.len()
                || !text.is_char_boundary(start)
                || !text.is_char_boundary(end)
            {
                continue;
            }
            job.append(&text[at..start], 0.0, plain.clone());
            let fill = if input.current_match == Some(match_index) {
                palette.current_match_fill
            } else {
                palette.match_fill
            };
            let marked = TextFormat {
                background: fill,
                ..plain.clone()
            };
            job.append(&text[start..end], 0.0, marked);
            at = end;
        }
        job.append(&text[at..], 0.0, plain);
        ui.fonts_mut(|f| f.layout_job(job))
    }
}

fn gutter_width(font_size_pts: f32) -> f32 {
    font_size_pts * 3.6 + GUTTER_GAP
}

fn text_width(row_width: f32, font_size_pts: f32) -> f32 {
    (row_width - gutter_width(font_size_pts) - 8.0).max(50.0)
}

fn speaker_line_height(ui: &Ui, font_size_pts: f32) -> f32 {
    ui.fonts_mut(|f| f.row_height(&FontId::proportional(font_size_pts * 0.8))) + 2.0
}
