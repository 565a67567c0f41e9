//! Light and dark themes, speaker colours, and the window background, painted by the frame's clear rather than by
//! full-window panel fills.
//!
//! With software rendering (llvmpipe under Xvfb, or a machine without a GPU) every shaded
//! pixel costs CPU, and egui's panels each paint a rectangle over the whole area they cover.
//! Making the panel fill transparent and clearing the frame to the same colour draws the same
//! picture while shading only text and widgets.

use egui::{Color32, Context, ThemePreference, Visuals};

use crate::state::ThemeChoice;

/// Switches the window to `choice`; with [`ThemeChoice::System`], eframe follows the desktop's preference.
pub fn apply(ctx: &Context, choice: ThemeChoice) {
    ctx.set_theme(match choice {
        ThemeChoice::System => ThemePreference::System,
        ThemeChoice::Light => ThemePreference::Light,
        ThemeChoice::Dark => ThemePreference::Dark,
    });
}

/// Speaker colours as (on dark, on light) pairs: the same hue in both themes, each with enough contrast against
/// its background (at least 4.5:1 against egui's panel colours). Neighbours differ most in hue, as the first two
/// go to the two voices of most episodes.
const SPEAKER_COLOURS: [([u8; 3], [u8; 3]); 8] = [
    ([120, 180, 255], [20, 80, 170]),
    ([255, 160, 110], [170, 70, 10]),
    ([130, 215, 140], [20, 110, 40]),
    ([225, 150, 235], [140, 40, 150]),
    ([240, 205, 100], [125, 95, 0]),
    ([110, 215, 215], [0, 110, 115]),
    ([255, 140, 160], [175, 30, 65]),
    ([185, 175, 255], [85, 65, 190]),
];

/// The colour of the speaker at place `index` in the transcript's order of first appearance: each of the first
/// eight speakers has a colour of their own, the same in every view of the episode, readable on the theme's
/// background. (A colour from a hash of the name gave two speakers of one episode the same colour.)
pub fn speaker_colour(index: usize, dark_mode: bool) -> Color32 {
    let (on_dark, on_light) = SPEAKER_COLOURS[index % SPEAKER_COLOURS.len()];
    let [r, g, b] = if dark_mode { on_dark } else { on_light };
    Color32::from_rgb(r, g, b)
}

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

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG relative luminance of an sRGB colour.
    fn luminance(c: Color32) -> f64 {
        let channel = |v: u8| {
            let v = f64::from(v) / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
    }

    fn contrast(a: Color32, b: Color32) -> f64 {
        let (la, lb) = (luminance(a), luminance(b));
        (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
    }

    #[test]
    fn speaker_colours_are_stable_and_readable_in_both_themes() {
        for dark in [true, false] {
            let distinct: std::collections::HashSet<_> =
                (0..8).map(|i| speaker_colour(i, dark)).collect();
            assert_eq!(distinct.len(), 8, "eight speakers, eight colours");
            assert_eq!(speaker_colour(8, dark), speaker_colour(0, dark));
        }
        for (dark, light) in SPEAKER_COLOURS {
            let dark = Color32::from_rgb(dark[0], dark[1], dark[2]);
            let light = Color32::from_rgb(light[0], light[1], light[2]);
            let on_dark = contrast(dark, Visuals::dark().panel_fill);
            let on_light = contrast(light, Visuals::light().panel_fill);
            assert!(on_dark >= 4.5, "{dark:?} on dark: {on_dark:.2}");
            assert!(on_light >= 4.5, "{light:?} on light: {on_light:.2}");
        }
    }
}
