//! The top bar: the File and View menus, the transcript switcher and the search box.

use std::path::PathBuf;
use std::time::Duration;

use eframe::egui::{self, Ui};

use super::command::{self, Command};
use super::playback;
use super::search_bar::{self, SearchState};
use crate::state::ThemeChoice;
use crate::timefmt;
use crate::transcript::export::Kind;

/// Below this width an open search box goes on a row of its own.
const SEARCH_ROW_BELOW_PTS: f32 = 900.0;
/// Room kept for the closed search button.
const SEARCH_BUTTON_PTS: f32 = 100.0;
/// Room kept for the open search box and its buttons.
const SEARCH_BOX_PTS: f32 = 440.0;

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
    /// Whether a library is open, and its episode list shows.
    pub library: Option<bool>,
    /// True when the transcript shows as paragraphs, false for the lines as published.
    pub paragraph_view: bool,
    /// The theme chosen.
    pub theme: ThemeChoice,
    /// The named speakers, in order of first appearance.
    pub speakers: Vec<String>,
    /// The one speaker whose lines are shown, if only one's are.
    pub speaker_filter: Option<String>,
    /// The episode's chapters: the start (audio time) and title of each.
    pub chapters: Vec<(Duration, String)>,
    /// The chapter heard now.
    pub current_chapter: Option<usize>,
    /// How far resuming backs up after a long pause, in seconds (0: off).
    pub back_up_after_pause_secs: u32,
    /// How far skipping back goes, in seconds.
    pub skip_back_secs: u32,
    /// How far skipping forward goes, in seconds.
    pub skip_forward_secs: u32,
}

/// Draws the bar and returns the commands given.
pub fn top_bar_ui(ui: &mut Ui, input: &TopBarInput<'_>, search: &mut SearchState) -> Vec<Command> {
    let mut commands = Vec::new();
    // In a narrow window an open search box gets its own row, so nothing is pushed out of view.
    let search_row = search.open && ui.available_width() < SEARCH_ROW_BELOW_PTS;
    egui::MenuBar::new().ui(ui, |ui| {
        ui.menu_button("File", |ui| file_menu_ui(ui, input, &mut commands));
        ui.menu_button("View", |ui| view_menu_ui(ui, input, &mut commands));
        ui.menu_button("Playback", |ui| playback_menu_ui(ui, input, &mut commands));
        if !input.chapters.is_empty() {
            ui.menu_button("Chapters", |ui| chapters_menu_ui(ui, input, &mut commands));
        }
        if ui.button("Help").on_hover_text("Keys (F1)").clicked() {
            commands.push(Command::ToggleHelp);
        }
        ui.separator();
        let search_width = if search_row || !search.open {
            SEARCH_BUTTON_PTS
        } else {
            SEARCH_BOX_PTS
        };
        let switch_width = ui.available_width() - search_width;
        transcript_switch_ui(ui, input, switch_width, &mut commands);
        if !search_row {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.with_layout(egui::Layout::left_to_right(egui::Align::Center), |ui| {
                    commands.extend(search_bar::search_ui(ui, search));
                });
            });
        }
    });
    if search_row {
        ui.horizontal(|ui| commands.extend(search_bar::search_ui(ui, search)));
    }
    commands
}

/// A menu entry that sends `command`, showing its keys from the one key table.
fn menu_item_ui(ui: &mut Ui, label: &str, command: Command, commands: &mut Vec<Command>) {
    let mut button = egui::Button::new(label);
    if let Some(keys) = command::key_text_for(&command) {
        button = button.shortcut_text(keys);
    }
    if ui.add(button).clicked() {
        commands.push(command);
    }
}

fn file_menu_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    menu_item_ui(ui, "Open file…", Command::OpenFileDialog, commands);
    menu_item_ui(
        ui,
        "Open folder or library…",
        Command::OpenFolderDialog,
        commands,
    );
    if input.library.is_some() {
        menu_item_ui(
            ui,
            "Add audio folder to the library…",
            Command::AddAudioFolderDialog,
            commands,
        );
    }
    ui.menu_button("Export…", |ui| {
        for kind in Kind::ALL {
            menu_item_ui(ui, kind.label(), Command::Export(kind), commands);
        }
    });
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
    menu_item_ui(ui, "Larger text", Command::FontBigger, commands);
    menu_item_ui(ui, "Smaller text", Command::FontSmaller, commands);
    let mut follow = input.follow;
    if ui.checkbox(&mut follow, "Follow the audio").changed() {
        commands.push(Command::SetFollow(follow));
    }
    if let Some(shown) = input.library {
        let label = if shown {
            "Hide the episode list"
        } else {
            "Show the episode list"
        };
        menu_item_ui(ui, label, Command::ToggleLibrary, commands);
        menu_item_ui(
            ui,
            "Search every episode",
            Command::FocusLibrarySearch,
            commands,
        );
    }
    ui.separator();
    let views = [(true, "Paragraphs"), (false, "Lines as published")];
    for (paragraphs, label) in views {
        let mut button = egui::Button::selectable(input.paragraph_view == paragraphs, label);
        if let Some(keys) = command::key_text_for(&Command::ToggleParagraphView) {
            button = button.shortcut_text(keys);
        }
        if ui.add(button).clicked() && input.paragraph_view != paragraphs {
            commands.push(Command::ToggleParagraphView);
        }
    }
    if !input.speakers.is_empty() {
        ui.menu_button("Speakers", |ui| speaker_menu_ui(ui, input, commands));
    }
    ui.separator();
    ui.label("Theme");
    let themes = [
        (ThemeChoice::System, "System theme"),
        (ThemeChoice::Light, "Light"),
        (ThemeChoice::Dark, "Dark"),
    ];
    for (choice, label) in themes {
        if ui.radio(input.theme == choice, label).clicked() && input.theme != choice {
            commands.push(Command::SetTheme(choice));
        }
    }
}

