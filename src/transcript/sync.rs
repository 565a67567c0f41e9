//! The map from a transcript's times to the listener's audio: an offset plus sync points, so the
//! line lit is the line heard even when the audio is another edition (ads inserted or cut).
//!
//! - With no sync points, audio time = transcript time + the offset.
//! - A sync point ties a transcript time to an audio time. Before the first point and after the
//!   last one the map shifts by that point's own offset.
//! - Between two points whose audio span is longer than their transcript span by more than
//!   [`GAP_MIN`] (an inserted ad), the transcript keeps the earlier point's offset and the extra
//!   audio, just before the later point, is a gap that no line covers: the later point is the
//!   first line heard after the ad. Any other span is interpolated linearly (a small drift, or
//!   audio that was cut).
//! - The offset shifts everything, sync points included.
//!
//! Times are computed in signed nanoseconds, so a map may move a cue before the audio starts.
//! `to_audio` rounds up and `to_transcript` rounds down, so a cue's mapped start maps back to (at
//! least) the cue's own start and lights that cue, never the one before.

use std::time::Duration;

use thiserror::Error;

use super::model::Transcript;

/// Extra audio between two sync points beyond this is a gap (an ad), not a drift to spread out.
pub const GAP_MIN: Duration = Duration::from_secs(1);

/// One transcript time tied to the audio time where it is heard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SyncPoint {
    /// The time in the transcript (a line's start).
    pub transcript: Duration,
    /// Where that time is heard in the audio, before the map's offset is added.
    pub audio: Duration,
}

/// Why sync points cannot make a map.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum SyncError {
    /// Two points in transcript order whose audio times do not increase, or two points at the
    /// same transcript time.
    #[error(
        "the sync points go backwards: transcript {first_transcript_ms} ms -> audio {first_audio_ms} ms \
         is followed by transcript {second_transcript_ms} ms -> audio {second_audio_ms} ms"
    )]
    Backwards {
        /// The earlier point's transcript time.
        first_transcript_ms: u128,
        /// The earlier point's audio time.
        first_audio_ms: u128,
        /// The later point's transcript time.
        second_transcript_ms: u128,
        /// The later point's audio time.
        second_audio_ms: u128,
    },
}

/// A monotonic map from transcript time to audio time and back. The default is the identity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncMap {
    offset_ms: i64,
    points: Vec<SyncPoint>,
}

/// The map that changes nothing, for places that need one by reference.
pub static IDENTITY: SyncMap = SyncMap {
    offset_ms: 0,
    points: Vec::new(),
};

fn nanos(d: Duration) -> i128 {
    d.as_nanos() as i128
}

fn duration(nanos: i128) -> Option<Duration> {
    let nanos = u64::try_from(nanos).ok()?;
    Some(Duration::from_nanos(nanos))
}

/// `a * b / c`, rounded up (for positive `c`).
fn mul_div_ceil(a: i128, b: i128, c: i128) -> i128 {
    (a * b).div_euclid(c) + i128::from((a * b).rem_euclid(c) != 0)
}

impl SyncMap {
    /// A map with `offset_ms` added to every time and the given sync points, sorted by transcript
    /// time. Points must go forward in both transcript and audio time.
    pub fn new(offset_ms: i64, mut points: Vec<SyncPoint>) -> Result<SyncMap, SyncError> {
        points.sort_by_key(|p| p.transcript);
        if let Some(w) = points
            .windows(2)
            .find(|w| w[1].transcript <= w[0].transcript || w[1].audio <= w[0].audio)
        {
            return Err(SyncError::Backwards {
                first_transcript_ms: w[0].transcript.as_millis(),
                first_audio_ms: w[0].audio.as_millis(),
                second_transcript_ms: w[1].transcript.as_millis(),
                second_audio_ms: w[1].audio.as_millis(),
            });
        }
        Ok(SyncMap { offset_ms, points })
    }

    /// True when the map changes nothing.
    pub fn is_identity(&self) -> bool {
        self.offset_ms == 0 && self.points.iter().all(|p| p.transcript == p.audio)
    }

    /// The offset added to every time, in milliseconds (negative: the audio is earlier).
    pub fn offset_ms(&self) -> i64 {
        self.offset_ms
    }

    /// The sync points, in transcript order.
    pub fn points(&self) -> &[SyncPoint] {
        &self.points
    }

