//! Output device (a cpal stream we own), the decode thread and the real-time render engine.
//!
//! Threads:
//! - `audio-output` builds the cpal stream and keeps it alive until the [`Output`] is dropped.
//! - `audio-decode` owns the [`MediaSource`], performs seeks and keeps at least
//!   [`QUEUE_AHEAD`] of decoded audio queued for the callback, in chunks tagged with a seek
//!   generation. Away from 1x it time-stretches with [`TimeStretch`] (pitch kept); each chunk
//!   says which media position its first frame carries and how far each frame advances.
//! - the cpal callback (`Engine`) pulls chunks (never blocking), drops chunks of stale
//!   generations, resamples by `source rate / device rate` (linear interpolation), applies
//!   volume, and publishes an [`Anchor`] per callback: the media position and the instant it
//!   reaches the speaker (`OutputCallbackInfo` playback timestamp minus callback timestamp =
//!   what is still buffered).
//!
//! The callback takes no lock and allocates nothing: chunks travel in bounded channels (whose
//! slots are allocated up front; no thread ever blocks on them, so std's channels never take
//! their waker locks) and go back to the decode thread to be refilled, the anchors
//! go out through a lock-free [`AnchorRing`], and the rest is atomics. Both audio threads ask
//! for a higher scheduling priority ([`priority`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU32, AtomicU64, Ordering};
use std::sync::mpsc::{
    self, Receiver, RecvTimeoutError, Sender, SyncSender, TryRecvError, TrySendError,
};
use std::time::{Duration, Instant};

use rodio::cpal;
use rodio::cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use rodio::cpal::{FromSample, SizedSample};

use super::clock::{Anchor, AnchorRing};
use super::error::AudioError;
use super::priority::{self, Priority};
use super::source::MediaSource;
use super::stretch::TimeStretch;

/// Frames per decoded chunk.
const CHUNK_FRAMES: usize = 1024;
/// Decoded audio the decode thread keeps queued for the callback while it can. Sound only
/// breaks if the decode thread gets no CPU for this long.
pub const QUEUE_AHEAD: Duration = Duration::from_millis(2500);
/// Chunk slots between the decode thread and the callback: [`QUEUE_AHEAD`] of 1024-frame chunks
/// at up to 192 kHz, plus room for the chunks of a new position while old ones still wait.
const QUEUE_SLOTS: usize = 512;
/// Chunks sent at once after a seek even while the queue still counts old audio, so that the
/// new position sounds without waiting for the callback to drop the old chunks.
const RESTART_CHUNKS: u32 = 4;
/// How long the decode thread waits when the queue is full (commands still wake it at once).
/// A full queue holds [`QUEUE_AHEAD`], so this is far from an underrun.
const FULL_QUEUE_WAIT: Duration = Duration::from_millis(50);
/// The same while paused and idle (nothing drains the queue).
const IDLE_QUEUE_WAIT: Duration = Duration::from_millis(200);
/// The decode thread uses [`IDLE_QUEUE_WAIT`] once paused and without commands this long.
const IDLE_AFTER: Duration = Duration::from_secs(1);
/// Samples the callback renders at a time before converting to the device's sample type.
const SCRATCH_SAMPLES: usize = 8192;

/// State shared between the UI thread, the decode thread and the audio callback.
struct Shared {
    /// Current seek generation; the callback drops audio of other generations.
    generation: AtomicU64,
    /// Whether the callback should consume audio.
    playing: AtomicBool,
    /// Volume 0..=1 (f32 bits).
    volume_bits: AtomicU32,
    /// Latest callback-to-playback delay reported by the device, in nanoseconds.
    latency_nanos: AtomicU64,
    /// Frames per callback in the latest callback.
    callback_frames: AtomicU64,
    /// Set when the device reported an error.
    device_failed: AtomicBool,
    /// Frames (at the source rate) in chunks sent and not yet played or dropped.
    queued_frames: AtomicU64,
    /// What the callback thread's priority became ([`priority_code`]; 0 before it ran).
    output_priority: AtomicU8,
    /// Anchors published by the callback.
    anchors: AnchorRing,
}

