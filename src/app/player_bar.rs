//! The playback bar: play/pause, skips, the seek bar with elapsed and total time, speed, volume
//! and the Sync button.

use std::time::Duration;

use eframe::egui::{self, Slider, Ui};

use super::command::{self, Command};
use super::playback;
use crate::state::SPEED_RANGE;
use crate::timefmt;

/// Below this width the bar takes two rows.
const ONE_ROW_MIN_WIDTH_PTS: f32 = 860.0;

/// What the bar shows this frame.
pub struct PlayerSnapshot {
    /// True while playing.
    pub playing: bool,
    /// What the listener hears now.
    pub position: Duration,
    /// The length of the episode, when known.
    pub duration: Option<Duration>,
    /// Playback speed.
    pub speed: f32,
    /// Volume, 0 to 1.
    pub volume: f32,
    /// True while the Sync popover is open.
    pub sync_open: bool,
    /// How far the back button skips, in seconds.
    pub skip_back_secs: u32,
    /// How far the forward button skips, in seconds.
    pub skip_forward_secs: u32,
    /// Where the chapters start (audio times): ticks on the seek bar.
    pub chapter_starts: Vec<Duration>,
}

/// What the bar gives back: the commands and the seek bar's width in points.
pub struct PlayerBarOutput {
    /// The commands given.
    pub commands: Vec<Command>,
    /// How wide the seek bar is, so repaints can follow its pixels.
    pub seek_bar_width_pts: f32,
}

/// Draws the bar and returns the commands given.
pub fn player_bar_ui(ui: &mut Ui, snapshot: &PlayerSnapshot) -> PlayerBarOutput {
    let mut commands = Vec::new();
    // A narrow window puts speed and volume on a second row, so the seek bar always has room.
    let one_row = ui.available_width() >= ONE_ROW_MIN_WIDTH_PTS;
    let seek_bar_width_pts = ui
        .horizontal(|ui| {
            transport_ui(ui, snapshot, &mut commands);
            ui.separator();
            if one_row {
                speed_volume_ui(ui, snapshot, &mut commands);
                ui.separator();
            }
            seek_ui(ui, snapshot, &mut commands)
        })
        .inner;
    if !one_row {
        ui.horizontal(|ui| speed_volume_ui(ui, snapshot, &mut commands));
    }
    PlayerBarOutput {
        commands,
        seek_bar_width_pts,
    }
}

fn transport_ui(ui: &mut Ui, snapshot: &PlayerSnapshot, commands: &mut Vec<Command>) {
    let back = snapshot.skip_back_secs;
    if ui
        .button(format!("⟲ {back}"))
        .on_hover_text(format!("Back {back} seconds (Left)"))
        .clicked()
    {
        commands.push(Command::SkipBack);
    }
    let (icon, hint) = if snapshot.playing {
        ("⏸ Pause", "Pause (Space)")
    } else {
        ("▶ Play", "Play (Space)")
    };
    if ui
        .add(egui::Button::new(icon).min_size(egui::vec2(72.0, 0.0)))
        .on_hover_text(hint)
        .clicked()
    {
        commands.push(Command::TogglePlay);
    }
    let forward = snapshot.skip_forward_secs;
    if ui
        .button(format!("{forward} ⟳"))
        .on_hover_text(format!("Forward {forward} seconds (Right)"))
        .clicked()
    {
        commands.push(Command::SkipForward);
    }
}