    /// The same map with another offset.
    pub fn with_offset_ms(&self, offset_ms: i64) -> SyncMap {
        SyncMap {
            offset_ms,
            points: self.points.clone(),
        }
    }

    /// The same map with `transcript` heard at `heard` (an audio time, offset included). A point
    /// at the same transcript time is replaced, and points that would make the map go backwards
    /// are dropped: the newest point wins. Returns the map and how many points were dropped.
    pub fn with_heard_point(&self, transcript: Duration, heard: Duration) -> (SyncMap, usize) {
        let audio_nanos = nanos(heard) - i128::from(self.offset_ms) * 1_000_000;
        // A point before the audio's start (after the offset) is kept at the start.
        let audio = duration(audio_nanos).unwrap_or_default();
        let before = self.points.len();
        let mut points: Vec<SyncPoint> = self
            .points
            .iter()
            .copied()
            .filter(|p| {
                (p.transcript < transcript && p.audio < audio)
                    || (p.transcript > transcript && p.audio > audio)
            })
            .collect();
        let kept = points.len();
        points.push(SyncPoint { transcript, audio });
        points.sort_by_key(|p| p.transcript);
        let replaced = usize::from(self.points.iter().any(|p| p.transcript == transcript));
        let dropped = before - kept - replaced;
        (
            SyncMap {
                offset_ms: self.offset_ms,
                points,
            },
            dropped,
        )
    }

    /// The same map without sync point `index` (no change when there is none).
    pub fn without_point(&self, index: usize) -> SyncMap {
        let mut points = self.points.clone();
        if index < points.len() {
            points.remove(index);
        }
        SyncMap {
            offset_ms: self.offset_ms,
            points,
        }
    }

    /// How far the audio is from the transcript at sync point `index` (offset included), in
    /// milliseconds: positive when the line is heard later than the transcript says.
    pub fn point_shift_ms(&self, index: usize) -> Option<i64> {
        let p = self.points.get(index)?;
        let shift_nanos = nanos(p.audio) - nanos(p.transcript);
        Some(i64::try_from(shift_nanos / 1_000_000).unwrap_or(0) + self.offset_ms)
    }

    fn offset_nanos(&self) -> i128 {
        i128::from(self.offset_ms) * 1_000_000
    }

    /// True when the audio between points `i` and `i + 1` is longer than their transcript span by
    /// more than [`GAP_MIN`]. Returns the two spans in nanoseconds.
    fn segment(&self, i: usize) -> Option<(SyncPoint, SyncPoint, i128, i128, bool)> {
        let (a, b) = (*self.points.get(i)?, *self.points.get(i + 1)?);
        let transcript_span = nanos(b.transcript) - nanos(a.transcript);
        let audio_span = nanos(b.audio) - nanos(a.audio);
        let gap = audio_span - transcript_span > nanos(GAP_MIN);
        Some((a, b, transcript_span, audio_span, gap))
    }

    /// The audio time of transcript time `t`, in signed nanoseconds (it may fall before 0).
    fn to_audio_nanos(&self, t: Duration) -> i128 {
        let t_nanos = nanos(t);
        let k = self.points.partition_point(|p| p.transcript <= t);
        let mapped = match (k, self.points.len()) {
            (_, 0) => t_nanos,
            (0, _) => t_nanos + nanos(self.points[0].audio) - nanos(self.points[0].transcript),
            (k, n) if k == n => {
                let last = self.points[n - 1];
                t_nanos + nanos(last.audio) - nanos(last.transcript)
            }
            (k, _) => match self.segment(k - 1) {
                Some((a, _, t_span, a_span, gap)) => {
                    let into = t_nanos - nanos(a.transcript);
                    let along = if gap {
                        into
                    } else {
                        mul_div_ceil(into, a_span, t_span)
                    };
                    nanos(a.audio) + along
                }
                None => t_nanos,
            },
        };
        mapped + self.offset_nanos()
    }

    /// Where transcript time `t` is heard in the audio; `None` when the map moves it before the
    /// audio starts.
    pub fn to_audio(&self, t: Duration) -> Option<Duration> {
        duration(self.to_audio_nanos(t))
    }

