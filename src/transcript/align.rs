//! Automatic alignment ("Suggest sync points"): from 10 ms frame energies of the listener's audio
//! and the transcript's cue times, find the blocks inserted into the audio (ads) and the sync
//! points that would line the transcript up again. Pure: no UI, audio or file I/O.
//!
//! A port of the `dp` approach of `scripts/align-experiment.py`, with the same parameters (its
//! docstring and BENCHMARKS.md, "Automatic alignment", say how they were chosen):
//! - Voice activity per 10 ms frame: energy above p10 + 0.3 (p90 - p10) of the episode's frame
//!   energies (in dB), then pauses shorter than 120 ms filled and speech shorter than 50 ms
//!   dropped (runs touching either end are left alone).
//! - Each cue at each offset `d` (in frames) scores, as log-likelihood ratios, its frames as
//!   speech ([`GUARD_FRAMES`] left out at each edge) and up to [`GAP_WIN_FRAMES`] of the pause
//!   on each side (half the pause at most) as silence. Frames outside the audio score 0.
//! - A dynamic programme over cues picks one offset per cue, never decreasing; an increase of at
//!   least [`MIN_JUMP_FRAMES`] is an inserted block and costs [`JUMP_PENALTY`] nats. The pause
//!   that holds a block only needs to be silent between the cue and the block.
//! - Each run of cues sharing an offset is centred on the plateau of its evidence.
//!
//! Memory: the offsets range over the audio's extra length (audio minus the transcript's last
//! cue end, plus 2 s each side), `D` offsets. Per-cue score arrays are computed one cue at a time
//! and dropped; backtracking keeps two bits per (cue, offset): "the best path here came by a
//! jump", and "the running maximum a jump comes from is reached anew here" (its argmax). For a
//! one-hour episode with 1000 cues and 5 minutes of ads that is 2 x 1000 x 30 400 bits, under
//! 8 MB. Inputs with more than [`MAX_CELLS`] (cue, offset) pairs are refused rather than
//! allocated.

use std::time::Duration;

use super::model::Transcript;
use super::sync::SyncPoint;

/// Frames per second of the voice activity and the offsets (10 ms frames).
pub const FRAMES_PER_SEC: i64 = 100;
/// The assumed error rate of the voice detector, in the scores.
pub const VAD_ERR: f64 = 0.03;
/// Frames this close to a cue's edge are not scored (0.1 s): transcript times are not exact.
pub const GUARD_FRAMES: i64 = 10;
/// At most this much of a pause is scored on each side of a cue (0.5 s).
pub const GAP_WIN_FRAMES: i64 = 50;
/// The pause before the first cue and after the last count as this long (2 s); also how far
/// offsets reach past the audio at each end.
pub const EDGE_FRAMES: i64 = 200;
/// The smallest inserted block considered (3 s).
pub const MIN_JUMP_FRAMES: i64 = 300;
/// The evidence an inserted block must buy, in nats.
pub const JUMP_PENALTY: f64 = 80.0;
/// Pauses shorter than this are filled (120 ms).
pub const FILL_SILENCE_FRAMES: usize = 12;
/// Speech runs shorter than this are dropped (50 ms).
pub const DROP_SPEECH_FRAMES: usize = 5;
/// The speech threshold: this far from the 10th to the 90th percentile of frame energies.
pub const ENERGY_FRAC: f64 = 0.3;
/// The plateau search around each run's offset (0.3 s).
pub const REFINE_FRAMES: i64 = 30;
/// A first cue heard later than this (0.5 s) has a block before it (a pre-roll).
pub const PRE_ROLL_MIN_FRAMES: i64 = 50;
/// The most (cue, offset) pairs the programme takes on (two bits each: 2^31 pairs are 512 MiB).
pub const MAX_CELLS: u64 = 1 << 31;

/// The energy of one frame of samples, in dB: `10 log10(mean(x²) + 1e-12)`.
pub fn energy_db(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return -120.0;
    }
    let sum: f64 = samples.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    10.0 * (sum / samples.len() as f64 + 1e-12).log10()
}

