//! Decoded, sample-accurately seekable audio source over symphonia.
//!
//! Files are opened only if they are regular files ([`crate::files::open_regular`]), and a file
//! that is plainly something else (an image, a document) is named as such before any decoder
//! looks at it.
//!
//! MP3 files are decoded frame by frame from our own [`Mp3Index`]: seeking resets the decoder,
//! starts [`MP3_PREROLL_FRAMES`] frames before the target frame (to refill the bit reservoir
//! and the synthesis filterbank) and discards output up to the exact sample. The LAME encoder
//! delay plus the 529-sample decoder delay are trimmed at the start and the LAME padding at
//! the end; without a LAME tag only the 529-sample decoder delay is trimmed.
//!
//! Other formats use symphonia's format reader (gapless enabled) with accurate seeking, and
//! discard decoded frames before the target using packet timestamps. For MP4/M4A the AAC
//! priming and length come from the track's edit list or iTunSMPB tag ([`read_mp4_track`]),
//! which symphonia 0.5 does not apply. Opus decodes through libopus
//! (`symphonia-adapter-libopus`); its pre-skip is trimmed here, by timestamp, so that it is
//! right after seeks too (the adapter only trims the first packet it ever decodes).

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::OnceLock;
use std::time::Duration;

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{
    CODEC_TYPE_MP3, CODEC_TYPE_NULL, CODEC_TYPE_OPUS, CodecParameters, CodecRegistry, Decoder,
    DecoderOptions,
};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader, Packet, SeekMode, SeekTo};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;
use symphonia::core::units::TimeBase;

use super::error::{AudioError, DecodeError};
use super::mp3_index::{FrameHeader, IndexError, Mp3Index, starts_like_mp3};
use super::mp4_track::{Mp4Track, read_mp4_track};
use super::units::{channels_name, frames_to_duration, rate_name};
use crate::files;

/// Frames decoded (and discarded) before the target frame after an MP3 seek. The bit
/// reservoir reaches back at most 511 bytes (about 2 frames at 128 kbit/s, up to ~5 at
/// 32 kbit/s), and the IMDCT overlap needs one more frame.
pub const MP3_PREROLL_FRAMES: usize = 8;

/// Bytes read from the start of a file to tell what it is.
const SNIFF_BYTES: usize = 64;

/// A decoder backend producing blocks of interleaved samples with their media start frame.
trait Backend: Send {
    /// Decodes the next block into `out` (cleared first). Returns the media frame index of the
    /// first frame in `out` (may be negative for MP3 delay), or `None` at the end.
    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<Option<i64>, DecodeError>;
    /// Repositions so that subsequent blocks cover `frame` (they may start earlier).
    fn seek(&mut self, frame: u64) -> Result<(), DecodeError>;
}

/// What [`open_media`] produces.
pub struct OpenedMedia {
    /// The decoder, positioned at frame 0.
    pub source: MediaSource,
    /// Exact duration.
    pub duration: Duration,
    /// Human-readable format description.
    pub description: String,
}

/// A seekable decoded stream in media time (trimmed of encoder/decoder delay and padding).
pub struct MediaSource {
    backend: Box<dyn Backend>,
    channels: u16,
    sample_rate_hz: u32,
    total_frames: u64,
    /// Interleaved samples ready to emit.
    buf: Vec<f32>,
    buf_pos: usize,
    /// Media frame index of the next frame to be appended to `buf` (after trimming).
    next_frame: u64,
    /// Scratch block buffer.
    block: Vec<f32>,
    ended: bool,
}

impl MediaSource {
    fn new(
        backend: Box<dyn Backend>,
        channels: u16,
        sample_rate_hz: u32,
        total_frames: u64,
    ) -> MediaSource {
        MediaSource {
            backend,
            channels: channels.max(1),
            sample_rate_hz: sample_rate_hz.max(1),
            total_frames,
            buf: Vec::new(),
            buf_pos: 0,
            next_frame: 0,
            block: Vec::new(),
            ended: false,
        }
    }

