//! Every change of the app's state, as one enum, and the one table of keys that send them
//! (used by the key handler, the keys overlay and the menus alike).

use std::path::PathBuf;
use std::time::Duration;

use eframe::egui::{self, Key, KeyboardShortcut, Modifiers};

use super::follow::ViewScroll;
use crate::state::ThemeChoice;
use crate::transcript::export::Kind;
use crate::transcript::paragraphs::SentenceId;

/// How far `,` and `.` move the transcript, in milliseconds.
pub const NUDGE_MS: i64 = 100;
/// How far Shift+`,` and Shift+`.` move the transcript, in milliseconds.
pub const NUDGE_BIG_MS: i64 = 1000;

/// One change of state. Widgets, menus and keys emit these; `App::apply` carries them out.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Show the native dialog to pick an episode file.
    OpenFileDialog,
    /// Show the native dialog to pick an episode folder.
    OpenFolderDialog,
    /// Ask where to save the transcript shown, and write it there in this shape.
    Export(Kind),
    /// Open an episode folder, audio file or transcript file.
    Open(PathBuf),
    /// Show another transcript of the same episode (index into the episode's choices).
    SwitchTranscript(usize),
    /// Play if paused, pause if playing.
    TogglePlay,
    /// Play (nothing if playing already).
    Play,
    /// Pause (nothing if paused already).
    Pause,
    /// Jump forward, or back with `back`, by `by` from the position heard (the desktop's Seek).
    SeekBy {
        /// How far.
        by: Duration,
        /// Back instead of forward.
        back: bool,
    },
    /// Jump to a time (playing stays playing, paused stays paused).
    SeekTo(Duration),
    /// Play from a clicked sentence; the view does not scroll (the sentence is where the reader clicked).
    SeekToSentence(SentenceId),
    /// Play from a clicked word (its sentence and its time); the view does not scroll.
    SeekToWord(SentenceId, Duration),
    /// Show paragraphs (the default) or the lines as published, and remember the choice.
    ToggleParagraphView,
    /// Show only this speaker's lines (`None`: everyone's).
    FilterSpeaker(Option<String>),
    /// Use light or dark colours, or follow the system, and remember the choice.
    SetTheme(ThemeChoice),
    /// Scroll the transcript from the keyboard (Home, End, Page Up, Page Down); stops following,
    /// as a scroll by hand does.
    ScrollView(ViewScroll),
    /// Skip back by the skip size in the settings.
    SkipBack,
    /// Skip forward by the skip size in the settings.
    SkipForward,
    /// Play from the start of chapter `index` (in the episode's chapters), following the audio.
    JumpToChapter(usize),
    /// Select the sentences from one to another (a mouse drag), or nothing.
    Select(Option<(SentenceId, SentenceId)>),
    /// Select one more sentence after (`true`) or before the selection (Shift+Down, Shift+Up); the
    /// first press selects the lit sentence and the next one.
    ExtendSelection(bool),
    /// Jump to the start of the previous line.
    PreviousLine,
    /// Jump to the start of the next line.
    NextLine,
    /// Set the playback speed (0.5 to 3).
    SetSpeed(f32),
    /// The next speed up (`true`) or down in the speed steps (`]` and `[`).
    StepSpeed(bool),
    /// How far resuming backs up after a pause of over a minute, in seconds (0: off); remembered.
    SetBackUpAfterPause(u32),
    /// How far skipping back goes, in seconds; remembered.
    SetSkipBack(u32),
    /// How far skipping forward goes, in seconds; remembered.
    SetSkipForward(u32),
    /// Set the volume (0 to 1).
    SetVolume(f32),
    /// Make the transcript text larger.
    FontBigger,
    /// Make the transcript text smaller.
    FontSmaller,
    /// Keep the spoken line in view (true), or let the reader scroll freely (false).
    SetFollow(bool),
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
    /// Close whatever is on top: a menu or dropdown, then the keys overlay, then the Sync popover,
    /// then search.
    Escape,
    /// Hide the error banner.
    DismissError,
    /// Pick a file in Readalong's own dialog (when the desktop has no file dialog).
    BuiltinDialogPick(PathBuf),
    /// Close Readalong's own file dialog.
    BuiltinDialogClose,
    /// Open a library's episode (by key), at a time (playing from there) or where it was left.
    OpenLibraryEpisode {
        /// The episode's key.
        key: String,
        /// Where to start playing; `None` resumes where it was left.
        at: Option<Duration>,
    },
    /// Show or hide the library's episode list.
    ToggleLibrary,
    /// Put the keyboard in the library's search box.
    FocusLibrarySearch,
    /// Show the dialog to pick a folder of audio for the library.
    AddAudioFolderDialog,
    /// Add a folder of audio to the library (remembered).
    AddAudioFolder(PathBuf),
    /// Show the dialog to pick the audio file of a library's episode (by key).
    ChooseAudioDialog(String),
    /// Pair a library's episode with this audio file, or with none (remembered).
    SetPairing {
        /// The episode's key.
        key: String,
        /// Its audio, or `None` for "no audio".
        audio: Option<PathBuf>,
    },
    /// Forget the pairing chosen for a library's episode (by key); pair it automatically again.
    ResetPairing(String),
    /// Move the transcript against the audio by this many milliseconds (positive: later).
    NudgeOffset(i64),
    /// Set the transcript's offset against the audio, in milliseconds.
    SetOffset(i64),
    /// "This line is playing now": tie this transcript time (a sentence's start) to the position
    /// heard now. `None` means the sentence under the pointer, else the current search match.
    SyncLineNow(Option<Duration>),
    /// Copy a sentence's text (`None`: the lit one) to the clipboard.
    CopySentence(Option<SentenceId>),
    /// Copy a sentence (`None`: the lit one) as a quote: `"…" (Title, 12:34)`, at the time heard.
    CopyQuote(Option<SentenceId>),
    /// Copy the command that opens this episode at a sentence (`None`: the lit one):
    /// `readalong PATH --at 12:34.5`.
    CopyLink(Option<SentenceId>),
    /// Remove sync point `index` (in transcript order).
    RemoveSyncPoint(usize),
    /// Show or hide the Sync popover.
    ToggleSync,
    /// Look for blocks inserted into the audio (ads) in the background and suggest sync points.
    SuggestSyncPoints,
    /// Add the suggested sync points to the episode's map.
    ApplySuggestions,
    /// Drop the suggestions, or stop looking for them.
    DismissSuggestions,
}

