//! Output device (a cpal stream we own), the decode thread and the real-time render engine.
//!
//! Threads:
//! - `audio-output` builds the cpal stream and keeps it alive until the [`Output`] is dropped.
//! - `audio-decode` owns the [`MediaSource`], performs seeks and sends decoded chunks tagged with
//!   a seek generation through a bounded channel.
//!   Away from 1x it time-stretches with [`TimeStretch`] (pitch kept); each chunk says which
//!   media position its first frame carries and how far each frame advances.
//! - the cpal callback ([`Engine`]) pulls chunks (never blocking), drops chunks of stale
//!   generations, resamples by `source rate / device rate` (linear interpolation), applies
//!   volume, and publishes an [`Anchor`] per callback: the media position and the instant it
//!   reaches the speaker (`OutputCallbackInfo` playback timestamp minus callback timestamp =
//!   what is still buffered).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{
    self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, TrySendError,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rodio::cpal;
use rodio::cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use rodio::cpal::{FromSample, SizedSample};

use super::clock::{Anchor, AnchorLog};
use super::source::MediaSource;
use super::stretch::TimeStretch;

/// Frames per decoded chunk.
const CHUNK_FRAMES: usize = 1024;
/// Chunks buffered between the decode thread and the callback.
const CHUNK_QUEUE: usize = 24;
/// How long the decode thread sleeps when the queue is full (commands still wake it at once).
/// The queue holds over 0.5 s of audio, so this is far from an underrun.
const FULL_QUEUE_WAIT: Duration = Duration::from_millis(20);
/// The same while paused and idle (nothing drains the queue). Well under the queue's length,
/// so a resumed playback never runs dry before the decode thread looks again.
const IDLE_QUEUE_WAIT: Duration = Duration::from_millis(200);
/// The decode thread uses [`IDLE_QUEUE_WAIT`] once paused and without commands this long.
const IDLE_AFTER: Duration = Duration::from_secs(1);

/// State shared between the UI thread and the audio callback.
#[derive(Debug)]
pub struct Shared {
    /// Current seek generation; the callback drops audio of other generations.
    pub generation: AtomicU64,
    /// Whether the callback should consume audio.
    pub playing: AtomicBool,
    /// Volume 0..=1 (f32 bits).
    pub volume_bits: AtomicU32,
    /// Latest callback-to-playback delay reported by the device, in nanoseconds.
    pub latency_nanos: AtomicU64,
    /// Frames per callback in the latest callback.
    pub callback_frames: AtomicU64,
    /// Set when the device reported an error.
    pub device_failed: AtomicBool,
    /// Anchors published by the callback.
    pub log: Mutex<AnchorLog>,
}

impl Shared {
    /// Fresh state at seek generation `generation`, full volume, nothing heard yet.
    fn new(generation: u64, playing: bool) -> Shared {
        Shared {
            generation: AtomicU64::new(generation),
            playing: AtomicBool::new(playing),
            volume_bits: AtomicU32::new(1.0f32.to_bits()),
            latency_nanos: AtomicU64::new(0),
            callback_frames: AtomicU64::new(0),
            device_failed: AtomicBool::new(false),
            log: Mutex::new(AnchorLog::default()),
        }
    }
}

/// A chunk of decoded audio for the callback.
struct Chunk {
    generation: u64,
    /// Media frame (fractional) carried by the first frame of `samples`.
    start_media: f64,
    /// Media frames each frame of `samples` advances (the speed when time-stretched).
    media_step: f64,
    channels: u16,
    sample_rate_hz: u32,
    samples: Vec<f32>,
    end: bool,
}

/// Commands for the decode thread.
pub enum DecodeCmd {
    /// Replace the source and start decoding at `start_frame`.
    Load {
        /// New generation.
        generation: u64,
        /// The source.
        source: Box<MediaSource>,
        /// First media frame to decode.
        start_frame: u64,
        /// Playback speed (media seconds per second).
        speed: f64,
    },
    /// Seek the current source.
    Seek {
        /// New generation.
        generation: u64,
        /// Target media frame.
        frame: u64,
        /// Playback speed (media seconds per second).
        speed: f64,
    },
    /// Drop the source.
    Unload,
}