    /// Channel count of the decoded stream.
    pub fn channel_count(&self) -> u16 {
        self.channels
    }

    /// Sample rate of the decoded stream in Hz.
    pub fn sample_rate_hz(&self) -> u32 {
        self.sample_rate_hz
    }

    /// Total number of frames (samples per channel) in media time.
    pub fn total_frames(&self) -> u64 {
        self.total_frames
    }

    /// Media frame index of the next sample frame returned.
    pub fn position_frames(&self) -> u64 {
        let buffered_frames = ((self.buf.len() - self.buf_pos) / usize::from(self.channels)) as u64;
        self.next_frame - buffered_frames
    }

    /// Seeks so that the next sample returned is exactly media frame `frame`.
    pub fn seek_to_frame(&mut self, frame: u64) -> Result<(), DecodeError> {
        let frame = frame.min(self.total_frames);
        self.buf.clear();
        self.buf_pos = 0;
        self.next_frame = frame;
        self.ended = frame >= self.total_frames;
        if !self.ended {
            self.backend.seek(frame)?;
        }
        Ok(())
    }

    /// Appends up to `max_frames` interleaved frames to `out`; returns frames appended
    /// (0 only at the end of the stream).
    pub fn read_frames(&mut self, out: &mut Vec<f32>, max_frames: usize) -> usize {
        let channels = usize::from(self.channels);
        let mut written = 0;
        while written < max_frames {
            if self.buf_pos >= self.buf.len() && !self.refill() {
                break;
            }
            let available = (self.buf.len() - self.buf_pos) / channels;
            let take = available.min(max_frames - written);
            out.extend_from_slice(&self.buf[self.buf_pos..self.buf_pos + take * channels]);
            self.buf_pos += take * channels;
            written += take;
        }
        written
    }

    /// Decodes blocks until some in-range samples are buffered. False at the end.
    fn refill(&mut self) -> bool {
        self.buf.clear();
        self.buf_pos = 0;
        let channels = usize::from(self.channels);
        while !self.ended {
            let start = match self.backend.next_block(&mut self.block) {
                Ok(Some(start)) => start,
                Ok(None) => {
                    self.ended = true;
                    break;
                }
                Err(err) => {
                    log::warn!("audio decode stopped: {err}");
                    self.ended = true;
                    break;
                }
            };
            let block_frames = (self.block.len() / channels) as i64;
            let from = (self.next_frame as i64).max(start);
            let to = (start + block_frames).min(self.total_frames as i64);
            if to <= from {
                if start >= self.total_frames as i64 {
                    self.ended = true;
                }
                continue;
            }
            let offset = ((from - start) as usize) * channels;
            let len = ((to - from) as usize) * channels;
            self.buf
                .extend_from_slice(&self.block[offset..offset + len]);
            self.next_frame = to as u64;
            if self.next_frame >= self.total_frames {
                self.ended = true;
            }
            return true;
        }
        false
    }
}

/// Opens any supported file: MP3 through the frame index, others through symphonia.
///
/// Only a regular file is opened (a FIFO or a device fails at once, without blocking), and a
/// file that is plainly not audio says what it looks like.
pub fn open_media(path: &Path, progress: &mut dyn FnMut(f32)) -> Result<OpenedMedia, AudioError> {
    let (mut file, _) = files::open_regular(path)?;
    let head = read_head(&mut file).map_err(|err| AudioError::io(path, &err))?;
    if let Some(kind) = files::sniff_foreign(&head) {
        return Err(AudioError::NotAudio {
            path: path.to_path_buf(),
            kind,
        });
    }
    if starts_like_mp3(&mut file).map_err(|err| AudioError::io(path, &err))? {
        return open_mp3(path, file, progress);
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|err| AudioError::io(path, &err))?;
    let (reader, params, track_id) = probe(path, file)?;
    if params.codec == CODEC_TYPE_MP3 {
        // An MP3 after something our sniffing does not skip: index it from the start.
        drop(reader);
        let (file, _) = files::open_regular(path)?;
        return open_mp3(path, file, progress);
    }
    open_generic(path, reader, params, track_id)
}

