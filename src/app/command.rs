//! Every change of the app's state, as one enum, with the keyboard shortcuts that send them.

use std::path::PathBuf;
use std::time::Duration;

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use super::follow::ViewScroll;

/// How far Left skips back.
pub const SKIP_BACK: Duration = Duration::from_secs(15);
/// How far Right skips forward.
pub const SKIP_FORWARD: Duration = Duration::from_secs(30);

/// One change of state. Widgets, menus and keys emit these; `App::apply` carries them out.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Show the native dialog to pick an episode file.
    OpenFileDialog,
    /// Show the native dialog to pick an episode folder.
    OpenFolderDialog,
    /// Open an episode folder, audio file or transcript file.
    Open(PathBuf),
    /// Show another transcript of the same episode (index into the episode's choices).
    SwitchTranscript(usize),
    /// Play if paused, pause if playing.
    TogglePlay,
    /// Jump to a time (playing stays playing, paused stays paused).
    SeekTo(Duration),
    /// Jump to the start of a line the reader clicked. The view does not scroll: the line stays under the pointer.
    SeekToCue(usize),
    /// Skip back by `SKIP_BACK`.
    SkipBack,
    /// Skip forward by `SKIP_FORWARD`.
    SkipForward,
    /// Jump to the start of the previous line.
    PreviousLine,
    /// Jump to the start of the next line.
    NextLine,
    /// Set the playback speed (0.5 to 3).
    SetSpeed(f32),
    /// Set the volume (0 to 1).
    SetVolume(f32),
    /// Make the transcript text larger.
    FontBigger,
    /// Make the transcript text smaller.
    FontSmaller,
    /// Keep the spoken line in view (true), or let the reader scroll freely (false).
    SetFollow(bool),
    /// Scroll the transcript from the keyboard (Home, End, Page Up, Page Down); stops following, as a scroll by
    /// hand does.
    ScrollView(ViewScroll),
    /// Open the search box and focus it.
    FocusSearch,
    /// Search for this text.
    Search(String),
    /// Go to the next match.
    NextMatch,
    /// Go to the previous match.
    PreviousMatch,
    /// Close search and go back to following the audio.
    CloseSearch,
    /// Show or hide the keys overlay.
    ToggleHelp,
    /// Hide the error banner.
    DismissError,
}

/// A command with the key that sends it, for the help overlay and the key handler.
pub struct Shortcut {
    /// The keys.
    pub keys: KeyboardShortcut,
    /// What a person reads in the help overlay.
    pub label: &'static str,
    /// The command sent.
    pub command: Command,
}

fn key(modifiers: Modifiers, key: Key, label: &'static str, command: Command) -> Shortcut {
    Shortcut {
        keys: KeyboardShortcut::new(modifiers, key),
        label,
        command,
    }
}

/// Shortcuts that work while typing in the search box too.
pub fn global_shortcuts() -> Vec<Shortcut> {
    vec![
        key(
            Modifiers::COMMAND,
            Key::O,
            "Open an episode",
            Command::OpenFileDialog,
        ),
        key(Modifiers::COMMAND, Key::F, "Search", Command::FocusSearch),
        key(
            Modifiers::COMMAND,
            Key::Plus,
            "Larger text",
            Command::FontBigger,
        ),
        key(
            Modifiers::COMMAND,
            Key::Equals,
            "Larger text",
            Command::FontBigger,
        ),
        key(
            Modifiers::COMMAND,
            Key::Minus,
            "Smaller text",
            Command::FontSmaller,
        ),
        key(
            Modifiers::NONE,
            Key::F1,
            "Show or hide these keys",
            Command::ToggleHelp,
        ),
    ]
}

/// Shortcuts that act only when no text field has the keyboard.
pub fn playback_shortcuts() -> Vec<Shortcut> {
    vec![
        key(
            Modifiers::NONE,
            Key::Space,
            "Play / pause",
            Command::TogglePlay,
        ),
        key(
            Modifiers::NONE,
            Key::ArrowLeft,
            "Back 15 seconds",
            Command::SkipBack,
        ),
        key(
            Modifiers::NONE,
            Key::ArrowRight,
            "Forward 30 seconds",
            Command::SkipForward,
        ),
        key(
            Modifiers::NONE,
            Key::ArrowUp,
            "Previous line",
            Command::PreviousLine,
        ),
        key(
            Modifiers::NONE,
            Key::ArrowDown,
            "Next line",
            Command::NextLine,
        ),
        key(
            Modifiers::NONE,
            Key::Home,
            "Scroll to the first line",
            Command::ScrollView(ViewScroll::Home),
        ),
        key(
            Modifiers::NONE,
            Key::End,
            "Scroll to the last line",
            Command::ScrollView(ViewScroll::End),
        ),
        key(
            Modifiers::NONE,
            Key::PageUp,
            "Scroll up a page",
            Command::ScrollView(ViewScroll::PageUp),
        ),
        key(
            Modifiers::NONE,
            Key::PageDown,
            "Scroll down a page",
            Command::ScrollView(ViewScroll::PageDown),
        ),
        key(
            Modifiers::NONE,
            Key::Questionmark,
            "Show or hide these keys",
            Command::ToggleHelp,
        ),
        key(
            Modifiers::SHIFT,
            Key::Slash,
            "Show or hide these keys",
            Command::ToggleHelp,
        ),
    ]
}

/// The commands the keys pressed this frame send. Keys are consumed so widgets do not see them twice.
pub fn from_keys(ctx: &egui::Context) -> Vec<Command> {
    let typing = ctx.egui_wants_keyboard_input();
    let mut commands = Vec::new();
    ctx.input_mut(|input| {
        for shortcut in global_shortcuts() {
            if input.consume_shortcut(&shortcut.keys) {
                commands.push(shortcut.command);
            }
        }
        if !typing {
            for shortcut in playback_shortcuts() {
                if input.consume_shortcut(&shortcut.keys) {
                    commands.push(shortcut.command);
                }
            }
        }
    });
    commands
}

/// The rows of the help overlay: key text and what it does, one row per action.
pub fn help_rows(ctx: &egui::Context) -> Vec<(String, &'static str)> {
    let mut rows: Vec<(String, &'static str)> = Vec::new();
    for shortcut in playback_shortcuts().into_iter().chain(global_shortcuts()) {
        let text = ctx.format_shortcut(&shortcut.keys);
        match rows.iter_mut().find(|(_, label)| *label == shortcut.label) {
            Some(row) => {
                row.0.push_str(" or ");
                row.0.push_str(&text);
            }
            None => rows.push((text, shortcut.label)),
        }
    }
    rows.push((
        "Enter / Shift+Enter".to_owned(),
        "Next / previous match (in search)",
    ));
    rows.push(("Escape".to_owned(), "Close search, follow the audio again"));
    rows
}
