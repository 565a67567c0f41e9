//! The top bar: the File and View menus, the transcript switcher and the search box.

use std::path::PathBuf;

use eframe::egui::{self, Ui};

use super::command::Command;
use super::search_bar::{self, SearchState};

/// What the top bar shows besides the search box.
pub struct TopBarInput<'a> {
    /// Episodes opened lately.
    pub recent: &'a [PathBuf],
    /// Labels of the transcripts of this episode, richest first.
    pub transcript_labels: Vec<String>,
    /// Which one is shown.
    pub chosen: usize,
    /// True while the view follows the audio.
    pub follow: bool,
}

/// Draws the bar and returns the commands given.
pub fn top_bar_ui(ui: &mut Ui, input: &TopBarInput<'_>, search: &mut SearchState) -> Vec<Command> {
    let mut commands = Vec::new();
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, input, &mut commands));
        ui.menu_button("View", |ui| view_menu_ui(ui, input, &mut commands));
        if ui.button("Help").on_hover_text("Keys (F1)").clicked() {
            commands.push(Command::ToggleHelp);
        }
        ui.separator();
        transcript_switch_ui(ui, input, &mut commands);
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                commands.extend(search_bar::search_ui(ui, search));
            });
        });
    });
    commands
}

fn file_menu_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    if ui.button("Open file…").clicked() {
        commands.push(Command::OpenFileDialog);
    }
    if ui.button("Open folder…").clicked() {
        commands.push(Command::OpenFolderDialog);
    }
    ui.menu_button("Recent", |ui| {
        if input.recent.is_empty() {
            ui.label("Nothing opened yet");
        }
        for path in input.recent {
            if ui.button(path.display().to_string()).clicked() {
                commands.push(Command::Open(path.clone()));
            }
        }
    });
}

fn view_menu_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    if ui.button("Larger text").clicked() {
        commands.push(Command::FontBigger);
    }
    if ui.button("Smaller text").clicked() {
        commands.push(Command::FontSmaller);
    }
    let mut follow = input.follow;
    if ui.checkbox(&mut follow, "Follow the audio").changed() {
        commands.push(Command::SetFollow(follow));
    }
}

fn transcript_switch_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    if input.transcript_labels.len() < 2 {
        return;
    }
    let selected = input
        .transcript_labels
        .get(input.chosen)
        .cloned()
        .unwrap_or_default();
    egui::ComboBox::from_label("Transcript")
        .selected_text(selected)
        .show_ui(ui, |ui| {
            for (i, label) in input.transcript_labels.iter().enumerate() {
                if ui.selectable_label(i == input.chosen, label).clicked() {
                    commands.push(Command::SwitchTranscript(i));
                }
            }
        });
}