/// When a key binding acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Always, even while typing in the search box.
    Global,
    /// Only when no text field has the keyboard.
    NotTyping,
}

/// A command with its keys and what a person reads about it.
pub struct Binding {
    /// The keys, the first one shown in menus.
    pub keys: Vec<KeyboardShortcut>,
    /// What it does, for the keys overlay.
    pub label: &'static str,
    /// The command sent.
    pub command: Command,
    /// When the keys act.
    pub scope: Scope,
}

fn bind(scope: Scope, keys: &[(Modifiers, Key)], label: &'static str, command: Command) -> Binding {
    Binding {
        keys: keys
            .iter()
            .map(|&(m, k)| KeyboardShortcut::new(m, k))
            .collect(),
        label,
        command,
        scope,
    }
}

/// The one table of keys: the handler, the keys overlay and the menus all read it.
pub fn bindings() -> Vec<Binding> {
    use Scope::{Global, NotTyping};
    const NONE: Modifiers = Modifiers::NONE;
    const CTRL: Modifiers = Modifiers::COMMAND;
    vec![
        bind(
            NotTyping,
            &[(NONE, Key::Space)],
            "Play / pause",
            Command::TogglePlay,
        ),
        bind(
            NotTyping,
            &[(NONE, Key::ArrowLeft)],
            "Skip back (how far: Playback menu)",
            Command::SkipBack,
        ),
        bind(
            NotTyping,
            &[(NONE, Key::ArrowRight)],
            "Skip forward (how far: Playback menu)",
            Command::SkipForward,
        ),
        bind(
            NotTyping,
            &[(NONE, Key::OpenBracket)],
            "Slower (the next speed step down)",
            Command::StepSpeed(false),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::CloseBracket)],
            "Faster (the next speed step up)",
            Command::StepSpeed(true),
        ),
        // Shift first: a shortcut without Shift also matches the key pressed with it.
        bind(
            NotTyping,
            &[(Modifiers::SHIFT, Key::ArrowUp)],
            "Select the sentence before too",
            Command::ExtendSelection(false),
        ),
        bind(
            NotTyping,
            &[(Modifiers::SHIFT, Key::ArrowDown)],
            "Select the next sentence too",
            Command::ExtendSelection(true),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::ArrowUp)],
            "Previous line",
            Command::PreviousLine,
        ),
        bind(
            NotTyping,
            &[(NONE, Key::ArrowDown)],
            "Next line",
            Command::NextLine,
        ),
        bind(
            NotTyping,
            &[(NONE, Key::Home)],
            "Scroll to the first line",
            Command::ScrollView(ViewScroll::Home),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::End)],
            "Scroll to the last line",
            Command::ScrollView(ViewScroll::End),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::PageUp)],
            "Scroll up a page",
            Command::ScrollView(ViewScroll::PageUp),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::PageDown)],
            "Scroll down a page",
            Command::ScrollView(ViewScroll::PageDown),
        ),
        bind(
            Global,
            &[(CTRL, Key::O)],
            "Open an episode",
            Command::OpenFileDialog,
        ),
        // Before Ctrl+F, which would also match Ctrl+Shift+F.
        bind(
            Global,
            &[(CTRL.plus(Modifiers::SHIFT), Key::F)],
            "Search every episode of the library",
            Command::FocusLibrarySearch,
        ),
        bind(Global, &[(CTRL, Key::F)], "Search", Command::FocusSearch),
        bind(
            Global,
            &[(CTRL, Key::L)],
            "Show or hide the library's episodes",
            Command::ToggleLibrary,
        ),
        bind(
            Global,
            &[(CTRL, Key::Plus), (CTRL, Key::Equals)],
            "Larger text",
            Command::FontBigger,
        ),
        bind(
            Global,
            &[(CTRL, Key::Minus)],
            "Smaller text",
            Command::FontSmaller,
        ),
        // Shift first: a shortcut without Shift also matches the key pressed with it.
        bind(
            NotTyping,
            &[(Modifiers::SHIFT, Key::Comma)],
            "Transcript earlier by 0.1 s (with Shift 1 s)",
            Command::NudgeOffset(-NUDGE_BIG_MS),
        ),
        bind(
            NotTyping,
            &[(Modifiers::SHIFT, Key::Period)],
            "Transcript later by 0.1 s (with Shift 1 s)",
            Command::NudgeOffset(NUDGE_BIG_MS),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::Comma)],
            "Transcript earlier by 0.1 s (with Shift 1 s)",
            Command::NudgeOffset(-NUDGE_MS),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::Period)],
            "Transcript later by 0.1 s (with Shift 1 s)",
            Command::NudgeOffset(NUDGE_MS),
        ),
        bind(
            NotTyping,
            &[(CTRL, Key::C)],
            "Copy the selected sentences, else the lit one",
            Command::CopySentence(None),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::S)],
            "The line under the pointer is playing now (sync)",
            Command::SyncLineNow(None),
        ),
        bind(
            NotTyping,
            &[(NONE, Key::P)],
            "Paragraphs or lines as published",
            Command::ToggleParagraphView,
        ),
        bind(
            Global,
            &[(NONE, Key::F1)],
            "Show or hide these keys",
            Command::ToggleHelp,
        ),
        bind(
            NotTyping,
            &[(NONE, Key::Questionmark), (Modifiers::SHIFT, Key::Slash)],
            "Show or hide these keys",
            Command::ToggleHelp,
        ),
        bind(
            Global,
            &[(NONE, Key::Escape)],
            "Close a menu, the keys, Sync or search; follow the audio again",
            Command::Escape,
        ),
    ]
}

