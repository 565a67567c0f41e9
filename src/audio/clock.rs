//! Playback clocks: a silent wall-clock timer and the "heard" clock fed by the output callback.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// A clock that advances at `speed` while running, with no audio behind it. Used when no
/// file is loaded (transcript-only episodes) and when there is no output device. Positions
/// are kept as `Duration`s so that a paused clock reports exactly what it was set to.
#[derive(Clone, Debug)]
pub struct SilentClock {
    base: Duration,
    started: Option<Instant>,
    speed: f64,
}

impl Default for SilentClock {
    fn default() -> Self {
        SilentClock {
            base: Duration::ZERO,
            started: None,
            speed: 1.0,
        }
    }
}

impl SilentClock {
    /// Position in media time at `now`.
    pub fn position(&self, now: Instant) -> Duration {
        match self.started {
            Some(started) => self.base + now.saturating_duration_since(started).mul_f64(self.speed),
            None => self.base,
        }
    }

    /// True while the clock advances.
    pub fn is_running(&self) -> bool {
        self.started.is_some()
    }

    /// Starts advancing from the current position.
    pub fn play(&mut self, now: Instant) {
        if self.started.is_none() {
            self.started = Some(now);
        }
    }

    /// Freezes the position.
    pub fn pause(&mut self, now: Instant) {
        self.base = self.position(now);
        self.started = None;
    }

    /// Jumps to `position`, keeping the running state.
    pub fn seek(&mut self, position: Duration, now: Instant) {
        self.base = position;
        if self.started.is_some() {
            self.started = Some(now);
        }
    }

    /// Changes the rate (media seconds per wall second) without a jump.
    pub fn set_speed(&mut self, speed: f64, now: Instant) {
        self.base = self.position(now);
        if self.started.is_some() {
            self.started = Some(now);
        }
        self.speed = speed;
    }
}

/// One output callback's worth of audio, as it will reach the listener.
#[derive(Clone, Copy, Debug)]
pub struct Anchor {
    /// Seek generation the audio belongs to.
    pub generation: u64,
    /// When the first media frame of this callback reaches the speaker.
    pub play_at: Instant,
    /// Media frame (fractional, source sample rate) heard at `play_at`.
    pub media_start_frames: f64,
    /// Media frames heard per wall-clock second (source rate x speed).
    pub media_frames_per_sec: f64,
    /// Media frames covered by this callback.
    pub media_len_frames: f64,
}

/// Recent anchors published by the audio callback, read by the UI thread.
#[derive(Debug, Default)]
pub struct AnchorLog {
    anchors: VecDeque<Anchor>,
    /// `(generation, media frame)` where the source ended, once the callback has played it.
    pub ended: Option<(u64, f64)>,
}

/// Upper bound on anchors kept (each is one callback; far more than any output buffer holds).
const ANCHOR_CAPACITY: usize = 512;

impl AnchorLog {
    /// Appends an anchor. Anchors already superseded at `now` (an older anchor when a newer
    /// one is already audible) are dropped, so the log only spans the audio still buffered.
    pub fn push(&mut self, anchor: Anchor, now: Instant) {
        while self.anchors.len() >= 2 && self.anchors[1].play_at <= now {
            self.anchors.pop_front();
        }
        if self.anchors.len() >= ANCHOR_CAPACITY {
            self.anchors.pop_front();
        }
        self.anchors.push_back(anchor);
    }

    /// Copies `other`'s content into `self` (used to publish without allocating).
    pub fn copy_from(&mut self, other: &AnchorLog) {
        self.anchors.clear();
        self.anchors.extend(other.anchors.iter().copied());
        self.ended = other.ended;
    }

    /// The media frame heard at `now` for `generation`, or `None` if no audio of that
    /// generation has reached the speaker yet.
    pub fn heard_frames(&self, generation: u64, now: Instant) -> Option<f64> {
        let anchor = self
            .anchors
            .iter()
            .rev()
            .find(|a| a.generation == generation && a.play_at <= now)?;
        let elapsed_secs = now.saturating_duration_since(anchor.play_at).as_secs_f64();
        let advanced = (elapsed_secs * anchor.media_frames_per_sec).min(anchor.media_len_frames);
        Some(anchor.media_start_frames + advanced)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silent_clock_runs_at_speed() {
        let t0 = Instant::now();
        let mut clock = SilentClock::default();
        clock.play(t0);
        assert_eq!(
            clock.position(t0 + Duration::from_secs(2)),
            Duration::from_secs(2)
        );
        clock.set_speed(2.0, t0 + Duration::from_secs(2));
        assert_eq!(
            clock.position(t0 + Duration::from_secs(3)),
            Duration::from_secs(4)
        );
        clock.pause(t0 + Duration::from_secs(3));
        assert_eq!(
            clock.position(t0 + Duration::from_secs(10)),
            Duration::from_secs(4)
        );
        let to = Duration::new(1, 123_456_789);
        clock.seek(to, t0 + Duration::from_secs(10));
        assert_eq!(clock.position(t0 + Duration::from_secs(11)), to);
    }

    #[test]
    fn anchors_interpolate_and_clamp() {
        let t0 = Instant::now();
        let mut log = AnchorLog::default();
        log.push(
            Anchor {
                generation: 1,
                play_at: t0 + Duration::from_millis(50),
                media_start_frames: 1000.0,
                media_frames_per_sec: 1000.0,
                media_len_frames: 10.0,
            },
            t0,
        );
        assert_eq!(log.heard_frames(1, t0), None);
        assert_eq!(log.heard_frames(2, t0 + Duration::from_secs(1)), None);
        let at = log.heard_frames(1, t0 + Duration::from_millis(55)).unwrap();
        assert!((at - 1005.0).abs() < 1e-6);
        // Clamped to what was handed over (underrun / pause).
        assert_eq!(
            log.heard_frames(1, t0 + Duration::from_secs(5)),
            Some(1010.0)
        );
    }
}
