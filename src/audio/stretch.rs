//! Pitch-preserving time stretch for speech (WSOLA), streaming, with an exact media mapping.
//!
//! Waveform-similarity overlap-add: output is built from Hann-windowed frames of `2 x hop`
//! frames placed every `hop` output frames. Frame `k` is read from the input near
//! `k x hop x speed`, at the offset (within a tolerance) whose waveform best continues the
//! previous frame, so pitch periods line up and the voice keeps its pitch.
//!
//! Media mapping: with the windows summing to one, output frame `m >= hop` carries input
//! centred on `m x speed + hop x (1 - speed)` (a constant lag of at most one hop), and the
//! first hop is copied unchanged so a seek starts exactly at its target. [`TimeStretch::media_at`]
//! gives that mapping so the playback clock can report what is heard.

/// Output hop (synthesis step) in seconds; frames are twice as long.
const HOP_SECS: f64 = 0.020;
/// How far (each way) from its nominal input position a frame may move to match.
const TOLERANCE_SECS: f64 = 0.0125;
/// Decimation of the coarse similarity search.
const COARSE_STEP: usize = 4;

/// A streaming WSOLA time stretcher over stereo frames.
#[derive(Debug)]
pub struct TimeStretch {
    speed: f64,
    hop_frames: usize,
    tolerance_frames: usize,
    /// Hann window of `2 x hop_frames`.
    window: Vec<f32>,
    /// Buffered input; `input[0]` is input frame `input_base_frames`.
    input: Vec<[f32; 2]>,
    /// `input` mixed to mono (left + right), for the similarity search.
    mono: Vec<f32>,
    input_base_frames: u64,
    input_ended: bool,
    /// Index of the next synthesis frame.
    next_frame: u64,
    /// Input position of the previous synthesis frame.
    prev_pos_frames: Option<u64>,
    /// Windowed second half of the previous frame, waiting for the next frame's first half.
    tail: Vec<[f32; 2]>,
    /// Output frames produced so far.
    out_frames: u64,
    finished: bool,
}

impl TimeStretch {
    /// A stretcher playing `speed` input frames per output frame (0.5..=3 is the useful range).
    pub fn new(sample_rate_hz: u32, speed: f64) -> TimeStretch {
        let rate = f64::from(sample_rate_hz.max(1000));
        let hop_frames = (rate * HOP_SECS).round() as usize;
        let tolerance_frames = (rate * TOLERANCE_SECS).round() as usize;
        let len = 2 * hop_frames;
        let window = (0..len)
            .map(|n| {
                let phase = std::f64::consts::TAU * n as f64 / len as f64;
                (0.5 - 0.5 * phase.cos()) as f32
            })
            .collect();
        TimeStretch {
            speed: speed.clamp(0.1, 10.0),
            hop_frames,
            tolerance_frames,
            window,
            input: Vec::new(),
            mono: Vec::new(),
            input_base_frames: 0,
            input_ended: false,
            next_frame: 0,
            prev_pos_frames: None,
            tail: vec![[0.0; 2]; hop_frames],
            out_frames: 0,
            finished: false,
        }
    }

    /// Appends interleaved input with `channels` channels (the first two are used; mono is
    /// duplicated).
    pub fn push(&mut self, samples: &[f32], channels: usize) {
        let channels = channels.max(1);
        let start = self.input.len();
        self.input
            .extend(samples.chunks_exact(channels).map(|frame| {
                let left = frame[0];
                let right = if channels > 1 { frame[1] } else { left };
                [left, right]
            }));
        self.mono
            .extend(self.input[start..].iter().map(|[left, right]| left + right));
    }

    /// Marks the end of the input; the remaining output can then be drained.
    pub fn finish_input(&mut self) {
        self.input_ended = true;
    }

    /// True when all output has been produced after [`TimeStretch::finish_input`].
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Output frames produced so far.
    pub fn output_frames(&self) -> u64 {
        self.out_frames
    }

    /// The input position (fractional frames from the start of the input) that output frame
    /// `output_frames` carries, and how many input frames each following output frame advances.
    pub fn media_at(&self, output_frames: u64) -> (f64, f64) {
        let hop = self.hop_frames as u64;
        if output_frames < hop {
            (output_frames as f64, 1.0)
        } else {
            let m = output_frames as f64;
            (m * self.speed + hop as f64 * (1.0 - self.speed), self.speed)
        }
    }