/// The first [`SNIFF_BYTES`] of `file` (fewer if it is shorter).
fn read_head(file: &mut File) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    file.take(SNIFF_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// symphonia's container reader for `file` and its first audio track.
fn probe(
    path: &Path,
    file: File,
) -> Result<(Box<dyn FormatReader>, CodecParameters, u32), AudioError> {
    let mss = MediaSourceStream::new(Box::new(file), Default::default());
    let mut hint = Hint::new();
    if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
        hint.with_extension(ext);
    }
    let format_opts = FormatOptions {
        enable_gapless: true,
        ..Default::default()
    };
    let unknown = || AudioError::UnknownFormat {
        path: path.to_path_buf(),
    };
    let probed = symphonia::default::get_probe()
        .format(&hint, mss, &format_opts, &MetadataOptions::default())
        .map_err(|err| match err {
            SymError::IoError(err) if err.kind() != std::io::ErrorKind::UnexpectedEof => {
                AudioError::io(path, &err)
            }
            _ => unknown(),
        })?;
    let reader = probed.format;
    let track = reader
        .tracks()
        .iter()
        .find(|t| t.codec_params.codec != CODEC_TYPE_NULL)
        .ok_or_else(|| AudioError::Unsupported {
            path: path.to_path_buf(),
            what: "no audio track found".to_string(),
        })?;
    let params = track.codec_params.clone();
    let track_id = track.id;
    Ok((reader, params, track_id))
}

/// symphonia's decoders plus Opus (libopus).
fn codecs() -> &'static CodecRegistry {
    static CODECS: OnceLock<CodecRegistry> = OnceLock::new();
    CODECS.get_or_init(|| {
        let mut registry = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut registry);
        registry.register_all::<symphonia_adapter_libopus::OpusDecoder>();
        registry
    })
}

/// What to cut from a decoded stream that the container states but symphonia does not apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Trim {
    /// Decoded frames before media time 0 (AAC priming, Opus pre-skip).
    priming_frames: u64,
    /// Frames to play after the priming, if stated.
    valid_frames: Option<u64>,
    /// Channel count, if the codec parameters lack it.
    channels: Option<u16>,
}

impl Trim {
    fn from_mp4(track: Mp4Track, sample_rate_hz: u32) -> Trim {
        let to_frames =
            |samples: u64| ts_to_frames(samples, TimeBase::new(1, track.timescale), sample_rate_hz);
        Trim {
            priming_frames: to_frames(track.priming_samples),
            valid_frames: track.valid_samples.map(to_frames),
            channels: track.channels,
        }
    }

    /// Priming frames to skip and frames to play, given the decoded length the stream states.
    fn apply(self, stated_frames: u64) -> (u64, u64) {
        let priming = self.priming_frames.min(stated_frames);
        let available = stated_frames - priming;
        (
            priming,
            self.valid_frames.map_or(available, |v| v.min(available)),
        )
    }
}

/// Takes the pre-skip out of an Opus stream's parameters (so the decoder never trims it) and
/// returns it as priming to trim by timestamp.
fn opus_trim(mut params: CodecParameters) -> (CodecParameters, Trim) {
    let mut trim = Trim::default();
    // OpusHead: magic (8), version (1), channels (1), pre-skip (2, little endian, 48 kHz).
    if let Some(head) = params.extra_data.as_mut()
        && head.len() >= 12
        && head.starts_with(b"OpusHead")
    {
        trim.priming_frames = u64::from(u16::from_le_bytes([head[10], head[11]]));
        head[10] = 0;
        head[11] = 0;
    }
    (params, trim)
}

