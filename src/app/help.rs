//! Overlays on top of the transcript: the keys help and the "Back to now" button.

use eframe::egui::{self, Align2, Context, Grid, RichText};

use super::command::{self, Command};

/// Draws the keys overlay. Returns the commands given (closing it).
pub fn help_overlay(ctx: &Context) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Window::new("Keys")
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            // The list outgrows a small window: it scrolls, and Close stays in view.
            let room_pts = (ctx.content_rect().height() - 160.0).max(120.0);
            egui::ScrollArea::vertical()
                .max_height(room_pts)
                .show(ui, |ui| {
                    Grid::new("keys-grid").num_columns(2).striped(true).show(ui, |ui| {
                        for (keys, what) in command::help_rows() {
                            ui.label(RichText::new(keys).monospace());
                            ui.label(what);
                            ui.end_row();
                        }
                    });
                });
            ui.add_space(6.0);
            ui.label("Click any line to jump there. Scroll to read ahead; \"Back to now\" follows the audio again.");
            if ui.button("Close").clicked() {
                commands.push(Command::ToggleHelp);
            }
        });
    commands
}

/// The floating button that turns follow mode back on.
pub fn back_to_now_ui(ctx: &Context) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Area::new(egui::Id::unique("back-to-now"))
        .anchor(Align2::RIGHT_BOTTOM, [-24.0, -64.0])
        .show(ctx, |ui| {
            let button = egui::Button::new(RichText::new("⬇ Back to now").size(16.0));
            if ui
                .add(button)
                .on_hover_text("Follow the line being spoken")
                .clicked()
            {
                commands.push(Command::SetFollow(true));
            }
        });
    commands
}

/// Readalong's own open box, for a desktop without a file dialog: type or paste a path.
pub fn open_path_ui(ctx: &Context, text: &mut String) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::Window::new("Open an episode")
        .collapsible(false)
        .resizable(false)
        .anchor(Align2::CENTER_TOP, [0.0, 60.0])
        .show(ctx, |ui| {
            ui.label("A folder, an audio file or a transcript:");
            let response = ui.add(
                egui::TextEdit::singleline(text)
                    .hint_text("/home/me/Podcasts/518-episode")
                    .desired_width(360.0),
            );
            let entered = response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            ui.horizontal(|ui| {
                let path = text.trim();
                if (ui.button("Open").clicked() || entered) && !path.is_empty() {
                    commands.push(Command::BuiltinDialogPick(expand_home(path)));
                }
                if ui.button("Cancel").clicked() {
                    commands.push(Command::BuiltinDialogClose);
                }
            });
            if !response.has_focus() && !response.lost_focus() {
                response.request_focus();
            }
        });
    commands
}

/// `~/x` as a path under the home folder.
fn expand_home(path: &str) -> std::path::PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::Path::new(&home).join(rest),
        _ => std::path::PathBuf::from(path),
    }
}
