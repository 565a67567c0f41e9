//! Frame energies for the aligner ("Suggest sync points"): decodes a file to mono, streamed a
//! block at a time, and returns the energy of every 10 ms frame in dB. The whole decoded episode
//! is never held: only one block of samples and the energies (8 bytes per 10 ms, under 3 MB for
//! an hour).

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use super::error::AudioError;
use super::source::open_media;
use crate::transcript::align::{self, Alignment, CueSpan, FRAMES_PER_SEC, energy_db};

/// Sample frames decoded per read (about 0.4 s at 44.1 kHz).
const READ_FRAMES: usize = 16_384;

/// The energy of each 10 ms frame of `path`'s audio (channels averaged), in dB, as
/// [`energy_db`] computes it. A partial last frame is left out. Frame `k` covers samples
/// `k * rate / 100 .. (k + 1) * rate / 100`, so rates not divisible by 100 do not drift.
///
/// `progress` gets the fraction done (0 to 1; opening an MP3 indexes it first). Returns
/// `Ok(None)` as soon as `cancel` is set.
pub fn frame_energies_db(
    path: &Path,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<Option<Vec<f64>>, AudioError> {
    const OPEN_SHARE: f32 = 0.2;
    let opened = open_media(path, &mut |f| progress(f * OPEN_SHARE))?;
    let mut source = opened.source;
    let channels = usize::from(source.channel_count().max(1));
    let rate = u64::from(source.sample_rate_hz().max(1));
    let total = source.total_frames().max(1);
    let mut energies = Vec::with_capacity((total * FRAMES_PER_SEC as u64 / rate) as usize + 1);
    let mut block: Vec<f32> = Vec::with_capacity(READ_FRAMES * channels);
    let mut frame: Vec<f32> = Vec::with_capacity((rate / 50) as usize);
    // The sample index where the current 10 ms frame ends.
    let frame_end = |k: u64| (k + 1) * rate / FRAMES_PER_SEC as u64;
    let mut position: u64 = 0;
    loop {
        if cancel.load(Ordering::Relaxed) {
            return Ok(None);
        }
        block.clear();
        let read = source.read_frames(&mut block, READ_FRAMES);
        if read == 0 {
            break;
        }
        for samples in block.chunks_exact(channels) {
            let sum: f32 = samples.iter().sum();
            frame.push(sum / channels as f32);
            position += 1;
            if position == frame_end(energies.len() as u64) {
                energies.push(energy_db(&frame));
                frame.clear();
            }
        }
        progress(OPEN_SHARE + (1.0 - OPEN_SHARE) * (position as f32 / total as f32).min(1.0));
    }
    Ok(Some(energies))
}

/// Decodes `path` and aligns `cues` to it (see [`crate::transcript::align`]). `Ok(None)` when
/// cancelled; the error says why it could not (unreadable audio, audio shorter than the
/// transcript).
pub fn align_file(
    path: &Path,
    cues: &[CueSpan],
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(f32),
) -> Result<Option<Alignment>, String> {
    let Some(energies) = frame_energies_db(path, cancel, progress).map_err(|e| e.to_string())?
    else {
        return Ok(None);
    };
    let flags = align::speech_flags(&energies);
    drop(energies);
    align::align_unless(&flags, cues, &|| cancel.load(Ordering::Relaxed)).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-bit mono WAV of `rate` Hz: `silence_s` of silence, then `tone_s` of a loud tone.
    fn wav(path: &Path, rate: u32, silence_s: f64, tone_s: f64) {
        let n_silence = (silence_s * f64::from(rate)) as usize;
        let n_tone = (tone_s * f64::from(rate)) as usize;
        let mut data = Vec::new();
        for k in 0..n_silence + n_tone {
            let x = if k < n_silence {
                0.0
            } else {
                0.5 * (k as f64 * 0.1).sin()
            };
            data.extend_from_slice(&((x * 32767.0) as i16).to_le_bytes());
        }
        let mut bytes = Vec::new();
        bytes.extend_from_slice(b"RIFF");
        bytes.extend_from_slice(&(36 + data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(b"WAVEfmt ");
        bytes.extend_from_slice(&16u32.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&1u16.to_le_bytes());
        bytes.extend_from_slice(&rate.to_le_bytes());
        bytes.extend_from_slice(&(rate * 2).to_le_bytes());
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&16u16.to_le_bytes());
        bytes.extend_from_slice(b"data");
        bytes.extend_from_slice(&(data.len() as u32).to_le_bytes());
        bytes.extend_from_slice(&data);
        std::fs::write(path, bytes).expect("write wav");
    }

    #[test]
    fn a_file_becomes_ten_millisecond_energies() {
        let dir = tempfile::tempdir().expect("temp dir");
        // 22 050 Hz: 220.5 samples per frame, so frames alternate 220 and 221 samples.
        for rate in [16_000, 22_050, 44_100] {
            let path = dir.path().join(format!("t{rate}.wav"));
            wav(&path, rate, 1.0, 2.0);
            let cancel = AtomicBool::new(false);
            let mut last = 0.0;
            let db = frame_energies_db(&path, &cancel, &mut |f| last = f)
                .expect("decodes")
                .expect("not cancelled");
            assert_eq!(db.len(), 300, "{rate} Hz");
            assert!(db[..100].iter().all(|&e| e < -100.0), "{rate} Hz");
            assert!(db[100..].iter().all(|&e| e > -10.0), "{rate} Hz");
            assert_eq!(last, 1.0);
        }
    }

    #[test]
    fn a_cancelled_decode_returns_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("t.wav");
        wav(&path, 16_000, 0.5, 0.5);
        let cancel = AtomicBool::new(true);
        let got = frame_energies_db(&path, &cancel, &mut |_| {}).expect("opens");
        assert_eq!(got, None);
        let missing = frame_energies_db(&dir.path().join("none.wav"), &cancel, &mut |_| {});
        assert!(missing.is_err());
    }
}