fn codec_name(params: &CodecParameters) -> String {
    codecs()
        .get_codec(params.codec)
        .map_or_else(|| "audio".to_string(), |d| d.short_name.to_uppercase())
}

fn open_generic(
    path: &Path,
    reader: Box<dyn FormatReader>,
    params: CodecParameters,
    track_id: u32,
) -> Result<OpenedMedia, AudioError> {
    let unsupported = |what: String| AudioError::Unsupported {
        path: path.to_path_buf(),
        what,
    };
    let sample_rate_hz = params
        .sample_rate
        .ok_or_else(|| unsupported("unknown sample rate".to_string()))?;
    // What the container says to cut; Opus's pre-skip must leave the parameters before the
    // decoder is made.
    let (params, trim) = if params.codec == CODEC_TYPE_OPUS {
        opus_trim(params)
    } else {
        let (mut file, _) = files::open_regular(path)?;
        let trim = read_mp4_track(&mut file)
            .map(|track| Trim::from_mp4(track, sample_rate_hz))
            .unwrap_or_default();
        (params, trim)
    };
    let decoder = codecs()
        .make(&params, &DecoderOptions::default())
        .map_err(|_| unsupported(format!("unsupported codec {}", codec_name(&params))))?;
    let time_base = params.time_base.unwrap_or(TimeBase::new(1, sample_rate_hz));
    let stated_frames = match params.n_frames {
        Some(n) => ts_to_frames(n, time_base, sample_rate_hz),
        None => {
            return Err(unsupported(
                "the file does not state its length (streamed/unseekable container)".to_string(),
            ));
        }
    };
    let (priming_frames, total_frames) = trim.apply(stated_frames);
    // symphonia 0.5 does not state the channels of AAC in MP4; the sample entry does.
    let channels = params
        .channels
        .map(|c| c.count() as u16)
        .or(trim.channels)
        .unwrap_or(2);
    let description = format!(
        "{} {} {}",
        codec_name(&params),
        rate_name(sample_rate_hz),
        channels_name(channels)
    );
    let backend = GenericBackend {
        reader,
        decoder,
        track_id,
        time_base,
        sample_rate_hz,
        channels,
        priming_frames,
        sample_buf: None,
    };
    let source = MediaSource::new(Box::new(backend), channels, sample_rate_hz, total_frames);
    Ok(OpenedMedia {
        duration: frames_to_duration(total_frames, sample_rate_hz),
        source,
        description,
    })
}

fn ts_to_frames(ts: u64, time_base: TimeBase, sample_rate_hz: u32) -> u64 {
    if time_base.numer == 1 && time_base.denom == sample_rate_hz {
        return ts;
    }
    let num = u128::from(ts) * u128::from(time_base.numer) * u128::from(sample_rate_hz);
    (num / u128::from(time_base.denom.max(1))) as u64
}

fn frames_to_ts(frames: u64, time_base: TimeBase, sample_rate_hz: u32) -> u64 {
    if time_base.numer == 1 && time_base.denom == sample_rate_hz {
        return frames;
    }
    let num = u128::from(frames) * u128::from(time_base.denom);
    let den = u128::from(time_base.numer.max(1)) * u128::from(sample_rate_hz.max(1));
    (num / den) as u64
}

struct GenericBackend {
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    time_base: TimeBase,
    sample_rate_hz: u32,
    channels: u16,
    /// Decoded frames before media time 0 (AAC priming).
    priming_frames: u64,
    sample_buf: Option<SampleBuffer<f32>>,
}

