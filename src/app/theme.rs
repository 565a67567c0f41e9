//! Window background: painted by the frame's clear, not by full-window panel fills.
//!
//! With software rendering (llvmpipe under Xvfb, or a machine without a GPU) every shaded
//! pixel costs CPU, and egui's panels each paint a rectangle over the whole area they cover.
//! Making the panel fill transparent and clearing the frame to the same colour draws the same
//! picture while shading only text and widgets.

use egui::{Color32, Context, Visuals};

/// The panel colours of both themes, used as the clear colour.
#[derive(Clone, Copy, Debug)]
pub struct Background {
    dark: Color32,
    light: Color32,
}

impl Default for Background {
    fn default() -> Self {
        Background {
            dark: Visuals::dark().panel_fill,
            light: Visuals::light().panel_fill,
        }
    }
}

impl Background {
    /// Makes the panels transparent; the frame is then cleared to the themes' panel colours.
    pub fn install(ctx: &Context) -> Background {
        ctx.all_styles_mut(|style| style.visuals.panel_fill = Color32::TRANSPARENT);
        Background::default()
    }

    /// The colour the frame is cleared to, as eframe wants it.
    pub fn clear_color(&self, visuals: &Visuals) -> [f32; 4] {
        let color = if visuals.dark_mode {
            self.dark
        } else {
            self.light
        };
        color.to_normalized_gamma_f32()
    }
}