/// The `p`th percentile of `sorted` (ascending), interpolated linearly as numpy does.
fn percentile(sorted: &[f64], p: f64) -> f64 {
    let Some(&last) = sorted.last() else {
        return 0.0;
    };
    let pos = p / 100.0 * (sorted.len() - 1) as f64;
    let lo = pos.floor() as usize;
    if lo + 1 >= sorted.len() {
        return last;
    }
    let frac = pos - lo as f64;
    sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac
}

/// Speech (true) or not, per frame, from frame energies in dB: the threshold, then the smoothing.
pub fn speech_flags(energies_db: &[f64]) -> Vec<bool> {
    let mut sorted: Vec<f64> = energies_db.to_vec();
    sorted.sort_by(f64::total_cmp);
    let floor = percentile(&sorted, 10.0);
    let peak = percentile(&sorted, 90.0);
    let threshold = floor + ENERGY_FRAC * (peak - floor);
    let mut flags: Vec<bool> = energies_db.iter().map(|&db| db > threshold).collect();
    smooth(&mut flags);
    flags
}

/// Fills pauses shorter than [`FILL_SILENCE_FRAMES`], then drops speech runs shorter than
/// [`DROP_SPEECH_FRAMES`]; runs touching either end are left alone.
pub fn smooth(flags: &mut [bool]) {
    for (value, max_len) in [(false, FILL_SILENCE_FRAMES), (true, DROP_SPEECH_FRAMES)] {
        let n = flags.len();
        let mut i = 0;
        while i < n {
            if flags[i] != value {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < n && flags[j] == value {
                j += 1;
            }
            if i > 0 && j < n && j - i < max_len {
                flags[i..j].fill(!value);
            }
            i = j;
        }
    }
}

/// A cue's start and end in the transcript.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CueSpan {
    /// When the cue starts.
    pub start: Duration,
    /// When it ends.
    pub end: Duration,
}

/// Each cue's start and end; a cue without an end ends where the next starts (the last one
/// where it starts).
pub fn cue_spans(transcript: &Transcript) -> Vec<CueSpan> {
    (0..transcript.cues.len())
        .map(|i| {
            let start = transcript.cues[i].start;
            CueSpan {
                start,
                end: transcript.cue_end(i, None).unwrap_or(start).max(start),
            }
        })
        .collect()
}

/// A time as a frame index, rounded half to even (as the experiment's Python `round`).
fn to_frame(t: Duration) -> i64 {
    let secs = t.as_nanos() as f64 / 1e9;
    (secs * FRAMES_PER_SEC as f64).round_ties_even() as i64
}

/// A block of audio the transcript does not have, found before cue `before_cue`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// The cue heard first after the block (0: a pre-roll before the first cue).
    pub before_cue: usize,
    /// How long the block is, in 10 ms frames.
    pub length_frames: i64,
}

impl Block {
    /// The block's length.
    pub fn length(&self) -> Duration {
        frames_to_duration(self.length_frames)
    }
}

/// A frame count (or signed time) as a duration, 0 when negative.
fn frames_to_duration(frames: i64) -> Duration {
    Duration::from_millis(u64::try_from(frames * (1000 / FRAMES_PER_SEC)).unwrap_or(0))
}

/// What the aligner found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Alignment {
    /// The offset of each cue (audio time - transcript time), in 10 ms frames; never decreasing.
    pub offsets_frames: Vec<i64>,
    /// The blocks found, in order: one per increase of the offset (and a pre-roll when the first
    /// cue is heard more than 0.5 s late).
    pub blocks: Vec<Block>,
}

/// Why the aligner cannot run.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AlignError {
    /// No cues, or no audio frames.
    #[error("nothing to align: the transcript has no lines or the audio is empty")]
    Empty,
    /// The audio is shorter than the transcript by more than the 2 s the offsets allow.
    #[error("the audio is shorter than the transcript: no inserted blocks to find")]
    AudioShorter,
    /// Too many cues times offsets.
    #[error("the audio is too much longer than the transcript to search for blocks")]
    TooLarge,
}