impl Backend for GenericBackend {
    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<Option<i64>, DecodeError> {
        out.clear();
        loop {
            let packet = match self.reader.next_packet() {
                Ok(p) => p,
                Err(SymError::IoError(err)) if err.kind() == std::io::ErrorKind::UnexpectedEof => {
                    return Ok(None);
                }
                Err(SymError::ResetRequired) => return Ok(None),
                Err(err) => return Err(err.into()),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let start = ts_to_frames(packet.ts(), self.time_base, self.sample_rate_hz) as i64
                - self.priming_frames as i64;
            match self.decoder.decode(&packet) {
                Ok(decoded) => {
                    let spec = *decoded.spec();
                    let capacity = decoded.capacity() as u64;
                    let frames = decoded.frames();
                    if frames == 0 {
                        continue;
                    }
                    let buf = match &mut self.sample_buf {
                        Some(buf)
                            if buf.capacity() >= capacity as usize * spec.channels.count() =>
                        {
                            buf
                        }
                        _ => self.sample_buf.insert(SampleBuffer::new(capacity, spec)),
                    };
                    buf.copy_interleaved_ref(decoded);
                    remap_channels(
                        buf.samples(),
                        spec.channels.count(),
                        usize::from(self.channels),
                        out,
                    );
                    return Ok(Some(start));
                }
                Err(SymError::DecodeError(err)) => {
                    log::debug!("skipping undecodable packet: {err}");
                    continue;
                }
                Err(err) => return Err(err.into()),
            }
        }
    }

    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        // Start a little earlier so that codecs with overlapping windows (Vorbis, AAC) are
        // warmed up by the time the target frame is decoded; the surplus is discarded.
        let preroll_frames = u64::from(self.sample_rate_hz) / 10;
        let ts = frames_to_ts(
            (frame + self.priming_frames).saturating_sub(preroll_frames),
            self.time_base,
            self.sample_rate_hz,
        );
        self.reader.seek(
            SeekMode::Accurate,
            SeekTo::TimeStamp {
                ts,
                track_id: self.track_id,
            },
        )?;
        self.decoder.reset();
        Ok(())
    }
}

/// Copies interleaved `input` with `in_channels` into `out` with `out_channels`.
fn remap_channels(input: &[f32], in_channels: usize, out_channels: usize, out: &mut Vec<f32>) {
    if in_channels == out_channels {
        out.extend_from_slice(input);
        return;
    }
    for frame in input.chunks_exact(in_channels.max(1)) {
        for ch in 0..out_channels {
            out.push(frame.get(ch).copied().unwrap_or(frame[0]));
        }
    }
}

fn open_mp3(
    path: &Path,
    mut file: File,
    progress: &mut dyn FnMut(f32),
) -> Result<OpenedMedia, AudioError> {
    let index = Mp3Index::scan_file(&mut file, progress).map_err(|err| match err {
        IndexError::Io(err) => AudioError::io(path, &err),
        IndexError::NoFrames => AudioError::NoMp3Frames {
            path: path.to_path_buf(),
        },
    })?;
    let description = index.description();
    let duration = index.duration();
    let source = Mp3Backend::new(file, index)
        .map_err(|err| match err {
            DecodeError::Io(err) => AudioError::io(path, &err),
            DecodeError::Codec(err) => AudioError::symphonia(path, err),
            DecodeError::HeaderChanged => AudioError::Damaged {
                path: path.to_path_buf(),
                detail: err.to_string(),
            },
        })?
        .into_source();
    Ok(OpenedMedia {
        source,
        duration,
        description,
    })
}

/// MP3 decoding driven by our own frame index.
struct Mp3Backend {
    index: Mp3Index,
    file: BufReader<File>,
    decoder: Box<dyn Decoder>,
    /// Index (into the frame table) of the next frame to decode.
    next_frame: usize,
    packet: Vec<u8>,
    sample_buf: Option<SampleBuffer<f32>>,
}