    /// Appends up to one hop of output (interleaved stereo) to `out`; returns frames appended,
    /// 0 when more input is needed or the stream is finished.
    pub fn process_hop(&mut self, out: &mut Vec<f32>) -> usize {
        if self.finished {
            return 0;
        }
        let hop = self.hop_frames;
        let nominal = (self.next_frame as f64 * hop as f64 * self.speed).round() as u64;
        let available_end = self.input_base_frames + self.input.len() as u64;
        if self.input_ended && nominal >= available_end {
            return self.drain_tail(out);
        }
        let frame_len = 2 * hop as u64;
        let search_end = nominal + self.tolerance_frames as u64 + frame_len;
        let reference_end = self
            .prev_pos_frames
            .map_or(0, |p| p + hop as u64 + frame_len);
        if !self.input_ended && available_end < search_end.max(reference_end) {
            return 0;
        }
        let pos = match self.prev_pos_frames {
            None => nominal,
            Some(prev) => self.best_match(prev + hop as u64, nominal),
        };
        let first = self.prev_pos_frames.is_none();
        for j in 0..hop {
            let rise = if first { 1.0 } else { self.window[j] };
            let x = self.input_frame(pos + j as u64);
            let tail = self.tail[j];
            out.push(tail[0] + rise * x[0]);
            out.push(tail[1] + rise * x[1]);
            let fall = self.window[hop + j];
            let y = self.input_frame(pos + (hop + j) as u64);
            self.tail[j] = [fall * y[0], fall * y[1]];
        }
        self.prev_pos_frames = Some(pos);
        self.next_frame += 1;
        self.out_frames += hop as u64;
        self.discard_consumed(pos);
        hop
    }

    /// Emits the last frame's fading half once the input is exhausted.
    fn drain_tail(&mut self, out: &mut Vec<f32>) -> usize {
        self.finished = true;
        if self.prev_pos_frames.is_none() {
            return 0;
        }
        for frame in &self.tail {
            out.extend_from_slice(frame);
        }
        self.out_frames += self.hop_frames as u64;
        self.hop_frames
    }

    /// Input frame at absolute position `pos` (silence outside the buffered input).
    fn input_frame(&self, pos: u64) -> [f32; 2] {
        pos.checked_sub(self.input_base_frames)
            .and_then(|i| self.input.get(i as usize))
            .copied()
            .unwrap_or([0.0; 2])
    }

    /// The input position near `nominal` whose waveform best matches the natural continuation
    /// of the previous frame, which starts at `reference`.
    fn best_match(&self, reference: u64, nominal: u64) -> u64 {
        let low = nominal
            .saturating_sub(self.tolerance_frames as u64)
            .max(self.input_base_frames);
        let high = nominal + self.tolerance_frames as u64;
        // Only the first hop of the frame overlaps the previous one; match over that.
        let len = self.hop_frames;
        let coarse = (low..=high)
            .step_by(COARSE_STEP)
            .map(|candidate| {
                (
                    candidate,
                    self.similarity(reference, candidate, len, COARSE_STEP),
                )
            })
            .fold((nominal.max(low), f32::NEG_INFINITY), best);
        let fine_low = coarse.0.saturating_sub(COARSE_STEP as u64 - 1).max(low);
        let fine_high = (coarse.0 + COARSE_STEP as u64 - 1).min(high);
        (fine_low..=fine_high)
            .map(|candidate| (candidate, self.similarity(reference, candidate, len, 2)))
            .fold((coarse.0, f32::NEG_INFINITY), best)
            .0
    }

    /// Normalised cross-correlation of `len` frames at `a` and `b`, sampled every `step`.
    fn similarity(&self, a: u64, b: u64, len: usize, step: usize) -> f32 {
        // Both positions are at or after `input_base_frames` (see `discard_consumed`); frames
        // past the buffered input are silence and add nothing.
        let window = |pos: u64| {
            let from = (pos.saturating_sub(self.input_base_frames) as usize).min(self.mono.len());
            &self.mono[from..(from + len).min(self.mono.len())]
        };
        let (x, y) = (window(a), window(b));
        let mut dot = 0.0f32;
        let mut energy = 0.0f32;
        for (i, y) in y.iter().enumerate().step_by(step) {
            dot += x.get(i).copied().unwrap_or(0.0) * y;
            energy += y * y;
        }
        if energy <= f32::EPSILON {
            0.0
        } else {
            dot / energy.sqrt()
        }
    }

    /// Drops input that no later frame can read.
    fn discard_consumed(&mut self, pos: u64) {
        let next_nominal = (self.next_frame as f64 * self.hop_frames as f64 * self.speed) as u64;
        let keep_from = next_nominal
            .saturating_sub(self.tolerance_frames as u64)
            .min(pos + self.hop_frames as u64);
        if keep_from > self.input_base_frames {
            let drop = ((keep_from - self.input_base_frames) as usize).min(self.input.len());
            self.input.drain(..drop);
            self.mono.drain(..drop);
            self.input_base_frames += drop as u64;
        }
    }
}

