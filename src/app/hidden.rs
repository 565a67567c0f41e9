//! What the app does while its window is minimized or covered: the audio plays on, and the app
//! wakes only to save the place and to notice the end of the episode, never to draw.

use std::time::Duration;

use eframe::egui::Context;

use super::{ReadalongApp, SAVE_EVERY};

/// The shortest wait between wake-ups while hidden (eframe's own floor for a hidden window).
const HIDDEN_MIN_WAIT: Duration = Duration::from_millis(100);

/// True when nothing of the window can be seen: minimized, or covered (occluded) whole.
pub fn window_hidden(ctx: &Context) -> bool {
    ctx.input(|i| {
        let viewport = i.viewport();
        viewport.minimized == Some(true) || viewport.occluded == Some(true)
    })
}

impl ReadalongApp {
    /// How long the hidden window may sleep while playing: until the next save of the place, or
    /// the end of the episode, whichever comes first. eframe runs only `logic` then, no drawing.
    pub(super) fn hidden_wait(&self) -> Duration {
        let mut wait = SAVE_EVERY.saturating_sub(self.last_saved.elapsed());
        if let Some(end) = self.duration() {
            let left = end.saturating_sub(self.heard_position());
            wait = wait.min(left.div_f64(f64::from(self.speed.max(0.1))));
        }
        wait.clamp(HIDDEN_MIN_WAIT, SAVE_EVERY)
    }
}