/// Prefix sums of the per-frame scores; frames outside the audio score 0.
struct Evidence {
    /// `cue[k]`: the sum of the first `k` frames' "speech expected" scores.
    cue: Vec<f64>,
    /// `gap[k]`: the same for "pause expected".
    gap: Vec<f64>,
}

impl Evidence {
    fn new(flags: &[bool]) -> Evidence {
        let speech = flags.iter().filter(|&&v| v).count() as f64 / flags.len().max(1) as f64;
        let m = speech.clamp(0.05, 0.95);
        let e = VAD_ERR;
        let (cue_yes, cue_no) = (((1.0 - e) / m).ln(), (e / (1.0 - m)).ln());
        let (gap_yes, gap_no) = ((e / m).ln(), ((1.0 - e) / (1.0 - m)).ln());
        let mut cue = Vec::with_capacity(flags.len() + 1);
        let mut gap = Vec::with_capacity(flags.len() + 1);
        let (mut c, mut g) = (0.0, 0.0);
        cue.push(c);
        gap.push(g);
        for &v in flags {
            c += if v { cue_yes } else { cue_no };
            g += if v { gap_yes } else { gap_no };
            cue.push(c);
            gap.push(g);
        }
        Evidence { cue, gap }
    }

    fn at(sums: &[f64], x: i64) -> f64 {
        let last = sums.len() as i64 - 1;
        sums[x.clamp(0, last) as usize]
    }

    /// The sum of `sums`' frames over `[x0, x1)`, 0 when empty.
    fn span(sums: &[f64], x0: i64, x1: i64) -> f32 {
        if x1 <= x0 {
            return 0.0;
        }
        (Evidence::at(sums, x1) - Evidence::at(sums, x0)) as f32
    }
}

/// Where one cue's scored frames are, in transcript frames.
#[derive(Clone, Copy, Debug)]
struct Layout {
    start: i64,
    end: i64,
    /// The first frame of the pause window before the cue.
    pre: i64,
    /// The end (exclusive) of the pause window after the cue.
    post: i64,
}

fn layouts(cues: &[CueSpan]) -> Vec<Layout> {
    let st: Vec<i64> = cues.iter().map(|c| to_frame(c.start)).collect();
    let en: Vec<i64> = cues.iter().map(|c| to_frame(c.end)).collect();
    let n = cues.len();
    (0..n)
        .map(|i| {
            let before = if i == 0 {
                EDGE_FRAMES
            } else {
                st[i] - en[i - 1]
            };
            let after = if i + 1 == n {
                EDGE_FRAMES
            } else {
                st[i + 1] - en[i]
            };
            Layout {
                start: st[i],
                end: en[i],
                pre: st[i] - before.div_euclid(2).min(GAP_WIN_FRAMES),
                post: en[i] + after.div_euclid(2).min(GAP_WIN_FRAMES),
            }
        })
        .collect()
}

/// One cue's scores at every offset (`d = dmin + index`), as the experiment's float32 arrays.
#[derive(Default)]
struct CueScores {
    /// Speech over the cue.
    p: Vec<f32>,
    /// Pause over the window before.
    b: Vec<f32>,
    /// Pause over the window after.
    a: Vec<f32>,
    /// Best suffix of the window before (>= 0).
    bs: Vec<f32>,
    /// Best prefix of the window after (>= 0).
    ap: Vec<f32>,
}

/// Minimum (or maximum) of `f(first + j .. first + j + len)` for `j` in `0..count`.
fn sliding(f: impl Fn(i64) -> f64, first: i64, len: i64, count: usize, max: bool) -> Vec<f64> {
    let mut out = Vec::with_capacity(count);
    let mut queue: std::collections::VecDeque<(i64, f64)> = std::collections::VecDeque::new();
    let better = |a: f64, b: f64| if max { a >= b } else { a <= b };
    let mut next = first;
    for j in 0..count as i64 {
        let hi = first + j + len;
        while next < hi {
            let value = f(next);
            while queue.back().is_some_and(|&(_, v)| better(value, v)) {
                queue.pop_back();
            }
            queue.push_back((next, value));
            next += 1;
        }
        while queue.front().is_some_and(|&(x, _)| x < first + j) {
            queue.pop_front();
        }
        out.push(queue.front().map_or(0.0, |&(_, v)| v));
    }
    out
}