impl Shared {
    /// Fresh state at seek generation 0, paused, full volume, nothing heard yet.
    fn new() -> Shared {
        Shared {
            generation: AtomicU64::new(0),
            playing: AtomicBool::new(false),
            volume_bits: AtomicU32::new(1.0f32.to_bits()),
            latency_nanos: AtomicU64::new(0),
            callback_frames: AtomicU64::new(0),
            device_failed: AtomicBool::new(false),
            queued_frames: AtomicU64::new(0),
            output_priority: AtomicU8::new(0),
            anchors: AnchorRing::default(),
        }
    }
}

/// A [`Priority`] as a non-zero byte, for an atomic.
fn priority_code(priority: Priority) -> u8 {
    match priority {
        Priority::Realtime => 1,
        Priority::Raised => 2,
        Priority::Unchanged => 3,
    }
}

/// The [`Priority`] behind [`priority_code`]; `None` for 0 (not known yet).
fn priority_from_code(code: u8) -> Option<Priority> {
    match code {
        1 => Some(Priority::Realtime),
        2 => Some(Priority::Raised),
        3 => Some(Priority::Unchanged),
        _ => None,
    }
}

/// A chunk of decoded audio for the callback. Its buffer goes back to the decode thread.
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

impl Chunk {
    fn frames(&self) -> u64 {
        (self.samples.len() / usize::from(self.channels.max(1))) as u64
    }
}

/// Commands for the decode thread.
enum DecodeCmd {
    /// Replace the source and start decoding at `start_frame`.
    Load {
        generation: u64,
        source: Box<MediaSource>,
        start_frame: u64,
        speed: f64,
    },
    /// Seek the current source.
    Seek {
        generation: u64,
        frame: u64,
        speed: f64,
    },
    /// Drop the source.
    Unload,
}

impl DecodeCmd {
    /// True for a seek, which a later seek makes moot.
    fn is_seek(&self) -> bool {
        matches!(self, DecodeCmd::Seek { .. })
    }
}

/// An open output device with its decode thread: what the [`Player`](super::Player) plays
/// through. Each `load` or `seek` starts a new generation; the heard position is that of the
/// current generation only.
pub struct Output {
    name: String,
    shared: Arc<Shared>,
    commands: Sender<DecodeCmd>,
    generation: u64,
    /// The highest heard position reported in this generation (f64 bits; -inf before any),
    /// so the position never goes backwards.
    heard_floor_bits: AtomicU64,
    /// Dropping this stops the `audio-output` thread (and the stream).
    _stop_tx: Sender<()>,
}

impl Output {
    /// Opens the default output device, giving up after `timeout`.
    pub fn open_default(timeout: Duration) -> Result<Output, AudioError> {
        let shared = Arc::new(Shared::new());
        let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(QUEUE_SLOTS);
        // Every chunk in existence fits in here, so the callback's hand-back never fails.
        let (recycle_tx, recycle_rx) = mpsc::sync_channel::<Chunk>(QUEUE_SLOTS + 4);
        let (ready_tx, ready_rx) = mpsc::channel::<Result<String, AudioError>>();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let engine = Engine::new(Arc::clone(&shared), chunk_rx, recycle_tx);
        std::thread::Builder::new()
            .name("audio-output".to_string())
            .spawn(move || run_output_thread(engine, ready_tx, stop_rx))
            .map_err(|err| AudioError::thread("audio-output", &err))?;
        let name = match ready_rx.recv_timeout(timeout) {
            Ok(Ok(name)) => name,
            Ok(Err(err)) => return Err(err),
            Err(_) => return Err(AudioError::DeviceTimeout(timeout)),
        };
        let (commands, decode_rx) = mpsc::channel::<DecodeCmd>();
        let decode_shared = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("audio-decode".to_string())
            .spawn(move || run_decode_thread(decode_shared, decode_rx, chunk_tx, recycle_rx))
            .map_err(|err| AudioError::thread("audio-decode", &err))?;
        Ok(Output {
            name,
            shared,
            commands,
            generation: 0,
            heard_floor_bits: AtomicU64::new(f64::NEG_INFINITY.to_bits()),
            _stop_tx: stop_tx,
        })
    }

