//! The status bar: where sound goes, how the audio and transcript loaded, and what went wrong.

use eframe::egui::{self, Color32, RichText, Ui};

/// One message in the status bar.
pub struct StatusItem {
    /// The text.
    pub text: String,
    /// True for problems, drawn in a warning colour.
    pub warn: bool,
    /// The reason, after the message.
    pub detail: Option<String>,
}

impl StatusItem {
    /// An ordinary message.
    pub fn info(text: impl Into<String>) -> Self {
        StatusItem {
            text: text.into(),
            warn: false,
            detail: None,
        }
    }

    /// Adds the reason after the message (cut to fit, in full on hover).
    pub fn with_detail(mut self, detail: String) -> Self {
        self.detail = Some(detail);
        self
    }

    /// A problem the reader should notice.
    pub fn warn(text: impl Into<String>) -> Self {
        StatusItem {
            text: text.into(),
            warn: true,
            detail: None,
        }
    }
}

/// Draws the status items, separated.
pub fn status_bar_ui(ui: &mut Ui, items: &[StatusItem]) {
    // A message with a reason (a device error can be a long sentence) gets at most half the
    // bar, so the other messages stay on the same line; the full text shows on hover.
    let detail_width = ui.available_width() * 0.5;
    ui.horizontal_wrapped(|ui| {
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                ui.separator();
            }
            let text = match &item.detail {
                Some(detail) => format!("{}: {detail}", item.text),
                None => item.text.clone(),
            };
            let text = if item.warn {
                RichText::new(text).color(Color32::from_rgb(230, 150, 40))
            } else {
                RichText::new(text)
            };
            if item.detail.is_some() {
                ui.scope(|ui| {
                    ui.set_max_width(detail_width);
                    ui.add(egui::Label::new(text).truncate());
                });
            } else {
                ui.add(egui::Label::new(text).truncate());
            }
        }
    });
}