fn best(acc: (u64, f32), item: (u64, f32)) -> (u64, f32) {
    if item.1 > acc.1 { item } else { acc }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 44_100;

    fn sine(freq_hz: f64, frames: usize) -> Vec<f32> {
        (0..frames)
            .map(|n| (std::f64::consts::TAU * freq_hz * n as f64 / f64::from(RATE)).sin() as f32)
            .collect()
    }

    fn stretch_all(input: &[f32], speed: f64) -> Vec<f32> {
        let mut stretch = TimeStretch::new(RATE, speed);
        let mut out = Vec::new();
        for block in input.chunks(1024) {
            stretch.push(block, 1);
            while stretch.process_hop(&mut out) > 0 {}
        }
        stretch.finish_input();
        while stretch.process_hop(&mut out) > 0 {}
        assert!(stretch.is_finished());
        assert_eq!(stretch.output_frames() as usize * 2, out.len());
        out
    }

    /// Zero crossings per second of the left channel, a pitch estimate for a pure tone.
    fn crossings_per_sec(stereo: &[f32]) -> f64 {
        let left: Vec<f32> = stereo.iter().step_by(2).copied().collect();
        let crossings = left
            .windows(2)
            .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
            .count();
        crossings as f64 / (left.len() as f64 / f64::from(RATE))
    }

    #[test]
    fn keeps_pitch_and_scales_length() {
        let input = sine(220.0, RATE as usize * 2);
        for speed in [0.5, 0.75, 1.5, 2.0, 3.0] {
            let out = stretch_all(&input, speed);
            let frames = out.len() / 2;
            let expected = input.len() as f64 / speed;
            assert!(
                (frames as f64 - expected).abs() < 0.05 * f64::from(RATE),
                "speed {speed}: {frames} frames, expected about {expected}"
            );
            // Skip the edges, where the tone fades in and out.
            let edge = 4096;
            let crossings = crossings_per_sec(&out[2 * edge..out.len() - 2 * edge]);
            assert!(
                (crossings - 440.0).abs() < 6.0,
                "speed {speed}: pitch moved to {} Hz",
                crossings / 2.0
            );
        }
    }

    #[test]
    fn overlaps_add_in_phase() {
        // Frames of a pure tone joined in phase keep its amplitude; joined out of phase they
        // cancel. Every 10 ms block (two periods) must still peak near full scale.
        let input = sine(233.0, RATE as usize);
        for speed in [0.5, 1.25, 2.0, 3.0] {
            let out = stretch_all(&input, speed);
            let left: Vec<f32> = out.iter().step_by(2).copied().collect();
            let weakest = left[2048..left.len() - 2048]
                .chunks_exact(441)
                .map(|block| block.iter().fold(0.0f32, |m, v| m.max(v.abs())))
                .fold(f32::INFINITY, f32::min);
            assert!(weakest > 0.95, "speed {speed}: amplitude fell to {weakest}");
        }
    }

    #[test]
    fn first_hop_starts_exactly_at_the_input() {
        let input: Vec<f32> = (0..20_000).map(|n| (n as f32 * 0.37).sin()).collect();
        let mut stretch = TimeStretch::new(RATE, 2.0);
        stretch.push(&input, 1);
        let mut out = Vec::new();
        let produced = stretch.process_hop(&mut out);
        assert_eq!(produced, 882);
        for (n, frame) in out.chunks_exact(2).enumerate() {
            assert_eq!(frame[0], input[n]);
        }
        assert_eq!(stretch.media_at(0), (0.0, 1.0));
        assert_eq!(stretch.media_at(882), (882.0, 2.0));
        assert_eq!(stretch.media_at(1882), (882.0 + 2000.0, 2.0));
    }

    #[test]
    fn media_mapping_follows_an_onset() {
        // Silence, then a tone from input frame 30_000: the tone must start where `media_at`
        // says input frame 30_000 is heard.
        let onset = 30_000usize;
        let mut input = vec![0.0f32; onset];
        input.extend(sine(300.0, 30_000));
        for speed in [0.5, 0.8, 1.5, 2.0, 3.0] {
            let out = stretch_all(&input, speed);
            let heard = out
                .iter()
                .step_by(2)
                .position(|v| v.abs() > 0.05)
                .expect("the tone is heard");
            let stretch = TimeStretch::new(RATE, speed);
            let (media, _) = stretch.media_at(heard as u64);
            let tolerance = f64::from(RATE) * (HOP_SECS + TOLERANCE_SECS) * speed.max(1.0);
            assert!(
                (media - onset as f64).abs() <= tolerance,
                "speed {speed}: onset heard at output {heard}, mapped to input {media}"
            );
        }
    }

    #[test]
    fn empty_and_tiny_inputs_finish() {
        for len in [0usize, 1, 100, 5000] {
            let input = vec![0.25f32; len];
            let out = stretch_all(&input, 1.5);
            assert!(
                out.len() / 2 <= len + 2000,
                "len {len}: {} frames",
                out.len() / 2
            );
        }
    }
}