    /// The device's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Plays `source` from media frame `start_frame` at `speed` (a new generation).
    pub fn load(&mut self, source: MediaSource, start_frame: u64, speed: f64) {
        let generation = self.next_generation();
        self.send(DecodeCmd::Load {
            generation,
            source: Box::new(source),
            start_frame,
            speed,
        });
    }

    /// Restarts the loaded source at media frame `frame` at `speed` (a new generation).
    pub fn seek(&mut self, frame: u64, speed: f64) {
        let generation = self.next_generation();
        self.send(DecodeCmd::Seek {
            generation,
            frame,
            speed,
        });
    }

    /// Drops the source; the callback plays silence.
    pub fn unload(&mut self) {
        self.next_generation();
        self.send(DecodeCmd::Unload);
    }

    /// Whether the callback consumes audio (playing) or renders silence (paused).
    pub fn set_playing(&self, playing: bool) {
        self.shared.playing.store(playing, Ordering::Release);
    }

    /// Sets the volume (0..=1).
    pub fn set_volume(&self, volume: f32) {
        self.shared
            .volume_bits
            .store(volume.to_bits(), Ordering::Relaxed);
    }

    /// The media frame the listener hears at `now` in the current generation (never less than
    /// a value reported before in it), or `None` before any of it reached the speaker.
    pub fn heard_frames(&self, now: Instant) -> Option<f64> {
        let heard = self.shared.anchors.heard_frames(self.generation, now);
        let floor = f64::from_bits(self.heard_floor_bits.load(Ordering::Relaxed));
        let frames = match heard {
            Some(heard) => heard.max(floor),
            None if floor.is_finite() => floor,
            None => return None,
        };
        self.heard_floor_bits
            .store(frames.to_bits(), Ordering::Relaxed);
        Some(frames)
    }

    /// Where the current generation's source ended, once the callback has played its end.
    pub fn ended_frames(&self) -> Option<f64> {
        self.shared.anchors.ended(self.generation)
    }

    /// True once the device has reported an error.
    pub fn has_failed(&self) -> bool {
        self.shared.device_failed.load(Ordering::Relaxed)
    }

    /// The device's latest callback-to-speaker delay and callback size in frames; `None`
    /// before the first callback.
    pub fn latency(&self) -> Option<(Duration, u64)> {
        let callback_frames = self.shared.callback_frames.load(Ordering::Relaxed);
        (callback_frames > 0).then(|| {
            let nanos = self.shared.latency_nanos.load(Ordering::Relaxed);
            (Duration::from_nanos(nanos), callback_frames)
        })
    }

    fn next_generation(&mut self) -> u64 {
        self.generation += 1;
        self.heard_floor_bits
            .store(f64::NEG_INFINITY.to_bits(), Ordering::Relaxed);
        self.shared
            .generation
            .store(self.generation, Ordering::Release);
        self.generation
    }

    fn send(&self, cmd: DecodeCmd) {
        // The decode thread only ends when the Output is dropped.
        let _ = self.commands.send(cmd);
    }
}

fn run_output_thread(
    engine: Engine,
    ready_tx: Sender<Result<String, AudioError>>,
    stop_rx: Receiver<()>,
) {
    let stream = match build_stream(engine) {
        Ok((stream, name)) => {
            // The receiver may have given up (timeout); then just stop.
            if ready_tx.send(Ok(name)).is_err() {
                return;
            }
            stream
        }
        Err(err) => {
            let _ = ready_tx.send(Err(err));
            return;
        }
    };
    // Blocks until the Output is dropped (sender disconnected).
    let _ = stop_rx.recv();
    drop(stream);
}

