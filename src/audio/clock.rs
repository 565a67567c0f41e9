//! Playback clocks: a silent wall-clock timer and the "heard" clock fed by the output callback.

use std::sync::atomic::{AtomicU64, Ordering, fence};
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

/// Anchors kept: one per callback, far more than any output buffer holds.
const ANCHOR_SLOTS: usize = 128;

/// No generation has ended.
const NOT_ENDED: u64 = u64::MAX;

/// One anchor, stored as atomics behind a sequence number (odd while being written).
#[derive(Default)]
struct Slot {
    seq: AtomicU64,
    generation: AtomicU64,
    play_at_nanos: AtomicU64,
    media_start_bits: AtomicU64,
    media_per_sec_bits: AtomicU64,
    media_len_bits: AtomicU64,
}

/// Anchors published by the output callback and read by the UI thread, with no lock and no
/// allocation: one writer (the callback) and any number of readers. Each slot is a sequence
/// lock, so a reader never sees half an anchor, and the writer never waits for a reader.
pub struct AnchorRing {
    /// Instants are stored as nanoseconds since this one.
    origin: Instant,
    slots: Box<[Slot]>,
    /// Anchors published so far.
    written: AtomicU64,
    /// The generation whose source ended once the callback played its end ([`NOT_ENDED`]).
    ended_generation: AtomicU64,
    /// Where that generation ended, in media frames (f64 bits).
    ended_media_bits: AtomicU64,
}

impl Default for AnchorRing {
    fn default() -> Self {
        AnchorRing::new(Instant::now())
    }
}

impl AnchorRing {
    /// An empty ring; `origin` must not be later than any anchor's `play_at`.
    pub fn new(origin: Instant) -> AnchorRing {
        AnchorRing {
            origin,
            slots: (0..ANCHOR_SLOTS).map(|_| Slot::default()).collect(),
            written: AtomicU64::new(0),
            ended_generation: AtomicU64::new(NOT_ENDED),
            ended_media_bits: AtomicU64::new(0),
        }
    }