impl Mp3Backend {
    /// A backend reading `file`, which `index` describes.
    fn new(file: File, index: Mp3Index) -> Result<Mp3Backend, DecodeError> {
        let file = BufReader::with_capacity(64 * 1024, file);
        let mut params = CodecParameters::new();
        params
            .for_codec(CODEC_TYPE_MP3)
            .with_sample_rate(index.sample_rate_hz)
            .with_time_base(TimeBase::new(1, index.sample_rate_hz));
        let decoder = codecs().make(&params, &DecoderOptions::default())?;
        let mut backend = Mp3Backend {
            index,
            file,
            decoder,
            next_frame: 0,
            packet: Vec::with_capacity(4096),
            sample_buf: None,
        };
        if let Some(&first) = backend.index.frame_offsets.first() {
            backend.file.seek(SeekFrom::Start(first))?;
        }
        Ok(backend)
    }

    /// Wraps the backend in a [`MediaSource`] positioned at media frame 0.
    fn into_source(self) -> MediaSource {
        let channels = self.index.channels;
        let rate = self.index.sample_rate_hz;
        let total = self.index.valid_samples();
        MediaSource::new(Box::new(self), channels, rate, total)
    }

    fn read_frame(&mut self) -> Result<(), DecodeError> {
        let mut header = [0u8; 4];
        self.file.read_exact(&mut header)?;
        let len = FrameHeader::parse(header)
            .map(|h| h.frame_len_bytes())
            .ok_or(DecodeError::HeaderChanged)?;
        self.packet.clear();
        self.packet.extend_from_slice(&header);
        self.packet.resize(len, 0);
        self.file.read_exact(&mut self.packet[4..])?;
        Ok(())
    }
}

impl Backend for Mp3Backend {
    fn next_block(&mut self, out: &mut Vec<f32>) -> Result<Option<i64>, DecodeError> {
        out.clear();
        let Some(&offset) = self.index.frame_offsets.get(self.next_frame) else {
            return Ok(None);
        };
        let frame_index = self.next_frame;
        self.next_frame += 1;
        let channels = usize::from(self.index.channels);
        let spf = self.index.samples_per_frame as usize;
        let start = (frame_index as u64 * self.index.samples_per_frame) as i64
            - self.index.start_trim_samples() as i64;

        // Frames are usually contiguous; only seek when there was garbage in between.
        let pos = self.file.stream_position()?;
        if pos != offset {
            self.file.seek(SeekFrom::Start(offset))?;
        }
        let decoded_ok = match self.read_frame() {
            Ok(()) => {
                let packet = Packet::new_from_slice(
                    0,
                    frame_index as u64 * spf as u64,
                    spf as u64,
                    &self.packet,
                );
                match self.decoder.decode(&packet) {
                    Ok(decoded) if decoded.frames() == spf => {
                        let spec = *decoded.spec();
                        let buf = match &mut self.sample_buf {
                            Some(buf) if buf.capacity() >= spf * spec.channels.count() => buf,
                            _ => self.sample_buf.insert(SampleBuffer::new(spf as u64, spec)),
                        };
                        buf.copy_interleaved_ref(decoded);
                        remap_channels(buf.samples(), spec.channels.count(), channels, out);
                        true
                    }
                    Ok(_) => false,
                    Err(err) => {
                        log::debug!("mp3 frame {frame_index} failed to decode: {err}");
                        false
                    }
                }
            }
            Err(err) => {
                log::debug!("mp3 frame {frame_index} could not be read: {err}");
                false
            }
        };
        if !decoded_ok {
            // Keep the timeline exact: an undecodable frame becomes silence.
            out.clear();
            out.resize(spf * channels, 0.0);
        }
        Ok(Some(start))
    }

    fn seek(&mut self, frame: u64) -> Result<(), DecodeError> {
        let decoded_sample = frame + self.index.start_trim_samples();
        let target_frame = (decoded_sample / self.index.samples_per_frame) as usize;
        let start_frame = target_frame.saturating_sub(MP3_PREROLL_FRAMES);
        self.decoder.reset();
        self.next_frame = start_frame;
        if let Some(&offset) = self.index.frame_offsets.get(start_frame) {
            self.file.seek(SeekFrom::Start(offset))?;
        }
        Ok(())
    }
}