fn build_stream(mut engine: Engine) -> Result<(cpal::Stream, String), AudioError> {
    let host = cpal::default_host();
    let device = host.default_output_device().ok_or(AudioError::NoDevice)?;
    let name = device
        .description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| "default".to_string());
    let device_error = |detail: String| AudioError::Device {
        device: name.clone(),
        detail,
    };
    let supported = device
        .default_output_config()
        .map_err(|err| device_error(err.to_string()))?;
    let config = supported.config();
    engine.set_device_format(config.sample_rate, usize::from(config.channels));
    let stream = match supported.sample_format() {
        cpal::SampleFormat::F32 => build_typed::<f32>(&device, config, engine),
        cpal::SampleFormat::I16 => build_typed::<i16>(&device, config, engine),
        cpal::SampleFormat::I32 => build_typed::<i32>(&device, config, engine),
        cpal::SampleFormat::U16 => build_typed::<u16>(&device, config, engine),
        cpal::SampleFormat::U8 => build_typed::<u8>(&device, config, engine),
        cpal::SampleFormat::F64 => build_typed::<f64>(&device, config, engine),
        other => return Err(device_error(format!("unsupported sample format {other}"))),
    }
    .map_err(|err| device_error(err.to_string()))?;
    stream.play().map_err(|err| device_error(err.to_string()))?;
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
    let channels = usize::from(config.channels.max(1));
    let rate_hz = f64::from(config.sample_rate.max(1));
    // Whole frames, allocated once: the callback converts through it piece by piece.
    let mut scratch = vec![0.0f32; SCRATCH_SAMPLES / channels * channels];
    device.build_output_stream::<T, _, _>(
        config,
        move |data: &mut [T], info: &cpal::OutputCallbackInfo| {
            let timestamp = info.timestamp();
            let now = Instant::now();
            let latency = timestamp
                .playback
                .saturating_duration_since(timestamp.callback);
            engine.note_callback(latency, data.len() / channels);
            let mut offset_frames = 0usize;
            for piece in data.chunks_mut(scratch.len()) {
                let out = &mut scratch[..piece.len()];
                let offset = Duration::from_secs_f64(offset_frames as f64 / rate_hz);
                engine.render(out, now + latency + offset);
                for (sample_out, sample) in piece.iter_mut().zip(out.iter()) {
                    *sample_out = T::from_sample(*sample);
                }
                offset_frames += piece.len() / channels;
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
    commands: Receiver<DecodeCmd>,
    chunk_tx: SyncSender<Chunk>,
    recycle_rx: Receiver<Chunk>,
) {
    log::debug!(
        "audio-decode thread priority: {}",
        priority::raise_decode_thread().describe()
    );
    let mut decoder = Decoder::default();
    let mut pending: Option<Chunk> = None;
    let mut last_cmd = Instant::now();
    let mut output_priority_logged = false;
    loop {
        if !output_priority_logged
            && let Some(p) = priority_from_code(shared.output_priority.load(Ordering::Acquire))
        {
            output_priority_logged = true;
            log::debug!(
                "audio output callback priority: {}; {} frames per callback, device latency {:.1} ms",
                p.describe(),
                shared.callback_frames.load(Ordering::Relaxed),
                shared.latency_nanos.load(Ordering::Relaxed) as f64 / 1e6
            );
        }
        let queued = shared.queued_frames.load(Ordering::Acquire);
        let wants_chunk = pending.is_none() && decoder.wants_chunk(queued);
        let cmd = if wants_chunk {
            match commands.try_recv() {
                Ok(cmd) => Some(cmd),
                Err(TryRecvError::Empty) => None,
                Err(TryRecvError::Disconnected) => return,
            }
        } else if decoder.is_active() || pending.is_some() {
            let idle = !shared.playing.load(Ordering::Acquire) && last_cmd.elapsed() >= IDLE_AFTER;
            let wait = if idle {
                IDLE_QUEUE_WAIT
            } else {
                FULL_QUEUE_WAIT
            };
            match commands.recv_timeout(wait) {
                Ok(cmd) => Some(cmd),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        } else {
            match commands.recv() {
                Ok(cmd) => Some(cmd),
                Err(_) => return,
            }
        };
        if let Some(cmd) = cmd {
            last_cmd = Instant::now();
            // A dragged seek bar sends a burst of seeks: only the latest is carried out, so one
            // seek is in flight and the newest position wins.
            let mut cmd = cmd;
            while let Ok(next) = commands.try_recv() {
                if !(cmd.is_seek() && next.is_seek()) {
                    decoder.apply(cmd);
                }
                cmd = next;
            }
            decoder.apply(cmd);
            if let Some(stale) = pending.take() {
                decoder.spare = Some(stale);
            }
            continue;
        }
        if pending.is_none() && wants_chunk {
            let spare = decoder.spare.take().or_else(|| recycle_rx.try_recv().ok());
            pending = decoder.next_chunk(spare);
        }
        if let Some(chunk) = pending.take() {
            let frames = chunk.frames();
            // Counted before the send, so the callback's subtraction never comes first.
            shared.queued_frames.fetch_add(frames, Ordering::AcqRel);
            match chunk_tx.try_send(chunk) {
                Ok(()) => decoder.sent_chunk(),
                Err(TrySendError::Full(chunk)) => {
                    shared.queued_frames.fetch_sub(frames, Ordering::AcqRel);
                    pending = Some(chunk);
                }
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
    /// Chunks still to send after a restart whatever the queue holds.
    restart_credit: u32,
    /// A chunk buffer to fill next (one that was never sent).
    spare: Option<Chunk>,
}

impl Decoder {
    fn is_active(&self) -> bool {
        self.source.is_some() && !self.ended
    }

    /// Whether another chunk should be decoded now, with `queued_frames` waiting.
    fn wants_chunk(&self, queued_frames: u64) -> bool {
        let Some(source) = self.source.as_ref() else {
            return false;
        };
        let target_frames = QUEUE_AHEAD.as_secs_f64() * f64::from(source.sample_rate_hz());
        !self.ended && (self.restart_credit > 0 || (queued_frames as f64) < target_frames)
    }

    fn sent_chunk(&mut self) {
        self.restart_credit = self.restart_credit.saturating_sub(1);
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
        self.restart_credit = RESTART_CHUNKS;
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

    /// The next chunk of the current generation, filled into `spare`'s buffer when given;
    /// `None` when there is nothing to send.
    fn next_chunk(&mut self, spare: Option<Chunk>) -> Option<Chunk> {
        if self.ended {
            return None;
        }
        let source = self.source.as_mut()?;
        let mut samples = spare.map(|c| c.samples).unwrap_or_default();
        samples.clear();
        let sample_rate_hz = source.sample_rate_hz();
        let chunk = match self.stretch.as_mut() {
            None => {
                let start_frame = source.position_frames();
                let channels = source.channel_count();
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
                let end = stretch_chunk(stretch, source, &mut self.input, &mut samples);
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

/// Appends about [`CHUNK_FRAMES`] of stretched stereo audio to `samples` (just the first hop at
/// the start, whose media step differs); returns whether the stream ended.
fn stretch_chunk(
    stretch: &mut TimeStretch,
    source: &mut MediaSource,
    input: &mut Vec<f32>,
    samples: &mut Vec<f32>,
) -> bool {
    let first_hop = stretch.output_frames() == 0;
    loop {
        if stretch.process_hop(samples) > 0 {
            if first_hop || samples.len() >= 2 * CHUNK_FRAMES {
                return false;
            }
            continue;
        }
        if stretch.is_finished() {
            return true;
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
struct Engine {
    shared: Arc<Shared>,
    chunk_rx: Receiver<Chunk>,
    /// Played and stale chunks go back to the decode thread through here.
    recycle_tx: SyncSender<Chunk>,
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
    /// The generation whose end was published.
    end_published: Option<u64>,
    /// Whether the callback thread's priority was set.
    priority_set: bool,
}

impl Engine {
    fn new(
        shared: Arc<Shared>,
        chunk_rx: Receiver<Chunk>,
        recycle_tx: SyncSender<Chunk>,
    ) -> Engine {
        Engine {
            shared,
            chunk_rx,
            recycle_tx,
            device_rate_hz: 48_000,
            device_channels: 2,
            generation: u64::MAX,
            chunk: None,
            chunk_pos_frames: 0,
            source_rate_hz: 44_100,
            a: None,
            b: None,
            frac: 0.0,
            ended: false,
            end_media: 0.0,
            end_published: None,
            priority_set: false,
        }
    }

    fn set_device_format(&mut self, rate_hz: u32, channels: usize) {
        self.device_rate_hz = rate_hz.max(1);
        self.device_channels = channels.max(1);
    }

    /// Per-callback bookkeeping: the thread's priority (once) and the device's latency.
    fn note_callback(&mut self, latency: Duration, frames: usize) {
        let latency_nanos = u64::try_from(latency.as_nanos()).unwrap_or(u64::MAX);
        self.shared
            .latency_nanos
            .store(latency_nanos, Ordering::Relaxed);
        self.shared
            .callback_frames
            .store(frames as u64, Ordering::Relaxed);
        if !self.priority_set {
            self.priority_set = true;
            let priority = priority::raise_output_thread();
            self.shared
                .output_priority
                .store(priority_code(priority), Ordering::Release);
        }
    }

    /// Hands a chunk back to the decode thread and uncounts its audio.
    fn recycle(&mut self, chunk: Chunk) {
        self.shared
            .queued_frames
            .fetch_sub(chunk.frames(), Ordering::AcqRel);
        // The recycle channel has room for every chunk there is; if it ever had not, the
        // chunk would be freed here, which is only slower.
        let _ = self.recycle_tx.try_send(chunk);
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
                if let Some(done) = self.chunk.take() {
                    self.recycle(done);
                }
            }
            if !self.take_chunk() {
                return None;
            }
        }
    }

    /// Takes the next chunk of the current generation from the queue, handing stale ones
    /// back; false when the queue holds none.
    fn take_chunk(&mut self) -> bool {
        loop {
            match self.chunk_rx.try_recv() {
                Ok(chunk) if chunk.generation == self.generation => {
                    self.source_rate_hz = chunk.sample_rate_hz.max(1);
                    self.chunk = Some(chunk);
                    self.chunk_pos_frames = 0;
                    return true;
                }
                Ok(stale) => self.recycle(stale),
                Err(_) => return false,
            }
        }
    }

    /// Switches to the shared generation if it changed, dropping what was in hand.
    fn follow_generation(&mut self) {
        let generation = self.shared.generation.load(Ordering::Acquire);
        if generation == self.generation {
            return;
        }
        self.generation = generation;
        if let Some(stale) = self.chunk.take() {
            self.recycle(stale);
        }
        self.a = None;
        self.b = None;
        self.frac = 0.0;
        self.ended = false;
    }

    /// Fills `out` (interleaved, device channels) for audio that reaches the speaker at `play_at`.
    fn render(&mut self, out: &mut [f32], play_at: Instant) {
        out.fill(0.0);
        self.follow_generation();
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
            let Some(((a, a_media, a_step), (b, _, _))) = self.next_pair(&mut step) else {
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
            self.shared.anchors.push(Anchor {
                generation: self.generation,
                play_at: play_at + offset,
                media_start_frames,
                media_frames_per_sec: step * media_step * f64::from(self.device_rate_hz),
                media_len_frames: emitted_frames as f64 * step * media_step,
            });
        }
        if self.ended && self.end_published != Some(self.generation) {
            self.end_published = Some(self.generation);
            self.shared
                .anchors
                .set_ended(self.generation, self.end_media);
        }
    }

    /// Brings the interpolation pair `(a, b, frac)` into a valid state; `None` on an underrun
    /// or at the end. `step` is updated when a new stream starts (its rate may differ).
    fn next_pair(&mut self, step: &mut f64) -> Option<(SourceFrame, SourceFrame)> {
        loop {
            if self.a.is_none() {
                let frame = self.pull()?;
                self.a = Some(frame);
                self.frac = 0.0;
                *step = f64::from(self.source_rate_hz) / f64::from(self.device_rate_hz);
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
                (Some(a), Some(b)) => return Some((a, b)),
                (Some(a), None) if self.ended => {
                    // Last frame: play it without interpolation, then stop.
                    if self.frac >= 1.0 {
                        self.a = None;
                        return None;
                    }
                    return Some((a, a));
                }
                _ => return None,
            }
        }
    }
}

/// Nanoseconds per callback of `callback_samples` (stereo, 48 kHz) that [`Engine::render`]
/// takes to play `signal` (mono at `rate_hz`): for the rodio comparison in `audio/tests.rs`.
#[cfg(test)]
pub(crate) fn measure_engine(signal: &[f32], rate_hz: u32, callback_samples: usize) -> f64 {
    let shared = Arc::new(Shared::new());
    shared.generation.store(1, Ordering::Relaxed);
    shared.playing.store(true, Ordering::Relaxed);
    let chunks: Vec<Chunk> = signal
        .chunks(CHUNK_FRAMES)
        .enumerate()
        .map(|(i, samples)| Chunk {
            generation: 1,
            start_media: (i * CHUNK_FRAMES) as f64,
            media_step: 1.0,
            channels: 1,
            sample_rate_hz: rate_hz,
            samples: samples.to_vec(),
            end: (i + 1) * CHUNK_FRAMES >= signal.len(),
        })
        .collect();
    let (tx, rx) = mpsc::sync_channel(chunks.len());
    let (recycle_tx, _recycle_rx) = mpsc::sync_channel(chunks.len());
    for chunk in chunks {
        let _ = tx.send(chunk);
    }
    let mut engine = Engine::new(Arc::clone(&shared), rx, recycle_tx);
    engine.set_device_format(48_000, 2);
    let mut out = vec![0.0f32; callback_samples];
    let started = Instant::now();
    let mut callbacks = 0u64;
    while !engine.ended {
        engine.render(&mut out, started);
        callbacks += 1;
    }
    started.elapsed().as_nanos() as f64 / callbacks as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Arc<Shared> {
        let shared = Shared::new();
        shared.generation.store(1, Ordering::Relaxed);
        shared.playing.store(true, Ordering::Relaxed);
        Arc::new(shared)
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
        shared.anchors.heard_frames(1, at).unwrap()
    }

    #[test]
    fn engine_publishes_anchors_and_drops_stale_chunks() {
        let shared = shared();
        let (tx, rx) = mpsc::sync_channel(8);
        tx.send(ramp_chunk(0, 0, 1, 100, false)).unwrap(); // stale generation
        tx.send(ramp_chunk(1, 500, 1, 100, false)).unwrap();
        // A time-stretched chunk at double speed: each frame carries two media frames.
        tx.send(ramp_chunk(1, 600, 2, 100, true)).unwrap();
        let (recycle_tx, recycle_rx) = mpsc::sync_channel(8);
        let mut engine = Engine::new(Arc::clone(&shared), rx, recycle_tx);
        engine.set_device_format(1000, 2);
        let t0 = Instant::now();
        let ms = Duration::from_millis;
        let mut out = vec![0.0f32; 2 * 50];
        engine.render(&mut out, t0);
        assert!((out[0] - 0.05).abs() < 1e-6);
        assert!((out[2] - 0.0501).abs() < 1e-6);
        assert!((heard(&shared, t0 + ms(10)) - 510.0).abs() < 1e-6);

        engine.render(&mut out, t0 + ms(50));
        assert!((out[0] - 0.0550).abs() < 1e-6);
        assert!((heard(&shared, t0 + ms(60)) - 560.0).abs() < 1e-6);

        engine.render(&mut out, t0 + ms(100));
        assert!((out[0] - 0.0600).abs() < 1e-6);
        assert!((out[2] - 0.0602).abs() < 1e-6);
        assert!((heard(&shared, t0 + ms(110)) - 620.0).abs() < 1e-6);

        // Play to the end: the end is reported at media frame 800.
        for k in 0..10 {
            engine.render(&mut out, t0 + ms(150 + 50 * k));
        }
        assert_eq!(shared.anchors.ended(1), Some(800.0));
        // The played and the stale chunk went back to the decode thread (the last one is
        // still in hand): none was freed in the callback.
        assert_eq!(recycle_rx.try_iter().count(), 2);
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
            while let Some(chunk) = decoder.next_chunk(None) {
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