/// The keys of `command` as a person names them ("Ctrl+O"), for menus. `None` when it has none.
pub fn key_text_for(command: &Command) -> Option<String> {
    bindings()
        .into_iter()
        .find(|b| &b.command == command)
        .and_then(|b| b.keys.first().map(key_text))
}

/// A shortcut as people name it: "Space", "Left", "Ctrl+F", "Page Down", "?".
pub fn key_text(shortcut: &KeyboardShortcut) -> String {
    let m = shortcut.modifiers;
    let mut parts: Vec<&str> = Vec::new();
    if m.ctrl || m.command || m.mac_cmd {
        parts.push("Ctrl");
    }
    if m.alt {
        parts.push("Alt");
    }
    let name = key_name(shortcut.logical_key);
    // "?" is itself a shifted key: Shift+/ reads as "?".
    if m.shift && shortcut.logical_key == Key::Slash {
        return "?".to_owned();
    }
    if m.shift {
        parts.push("Shift");
    }
    parts.push(name);
    parts.join("+")
}

fn key_name(key: Key) -> &'static str {
    match key {
        Key::ArrowLeft => "Left",
        Key::ArrowRight => "Right",
        Key::ArrowUp => "Up",
        Key::ArrowDown => "Down",
        Key::Space => "Space",
        Key::Escape => "Escape",
        Key::Enter => "Enter",
        Key::PageUp => "Page Up",
        Key::PageDown => "Page Down",
        Key::Home => "Home",
        Key::End => "End",
        Key::Plus => "Plus",
        Key::Equals => "=",
        Key::Minus => "Minus",
        Key::Questionmark => "?",
        Key::Slash => "/",
        Key::Comma => ",",
        Key::Period => ".",
        Key::OpenBracket => "[",
        Key::CloseBracket => "]",
        other => other.name(),
    }
}

