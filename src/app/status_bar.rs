//! The status bar: where sound goes, how the audio and transcript loaded, and what went wrong.

use eframe::egui::{Color32, RichText, Ui};

/// One message in the status bar.
pub struct StatusItem {
    /// The text.
    pub text: String,
    /// True for problems, drawn in a warning colour.
    pub warn: bool,
}

impl StatusItem {
    /// An ordinary message.
    pub fn info(text: impl Into<String>) -> Self {
        StatusItem {
            text: text.into(),
            warn: false,
        }
    }

    /// A problem the reader should notice.
    pub fn warn(text: impl Into<String>) -> Self {
        StatusItem {
            text: text.into(),
            warn: true,
        }
    }
}

/// Draws the status items, separated.
pub fn status_bar_ui(ui: &mut Ui, items: &[StatusItem]) {
    ui.horizontal_wrapped(|ui| {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                ui.separator();
            }
            if item.warn {
                ui.label(RichText::new(&item.text).color(Color32::from_rgb(230, 150, 40)));
            } else {
                ui.label(&item.text);
            }
        }
    });
}
