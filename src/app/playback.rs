//! Playback comfort, GUI-free: backing up after a long pause, and the speed steps of `[` and `]`.

use std::time::Duration;

/// A pause longer than this makes resuming back up (see [`back_up_on_resume`]).
pub const LONG_PAUSE: Duration = Duration::from_secs(60);

/// The speeds offered beside the speed slider.
pub const SPEED_PRESETS: [f32; 5] = [1.0, 1.25, 1.5, 1.75, 2.0];

/// The speeds `[` and `]` step through: the presets, and a few beyond them either way.
const SPEED_STEPS: [f32; 9] = [0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0];

/// Two speeds closer than this are the same (a slider's value is a float).
const SAME_SPEED: f32 = 0.01;

/// The choices for how far resuming backs up after a long pause, in seconds (0: off).
pub const BACK_UP_CHOICES_SECS: [u32; 5] = [0, 2, 3, 5, 10];
/// The choices for how far Left skips back, in seconds.
pub const SKIP_BACK_CHOICES_SECS: [u32; 6] = [5, 10, 15, 20, 30, 60];
/// The choices for how far Right skips forward, in seconds.
pub const SKIP_FORWARD_CHOICES_SECS: [u32; 6] = [10, 15, 30, 45, 60, 90];

/// How far to back up when playing resumes after a pause of `paused_for`: `back_up` when the
/// pause was longer than [`LONG_PAUSE`] (a listener coming back has lost the thread of the
/// sentence), else nothing. A `back_up` of zero turns it off.
pub fn back_up_on_resume(paused_for: Duration, back_up: Duration) -> Duration {
    if paused_for > LONG_PAUSE {
        back_up
    } else {
        Duration::ZERO
    }
}

/// Where to resume after a pause of `paused_for` that left the audio at `position`.
pub fn resume_position(position: Duration, paused_for: Duration, back_up: Duration) -> Duration {
    position.saturating_sub(back_up_on_resume(paused_for, back_up))
}

/// The next speed up (`faster`) or down from `speed` in the steps of `[` and `]`; a speed between
/// steps goes to the nearest step in that direction, and the ends stay where they are.
pub fn step_speed(speed: f32, faster: bool) -> f32 {
    let next = if faster {
        SPEED_STEPS.iter().find(|&&s| s > speed + SAME_SPEED)
    } else {
        SPEED_STEPS.iter().rev().find(|&&s| s < speed - SAME_SPEED)
    };
    match next {
        Some(&s) => s,
        None if faster => SPEED_STEPS[SPEED_STEPS.len() - 1].max(speed),
        None => SPEED_STEPS[0].min(speed),
    }
}

/// True when `speed` is `preset` (to the slider's precision).
pub fn is_speed(speed: f32, preset: f32) -> bool {
    (speed - preset).abs() < SAME_SPEED
}

/// A speed as a person reads it: "1×", "1.25×", "1.5×".
pub fn speed_text(speed: f32) -> String {
    let text = format!("{speed:.2}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    format!("{text}×")
}

/// A number of seconds as a menu shows it: "Off" for 0, else "15 s".
pub fn seconds_text(secs: u32) -> String {
    if secs == 0 {
        "Off".to_owned()
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn resuming_backs_up_only_after_a_long_pause() {
        // (position, paused for, back up setting, resumes at)
        let cases = [
            (100.0, 0.0, 3.0, 100.0),
            (100.0, 5.0, 3.0, 100.0),
            (100.0, 60.0, 3.0, 100.0),
            (100.0, 60.001, 3.0, 97.0),
            (100.0, 3600.0, 3.0, 97.0),
            (100.0, 3600.0, 0.0, 100.0),
            (100.0, 3600.0, 10.0, 90.0),
            (1.5, 3600.0, 3.0, 0.0),
            (0.0, 3600.0, 3.0, 0.0),
        ];
        for (at, paused, back, want) in cases {
            assert_eq!(
                resume_position(secs(at), secs(paused), secs(back)),
                secs(want),
                "at {at} s, paused {paused} s, back up {back} s"
            );
        }
    }

    #[test]
    fn brackets_step_through_the_speeds() {
        // (speed, faster, next)
        let cases = [
            (1.0, true, 1.25),
            (1.25, true, 1.5),
            (1.75, true, 2.0),
            (2.0, true, 2.5),
            (3.0, true, 3.0),
            (1.1, true, 1.25),
            (1.245, true, 1.5),
            (1.0, false, 0.75),
            (0.5, false, 0.5),
            (1.1, false, 1.0),
            (2.0, false, 1.75),
            (1.255, false, 1.0),
        ];
        for (speed, faster, want) in cases {
            assert_eq!(step_speed(speed, faster), want, "{speed} faster={faster}");
        }
    }

    #[test]
    fn speeds_and_seconds_read_as_people_write_them() {
        let cases = [
            (1.0, "1×"),
            (1.25, "1.25×"),
            (1.5, "1.5×"),
            (2.0, "2×"),
            (0.75, "0.75×"),
        ];
        for (speed, want) in cases {
            assert_eq!(speed_text(speed), want);
        }
        assert_eq!(seconds_text(0), "Off");
        assert_eq!(seconds_text(15), "15 s");
        assert!(is_speed(1.2500001, 1.25));
        assert!(!is_speed(1.3, 1.25));
    }
}