/// The commands the keys pressed this frame send. Keys are consumed so widgets do not see them twice.
pub fn from_keys(ctx: &egui::Context) -> Vec<Command> {
    let typing = ctx.egui_wants_keyboard_input();
    let mut commands = Vec::new();
    ctx.input_mut(|input| {
        for binding in bindings() {
            if binding.scope == Scope::NotTyping && typing {
                continue;
            }
            if binding.keys.iter().any(|k| input.consume_shortcut(k)) {
                commands.push(binding.command);
            }
        }
        // The desktop turns Ctrl+C into a copy event, not a key.
        let copy = Command::CopySentence(None);
        if !typing
            && input.events.iter().any(|e| matches!(e, egui::Event::Copy))
            && !commands.contains(&copy)
        {
            commands.push(copy);
        }
    });
    commands
}

/// The rows of the keys overlay: key text and what it does, one row per action.
pub fn help_rows() -> Vec<(String, &'static str)> {
    let mut rows: Vec<(Vec<String>, &'static str)> = Vec::new();
    for binding in bindings() {
        let i = match rows.iter().position(|(_, label)| *label == binding.label) {
            Some(i) => i,
            None => {
                rows.push((Vec::new(), binding.label));
                rows.len() - 1
            }
        };
        let row = &mut rows[i].0;
        for text in binding.keys.iter().map(key_text) {
            if !row.contains(&text) {
                row.push(text);
            }
        }
    }
    let mut rows: Vec<(String, &'static str)> = rows
        .into_iter()
        .map(|(mut keys, label)| {
            // The plain key reads first, though a Shift binding is matched first.
            keys.sort_by_key(|k| k.starts_with("Shift+"));
            (keys.join(" or "), label)
        })
        .collect();
    rows.push((
        "Enter / Shift+Enter".to_owned(),
        "Next / previous match (in search)",
    ));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_named_as_people_name_them() {
        let cases = [
            (Modifiers::NONE, Key::Space, "Space"),
            (Modifiers::NONE, Key::ArrowLeft, "Left"),
            (Modifiers::COMMAND, Key::F, "Ctrl+F"),
            (Modifiers::COMMAND, Key::O, "Ctrl+O"),
            (Modifiers::SHIFT, Key::Slash, "?"),
            (Modifiers::NONE, Key::PageDown, "Page Down"),
            (Modifiers::NONE, Key::F1, "F1"),
            (Modifiers::SHIFT, Key::Comma, "Shift+,"),
            (Modifiers::NONE, Key::Period, "."),
        ];
        for (m, k, want) in cases {
            assert_eq!(key_text(&KeyboardShortcut::new(m, k)), want);
        }
    }

    #[test]
    fn every_binding_has_keys_and_one_label_per_command() {
        let all = bindings();
        for b in &all {
            assert!(!b.keys.is_empty(), "{}", b.label);
        }
        assert_eq!(
            key_text_for(&Command::FocusSearch).as_deref(),
            Some("Ctrl+F")
        );
        assert_eq!(key_text_for(&Command::DismissError), None);
        let rows = help_rows();
        let help = rows.iter().find(|(_, l)| *l == "Show or hide these keys");
        assert_eq!(help.map(|(k, _)| k.as_str()), Some("F1 or ?"));
        let earlier = rows
            .iter()
            .find(|(_, l)| l.starts_with("Transcript earlier"));
        assert_eq!(earlier.map(|(k, _)| k.as_str()), Some(", or Shift+,"));
    }
}