impl CueScores {
    fn fill(&mut self, ev: &Evidence, c: Layout, dmin: i64, count: usize) {
        let g = GUARD_FRAMES;
        let offsets = (0..count as i64).map(|j| dmin + j);
        self.p.clear();
        self.p.extend(
            offsets
                .clone()
                .map(|d| Evidence::span(&ev.cue, c.start + g + d, c.end - g + d)),
        );
        self.b.clear();
        self.b.extend(
            offsets
                .clone()
                .map(|d| Evidence::span(&ev.gap, c.pre + d, c.start - g + d)),
        );
        self.a.clear();
        self.a
            .extend(offsets.map(|d| Evidence::span(&ev.gap, c.end + g + d, c.post + d)));
        let gap = |x: i64| Evidence::at(&ev.gap, x);
        // Best suffix of the window before: frames [pre, start - g), taken from the cue outward.
        let edge = c.start - g;
        self.bs.clear();
        if c.pre < edge {
            let mins = sliding(gap, c.pre + dmin, edge - c.pre, count, false);
            self.bs.extend(
                mins.iter()
                    .enumerate()
                    .map(|(j, &lo)| (gap(edge + dmin + j as i64) - lo).max(0.0) as f32),
            );
        } else {
            self.bs.resize(count, 0.0);
        }
        // Best prefix of the window after: frames [end + g, post).
        let edge = c.end + g;
        self.ap.clear();
        if edge < c.post {
            let maxes = sliding(gap, edge + 1 + dmin, c.post - edge, count, true);
            self.ap.extend(
                maxes
                    .iter()
                    .enumerate()
                    .map(|(j, &hi)| (hi - gap(edge + dmin + j as i64)).max(0.0) as f32),
            );
        } else {
            self.ap.resize(count, 0.0);
        }
    }
}

/// P + B + A of one cue at offset `d`, as the experiment sums its float32 arrays.
fn total_at(ev: &Evidence, c: Layout, d: i64) -> f32 {
    let g = GUARD_FRAMES;
    let p = Evidence::span(&ev.cue, c.start + g + d, c.end - g + d);
    let b = Evidence::span(&ev.gap, c.pre + d, c.start - g + d);
    let a = Evidence::span(&ev.gap, c.end + g + d, c.post + d);
    p + b + a
}

/// One bit per (cue, offset): did the best path to this cue at this offset come by a jump.
struct Bits {
    words: Vec<u64>,
    width: usize,
}

impl Bits {
    fn new(rows: usize, width: usize) -> Bits {
        Bits {
            words: vec![0; (rows * width).div_ceil(64)],
            width,
        }
    }

    fn set(&mut self, row: usize, col: usize) {
        let k = row * self.width + col;
        self.words[k / 64] |= 1 << (k % 64);
    }

    fn get(&self, row: usize, col: usize) -> bool {
        let k = row * self.width + col;
        self.words[k / 64] & (1 << (k % 64)) != 0
    }

    /// The last column at or before `col` whose bit is set in `row`.
    fn last_set(&self, row: usize, col: usize) -> Option<usize> {
        let row_start = row * self.width;
        let k = row_start + col;
        let mut word = k / 64;
        // Bits at or below k in its word.
        let mut bits = self.words[word] & (u64::MAX >> (63 - k % 64));
        loop {
            if bits != 0 {
                let found = word * 64 + 63 - bits.leading_zeros() as usize;
                return found.checked_sub(row_start);
            }
            if word == 0 || word * 64 <= row_start {
                return None;
            }
            word -= 1;
            bits = self.words[word];
        }
    }
}

/// Aligns cues (in transcript order) to the audio's per-frame speech flags.
pub fn align(flags: &[bool], cues: &[CueSpan]) -> Result<Alignment, AlignError> {
    align_unless(flags, cues, &|| false).map(|found| found.unwrap_or_default())
}

