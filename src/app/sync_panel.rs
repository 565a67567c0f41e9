//! The Sync popover: the transcript's offset against the audio, and the list of sync points
//! ("this line is playing now") with a button to remove each.

use eframe::egui::{self, Align2, Context, Grid, RichText};

use super::command::{self, Command};
use super::suggest::{self, SuggestState};
use crate::timefmt;
use crate::transcript::Transcript;
use crate::transcript::sync::SyncMap;

/// The longest piece of a line's text shown beside its sync point.
const LINE_CHARS: usize = 48;

/// What the popover shows.
pub struct SyncInput<'a> {
    /// The episode's map.
    pub map: &'a SyncMap,
    /// The transcript shown, to name the line of each sync point.
    pub transcript: Option<&'a Transcript>,
    /// "Suggest sync points": idle, searching, or what it found.
    pub suggest: &'a SuggestState,
    /// True when the episode has both audio and a transcript to align.
    pub can_suggest: bool,
}

/// An offset as people read it: "+1.2 s", "-0.35 s", "0 s".
pub fn offset_text(offset_ms: i64) -> String {
    if offset_ms == 0 {
        return "0 s".to_owned();
    }
    let secs = offset_ms as f64 / 1000.0;
    if offset_ms % 100 == 0 {
        format!("{secs:+.1} s")
    } else {
        format!("{secs:+.3} s")
    }
}

/// Draws the popover above the player bar. Returns the commands given.
pub fn sync_popover(ctx: &Context, input: &SyncInput<'_>) -> Vec<Command> {
    let mut commands = Vec::new();
    let mut open = true;
    egui::Window::new("Sync")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::RIGHT_BOTTOM, [-16.0, -72.0])
        .show(ctx, |ui| {
            offset_row_ui(ui, input.map, &mut commands);
            ui.separator();
            points_ui(ui, input, &mut commands);
            ui.separator();
            suggest::suggest_ui(
                ui,
                input.suggest,
                input.transcript,
                input.can_suggest,
                &mut commands,
            );
        });
    if !open {
        commands.push(Command::ToggleSync);
    }
    commands
}

fn offset_row_ui(ui: &mut egui::Ui, map: &SyncMap, commands: &mut Vec<Command>) {
    let earlier = command::key_text_for(&Command::NudgeOffset(-command::NUDGE_MS));
    let later = command::key_text_for(&Command::NudgeOffset(command::NUDGE_MS));
    ui.horizontal(|ui| {
        ui.label("Offset");
        let mut offset_secs = map.offset_ms() as f64 / 1000.0;
        let response = ui
            .add(
                egui::DragValue::new(&mut offset_secs)
                    .speed(0.05)
                    .range(-86_400.0..=86_400.0)
                    .max_decimals(3)
                    .suffix(" s"),
            )
            .on_hover_text(format!(
                "Positive: each line is heard later than the transcript says. Keys: {} and {} by \
                 0.1 s, with Shift by 1 s",
                earlier.as_deref().unwrap_or(","),
                later.as_deref().unwrap_or(".")
            ));
        let offset_ms = (offset_secs * 1000.0).round() as i64;
        if response.changed() && offset_ms != map.offset_ms() {
            commands.push(Command::SetOffset(offset_ms));
        }
        if ui
            .add_enabled(map.offset_ms() != 0, egui::Button::new("Reset"))
            .clicked()
        {
            commands.push(Command::SetOffset(0));
        }
    });
}

fn points_ui(ui: &mut egui::Ui, input: &SyncInput<'_>, commands: &mut Vec<Command>) {
    let points = input.map.points();
    if points.is_empty() {
        ui.label("No sync points.");
    } else {
        Grid::new("sync-points")
            .num_columns(3)
            .striped(true)
            .show(ui, |ui| {
                for i in 0..points.len() {
                    ui.label(point_line_text(input, i));
                    let shift = input.map.point_shift_ms(i).unwrap_or(0);
                    ui.label(RichText::new(offset_text(shift)).monospace());
                    if ui.button("Remove").clicked() {
                        commands.push(Command::RemoveSyncPoint(i));
                    }
                    ui.end_row();
                }
            });
    }
    ui.add_space(4.0);
    let key = command::key_text_for(&Command::SyncLineNow(None)).unwrap_or_default();
    ui.label(
        RichText::new(format!(
            "To add one, right-click the line you hear and choose \"This line is playing now\", \
             or point at it and press {key}."
        ))
        .weak(),
    );
}

/// "1:02:03 The line's text…" for sync point `index`, with the time the line is heard (as the
/// transcript's gutter shows it).
fn point_line_text(input: &SyncInput<'_>, index: usize) -> String {
    let Some(point) = input.map.points().get(index) else {
        return String::new();
    };
    let time = timefmt::clock(input.map.to_audio(point.transcript).unwrap_or_default());
    let text = input
        .transcript
        .and_then(|t| t.cues.get(t.cue_at(point.transcript)?))
        .map(|c| c.text.as_str())
        .unwrap_or_default();
    let mut short: String = text.chars().take(LINE_CHARS).collect();
    if text.chars().count() > LINE_CHARS {
        short.push('…');
    }
    format!("{time}  {short}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_read_as_signed_seconds() {
        let cases = [
            (0, "0 s"),
            (100, "+0.1 s"),
            (-1000, "-1.0 s"),
            (30_500, "+30.5 s"),
            (-350, "-0.350 s"),
        ];
        for (ms, want) in cases {
            assert_eq!(offset_text(ms), want);
        }
    }
}