    /// The transcript time heard at audio time `heard`; `None` before the transcript's time 0 and
    /// in a gap (audio that is not in the transcript, such as an inserted ad).
    pub fn to_transcript(&self, heard: Duration) -> Option<Duration> {
        let a_nanos = nanos(heard) - self.offset_nanos();
        let k = self.points.partition_point(|p| nanos(p.audio) <= a_nanos);
        let mapped = match (k, self.points.len()) {
            (_, 0) => a_nanos,
            (0, _) => a_nanos - nanos(self.points[0].audio) + nanos(self.points[0].transcript),
            (k, n) if k == n => {
                let last = self.points[n - 1];
                a_nanos - nanos(last.audio) + nanos(last.transcript)
            }
            (k, _) => {
                let (a, _, t_span, a_span, gap) = self.segment(k - 1)?;
                let into = a_nanos - nanos(a.audio);
                if gap && into >= t_span {
                    return None;
                }
                let along = if gap {
                    into
                } else {
                    (into * t_span).div_euclid(a_span)
                };
                nanos(a.transcript) + along
            }
        };
        duration(mapped)
    }

    /// The audio spans no line covers (inserted ads), in order: start and end, offset included.
    pub fn gaps(&self) -> Vec<(Duration, Duration)> {
        (0..self.points.len().saturating_sub(1))
            .filter_map(|i| {
                let (a, b, t_span, _, gap) = self.segment(i)?;
                if !gap {
                    return None;
                }
                let start = duration(nanos(a.audio) + t_span + self.offset_nanos());
                let end = duration(nanos(b.audio) + self.offset_nanos())?;
                Some((start.unwrap_or_default(), end))
            })
            .collect()
    }

    /// The cue heard at audio time `heard`: none in a gap or before the first cue.
    pub fn cue_at(&self, transcript: &Transcript, heard: Duration) -> Option<usize> {
        transcript.cue_at(self.to_transcript(heard)?)
    }

    /// Where cue `index` starts in the audio (the audio's start when the map moves it before).
    pub fn cue_start(&self, transcript: &Transcript, index: usize) -> Option<Duration> {
        let cue = transcript.cues.get(index)?;
        Some(self.to_audio(cue.start).unwrap_or_default())
    }

    /// How many cues start at or before audio time `heard` (cue starts are mapped in order).
    pub fn cues_started(&self, transcript: &Transcript, heard: Duration) -> usize {
        let heard_nanos = nanos(heard);
        transcript
            .cues
            .partition_point(|c| self.to_audio_nanos(c.start) <= heard_nanos)
    }

    /// The transcript with every time moved into the audio: cues, ends and words. A cue moved
    /// before the audio starts is dropped; an end or word moved before it is clamped to 0.
    pub fn apply(&self, transcript: &Transcript) -> Transcript {
        let map = |d: Duration| self.to_audio(d).unwrap_or_default();
        let cues = transcript
            .cues
            .iter()
            .filter(|c| self.to_audio(c.start).is_some())
            .map(|c| {
                let mut cue = c.clone();
                cue.start = map(c.start);
                cue.end = c.end.map(map).filter(|&end| end > cue.start);
                for word in &mut cue.words {
                    word.start = map(word.start);
                    word.end = word.end.map(map);
                }
                cue
            })
            .collect();
        Transcript {
            cues,
            ..transcript.clone()
        }
    }
}

/// Audio and transcript lengths further apart than this get a warning.
pub const LENGTH_LIMIT: Duration = Duration::from_secs(120);

/// The length of the audio against the transcript's last cue, as a warning for the status bar
/// when they differ by more than two minutes.
pub fn length_mismatch(transcript: &Transcript, audio_length: Duration) -> Option<String> {
    let last = transcript.cues.len().checked_sub(1)?;
    let transcript_end = transcript
        .cue_end(last, None)
        .unwrap_or(transcript.cues[last].start);
    length_warning(audio_length, transcript_end)
}