/// [`align`], asking `cancelled` before each cue: `Ok(None)` as soon as it says yes.
pub fn align_unless(
    flags: &[bool],
    cues: &[CueSpan],
    cancelled: &dyn Fn() -> bool,
) -> Result<Option<Alignment>, AlignError> {
    if cues.is_empty() || flags.is_empty() {
        return Err(AlignError::Empty);
    }
    let ev = Evidence::new(flags);
    let lay = layouts(cues);
    let n = cues.len();
    let dmin = -EDGE_FRAMES;
    let dmax = flags.len() as i64 - lay[n - 1].end + EDGE_FRAMES;
    if dmax < dmin {
        return Err(AlignError::AudioShorter);
    }
    let count = (dmax - dmin + 1) as usize;
    if (n as u64).saturating_mul(count as u64) > MAX_CELLS {
        return Err(AlignError::TooLarge);
    }
    let mj = MIN_JUMP_FRAMES as usize;

    let mut cur = CueScores::default();
    let mut prev = CueScores::default();
    prev.fill(&ev, lay[0], dmin, count);
    let mut v: Vec<f64> = (0..count)
        .map(|j| f64::from(prev.p[j] + prev.bs[j]))
        .collect();
    let mut jumped = Bits::new(n, count);
    // Per cue, a bit at each offset where the running maximum of V + Ap of the cue before is
    // reached anew; a jump to offset j comes from the last one at or before j - MIN_JUMP.
    let mut records = Bits::new(n, count);
    let mut run_max = vec![f64::NEG_INFINITY; count];
    let mut next_v = vec![0.0; count];
    for (i, &cue) in lay.iter().enumerate().skip(1) {
        if cancelled() {
            return Ok(None);
        }
        cur.fill(&ev, cue, dmin, count);
        let mut run = f64::NEG_INFINITY;
        for j in 0..count {
            let w = v[j] + f64::from(prev.ap[j]);
            if w >= run {
                run = w;
                if j + mj < count {
                    records.set(i, j);
                }
            }
            run_max[j] = run;
        }
        for j in 0..count {
            let stay = v[j] + f64::from(prev.a[j]) + f64::from(cur.b[j]);
            let mut best = stay;
            if j >= mj {
                let jump = run_max[j - mj] - JUMP_PENALTY + f64::from(cur.bs[j]);
                if jump > stay {
                    best = jump;
                    jumped.set(i, j);
                }
            }
            next_v[j] = best + f64::from(cur.p[j]);
        }
        std::mem::swap(&mut v, &mut next_v);
        std::mem::swap(&mut prev, &mut cur);
    }
    let mut best = 0;
    for j in 0..count {
        let score = v[j] + f64::from(prev.ap[j]);
        if score > v[best] + f64::from(prev.ap[best]) {
            best = j;
        }
    }
    let mut path = vec![0usize; n];
    path[n - 1] = best;
    for i in (1..n).rev() {
        let j = path[i];
        path[i - 1] = if jumped.get(i, j) {
            // A jump came from a running maximum, reached at or before j - MIN_JUMP.
            records.last_set(i, j - mj).unwrap_or(0)
        } else {
            j
        };
    }
    refine(&ev, &lay, &mut path, dmin, count);
    let offsets_frames: Vec<i64> = path.iter().map(|&j| j as i64 + dmin).collect();
    Ok(Some(Alignment {
        blocks: blocks(&offsets_frames),
        offsets_frames,
    }))
}

/// Centres each run of equal offsets on its plateau: the middle of the offsets within
/// [`REFINE_FRAMES`] whose summed P + B + A is within 1 nat of the best.
fn refine(ev: &Evidence, lay: &[Layout], path: &mut [usize], dmin: i64, count: usize) {
    let r = REFINE_FRAMES as usize;
    let mut i = 0;
    while i < path.len() {
        let mut j = i;
        while j < path.len() && path[j] == path[i] {
            j += 1;
        }
        let lo = path[i].saturating_sub(r);
        let hi = (path[i] + r + 1).min(count);
        let mut curve = vec![0.0f32; hi - lo];
        for c in &lay[i..j] {
            for (k, value) in curve.iter_mut().enumerate() {
                *value += total_at(ev, *c, dmin + (lo + k) as i64);
            }
        }
        let mut k = 0;
        for (x, &value) in curve.iter().enumerate() {
            if value > curve[k] {
                k = x;
            }
        }
        let floor = curve[k] - 1.0;
        let (mut a, mut b) = (k, k);
        while a > 0 && curve[a - 1] >= floor {
            a -= 1;
        }
        while b + 1 < curve.len() && curve[b + 1] >= floor {
            b += 1;
        }
        path[i..j].fill(lo + (a + b) / 2);
        i = j;
    }
}

