//! Audio core: file opening/indexing, sample-accurate decoding and a clock of what is heard.
//!
//! This module is the only place that names rodio, cpal or symphonia. The UI thread owns a
//! [`Player`]; nothing in its API blocks (except [`Player::new`], bounded to ~2 s).
//!
//! Position model: [`Player::heard_position`] is media time (independent of speed). With an
//! output device and a loaded file it comes from the output callback's playback timestamps
//! (see [`output`]); otherwise from a [`clock::SilentClock`] advancing at `speed`.

pub mod clock;
pub mod energy;
pub mod error;
pub mod mp3_index;
pub mod mp4_track;
pub mod output;
pub mod priority;
pub mod source;
pub mod stretch;
pub mod units;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use clock::SilentClock;
pub use error::AudioError;
use output::Output;
pub use source::open_media;
use source::{MediaSource, OpenedMedia};
pub use units::{MAX_SPEED, MIN_SPEED, SPEED_RANGE};
use units::{clamp_speed, clamp_volume, duration_to_frames, frames_to_duration};

/// How long [`Player::new`] waits for the output device before falling back to a silent clock.
pub const DEVICE_OPEN_TIMEOUT: Duration = Duration::from_secs(2);

/// Where the audio goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutputState {
    /// Playing through an output device.
    Device {
        /// Device name.
        name: String,
    },
    /// No device: a silent clock stands in for playback.
    NoDevice {
        /// Why no device is used.
        reason: String,
    },
}

/// Events reported by [`Player::poll`].
#[derive(Clone, Debug, PartialEq)]
pub enum PlayerEvent {
    /// Indexing progress of an [`Player::open`] request (0..=1).
    IndexProgress {
        /// Request id returned by `open`.
        request: u64,
        /// Fraction done.
        fraction: f32,
    },
    /// The file is ready; the duration is exact.
    Loaded {
        /// Request id returned by `open`.
        request: u64,
        /// Exact playable duration.
        duration: Duration,
        /// Format description, e.g. "MP3 44.1 kHz stereo, VBR, LAME tag".
        description: String,
    },
    /// Opening failed.
    Failed {
        /// Request id returned by `open`.
        request: u64,
        /// What went wrong, naming the file (an [`AudioError`]'s message).
        error: String,
    },
    /// Playback reached the end (emitted once; the player is then paused at the end).
    EndOfTrack,
}

/// Messages from the `audio-open` thread.
enum OpenMsg {
    Progress(f32),
    Done(Result<OpenedMedia, AudioError>),
}

/// What is known about the loaded file.
#[derive(Clone, Copy, Debug)]
struct LoadedInfo {
    duration: Duration,
    sample_rate_hz: u32,
    total_frames: u64,
}

/// The audio player, owned by the UI thread.
///
/// Whether it plays is kept in one place, the [`SilentClock`]'s running state; the output's
/// callback gets a copy through `set_playing`, the only function that changes it.
pub struct Player {
    output_state: OutputState,
    output: Option<Output>,
    next_request: u64,
    current_request: Option<u64>,
    open_tx: Sender<(u64, OpenMsg)>,
    open_rx: Receiver<(u64, OpenMsg)>,
    loaded: Option<LoadedInfo>,
    /// Drives the position without device or file; kept in step otherwise. Its running state
    /// is whether the player plays.
    clock: SilentClock,
    speed: f32,
    /// Position playback restarts from after the last seek (device mode).
    seek_target: Duration,
    end_emitted: bool,
    pending_events: Vec<PlayerEvent>,
}

impl Default for Player {
    fn default() -> Self {
        Player::new()
    }
}

impl Player {
    /// Opens the default output device; on any failure (or after ~2 s) uses a silent clock.
    pub fn new() -> Player {
        match Output::open_default(DEVICE_OPEN_TIMEOUT) {
            Ok(output) => {
                let name = output.name().to_string();
                Player::with_output(OutputState::Device { name }, Some(output))
            }
            Err(err) => {
                log::warn!("no audio output, using a silent clock: {err}");
                let reason = err.to_string();
                Player::with_output(OutputState::NoDevice { reason }, None)
            }
        }
    }

    /// A player without any device (tests, `--no-audio`).
    pub fn silent(reason: &str) -> Player {
        Player::with_output(
            OutputState::NoDevice {
                reason: reason.to_string(),
            },
            None,
        )
    }