/// The warning when `audio_length` and `transcript_end` differ by more than [`LENGTH_LIMIT`].
pub fn length_warning(audio_length: Duration, transcript_end: Duration) -> Option<String> {
    let (more, word) = if audio_length > transcript_end {
        (audio_length - transcript_end, "longer")
    } else {
        (transcript_end - audio_length, "shorter")
    };
    if more <= LENGTH_LIMIT {
        return None;
    }
    let secs = more.as_secs();
    let amount = if secs >= 3600 {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    } else {
        format!("{}:{:02}", secs / 60, secs % 60)
    };
    let advice = if word == "longer" {
        "ads may have been inserted"
    } else {
        "parts may have been cut"
    };
    Some(format!(
        "audio is {amount} {word} than the transcript: {advice}. Sync a line to line them up"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::model::{Cue, Format};

    fn ms(v: u64) -> Duration {
        Duration::from_millis(v)
    }

    fn point(transcript_ms: u64, audio_ms: u64) -> SyncPoint {
        SyncPoint {
            transcript: ms(transcript_ms),
            audio: ms(audio_ms),
        }
    }

    fn map(offset_ms: i64, points: &[(u64, u64)]) -> SyncMap {
        SyncMap::new(
            offset_ms,
            points.iter().map(|&(t, a)| point(t, a)).collect(),
        )
        .expect("a valid map")
    }

    fn transcript(starts_ms: &[u64]) -> Transcript {
        Transcript {
            title: None,
            format: Format::WebVtt,
            cues: starts_ms
                .iter()
                .map(|&s| Cue {
                    start: ms(s),
                    text: format!("at {s}"),
                    ..Cue::default()
                })
                .collect(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn points_that_go_backwards_are_refused() {
        let cases: [(&[(u64, u64)], bool); 6] = [
            (&[], true),
            (&[(10_000, 12_000)], true),
            (&[(10_000, 12_000), (20_000, 52_000)], true),
            // Given out of order, sorted by transcript time: still forward.
            (&[(20_000, 52_000), (10_000, 12_000)], true),
            (&[(10_000, 12_000), (20_000, 11_000)], false),
            (&[(10_000, 12_000), (10_000, 15_000)], false),
        ];
        for (points, ok) in cases {
            let got = SyncMap::new(0, points.iter().map(|&(t, a)| point(t, a)).collect());
            assert_eq!(got.is_ok(), ok, "{points:?}: {got:?}");
        }
        let err = SyncMap::new(0, vec![point(10_000, 12_000), point(20_000, 12_000)])
            .expect_err("backwards");
        assert!(err.to_string().contains("go backwards"), "{err}");
    }

    #[test]
    fn transcript_times_map_to_audio() {
        let none = map(0, &[]);
        let offset = map(-1500, &[]);
        // An ad of 30 s inserted between 10 s and 20 s of the transcript.
        let ad = map(0, &[(10_000, 10_000), (20_000, 50_000)]);
        // Audio 5 s shorter than the transcript between the points: spread out.
        let cut = map(0, &[(10_000, 12_000), (30_000, 27_000)]);
        // A small drift (under GAP_MIN) is interpolated too.
        let drift = map(0, &[(0, 0), (100_000, 100_500)]);
        let with_offset = map(1000, &[(10_000, 10_000), (20_000, 50_000)]);
        let cases: [(&SyncMap, u64, Option<u64>); 17] = [
            (&none, 0, Some(0)),
            (&none, 7_250, Some(7_250)),
            (&offset, 1_500, Some(0)),
            (&offset, 1_000, None),
            (&offset, 9_000, Some(7_500)),
            // Before the first point and after the last, each point's own shift.
            (&cut, 0, Some(2_000)),
            (&cut, 40_000, Some(37_000)),
            (&ad, 5_000, Some(5_000)),
            // Between the ad's points the earlier offset holds; the later point is exact.
            (&ad, 15_000, Some(15_000)),
            (&ad, 19_999, Some(19_999)),
            (&ad, 20_000, Some(50_000)),
            (&ad, 25_000, Some(55_000)),
            // Interpolation: 20 s of transcript in 15 s of audio.
            (&cut, 20_000, Some(19_500)),
            (&cut, 30_000, Some(27_000)),
            (&drift, 50_000, Some(50_250)),
            (&with_offset, 15_000, Some(16_000)),
            (&with_offset, 20_000, Some(51_000)),
        ];
        for (i, (m, t, want)) in cases.into_iter().enumerate() {
            assert_eq!(m.to_audio(ms(t)), want.map(ms), "case {i}: {t} ms in {m:?}");
        }
    }

    #[test]
    fn audio_times_map_back_and_gaps_light_nothing() {
        let ad = map(0, &[(10_000, 10_000), (20_000, 50_000)]);
        let cut = map(0, &[(10_000, 12_000), (30_000, 27_000)]);
        let offset = map(2000, &[]);
        let cases: [(&SyncMap, u64, Option<u64>); 12] = [
            (&ad, 5_000, Some(5_000)),
            (&ad, 15_000, Some(15_000)),
            (&ad, 19_999, Some(19_999)),
            // The 30 s of audio the transcript does not have.
            (&ad, 20_000, None),
            (&ad, 35_000, None),
            (&ad, 49_999, None),
            (&ad, 50_000, Some(20_000)),
            (&ad, 60_000, Some(30_000)),
            (&cut, 19_500, Some(20_000)),
            (&cut, 1_000, None),
            (&offset, 1_999, None),
            (&offset, 2_500, Some(500)),
        ];
        for (i, (m, a, want)) in cases.into_iter().enumerate() {
            assert_eq!(m.to_transcript(ms(a)), want.map(ms), "case {i}: {a} ms");
        }
        assert_eq!(ad.gaps(), [(ms(20_000), ms(50_000))]);
        assert_eq!(cut.gaps(), []);
    }

    #[test]
    fn a_cue_s_mapped_start_lights_that_cue() {
        let t = transcript(&[1_000, 4_333, 9_999, 12_001, 17_777, 25_000, 31_013]);
        let maps = [
            map(0, &[]),
            map(-700, &[]),
            map(0, &[(4_333, 4_000), (12_001, 42_500)]),
            map(0, &[(1_000, 3_000), (31_013, 29_001)]),
            map(250, &[(0, 0), (17_777, 17_000), (25_000, 25_001)]),
        ];
        for m in &maps {
            for i in 0..t.cues.len() {
                let Some(start) = m.to_audio(t.cues[i].start) else {
                    continue;
                };
                assert_eq!(m.cue_at(&t, start), Some(i), "cue {i} in {m:?}");
                assert_eq!(m.cues_started(&t, start), i + 1, "cue {i} in {m:?}");
            }
        }
    }

    #[test]
    fn a_heard_point_replaces_points_that_disagree() {
        let m = map(500, &[(10_000, 10_000), (20_000, 50_000), (40_000, 70_000)]);
        // Heard at 60.5 s with a 500 ms offset: tied to audio 60 s.
        let (added, dropped) = m.with_heard_point(ms(30_000), ms(60_500));
        assert_eq!(added.points()[2], point(30_000, 60_000));
        assert_eq!((added.points().len(), dropped), (4, 0));
        assert_eq!(added.to_audio(ms(30_000)), Some(ms(60_500)));
        // The same line again replaces its point.
        let (again, dropped) = added.with_heard_point(ms(30_000), ms(61_500));
        assert_eq!((again.points().len(), dropped), (4, 0));
        // A point before an earlier point's audio drops that point and the ones in its way.
        let (back, dropped) = m.with_heard_point(ms(30_000), ms(9_500));
        assert_eq!(back.points(), [point(30_000, 9_000), point(40_000, 70_000)]);
        assert_eq!(dropped, 2);
        assert_eq!(back.without_point(0).points(), [point(40_000, 70_000)]);
        assert_eq!(m.point_shift_ms(1), Some(30_500));
    }

    #[test]
    fn apply_moves_cues_and_drops_those_before_the_start() {
        let mut t = transcript(&[500, 2_000, 5_000]);
        t.cues[0].end = Some(ms(1_900));
        t.cues[1].end = Some(ms(4_000));
        let moved = map(-1_000, &[]).apply(&t);
        let starts: Vec<Duration> = moved.cues.iter().map(|c| c.start).collect();
        assert_eq!(starts, [ms(1_000), ms(4_000)]);
        assert_eq!(moved.cues[0].end, Some(ms(3_000)));
        assert_eq!(moved.cues[0].text, "at 2000");
    }

    #[test]
    fn lengths_that_differ_by_more_than_two_minutes_are_told() {
        let t = transcript(&[0, 600_000]);
        let cases = [
            (605_000, None),
            (720_000, None),
            (
                792_000,
                Some(
                    "audio is 3:12 longer than the transcript: ads may have been inserted. Sync a line to line them up",
                ),
            ),
            (
                400_000,
                Some(
                    "audio is 3:20 shorter than the transcript: parts may have been cut. Sync a line to line them up",
                ),
            ),
        ];
        for (audio_ms, want) in cases {
            assert_eq!(
                length_mismatch(&t, ms(audio_ms)).as_deref(),
                want,
                "{audio_ms}"
            );
        }
    }
}