/// The blocks an offset per cue implies.
fn blocks(offsets: &[i64]) -> Vec<Block> {
    let mut found = Vec::new();
    if let Some(&first) = offsets.first()
        && first > PRE_ROLL_MIN_FRAMES
    {
        found.push(Block {
            before_cue: 0,
            length_frames: first,
        });
    }
    for (i, w) in offsets.windows(2).enumerate() {
        if w[1] > w[0] {
            found.push(Block {
                before_cue: i + 1,
                length_frames: w[1] - w[0],
            });
        }
    }
    found
}

/// One block to show the listener, with the sync points that would account for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suggestion {
    /// The block found.
    pub block: Block,
    /// Where the block starts in the audio, as a map with these points would have it: the
    /// audio time after the line before, shifted by that line's offset.
    pub audio_start: Duration,
    /// The cues to sync: the one before the block (none for a pre-roll) and the one after.
    pub cues: Vec<usize>,
    /// The sync points: each cue's start tied to where it is heard.
    pub points: Vec<SyncPoint>,
}

/// Where cue `index` starts in the audio by the alignment (0 when before the start).
fn heard_start(alignment: &Alignment, cues: &[CueSpan], index: usize) -> Duration {
    let start = cues[index].start.as_millis() as i64;
    let offset = alignment.offsets_frames[index] * (1000 / FRAMES_PER_SEC);
    Duration::from_millis(u64::try_from(start + offset).unwrap_or(0))
}

/// The suggestions for the listener: per block, the cue before and the cue after it, each tied
/// to where the alignment hears it.
pub fn suggestions(alignment: &Alignment, cues: &[CueSpan]) -> Vec<Suggestion> {
    alignment
        .blocks
        .iter()
        .filter(|b| b.before_cue < cues.len() && b.before_cue < alignment.offsets_frames.len())
        .map(|&block| {
            let after = block.before_cue;
            let sync_cues: Vec<usize> = match after {
                0 => vec![0],
                i => vec![i - 1, i],
            };
            let points = sync_cues
                .iter()
                .map(|&i| SyncPoint {
                    transcript: cues[i].start,
                    audio: heard_start(alignment, cues, i),
                })
                .collect();
            let before_offset = match after {
                0 => 0,
                i => alignment.offsets_frames[i - 1],
            };
            let start_ms = cues[after].start.as_millis() as i64 + before_offset * 10;
            Suggestion {
                block,
                audio_start: Duration::from_millis(u64::try_from(start_ms).unwrap_or(0)),
                cues: sync_cues,
                points,
            }
        })
        .collect()
}