/// An open output device with its decode thread.
pub struct Output {
    /// Device name.
    pub name: String,
    /// State shared with the callback.
    pub shared: Arc<Shared>,
    /// Commands to the decode thread.
    pub decode_tx: Sender<DecodeCmd>,
    /// Dropping this stops the `audio-output` thread (and the stream).
    _stop_tx: Sender<()>,
}

impl Output {
    /// Opens the default output device, giving up after `timeout`.
    pub fn open_default(timeout: Duration) -> Result<Output, String> {
        let shared = Arc::new(Shared::new(0, false));
        let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(CHUNK_QUEUE);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<String, String>>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let engine_shared = Arc::clone(&shared);
        let decode_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("audio-output".to_string())
            .spawn(move || run_output_thread(engine_shared, chunk_rx, ready_tx, stop_rx))
            .map_err(|err| format!("could not start the audio output thread: {err}"))?;
        let name = match ready_rx.recv_timeout(timeout) {
            Ok(Ok(name)) => name,
            Ok(Err(reason)) => return Err(reason),
            Err(_) => {
                return Err(format!(
                    "opening the audio device took longer than {timeout:?}"
                ));
            }
        };
        let (decode_tx, decode_rx) = mpsc::channel::<DecodeCmd>();
        std::thread::Builder::new()
            .name("audio-decode".to_string())
            .spawn(move || run_decode_thread(decode_shared, decode_rx, chunk_tx))
            .map_err(|err| format!("could not start the audio decode thread: {err}"))?;
        Ok(Output {
            name,
            shared,
            decode_tx,
            _stop_tx: stop_tx,
        })
    }
}

fn run_output_thread(
    shared: Arc<Shared>,
    chunk_rx: Receiver<Chunk>,
    ready_tx: Sender<Result<String, String>>,
    stop_rx: Receiver<()>,
) {
    let stream = match build_stream(shared, chunk_rx) {
        Ok((stream, name)) => {
            // The receiver may have given up (timeout); then just stop.
            if ready_tx.send(Ok(name)).is_err() {
                return;
            }
            stream
        }
        Err(reason) => {
            let _ = ready_tx.send(Err(reason));
            return;
        }
    };
    // Blocks until the Output is dropped (sender disconnected).
    let _ = stop_rx.recv();
    drop(stream);
}

fn build_stream(
    shared: Arc<Shared>,
    chunk_rx: Receiver<Chunk>,
) -> Result<(cpal::Stream, String), String> {
    let host = cpal::default_host();
    let device = host
        .default_output_device()
        .ok_or_else(|| "no default audio output device".to_string())?;
    let name = device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| "default".to_string());
    let supported = device
        .default_output_config()
        .map_err(|err| format!("audio device {name}: {err}"))?;
    let config = supported.config();
    let engine = Engine::new(
        shared,
        chunk_rx,
        config.sample_rate,
        usize::from(config.channels),
    );
    let stream = match supported.sample_format() {
        cpal::SampleFormat::F32 => build_typed::<f32>(&device, config, engine),
        cpal::SampleFormat::I16 => build_typed::<i16>(&device, config, engine),
        cpal::SampleFormat::I32 => build_typed::<i32>(&device, config, engine),
        cpal::SampleFormat::U16 => build_typed::<u16>(&device, config, engine),
        cpal::SampleFormat::U8 => build_typed::<u8>(&device, config, engine),
        cpal::SampleFormat::F64 => build_typed::<f64>(&device, config, engine),
        other => {
            return Err(format!(
                "audio device {name}: unsupported sample format {other}"
            ));
        }
    }
    .map_err(|err| format!("audio device {name}: {err}"))?;
    stream
        .play()
        .map_err(|err| format!("audio device {name}: {err}"))?;
    Ok((stream, name))
}