    /// Publishes an anchor. Only one thread (the callback) may call this.
    pub fn push(&self, anchor: Anchor) {
        let n = self.written.load(Ordering::Relaxed);
        let slot = &self.slots[n as usize % ANCHOR_SLOTS];
        let seq = slot.seq.load(Ordering::Relaxed);
        slot.seq.store(seq.wrapping_add(1), Ordering::Relaxed);
        fence(Ordering::Release);
        let play_at_nanos = anchor
            .play_at
            .saturating_duration_since(self.origin)
            .as_nanos();
        slot.generation.store(anchor.generation, Ordering::Relaxed);
        slot.play_at_nanos.store(
            u64::try_from(play_at_nanos).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        slot.media_start_bits
            .store(anchor.media_start_frames.to_bits(), Ordering::Relaxed);
        slot.media_per_sec_bits
            .store(anchor.media_frames_per_sec.to_bits(), Ordering::Relaxed);
        slot.media_len_bits
            .store(anchor.media_len_frames.to_bits(), Ordering::Relaxed);
        slot.seq.store(seq.wrapping_add(2), Ordering::Release);
        self.written.store(n + 1, Ordering::Release);
    }

    /// Records that `generation`'s source ended at `media_frames` (the callback played it all).
    pub fn set_ended(&self, generation: u64, media_frames: f64) {
        self.ended_media_bits
            .store(media_frames.to_bits(), Ordering::Relaxed);
        self.ended_generation.store(generation, Ordering::Release);
    }

    /// Where `generation`'s source ended, once the callback has played its end.
    pub fn ended(&self, generation: u64) -> Option<f64> {
        (self.ended_generation.load(Ordering::Acquire) == generation)
            .then(|| f64::from_bits(self.ended_media_bits.load(Ordering::Relaxed)))
    }

    /// The anchor in `slot`, or `None` while the writer is changing it.
    fn read(&self, slot: &Slot) -> Option<Anchor> {
        let before = slot.seq.load(Ordering::Acquire);
        if before % 2 == 1 {
            return None;
        }
        let generation = slot.generation.load(Ordering::Relaxed);
        let play_at_nanos = slot.play_at_nanos.load(Ordering::Relaxed);
        let media_start = slot.media_start_bits.load(Ordering::Relaxed);
        let media_per_sec = slot.media_per_sec_bits.load(Ordering::Relaxed);
        let media_len = slot.media_len_bits.load(Ordering::Relaxed);
        fence(Ordering::Acquire);
        if slot.seq.load(Ordering::Relaxed) != before {
            return None;
        }
        Some(Anchor {
            generation,
            play_at: self.origin + Duration::from_nanos(play_at_nanos),
            media_start_frames: f64::from_bits(media_start),
            media_frames_per_sec: f64::from_bits(media_per_sec),
            media_len_frames: f64::from_bits(media_len),
        })
    }

    /// The media frame heard at `now` for `generation`, or `None` if no audio of that
    /// generation has reached the speaker yet.
    pub fn heard_frames(&self, generation: u64, now: Instant) -> Option<f64> {
        let written = self.written.load(Ordering::Acquire);
        let oldest = written.saturating_sub(ANCHOR_SLOTS as u64);
        let anchor = (oldest..written)
            .rev()
            .filter_map(|n| self.read(&self.slots[n as usize % ANCHOR_SLOTS]))
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
        let log = AnchorRing::new(t0);
        log.push(Anchor {
            generation: 1,
            play_at: t0 + Duration::from_millis(50),
            media_start_frames: 1000.0,
            media_frames_per_sec: 1000.0,
            media_len_frames: 10.0,
        });
        assert_eq!(log.heard_frames(1, t0), None);
        assert_eq!(log.heard_frames(2, t0 + Duration::from_secs(1)), None);
        let at = log.heard_frames(1, t0 + Duration::from_millis(55)).unwrap();
        assert!((at - 1005.0).abs() < 1e-6);
        // Clamped to what was handed over (underrun / pause).
        assert_eq!(
            log.heard_frames(1, t0 + Duration::from_secs(5)),
            Some(1010.0)
        );
        assert_eq!(log.ended(1), None);
        log.set_ended(1, 1010.0);
        assert_eq!(log.ended(1), Some(1010.0));
        assert_eq!(log.ended(2), None);
    }

    #[test]
    fn the_newest_audible_anchor_wins_after_the_ring_wraps() {
        let t0 = Instant::now();
        let log = AnchorRing::new(t0);
        let ms = Duration::from_millis;
        for i in 0..(3 * ANCHOR_SLOTS as u64) {
            log.push(Anchor {
                generation: 1 + i / 200,
                play_at: t0 + ms(10 * i),
                media_start_frames: 100.0 * i as f64,
                media_frames_per_sec: 10_000.0,
                media_len_frames: 100.0,
            });
        }
        // Anchor 300 (generation 2) plays at 3.0 s; 5 ms later 50 frames have been heard.
        assert_eq!(log.heard_frames(2, t0 + ms(3005)), Some(30_050.0));
        // Generation 1's anchors were all overwritten.
        assert_eq!(log.heard_frames(1, t0 + ms(3005)), None);
    }

    #[test]
    fn readers_never_see_a_torn_anchor() {
        let t0 = Instant::now();
        let log = std::sync::Arc::new(AnchorRing::new(t0));
        let writer = {
            let log = std::sync::Arc::clone(&log);
            std::thread::spawn(move || {
                for i in 0..200_000u64 {
                    // Every field says the same number, so a mix of two anchors shows.
                    log.push(Anchor {
                        generation: 1,
                        play_at: t0,
                        media_start_frames: i as f64,
                        media_frames_per_sec: 0.0,
                        media_len_frames: i as f64,
                    });
                }
            })
        };
        let mut reads = 0u64;
        while !writer.is_finished() {
            for slot in log.slots.iter() {
                if let Some(a) = log.read(slot) {
                    assert_eq!(a.media_start_frames, a.media_len_frames);
                    reads += 1;
                }
            }
        }
        writer.join().unwrap();
        assert!(reads > 0);
    }
}
