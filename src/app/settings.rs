//! What Readalong remembers between runs: text size, speed, volume, recent episodes and where each was left.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The key under which settings are stored by eframe.
pub const STORAGE_KEY: &str = "readalong-settings";

/// How many recent episodes the File menu lists.
pub const MAX_RECENT: usize = 10;

/// The smallest and largest transcript text size, in points.
pub const FONT_SIZE_RANGE: std::ops::RangeInclusive<f32> = 10.0..=40.0;

/// The saved settings. Unknown or missing fields fall back to defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Transcript text size in points.
    pub font_size_pts: f32,
    /// Playback speed, 0.5 to 3.
    pub speed: f32,
    /// Volume, 0 to 1.
    pub volume: f32,
    /// Episodes opened lately, newest first.
    pub recent: Vec<PathBuf>,
    /// Where each episode was left, by its key path, in seconds.
    pub positions_secs: BTreeMap<PathBuf, f64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            font_size_pts: 17.0,
            speed: 1.0,
            volume: 1.0,
            recent: Vec::new(),
            positions_secs: BTreeMap::new(),
        }
    }
}

impl Settings {
    /// Puts `path` first in the recent list.
    pub fn remember_recent(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }

    /// Where the episode with this key was left.
    pub fn position(&self, key: &Path) -> Option<Duration> {
        let secs = *self.positions_secs.get(key)?;
        Duration::try_from_secs_f64(secs).ok()
    }

    /// Remembers where the episode with this key was left.
    pub fn set_position(&mut self, key: &Path, at: Duration) {
        self.positions_secs
            .insert(key.to_path_buf(), at.as_secs_f64());
    }

    /// Clamps values read from an older or edited file into their ranges.
    pub fn sanitized(mut self) -> Self {
        let defaults = Settings::default();
        if !self.font_size_pts.is_finite() {
            self.font_size_pts = defaults.font_size_pts;
        }
        self.font_size_pts = self
            .font_size_pts
            .clamp(*FONT_SIZE_RANGE.start(), *FONT_SIZE_RANGE.end());
        self.speed = if self.speed.is_finite() {
            self.speed
                .clamp(crate::audio::MIN_SPEED, crate::audio::MAX_SPEED)
        } else {
            defaults.speed
        };
        self.volume = if self.volume.is_finite() {
            self.volume.clamp(0.0, 1.0)
        } else {
            defaults.volume
        };
        self.recent.truncate(MAX_RECENT);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_fall_back_to_defaults() {
        let s: Settings = serde_json::from_str(r#"{"speed": 1.5}"#).expect("parse");
        assert_eq!(s.speed, 1.5);
        assert_eq!(s.font_size_pts, Settings::default().font_size_pts);
    }

    #[test]
    fn out_of_range_values_are_clamped() {
        let s = Settings {
            font_size_pts: 500.0,
            speed: f32::NAN,
            volume: -1.0,
            ..Settings::default()
        }
        .sanitized();
        assert_eq!((s.font_size_pts, s.speed, s.volume), (40.0, 1.0, 0.0));
    }

    #[test]
    fn recent_list_is_newest_first_without_repeats() {
        let mut s = Settings::default();
        for name in ["a", "b", "a", "c"] {
            s.remember_recent(Path::new(name));
        }
        assert_eq!(
            s.recent,
            [PathBuf::from("c"), PathBuf::from("a"), PathBuf::from("b")]
        );
    }

    #[test]
    fn positions_round_trip() {
        let mut s = Settings::default();
        s.set_position(Path::new("/x/ep.mp3"), Duration::from_millis(61_500));
        assert_eq!(
            s.position(Path::new("/x/ep.mp3")),
            Some(Duration::from_millis(61_500))
        );
        assert_eq!(s.position(Path::new("/x/other.mp3")), None);
    }
}