/// Every chapter, with its start; the one heard now is marked. A click plays from its start.
fn chapters_menu_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    egui::ScrollArea::vertical()
        .max_height(ui.ctx().content_rect().height() * 0.7)
        .show(ui, |ui| {
            for (i, (start, title)) in input.chapters.iter().enumerate() {
                let chosen = input.current_chapter == Some(i);
                let button = egui::Button::selectable(chosen, title.as_str())
                    .shortcut_text(timefmt::clock(*start));
                if ui.add(button).clicked() {
                    commands.push(Command::JumpToChapter(i));
                }
            }
        });
}

/// How far resuming backs up after a long pause, how far the skips go, and the speed steps.
fn playback_menu_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    menu_item_ui(ui, "Faster", Command::StepSpeed(true), commands);
    menu_item_ui(ui, "Slower", Command::StepSpeed(false), commands);
    ui.separator();
    ui.menu_button("Back up after a pause of over a minute", |ui| {
        seconds_choices_ui(
            ui,
            &playback::BACK_UP_CHOICES_SECS,
            input.back_up_after_pause_secs,
            "Back up",
            Command::SetBackUpAfterPause,
            commands,
        );
    });
    ui.menu_button("Skip back", |ui| {
        seconds_choices_ui(
            ui,
            &playback::SKIP_BACK_CHOICES_SECS,
            input.skip_back_secs,
            "Skip back",
            Command::SetSkipBack,
            commands,
        );
    });
    ui.menu_button("Skip forward", |ui| {
        seconds_choices_ui(
            ui,
            &playback::SKIP_FORWARD_CHOICES_SECS,
            input.skip_forward_secs,
            "Skip forward",
            Command::SetSkipForward,
            commands,
        );
    });
}

/// One radio button per choice of seconds ("Off", "3 s", …); the current value is shown even
/// when it is not one of the choices (set in an edited state file).
fn seconds_choices_ui(
    ui: &mut Ui,
    choices: &[u32],
    current: u32,
    what: &str,
    command: fn(u32) -> Command,
    commands: &mut Vec<Command>,
) {
    let mut shown = choices.to_vec();
    if !shown.contains(&current) {
        shown.push(current);
        shown.sort_unstable();
    }
    for secs in shown {
        let response = ui.radio(current == secs, playback::seconds_text(secs));
        let label = format!("{what}: {}", playback::seconds_text(secs));
        response.widget_info(|| {
            egui::WidgetInfo::selected(egui::Role::RadioButton, true, current == secs, &label)
        });
        if response.clicked() && current != secs {
            commands.push(command(secs));
        }
    }
}

/// "Everyone", then each named speaker: picking one shows only their lines.
fn speaker_menu_ui(ui: &mut Ui, input: &TopBarInput<'_>, commands: &mut Vec<Command>) {
    if ui
        .radio(input.speaker_filter.is_none(), "Everyone")
        .clicked()
    {
        commands.push(Command::FilterSpeaker(None));
    }
    for name in &input.speakers {
        let chosen = input.speaker_filter.as_ref() == Some(name);
        if ui.radio(chosen, format!("Only {name}")).clicked() && !chosen {
            commands.push(Command::FilterSpeaker(Some(name.clone())));
        }
    }
}

/// The transcript switcher, at most `width_pts` wide (its label is cut to fit).
fn transcript_switch_ui(
    ui: &mut Ui,
    input: &TopBarInput<'_>,
    width_pts: f32,
    commands: &mut Vec<Command>,
) {
    if input.transcript_labels.len() < 2 {
        return;
    }
    let selected = input
        .transcript_labels
        .get(input.chosen)
        .cloned()
        .unwrap_or_default();
    // The "Transcript" label beside the box takes about 90 points; the name is cut to what is left
    // (about 8 points a character), so the search button is never pushed out of a narrow window.
    let room = (width_pts - 90.0).clamp(60.0, 420.0);
    let max_chars = ((room - 30.0) / 8.0).max(4.0) as usize;
    let box_width = room.min(selected.chars().count() as f32 * 8.0 + 30.0);
    egui::ComboBox::from_label("Transcript")
        .selected_text(shorten(&selected, max_chars))
        .width(box_width)
        .truncate()
        .show_ui(ui, |ui| {
            for (i, label) in input.transcript_labels.iter().enumerate() {
                if ui.selectable_label(i == input.chosen, label).clicked() {
                    commands.push(Command::SwitchTranscript(i));
                }
            }
        });
}

/// `text` cut to at most `max_chars` characters, ending in "…" when cut.
fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