fn speed_volume_ui(ui: &mut Ui, snapshot: &PlayerSnapshot, commands: &mut Vec<Command>) {
    let mut speed = snapshot.speed;
    let response = ui.add(
        Slider::new(&mut speed, SPEED_RANGE)
            .step_by(0.05)
            .text("Speed")
            .custom_formatter(|v, _| format!("{v:.2}×")),
    );
    // A slider may snap a stored value to its step; only a real move is a command, or the
    // snap would repeat every frame and keep the app repainting.
    if response.changed() && (speed - snapshot.speed).abs() > 1e-3 {
        commands.push(Command::SetSpeed(speed));
    }
    speed_presets_ui(ui, snapshot.speed, commands);
    let stored_pct = (snapshot.volume * 100.0).round();
    let mut volume_pct = stored_pct;
    let response = ui.add(
        Slider::new(&mut volume_pct, 0.0..=100.0)
            .text("Volume")
            .suffix("%")
            .integer(),
    );
    if response.changed() && volume_pct != stored_pct {
        commands.push(Command::SetVolume(volume_pct / 100.0));
    }
    // A framed button, so it does not read as the label of the volume slider beside it.
    if ui
        .add(egui::Button::new("Sync").selected(snapshot.sync_open))
        .on_hover_text("Line the transcript up with this audio: an offset and sync points")
        .clicked()
    {
        commands.push(Command::ToggleSync);
    }
}

/// The preset speeds, in a small menu beside the slider (a row of buttons would take the seek
/// bar's room).
fn speed_presets_ui(ui: &mut Ui, speed: f32, commands: &mut Vec<Command>) {
    ui.menu_button("Presets", |ui| {
        for preset in playback::SPEED_PRESETS {
            let chosen = playback::is_speed(speed, preset);
            if ui
                .add(egui::Button::selectable(
                    chosen,
                    playback::speed_text(preset),
                ))
                .clicked()
                && !chosen
            {
                commands.push(Command::SetSpeed(preset));
            }
        }
        ui.separator();
        for (faster, label) in [(false, "Slower"), (true, "Faster")] {
            let command = Command::StepSpeed(faster);
            let mut button = egui::Button::new(label);
            if let Some(keys) = command::key_text_for(&command) {
                button = button.shortcut_text(keys);
            }
            if ui.add(button).clicked() {
                commands.push(command);
            }
        }
    })
    .response
    .on_hover_text("Speed presets; [ and ] step the speed");
}

/// A short tick under the seek bar's rail at each chapter's start.
fn chapter_ticks_ui(ui: &Ui, rect: egui::Rect, starts: &[Duration], total_secs: f64) {
    // The slider's handle travels the rail less its radius at each end (as egui lays it out).
    let handle_radius = rect.height() / 2.5;
    let rail = rect.x_range().shrink(handle_radius);
    let colour = ui.visuals().text_color();
    let painter = ui.painter();
    for start in starts {
        let fraction = (start.as_secs_f64() / total_secs).clamp(0.0, 1.0) as f32;
        let x = rail.min + fraction * rail.span();
        painter.vline(
            x,
            rect.center().y + 3.0..=rect.bottom(),
            egui::Stroke::new(1.5, colour),
        );
    }
}

/// Draws the elapsed time, the seek bar and the total; returns the seek bar's width.
fn seek_ui(ui: &mut Ui, snapshot: &PlayerSnapshot, commands: &mut Vec<Command>) -> f32 {
    ui.label(timefmt::clock(snapshot.position));
    let total_secs = snapshot.duration.map(|d| d.as_secs_f64()).unwrap_or(0.0);
    let mut at_secs = snapshot.position.as_secs_f64().min(total_secs);
    let total_label = snapshot
        .duration
        .map(timefmt::clock)
        .unwrap_or_else(|| "--:--".to_owned());
    let width = (ui.available_width() - 60.0).max(60.0);
    ui.spacing_mut().slider_width = width;
    let response = ui
        .add_enabled(
            total_secs > 0.0,
            Slider::new(&mut at_secs, 0.0..=total_secs.max(1.0)).show_value(false),
        )
        .on_hover_text("Position");
    let enabled = total_secs > 0.0;
    response.widget_info(|| egui::WidgetInfo::slider(enabled, at_secs, "Position"));
    if enabled {
        chapter_ticks_ui(ui, response.rect, &snapshot.chapter_starts, total_secs);
    }
    if response.changed()
        && let Ok(to) = Duration::try_from_secs_f64(at_secs)
    {
        commands.push(Command::SeekTo(to));
    }
    ui.label(total_label);
    response.rect.width()
}