    fn with_output(output_state: OutputState, output: Option<Output>) -> Player {
        let (open_tx, open_rx) = mpsc::channel();
        Player {
            output_state,
            output,
            next_request: 1,
            current_request: None,
            open_tx,
            open_rx,
            loaded: None,
            clock: SilentClock::default(),
            speed: 1.0,
            seek_target: Duration::ZERO,
            end_emitted: false,
            pending_events: Vec::new(),
        }
    }

    /// Where the audio goes.
    pub fn output(&self) -> &OutputState {
        &self.output_state
    }

    /// Starts opening `path` in the background; results arrive through [`Player::poll`]
    /// tagged with the returned request id. Unloads the current file.
    pub fn open(&mut self, path: &Path) -> u64 {
        self.close();
        let request = self.next_request;
        self.next_request += 1;
        self.current_request = Some(request);
        let tx = self.open_tx.clone();
        let path: PathBuf = path.to_path_buf();
        let spawned = std::thread::Builder::new()
            .name("audio-open".to_string())
            .spawn(move || {
                let progress_tx = tx.clone();
                let mut last_sent = -1.0f32;
                let mut progress = |fraction: f32| {
                    if fraction - last_sent >= 0.02 || fraction >= 1.0 {
                        last_sent = fraction;
                        let _ = progress_tx.send((request, OpenMsg::Progress(fraction)));
                    }
                };
                let result = open_media(&path, &mut progress);
                let _ = tx.send((request, OpenMsg::Done(result)));
            });
        if let Err(err) = spawned {
            self.pending_events.push(PlayerEvent::Failed {
                request,
                error: AudioError::thread("audio-open", &err).to_string(),
            });
            self.current_request = None;
        }
        request
    }

    /// Unloads the file: the clock goes back to 0 (paused) and there is no duration.
    pub fn close(&mut self) {
        self.current_request = None;
        self.loaded = None;
        self.pause();
        let now = Instant::now();
        self.clock.seek(Duration::ZERO, now);
        self.end_emitted = false;
        self.seek_target = Duration::ZERO;
        if let Some(output) = &mut self.output {
            output.unload();
        }
    }

    /// Drains background results and checks for the end of the track. Never blocks.
    pub fn poll(&mut self) -> Vec<PlayerEvent> {
        let mut events = std::mem::take(&mut self.pending_events);
        while let Ok((request, msg)) = self.open_rx.try_recv() {
            if self.current_request != Some(request) {
                continue; // late result of a superseded request: dropped
            }
            match msg {
                OpenMsg::Progress(fraction) => {
                    events.push(PlayerEvent::IndexProgress { request, fraction })
                }
                OpenMsg::Done(Ok(opened)) => {
                    self.current_request = None;
                    let duration = opened.duration;
                    let description = opened.description.clone();
                    self.install(opened);
                    events.push(PlayerEvent::Loaded {
                        request,
                        duration,
                        description,
                    });
                }
                OpenMsg::Done(Err(error)) => {
                    self.current_request = None;
                    events.push(PlayerEvent::Failed {
                        request,
                        error: error.to_string(),
                    });
                }
            }
        }
        if self.output.as_ref().is_some_and(Output::has_failed) {
            self.fall_back_to_silent(&AudioError::DeviceFailed.to_string());
        }
        if self.is_playing()
            && !self.end_emitted
            && let Some(loaded) = self.loaded
            && self.reached_end(loaded)
        {
            self.end_emitted = true;
            self.pause();
            self.seek(loaded.duration);
            self.end_emitted = true;
            events.push(PlayerEvent::EndOfTrack);
        }
        events
    }

    fn reached_end(&self, loaded: LoadedInfo) -> bool {
        if self.heard_position() >= loaded.duration {
            return true;
        }
        if self.device_mode().is_some()
            && let Some(output) = &self.output
            && let Some(end_frames) = output.ended_frames()
        {
            return output
                .heard_frames(Instant::now())
                .is_some_and(|heard| heard >= end_frames - 0.5);
        }
        false
    }

    fn fall_back_to_silent(&mut self, reason: &str) {
        let position = self.heard_position();
        self.output = None;
        self.output_state = OutputState::NoDevice {
            reason: reason.to_string(),
        };
        self.clock.seek(position, Instant::now());
    }

