//! Small shared definitions of the audio core: frame <-> time conversions, channel names and the
//! speed range.

use std::ops::RangeInclusive;
use std::time::Duration;

/// Slowest supported speed.
pub const MIN_SPEED: f32 = 0.5;
/// Fastest supported speed.
pub const MAX_SPEED: f32 = 3.0;
/// The supported speeds, for sliders and argument checks.
pub const SPEED_RANGE: RangeInclusive<f32> = MIN_SPEED..=MAX_SPEED;

/// A requested speed within [`SPEED_RANGE`]; anything not a number plays at 1x.
pub fn clamp_speed(speed: f32) -> f32 {
    if speed.is_finite() {
        speed.clamp(MIN_SPEED, MAX_SPEED)
    } else {
        1.0
    }
}

/// A requested volume within 0..=1; anything not a number plays at full volume.
pub fn clamp_volume(volume: f32) -> f32 {
    if volume.is_finite() {
        volume.clamp(0.0, 1.0)
    } else {
        1.0
    }
}

/// Converts a frame count to a duration.
pub fn frames_to_duration(frames: u64, sample_rate_hz: u32) -> Duration {
    let rate = u64::from(sample_rate_hz.max(1));
    Duration::new(
        frames / rate,
        ((frames % rate) * 1_000_000_000 / rate) as u32,
    )
}

/// Converts a duration to a frame index (rounded to the nearest frame).
pub fn duration_to_frames(duration: Duration, sample_rate_hz: u32) -> u64 {
    let nanos = duration.as_nanos();
    ((nanos * u128::from(sample_rate_hz) + 500_000_000) / 1_000_000_000) as u64
}

/// "mono", "stereo" or "N ch", for format descriptions.
pub fn channels_name(channels: u16) -> String {
    match channels {
        1 => "mono".to_string(),
        2 => "stereo".to_string(),
        n => format!("{n} ch"),
    }
}

/// "44.1 kHz", for format descriptions.
pub fn rate_name(sample_rate_hz: u32) -> String {
    format!("{} kHz", f64::from(sample_rate_hz) / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_round_trip() {
        let cases: &[(u64, u32, Duration)] = &[
            (0, 44_100, Duration::ZERO),
            (44_100, 44_100, Duration::from_secs(1)),
            (22_050, 44_100, Duration::from_millis(500)),
            (48_001, 48_000, Duration::new(1, 20_833)),
        ];
        for &(frames, rate, duration) in cases {
            assert_eq!(
                frames_to_duration(frames, rate),
                duration,
                "{frames} @ {rate}"
            );
            assert_eq!(
                duration_to_frames(duration, rate),
                frames,
                "{duration:?} @ {rate}"
            );
        }
    }

    #[test]
    fn limits() {
        assert_eq!(clamp_speed(0.1), MIN_SPEED);
        assert_eq!(clamp_speed(9.0), MAX_SPEED);
        assert_eq!(clamp_speed(f32::NAN), 1.0);
        assert_eq!(clamp_volume(-1.0), 0.0);
        assert_eq!(clamp_volume(f32::INFINITY), 1.0);
        assert_eq!(channels_name(6), "6 ch");
        assert_eq!(rate_name(22_050), "22.05 kHz");
    }
}