/// Energies in dB to suggestions: the voice activity, the alignment and the points.
pub fn suggest(energies_db: &[f64], cues: &[CueSpan]) -> Result<Vec<Suggestion>, AlignError> {
    let flags = speech_flags(energies_db);
    let alignment = align(&flags, cues)?;
    Ok(suggestions(&alignment, cues))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic episode's speech flags (after smoothing) and cue times.
    struct Episode {
        flags: Vec<bool>,
        cues: Vec<CueSpan>,
    }

    fn ms(frames: i64) -> Duration {
        Duration::from_millis((frames * 10) as u64)
    }

    /// Builds the transcript edition, `lead` silent frames then (speech, pause after) frames per
    /// cue, and inserts blocks of speech (before cue, length in frames; 30 silent frames at each
    /// end) in the middle of the pause before that cue.
    fn episode(lead: i64, parts: &[(i64, i64)], inserted: &[(usize, i64)]) -> Episode {
        let mut flags = vec![false; lead as usize];
        let mut cues = Vec::new();
        let mut pause_starts = vec![0i64];
        for &(speech, pause) in parts {
            let start = flags.len() as i64;
            // Speech, with a pause of 15 frames in the middle of a long line.
            for k in 0..speech {
                flags.push(speech < 300 || !(speech / 2..speech / 2 + 15).contains(&k));
            }
            cues.push(CueSpan {
                start: ms(start),
                end: ms(flags.len() as i64),
            });
            pause_starts.push(flags.len() as i64);
            flags.extend(std::iter::repeat_n(false, pause as usize));
        }
        let mut audio = Vec::new();
        let mut cursor = 0usize;
        for &(before, length) in inserted {
            // In the middle of the pause before cue `before`.
            let pause_end = cues[before].start.as_millis() as i64 / 10;
            let at = ((pause_starts[before] + pause_end) / 2) as usize;
            audio.extend_from_slice(&flags[cursor..at]);
            audio.extend(std::iter::repeat_n(false, 30));
            for k in 0..length - 60 {
                audio.push(k % 53 > 8);
            }
            audio.extend(std::iter::repeat_n(false, 30));
            cursor = at;
        }
        audio.extend_from_slice(&flags[cursor..]);
        Episode { flags: audio, cues }
    }

    /// Cues of varied lengths and pauses (as a conversation has), `n` of them.
    fn conversation(n: usize) -> Vec<(i64, i64)> {
        (0..n)
            .map(|i| {
                let speech = 150 + (i as i64 * 97) % 400;
                let pause = 25 + (i as i64 * 31) % 90;
                (speech, pause)
            })
            .collect()
    }

    #[test]
    fn inserted_blocks_are_found_in_their_gap_to_a_frame_or_two() {
        // (lead frames, blocks inserted: before cue, length in frames)
        let cases: [(i64, &[(usize, i64)]); 5] = [
            (100, &[]),
            (100, &[(5, 3000)]),
            (100, &[(3, 1500), (12, 4521)]),
            (100, &[(19, 2000)]),
            // A pre-roll: a block before the first cue.
            (100, &[(0, 2500), (10, 1800)]),
        ];
        for (lead, inserted) in cases {
            let ep = episode(lead, &conversation(20), inserted);
            let got = align(&ep.flags, &ep.cues).expect("aligns");
            let found: Vec<usize> = got.blocks.iter().map(|b| b.before_cue).collect();
            let want: Vec<usize> = inserted.iter().map(|&(c, _)| c).collect();
            assert_eq!(
                found, want,
                "blocks {inserted:?}: offsets {:?}",
                got.offsets_frames
            );
            for (block, &(_, length)) in got.blocks.iter().zip(inserted) {
                assert!(
                    (block.length_frames - length).abs() <= 2,
                    "{block:?} against {length} frames"
                );
            }
            // Every cue's offset is right to within two frames.
            let mut shift = 0;
            for (i, &off) in got.offsets_frames.iter().enumerate() {
                shift += inserted
                    .iter()
                    .filter(|&&(c, _)| c == i)
                    .map(|&(_, l)| l)
                    .sum::<i64>();
                assert!((off - shift).abs() <= 2, "cue {i}: {off} against {shift}");
            }
        }
    }

    #[test]
    fn suggestions_tie_the_cues_around_each_block() {
        let ep = episode(100, &conversation(12), &[(0, 1200), (6, 2000)]);
        let got = suggest_from_flags(&ep);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].cues, [0]);
        assert_eq!(got[1].cues, [5, 6]);
        let p = &got[1].points;
        let diff = |p: &SyncPoint| p.audio.as_millis() as i64 - p.transcript.as_millis() as i64;
        assert!((diff(&p[0]) - 12_000).abs() <= 20, "{p:?}");
        assert!((diff(&p[1]) - 32_000).abs() <= 20, "{p:?}");
        // The block starts (as the map will have it) at cue 6's start plus the earlier offset.
        let want = ep.cues[6].start + Duration::from_secs(12);
        let start_error = got[1].audio_start.as_millis() as i64 - want.as_millis() as i64;
        assert!(start_error.abs() <= 20, "{:?}", got[1].audio_start);
        // The points make a valid map that puts cue 6 where it is heard.
        let map = crate::transcript::sync::SyncMap::new(
            0,
            got.iter().flat_map(|s| s.points.clone()).collect(),
        )
        .expect("forward points");
        assert_eq!(map.gaps().len(), 1);
    }

    fn suggest_from_flags(ep: &Episode) -> Vec<Suggestion> {
        let alignment = align(&ep.flags, &ep.cues).expect("aligns");
        suggestions(&alignment, &ep.cues)
    }

    #[test]
    fn no_block_means_no_suggestion() {
        for lead in [0, 30, 100] {
            let ep = episode(lead, &conversation(15), &[]);
            assert_eq!(suggest_from_flags(&ep), [], "lead {lead}");
        }
    }

    #[test]
    fn inputs_that_cannot_align_are_told() {
        let cues = [CueSpan {
            start: Duration::from_secs(100),
            end: Duration::from_secs(110),
        }];
        assert_eq!(align(&[], &cues), Err(AlignError::Empty));
        assert_eq!(align(&[true; 10], &[]), Err(AlignError::Empty));
        assert_eq!(align(&[true; 500], &cues), Err(AlignError::AudioShorter));
        let ep = episode(100, &conversation(5), &[]);
        assert_eq!(align_unless(&ep.flags, &ep.cues, &|| true), Ok(None));
    }

    #[test]
    fn smoothing_fills_short_pauses_and_drops_short_speech() {
        let parse = |s: &str| s.chars().map(|c| c == '#').collect::<Vec<bool>>();
        let cases = [
            // A pause of 11 frames inside speech is filled; one of 12 is kept.
            ("###...........###", "#################"),
            ("###............###", "###............###"),
            // Speech of 4 frames between pauses is dropped; 5 is kept.
            (
                "..............####..............",
                "................................",
            ),
            (
                "..............#####.............",
                "..............#####.............",
            ),
            // Runs touching an end are left alone.
            ("#...............", "#..............."),
            ("....", "...."),
        ];
        for (input, want) in cases {
            let mut flags = parse(input);
            smooth(&mut flags);
            assert_eq!(flags, parse(want), "{input}");
        }
    }

    #[test]
    fn energies_become_speech_flags() {
        // Silence at -90 dB, speech at -20 dB: the threshold is between them.
        let mut db = vec![-90.0; 100];
        db.extend(vec![-20.0; 100]);
        db.extend(vec![-90.0; 100]);
        let flags = speech_flags(&db);
        assert_eq!(flags.iter().filter(|&&v| v).count(), 100);
        assert!(flags[100] && flags[199] && !flags[99] && !flags[200]);
        assert_eq!(energy_db(&[0.0; 160]), -120.0);
        assert!((energy_db(&[0.5; 160]) - 20.0 * 0.5f64.log10()).abs() < 1e-9);
        assert_eq!(percentile(&[1.0, 2.0, 3.0, 4.0, 5.0], 10.0), 1.4);
    }

    #[test]
    fn the_last_set_bit_is_found_within_its_row() {
        let mut bits = Bits::new(3, 100);
        for (row, col) in [(0, 99), (1, 0), (1, 63), (1, 64), (1, 70), (2, 5)] {
            bits.set(row, col);
        }
        let cases = [
            ((1, 99), Some(70)),
            ((1, 69), Some(64)),
            ((1, 64), Some(64)),
            ((1, 63), Some(63)),
            ((1, 62), Some(0)),
            ((2, 4), None),
            ((2, 99), Some(5)),
            ((0, 98), None),
        ];
        for ((row, col), want) in cases {
            assert_eq!(bits.last_set(row, col), want, "row {row} col {col}");
        }
    }

    #[test]
    fn times_round_as_the_experiment_does() {
        let cases = [
            (1_234, 123),
            (1_235, 124),
            (1_245, 125),
            (1_255, 125),
            (0, 0),
        ];
        for (millis, frame) in cases {
            assert_eq!(to_frame(Duration::from_millis(millis)), frame, "{millis}");
        }
    }
}