    fn install(&mut self, opened: OpenedMedia) {
        let OpenedMedia {
            source, duration, ..
        } = opened;
        let info = LoadedInfo {
            duration,
            sample_rate_hz: source.sample_rate_hz(),
            total_frames: source.total_frames(),
        };
        self.loaded = Some(info);
        self.end_emitted = false;
        // Carry over the position the silent clock reached while the file was loading.
        let now = Instant::now();
        let start = self.clock.position(now).min(duration);
        self.clock.seek(start, now);
        let start_frame = duration_to_frames(start, info.sample_rate_hz).min(info.total_frames);
        self.seek_target = start;
        if let Some(output) = &mut self.output {
            output.load(source, start_frame, f64::from(self.speed));
        } else {
            drop::<MediaSource>(source);
        }
    }

    /// Device mode: an output device and a loaded file. Returns the loaded info.
    fn device_mode(&self) -> Option<LoadedInfo> {
        self.output.as_ref().and(self.loaded)
    }

    /// Starts (or resumes) playback. At the end of a file, restarts from the beginning.
    pub fn play(&mut self) {
        if let Some(loaded) = self.loaded
            && self.heard_position() >= loaded.duration
        {
            self.seek(Duration::ZERO);
        }
        self.end_emitted = false;
        self.set_playing(true);
    }

    /// Pauses playback.
    pub fn pause(&mut self) {
        self.set_playing(false);
    }

    /// The one place that starts and stops playback: the clock, and the output's copy.
    fn set_playing(&mut self, playing: bool) {
        let now = Instant::now();
        if playing {
            self.clock.play(now);
        } else {
            self.clock.pause(now);
        }
        if let Some(output) = &self.output {
            output.set_playing(playing);
        }
    }

    /// True while playing.
    pub fn is_playing(&self) -> bool {
        self.clock.is_running()
    }

    /// Seeks (non-blocking). `heard_position` reports `to` right after, and stays exactly
    /// `to` while paused.
    pub fn seek(&mut self, to: Duration) {
        let to = match self.loaded {
            Some(loaded) => to.min(loaded.duration),
            None => to,
        };
        self.end_emitted = false;
        self.clock.seek(to, Instant::now());
        if let Some(loaded) = self.device_mode()
            && let Some(output) = &mut self.output
        {
            let frame = duration_to_frames(to, loaded.sample_rate_hz).min(loaded.total_frames);
            self.seek_target = to;
            output.seek(frame, f64::from(self.speed));
        }
    }

    /// The media position the listener hears now.
    pub fn heard_position(&self) -> Duration {
        if let Some(loaded) = self.device_mode()
            && let Some(output) = &self.output
        {
            let heard = output
                .heard_frames(Instant::now())
                .map_or(Duration::ZERO, |frames| {
                    exact_duration(frames.clamp(0.0, loaded.total_frames as f64), loaded)
                });
            return heard.max(self.seek_target);
        }
        let now = Instant::now();
        let position = self.clock.position(now);
        match self.loaded {
            Some(loaded) => position.min(loaded.duration),
            None => position,
        }
    }

    /// Exact duration of the loaded file.
    pub fn duration(&self) -> Option<Duration> {
        self.loaded.map(|l| l.duration)
    }

    /// Sets the speed (clamped to [`SPEED_RANGE`]). The pitch stays (time stretch, see
    /// [`stretch`]). With a device, playback restarts at the heard position so the change is
    /// heard at once.
    pub fn set_speed(&mut self, speed: f32) {
        let speed = clamp_speed(speed);
        if speed == self.speed {
            return;
        }
        let heard = self.heard_position();
        self.speed = speed;
        self.clock.set_speed(f64::from(speed), Instant::now());
        if self.device_mode().is_some() {
            self.seek(heard);
        }
    }

    /// Sets the volume (clamped to 0..=1).
    pub fn set_volume(&mut self, volume: f32) {
        if let Some(output) = &self.output {
            output.set_volume(clamp_volume(volume));
        }
    }

    /// Output latency reported by the device (callback -> speaker) in the latest callback and
    /// the callback size in frames; `None` without a device or before the first callback.
    pub fn output_latency(&self) -> Option<(Duration, u64)> {
        self.output.as_ref()?.latency()
    }

    /// True once a file is loaded.
    pub fn is_loaded(&self) -> bool {
        self.loaded.is_some()
    }
}

/// Frames -> Duration; the last frame maps exactly to the file's duration.
fn exact_duration(frames: f64, loaded: LoadedInfo) -> Duration {
    if frames >= loaded.total_frames as f64 {
        return loaded.duration;
    }
    let whole = frames.floor() as u64;
    let fraction_nanos = ((frames - whole as f64) * 1e9 / f64::from(loaded.sample_rate_hz)) as u64;
    frames_to_duration(whole, loaded.sample_rate_hz) + Duration::from_nanos(fraction_nanos)
}