fn build_typed<T>(
    device: &cpal::Device,
    config: cpal::StreamConfig,
    mut engine: Engine,
) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + FromSample<f32>,
{
    let failed = Arc::clone(&engine.shared);
    let stats = Arc::clone(&engine.shared);
    let mut scratch: Vec<f32> = Vec::with_capacity(16 * 1024);
    let channels = usize::from(config.channels.max(1));
    device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
            let timestamp = info.timestamp();
            let now = Instant::now();
            let latency = timestamp
                .playback
                .saturating_duration_since(timestamp.callback);
            scratch.clear();
            scratch.resize(data.len(), 0.0);
            stats
                .latency_nanos
                .store(latency.as_nanos() as u64, Ordering::Relaxed);
            stats
                .callback_frames
                .store((data.len() / channels) as u64, Ordering::Relaxed);
            engine.render(&mut scratch, now, now + latency);
            for (out, sample) in data.iter_mut().zip(&scratch) {
                *out = T::from_sample(*sample);
            }
        },
        move |err| {
            log::warn!("audio output error: {err}");
            failed.device_failed.store(true, Ordering::Relaxed);
        },
        None,
    )
}

fn run_decode_thread(
    shared: Arc<Shared>,
    cmd_rx: Receiver<DecodeCmd>,
    chunk_tx: SyncSender<Chunk>,
) {
    let mut decoder = Decoder::default();
    let mut pending: Option<Chunk> = None;
    let mut last_cmd = Instant::now();
    loop {
        let cmd = if pending.is_some() {
            let idle = !shared.playing.load(Ordering::Acquire) && last_cmd.elapsed() >= IDLE_AFTER;
            let wait = if idle {
                IDLE_QUEUE_WAIT
            } else {
                FULL_QUEUE_WAIT
            };
            match cmd_rx.recv_timeout(wait) {
                Ok(cmd) => Some(cmd),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else if decoder.is_active() {
            match cmd_rx.try_recv() {
                Ok(cmd) => Some(cmd),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else {
            match cmd_rx.recv() {
                Ok(cmd) => Some(cmd),
                Err(_) => return,
            }
        };
        if let Some(cmd) = cmd {
            last_cmd = Instant::now();
            decoder.apply(cmd);
            pending = None;
        }
        if pending.is_none() {
            pending = decoder.next_chunk();
        }
        if let Some(chunk) = pending.take() {
            match chunk_tx.try_send(chunk) {
                Ok(()) => {}
                Err(TrySendError::Full(chunk)) => pending = Some(chunk),
                Err(TrySendError::Disconnected(_)) => return,
            }
        }
    }
}

/// The decode thread's state: the source, the current generation and the time stretch.
#[derive(Default)]
struct Decoder {
    source: Option<Box<MediaSource>>,
    generation: u64,
    /// Set once the end chunk of this generation has been produced.
    ended: bool,
    /// The stretcher (away from 1x) and the media frame it started at.
    stretch: Option<(TimeStretch, u64)>,
    input: Vec<f32>,
}

impl Decoder {
    fn is_active(&self) -> bool {
        self.source.is_some() && !self.ended
    }

    fn apply(&mut self, cmd: DecodeCmd) {
        match cmd {
            DecodeCmd::Load {
                generation,
                source,
                start_frame,
                speed,
            } => {
                self.source = Some(source);
                self.restart(generation, start_frame, speed);
            }
            DecodeCmd::Seek {
                generation,
                frame,
                speed,
            } => self.restart(generation, frame, speed),
            DecodeCmd::Unload => {
                self.source = None;
                self.stretch = None;
                self.ended = true;
            }
        }
    }

    fn restart(&mut self, generation: u64, frame: u64, speed: f64) {
        self.generation = generation;
        self.ended = false;
        self.stretch = None;
        let Some(source) = self.source.as_mut() else {
            return;
        };
        if let Err(err) = source.seek_to_frame(frame) {
            log::warn!("seek failed: {err}");
        }
        if (speed - 1.0).abs() > 1e-6 {
            let stretch = TimeStretch::new(source.sample_rate_hz(), speed);
            self.stretch = Some((stretch, source.position_frames()));
        }
    }

    /// The next chunk of the current generation, or `None` when there is nothing to send.
    fn next_chunk(&mut self) -> Option<Chunk> {
        if self.ended {
            return None;
        }
        let source = self.source.as_mut()?;
        let sample_rate_hz = source.sample_rate_hz();
        let chunk = match self.stretch.as_mut() {
            None => {
                let start_frame = source.position_frames();
                let channels = source.channel_count();
                let mut samples = Vec::with_capacity(CHUNK_FRAMES * usize::from(channels));
                let frames = source.read_frames(&mut samples, CHUNK_FRAMES);
                Chunk {
                    generation: self.generation,
                    start_media: start_frame as f64,
                    media_step: 1.0,
                    channels,
                    sample_rate_hz,
                    samples,
                    end: frames == 0,
                }
            }
            Some((stretch, base_frame)) => {
                let (offset, media_step) = stretch.media_at(stretch.output_frames());
                let (samples, end) = stretch_chunk(stretch, source, &mut self.input);
                Chunk {
                    generation: self.generation,
                    start_media: *base_frame as f64 + offset,
                    media_step,
                    channels: 2,
                    sample_rate_hz,
                    samples,
                    end,
                }
            }
        };
        self.ended = chunk.end;
        Some(chunk)
    }
}

/// Produces about [`CHUNK_FRAMES`] of stretched stereo audio (just the first hop at the start,
/// whose media step differs); returns the samples and whether the stream ended.
fn stretch_chunk(
    stretch: &mut TimeStretch,
    source: &mut MediaSource,
    input: &mut Vec<f32>,
) -> (Vec<f32>, bool) {
    let first_hop = stretch.output_frames() == 0;
    let mut samples = Vec::with_capacity(2 * CHUNK_FRAMES + 4096);
    loop {
        if stretch.process_hop(&mut samples) > 0 {
            if first_hop || samples.len() >= 2 * CHUNK_FRAMES {
                return (samples, false);
            }
            continue;
        }
        if stretch.is_finished() {
            return (samples, true);
        }
        input.clear();
        if source.read_frames(input, CHUNK_FRAMES) == 0 {
            stretch.finish_input();
        } else {
            stretch.push(input, usize::from(source.channel_count()));
        }
    }
}

/// A source frame (stereo), the media frame it carries and the media step to the next one.
type SourceFrame = ([f32; 2], f64, f64);

/// The real-time part: turns chunks into device samples and publishes anchors.
pub struct Engine {
    shared: Arc<Shared>,
    chunk_rx: Receiver<Chunk>,
    device_rate_hz: u32,
    device_channels: usize,
    generation: u64,
    chunk: Option<Chunk>,
    chunk_pos_frames: usize,
    source_rate_hz: u32,
    a: Option<SourceFrame>,
    b: Option<SourceFrame>,
    frac: f64,
    ended: bool,
    end_media: f64,
    local_log: AnchorLog,
}

impl Engine {
    fn new(
        shared: Arc<Shared>,
        chunk_rx: Receiver<Chunk>,
        device_rate_hz: u32,
        device_channels: usize,
    ) -> Engine {
        Engine {
            shared,
            chunk_rx,
            device_rate_hz: device_rate_hz.max(1),
            device_channels: device_channels.max(1),
            generation: u64::MAX,
            chunk: None,
            chunk_pos_frames: 0,
            source_rate_hz: 44_100,
            a: None,
            b: None,
            frac: 0.0,
            ended: false,
            end_media: 0.0,
            local_log: AnchorLog::default(),
        }
    }

    /// Next source frame of the current generation, or `None` (underrun or end).
    fn pull(&mut self) -> Option<SourceFrame> {
        loop {
            if let Some(chunk) = &self.chunk {
                let channels = usize::from(chunk.channels.max(1));
                let index = self.chunk_pos_frames * channels;
                if index + channels <= chunk.samples.len() {
                    let left = chunk.samples[index];
                    let right = if channels > 1 {
                        chunk.samples[index + 1]
                    } else {
                        left
                    };
                    let media = chunk.start_media + self.chunk_pos_frames as f64 * chunk.media_step;
                    self.chunk_pos_frames += 1;
                    return Some(([left, right], media, chunk.media_step));
                }
                if chunk.end {
                    self.ended = true;
                    self.end_media =
                        chunk.start_media + self.chunk_pos_frames as f64 * chunk.media_step;
                    return None;
                }
                self.chunk = None;
            }
            if !self.take_chunk() {
                return None;
            }
        }
    }

    /// Takes the next chunk of the current generation from the queue, dropping stale ones;
    /// false when the queue holds none.
    fn take_chunk(&mut self) -> bool {
        loop {
            match self.chunk_rx.try_recv() {
                Ok(chunk) if chunk.generation == self.generation => {
                    self.source_rate_hz = chunk.sample_rate_hz.max(1);
                    self.chunk = Some(chunk);
                    self.chunk_pos_frames = 0;
                    return true;
                }
                Ok(_stale) => {}
                Err(_) => return false,
            }
        }
    }

    /// Fills `out` (interleaved, device channels) for audio that reaches the speaker at `play_at`.
    pub fn render(&mut self, out: &mut [f32], now: Instant, play_at: Instant) {
        out.fill(0.0);
        let generation = self.shared.generation.load(Ordering::Acquire);
        if generation != self.generation {
            self.generation = generation;
            self.chunk = None;
            self.a = None;
            self.b = None;
            self.frac = 0.0;
            self.ended = false;
        }
        if !self.shared.playing.load(Ordering::Acquire) || self.ended {
            // While paused, drop chunks of old generations so the decode thread can refill
            // the queue for the new position before playback resumes.
            if self.chunk.is_none() {
                self.take_chunk();
            }
            return;
        }
        let volume = f32::from_bits(self.shared.volume_bits.load(Ordering::Relaxed));
        let mut first: Option<(usize, f64)> = None;
        let mut emitted_frames = 0usize;
        let mut step = f64::from(self.source_rate_hz) / f64::from(self.device_rate_hz);
        let mut media_step = 1.0;
        for (i, frame_out) in out.chunks_exact_mut(self.device_channels).enumerate() {
            // Bring (a, b, frac) into a valid state.
            let ready = loop {
                if self.a.is_none() {
                    match self.pull() {
                        Some(f) => {
                            self.a = Some(f);
                            self.frac = 0.0;
                            step = f64::from(self.source_rate_hz) / f64::from(self.device_rate_hz);
                        }
                        None => break None,
                    }
                }
                if self.b.is_none() {
                    self.b = self.pull();
                }
                match (self.a, self.b) {
                    (Some(_), Some(b)) if self.frac >= 1.0 => {
                        self.a = Some(b);
                        self.b = None;
                        self.frac -= 1.0;
                    }
                    (Some(a), Some(b)) => break Some((a, b)),
                    (Some(a), None) if self.ended => {
                        // Last frame: play it without interpolation, then stop.
                        if self.frac >= 1.0 {
                            self.a = None;
                            break None;
                        }
                        break Some((a, a));
                    }
                    _ => break None,
                }
            };
            let Some(((a, a_media, a_step), (b, _, _))) = ready else {
                if self.ended {
                    break;
                }
                continue; // underrun: silence
            };
            let t = self.frac as f32;
            let left = (a[0] + (b[0] - a[0]) * t) * volume;
            let right = (a[1] + (b[1] - a[1]) * t) * volume;
            if self.device_channels == 1 {
                frame_out[0] = 0.5 * (left + right);
            } else {
                frame_out[0] = left;
                frame_out[1] = right;
            }
            if first.is_none() {
                first = Some((i, a_media + self.frac * a_step));
            }
            media_step = a_step;
            emitted_frames += 1;
            self.frac += step;
        }
        if let Some((first_index, media_start_frames)) = first {
            let offset =
                Duration::from_secs_f64(first_index as f64 / f64::from(self.device_rate_hz));
            self.local_log.push(
                Anchor {
                    generation: self.generation,
                    play_at: play_at + offset,
                    media_start_frames,
                    media_frames_per_sec: step * media_step * f64::from(self.device_rate_hz),
                    media_len_frames: emitted_frames as f64 * step * media_step,
                },
                now,
            );
        }
        if self.ended
            && self
                .local_log
                .ended
                .is_none_or(|(g, _)| g != self.generation)
        {
            self.local_log.ended = Some((self.generation, self.end_media));
        }
        if let Ok(mut log) = self.shared.log.try_lock() {
            log.copy_from(&self.local_log);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Arc<Shared> {
        Arc::new(Shared::new(1, true))
    }

    /// Samples are the chunk frame's media position / 10000, so outputs show what was played.
    fn ramp_chunk(generation: u64, start: u64, step: u64, frames: usize, end: bool) -> Chunk {
        Chunk {
            generation,
            start_media: start as f64,
            media_step: step as f64,
            channels: 1,
            sample_rate_hz: 1000,
            samples: (0..frames)
                .map(|i| (start + step * i as u64) as f32 / 10_000.0)
                .collect(),
            end,
        }
    }

    fn heard(shared: &Shared, at: Instant) -> f64 {
        shared.log.lock().unwrap().heard_frames(1, at).unwrap()
    }

    #[test]
    fn engine_publishes_anchors_and_drops_stale_chunks() {
        let shared = shared();
        let (tx, rx) = mpsc::sync_channel(8);
        tx.send(ramp_chunk(0, 0, 1, 100, false)).unwrap(); // stale generation
        tx.send(ramp_chunk(1, 500, 1, 100, false)).unwrap();
        // A time-stretched chunk at double speed: each frame carries two media frames.
        tx.send(ramp_chunk(1, 600, 2, 100, true)).unwrap();
        let mut engine = Engine::new(Arc::clone(&shared), rx, 1000, 2);
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut out = vec![0.0f32; 2 * 50];
        engine.render(&mut out, t0, t0);
        assert!((out[0] - 0.05).abs() < 1e-6);
        assert!((out[2] - 0.0501).abs() < 1e-6);
        assert!((heard(&shared, t0 + ms(10)) - 510.0).abs() < 1e-6);

        engine.render(&mut out, t0, t0 + ms(50));
        assert!((out[0] - 0.0550).abs() < 1e-6);
        assert!((heard(&shared, t0 + ms(60)) - 560.0).abs() < 1e-6);

        engine.render(&mut out, t0, t0 + ms(100));
        assert!((out[0] - 0.0600).abs() < 1e-6);
        assert!((out[2] - 0.0602).abs() < 1e-6);
        assert!((heard(&shared, t0 + ms(110)) - 620.0).abs() < 1e-6);

        // Play to the end: the end is reported at media frame 800.
        for k in 0..10 {
            engine.render(&mut out, t0, t0 + ms(150 + 50 * k));
        }
        assert_eq!(shared.log.lock().unwrap().ended, Some((1, 800.0)));
    }

    #[test]
    fn stretched_chunks_say_which_media_they_carry() {
        // cbr.mp3 has a tone burst starting at media frame 66 150 (see audio/tests.rs).
        for speed in [0.5, 2.0, 3.0] {
            let opened = crate::audio::source::open_media(
                &crate::audio::tests::fixture("cbr.mp3"),
                &mut |_| {},
            )
            .unwrap();
            let mut decoder = Decoder::default();
            decoder.apply(DecodeCmd::Load {
                generation: 7,
                source: Box::new(opened.source),
                start_frame: 44_100,
                speed,
            });
            // (media position, sample) of every output frame, from the chunks' own mapping.
            let mut frames: Vec<(f64, f32)> = Vec::new();
            while let Some(chunk) = decoder.next_chunk() {
                assert_eq!(chunk.generation, 7);
                let channels = usize::from(chunk.channels);
                for (i, frame) in chunk.samples.chunks_exact(channels).enumerate() {
                    frames.push((chunk.start_media + i as f64 * chunk.media_step, frame[0]));
                }
                if chunk.end {
                    break;
                }
            }
            assert_eq!(frames[0].0, 44_100.0);
            let expected_frames = (176_400.0 - 44_100.0) / speed;
            assert!(
                (frames.len() as f64 - expected_frames).abs() < 3000.0,
                "speed {speed}"
            );
            let onset = frames.iter().find(|(_, v)| v.abs() > 0.25).unwrap().0;
            // One hop plus the search tolerance, in media frames.
            let tolerance = 44_100.0 * 0.0325 * speed.max(1.0);
            assert!(
                (onset - 66_150.0).abs() < tolerance,
                "speed {speed}: burst heard at media frame {onset}"
            );
        }
    }
}
