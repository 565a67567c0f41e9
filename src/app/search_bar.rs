//! The search box: its state, the matches and "3 of 17", and the widgets that drive it.

use eframe::egui::{self, Key, TextEdit, Ui};

use super::command::Command;
use crate::transcript::{Transcript, search};

/// The id of the search text field, so Ctrl+F can focus it.
pub fn field_id() -> egui::Id {
    egui::Id::unique("search-field")
}

/// What the reader searched for and where they are among the matches.
#[derive(Default)]
pub struct SearchState {
    /// True while the search box is shown.
    pub open: bool,
    /// The text searched for.
    pub query: String,
    /// The text field's buffer (becomes `query` through `Command::Search`).
    pub input: String,
    /// Every match in the transcript, in reading order.
    pub matches: Vec<search::Match>,
    /// The match the reader is on.
    pub current: Option<usize>,
}

impl SearchState {
    /// Runs the search for `query` and puts the reader on the first match at or after cue `from`.
    pub fn set_query(
        &mut self,
        transcript: Option<&Transcript>,
        query: String,
        from: Option<usize>,
    ) {
        self.matches = transcript
            .map(|t| search::find(t, &query))
            .unwrap_or_default();
        self.input.clone_from(&query);
        self.query = query;
        let from = from.unwrap_or(0);
        self.current = if self.matches.is_empty() {
            None
        } else {
            Some(self.matches.iter().position(|m| m.cue >= from).unwrap_or(0))
        };
    }

    /// Moves to the next (`step` = 1) or previous (`step` = -1) match, wrapping around.
    pub fn step(&mut self, forward: bool) {
        let count = self.matches.len();
        if count == 0 {
            return;
        }
        self.current = Some(match (self.current, forward) {
            (None, _) => 0,
            (Some(i), true) => (i + 1) % count,
            (Some(i), false) => (i + count - 1) % count,
        });
    }

    /// The cue of the current match.
    pub fn current_cue(&self) -> Option<usize> {
        self.matches.get(self.current?).map(|m| m.cue)
    }

    /// "3 of 17", "no matches", or nothing when the box is empty.
    pub fn position_text(&self) -> String {
        if self.query.trim().is_empty() {
            return String::new();
        }
        match self.current {
            Some(i) => format!("{} of {}", i + 1, self.matches.len()),
            None => "no matches".to_owned(),
        }
    }

    /// Closes the box and forgets the matches.
    pub fn close(&mut self) {
        *self = SearchState::default();
    }
}

/// Draws the search box when it is open. Returns the commands typed or clicked.
pub fn search_ui(ui: &mut Ui, state: &mut SearchState) -> Vec<Command> {
    let mut commands = Vec::new();
    if !state.open {
        if ui
            .button("🔍 Search")
            .on_hover_text("Search the transcript (Ctrl+F)")
            .clicked()
        {
            commands.push(Command::FocusSearch);
        }
        return commands;
    }
    let label = ui.label("Search:");
    let response = ui.add(
        TextEdit::singleline(&mut state.input)
            .id(field_id())
            .hint_text("words in this episode")
            .desired_width(220.0),
    );
    let response = response.labelled_by(label.id);
    if response.changed() {
        commands.push(Command::Search(state.input.clone()));
    }
    let (enter, shift) = ui.input(|i| (i.key_pressed(Key::Enter), i.modifiers.shift));
    if response.lost_focus() && enter {
        commands.push(if shift {
            Command::PreviousMatch
        } else {
            Command::NextMatch
        });
        ui.memory_mut(|m| m.request_focus(field_id()));
    }
    // A fixed width, so the buttons after it stay put while typing.
    ui.add_sized(
        [88.0, ui.spacing().interact_size.y],
        egui::Label::new(state.position_text()).truncate(),
    );
    if ui
        .button("⏶")
        .on_hover_text("Previous match (Shift+Enter)")
        .clicked()
    {
        commands.push(Command::PreviousMatch);
    }
    if ui.button("⏷").on_hover_text("Next match (Enter)").clicked() {
        commands.push(Command::NextMatch);
    }
    if ui
        .button("✖")
        .on_hover_text("Close search (Escape)")
        .clicked()
    {
        commands.push(Command::CloseSearch);
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state_with(count: usize) -> SearchState {
        SearchState {
            open: true,
            query: "x".to_owned(),
            matches: (0..count)
                .map(|cue| search::Match { cue, range: 0..1 })
                .collect(),
            current: Some(0),
            ..SearchState::default()
        }
    }

    #[test]
    fn stepping_wraps_both_ways() {
        let mut s = state_with(3);
        let mut seen = Vec::new();
        for forward in [true, true, true, false, false] {
            s.step(forward);
            seen.push(s.current);
        }
        assert_eq!(seen, [Some(1), Some(2), Some(0), Some(2), Some(1)]);
        assert_eq!(s.position_text(), "2 of 3");
    }

    #[test]
    fn empty_results_say_so() {
        let mut s = state_with(0);
        s.current = None;
        s.step(true);
        assert_eq!(s.current, None);
        assert_eq!(s.position_text(), "no matches");
        s.query.clear();
        assert_eq!(s.position_text(), "");
    }
}
