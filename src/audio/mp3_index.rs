//! MP3 frame index: exact duration, frame -> byte offset table and gapless (LAME tag) info.
//!
//! The scanner walks every MPEG audio Layer III frame header (MPEG 1, 2 and 2.5), skipping
//! ID3v2 tags of any size at the start (several in a row, with or without a footer) and stopping
//! at an ID3v1 / APEv2 / appended ID3v2 tail. Garbage between frames is
//! skipped by resynchronising on the next header that is followed by another valid header.
//! The first frame is checked for a Xing/Info (or VBRI) tag, which is not audio and is
//! excluded from the index; a LAME extension in it supplies the encoder delay and padding.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use super::units::{channels_name, frames_to_duration, rate_name};

/// Fixed delay of a standard MP3 decoder (polyphase filterbank + IMDCT overlap), in samples.
pub const DECODER_DELAY_SAMPLES: u64 = 529;

/// LAME's encoder delay (all versions since 3.x at the usual settings).
pub const LAME_ENCODER_DELAY_SAMPLES: u64 = 576;

/// Bytes at each end of the audio data searched for LAME's version string.
const MARKER_SEARCH_BYTES: u64 = 64 * 1024;

/// Size of the chunks the scanner reads from the file.
const READ_CHUNK_BYTES: usize = 1 << 20;

/// Longest possible Layer III frame (MPEG 1, 320 kbit/s, 32 kHz, padded) plus header slack.
const MAX_FRAME_BYTES: usize = 2_890;

/// Errors produced while indexing an MP3 file.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    /// The file could not be read.
    #[error("could not read the file ({})", crate::files::io_reason(.0.kind()))]
    Io(#[from] io::Error),
    /// No MPEG Layer III frame was found.
    #[error("no MPEG audio Layer III frames found")]
    NoFrames,
}

/// MPEG version of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MpegVersion {
    /// MPEG-1 (32/44.1/48 kHz, 1152 samples per frame).
    Mpeg1,
    /// MPEG-2 LSF (16/22.05/24 kHz, 576 samples per frame).
    Mpeg2,
    /// MPEG-2.5 (8/11.025/12 kHz, 576 samples per frame).
    Mpeg25,
}

/// A parsed Layer III frame header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// MPEG version.
    pub version: MpegVersion,
    /// Bitrate in kbit/s.
    pub bitrate_kbps: u32,
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// Whether the frame carries the padding byte.
    pub padded: bool,
    /// Number of channels (1 or 2).
    pub channels: u16,
    /// Whether a 16-bit CRC follows the header.
    pub has_crc: bool,
}

const BITRATES_V1_L3_KBPS: [u32; 15] = [
    0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320,
];
const BITRATES_V2_L3_KBPS: [u32; 15] =
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

impl FrameHeader {
    /// Parses a 4-byte header; `None` if it is not a valid Layer III header.
    pub fn parse(bytes: [u8; 4]) -> Option<FrameHeader> {
        let [b0, b1, b2, b3] = bytes;
        if b0 != 0xFF || (b1 & 0xE0) != 0xE0 {
            return None;
        }
        let version = match (b1 >> 3) & 0b11 {
            0b00 => MpegVersion::Mpeg25,
            0b10 => MpegVersion::Mpeg2,
            0b11 => MpegVersion::Mpeg1,
            _ => return None,
        };
        // Layer bits 01 = Layer III.
        if (b1 >> 1) & 0b11 != 0b01 {
            return None;
        }
        let bitrate_index = usize::from(b2 >> 4);
        if bitrate_index == 0 || bitrate_index == 15 {
            return None; // free format is not supported, 15 is invalid
        }
        let sample_rate_index = usize::from((b2 >> 2) & 0b11);
        if sample_rate_index == 3 {
            return None;
        }
        if b3 & 0b11 == 0b10 {
            return None; // reserved emphasis
        }
        let (bitrate_kbps, sample_rate_hz) = match version {
            MpegVersion::Mpeg1 => (
                BITRATES_V1_L3_KBPS[bitrate_index],
                [44_100, 48_000, 32_000][sample_rate_index],
            ),
            MpegVersion::Mpeg2 => (
                BITRATES_V2_L3_KBPS[bitrate_index],
                [22_050, 24_000, 16_000][sample_rate_index],
            ),
            MpegVersion::Mpeg25 => (
                BITRATES_V2_L3_KBPS[bitrate_index],
                [11_025, 12_000, 8_000][sample_rate_index],
            ),
        };
        Some(FrameHeader {
            version,
            bitrate_kbps,
            sample_rate_hz,
            padded: (b2 >> 1) & 1 == 1,
            channels: if b3 >> 6 == 0b11 { 1 } else { 2 },
            has_crc: b1 & 1 == 0,
        })
    }

    /// Samples (per channel) decoded from one frame.
    pub fn samples_per_frame(&self) -> u64 {
        match self.version {
            MpegVersion::Mpeg1 => 1152,
            MpegVersion::Mpeg2 | MpegVersion::Mpeg25 => 576,
        }
    }

    /// Total frame length in bytes, header included.
    pub fn frame_len_bytes(&self) -> usize {
        let coefficient = match self.version {
            MpegVersion::Mpeg1 => 144_000,
            MpegVersion::Mpeg2 | MpegVersion::Mpeg25 => 72_000,
        };
        (coefficient * self.bitrate_kbps / self.sample_rate_hz) as usize + usize::from(self.padded)
    }

    /// Length of the side information that follows the header (and CRC).
    fn side_info_len_bytes(&self) -> usize {
        match (self.version, self.channels) {
            (MpegVersion::Mpeg1, 1) => 17,
            (MpegVersion::Mpeg1, _) => 32,
            (_, 1) => 9,
            (_, _) => 17,
        }
    }

    /// True if `other` belongs to the same stream (same version, rate and channel count).
    fn same_stream(&self, other: &FrameHeader) -> bool {
        self.version == other.version
            && self.sample_rate_hz == other.sample_rate_hz
            && self.channels == other.channels
    }
}

/// The kind of informational tag found in the first frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InfoTagKind {
    /// "Xing" (written by LAME for VBR files).
    Xing,
    /// "Info" (written by LAME for CBR files).
    Info,
    /// Fraunhofer "VBRI".
    Vbri,
}

/// Gapless information from a LAME extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LameGapless {
    /// Encoder delay in samples (excluding the 529-sample decoder delay).
    pub encoder_delay_samples: u32,
    /// Padding appended at the end by the encoder, in samples (includes the decoder delay).
    pub padding_samples: u32,
}

/// Exact description of an MP3 file's frames.
#[derive(Clone, Debug)]
pub struct Mp3Index {
    /// Sample rate in Hz.
    pub sample_rate_hz: u32,
    /// Channel count.
    pub channels: u16,
    /// Samples per channel per frame (1152 or 576).
    pub samples_per_frame: u64,
    /// Byte offset of every audio frame (the Xing/Info frame excluded).
    pub frame_offsets: Vec<u64>,
    /// Informational tag found in the first frame, if any.
    pub info_tag: Option<InfoTagKind>,
    /// Gapless info from the LAME tag, if any.
    pub lame: Option<LameGapless>,
    /// True if the frames do not all have the same bitrate.
    pub variable_bitrate: bool,
    /// Bytes skipped as garbage between frames (excluding tags).
    pub garbage_bytes: u64,
    /// LAME's version string was found in the audio data (LAME writes it into unused frame
    /// bytes): without a LAME tag, its 576-sample encoder delay is then assumed.
    pub lame_marker: bool,
}

impl Mp3Index {
    /// Samples per channel the decoder produces for all indexed frames (before trimming).
    pub fn decoded_samples(&self) -> u64 {
        self.frame_offsets.len() as u64 * self.samples_per_frame
    }

    /// Encoder delay: from the LAME tag, else LAME's usual delay if its version string is in
    /// the audio, else unknown (0).
    fn encoder_delay_samples(&self) -> u64 {
        match self.lame {
            Some(lame) => u64::from(lame.encoder_delay_samples),
            None if self.lame_marker => LAME_ENCODER_DELAY_SAMPLES,
            None => 0,
        }
    }

    /// Samples to drop at the start of the decoded stream: encoder delay (if known) plus the
    /// 529-sample decoder delay.
    pub fn start_trim_samples(&self) -> u64 {
        self.encoder_delay_samples() + DECODER_DELAY_SAMPLES
    }

    /// Number of valid (trimmed) samples per channel: what the listener hears. Without a tag
    /// the encoder's padding is unknown and stays at the end.
    pub fn valid_samples(&self) -> u64 {
        let decoded = self.decoded_samples();
        match self.lame {
            Some(lame) => decoded
                .saturating_sub(u64::from(lame.encoder_delay_samples))
                .saturating_sub(u64::from(lame.padding_samples)),
            None => decoded.saturating_sub(self.start_trim_samples()),
        }
    }

    /// Exact playable duration.
    pub fn duration(&self) -> std::time::Duration {
        frames_to_duration(self.valid_samples(), self.sample_rate_hz)
    }

    /// Human-readable description, e.g. "MP3 44.1 kHz stereo, VBR, LAME tag".
    pub fn description(&self) -> String {
        let rate = rate_name(self.sample_rate_hz);
        let channels = channels_name(self.channels);
        let mode = if self.variable_bitrate { "VBR" } else { "CBR" };
        let tag = match (self.lame, self.info_tag) {
            (Some(_), _) => "LAME tag",
            (None, Some(InfoTagKind::Xing)) => "Xing tag",
            (None, Some(InfoTagKind::Info)) => "Info tag",
            (None, Some(InfoTagKind::Vbri)) => "VBRI tag",
            (None, None) if self.lame_marker => "no gapless tag, LAME delay assumed",
            (None, None) => "no gapless tag",
        };
        format!("MP3 {rate} {channels}, {mode}, {tag}")
    }

    /// Indexes an open MP3 file. `progress` is called with the fraction of bytes scanned.
    pub fn scan_file(
        file: &mut File,
        progress: &mut dyn FnMut(f32),
    ) -> Result<Mp3Index, IndexError> {
        let file_len_bytes = file.metadata()?.len();
        let audio_start = audio_start_offset(file, file_len_bytes)?;
        let audio_end = audio_end_offset(file, file_len_bytes)?.max(audio_start);
        file.seek(SeekFrom::Start(audio_start))?;
        let mut index = scan(file, audio_start, audio_end, progress)?;
        if index.lame.is_none()
            && let (Some(&first), Some(&last)) =
                (index.frame_offsets.first(), index.frame_offsets.last())
        {
            index.lame_marker = contains_lame_marker(file, first, audio_end)?
                || contains_lame_marker(file, last.saturating_sub(MARKER_SEARCH_BYTES), audio_end)?;
        }
        Ok(index)
    }
}

/// Bytes after the ID3v2 tags searched for the first frame by [`starts_like_mp3`].
const FIRST_FRAME_SEARCH_BYTES: u64 = 64 * 1024;

/// Whether `file` starts like an MP3: a Layer III frame followed by another one of the same
/// stream, right at the start, or within the first 64 KiB after ID3v2 tags (of any
/// size; some taggers pad after the tag). The file position is left anywhere.
pub fn starts_like_mp3(file: &mut File) -> io::Result<bool> {
    let file_len_bytes = file.metadata()?.len();
    let start = audio_start_offset(file, file_len_bytes)?;
    let search = if start > 0 {
        FIRST_FRAME_SEARCH_BYTES
    } else {
        1
    };
    let len = file_len_bytes
        .saturating_sub(start)
        .min(search + 2 * MAX_FRAME_BYTES as u64);
    let mut bytes = vec![0u8; len as usize];
    read_at(file, start, &mut bytes)?;
    let header_at = |pos: usize| {
        let b = bytes.get(pos..pos + 4)?;
        FrameHeader::parse([b[0], b[1], b[2], b[3]])
    };
    let found = (0..(search as usize).min(bytes.len())).any(|pos| {
        header_at(pos).is_some_and(|first| {
            let next = pos + first.frame_len_bytes();
            next == bytes.len() || header_at(next).is_some_and(|h| h.same_stream(&first))
        })
    });
    Ok(found)
}

/// Whether "LAME" occurs in the first [`MARKER_SEARCH_BYTES`] from `start` (before `end`).
fn contains_lame_marker(file: &mut File, start: u64, end: u64) -> io::Result<bool> {
    let len = end.saturating_sub(start).min(MARKER_SEARCH_BYTES);
    let mut bytes = vec![0u8; len as usize];
    file.seek(SeekFrom::Start(start))?;
    file.read_exact(&mut bytes)?;
    Ok(bytes.windows(4).any(|w| w == b"LAME"))
}

/// Reads `buf.len()` bytes at `offset`.
fn read_at(file: &mut File, offset: u64, buf: &mut [u8]) -> io::Result<()> {
    file.seek(SeekFrom::Start(offset))?;
    file.read_exact(buf)
}

/// A 28-bit "syncsafe" integer (7 bits per byte), as ID3v2 stores sizes.
fn syncsafe(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0u64, |acc, b| (acc << 7) | u64::from(b & 0x7F))
}

/// Total length of an ID3v2 tag (header, body and footer) whose 10-byte header or footer is
/// `bytes` starting with `magic` ("ID3" for a header, "3DI" for a footer); `None` if it is not
/// one.
fn id3v2_len(bytes: &[u8; 10], magic: &[u8; 3]) -> Option<u64> {
    let (major, minor, flags) = (bytes[3], bytes[4], bytes[5]);
    if &bytes[..3] != magic
        || major == 0xFF
        || minor == 0xFF
        || bytes[6..].iter().any(|b| b & 0x80 != 0)
    {
        return None;
    }
    // Only ID3v2.4 has a footer; the flag bit means nothing in older versions.
    let footer = if major >= 4 && flags & 0x10 != 0 {
        10
    } else {
        0
    };
    Some(10 + syncsafe(&bytes[6..]) + footer)
}

/// Where audio data starts: after every ID3v2 tag at the start of the file, whatever its size.
fn audio_start_offset(file: &mut File, file_len_bytes: u64) -> io::Result<u64> {
    let mut pos = 0u64;
    let mut header = [0u8; 10];
    while pos + 10 <= file_len_bytes {
        read_at(file, pos, &mut header)?;
        match id3v2_len(&header, b"ID3") {
            Some(len) => pos += len,
            None => break,
        }
    }
    Ok(pos.min(file_len_bytes))
}

/// Finds where audio data ends, excluding ID3v1, APEv2 and appended ID3v2 (with footer) tags
/// at the tail.
fn audio_end_offset(file: &mut File, file_len_bytes: u64) -> io::Result<u64> {
    let mut end = file_len_bytes;
    if end >= 128 {
        let mut tag = [0u8; 3];
        read_at(file, end - 128, &mut tag)?;
        if &tag == b"TAG" {
            end -= 128;
        }
    }
    while let Some(len) = tail_tag_len(file, end)? {
        end = end.saturating_sub(len);
    }
    Ok(end)
}

/// Length of an APEv2 tag or an ID3v2 tag with a footer that ends at `end`, if there is one.
fn tail_tag_len(file: &mut File, end: u64) -> io::Result<Option<u64>> {
    if end >= 32 {
        let mut footer = [0u8; 32];
        read_at(file, end - 32, &mut footer)?;
        if &footer[..8] == b"APETAGEX" {
            let size = u64::from(u32::from_le_bytes([
                footer[12], footer[13], footer[14], footer[15],
            ]));
            let flags = u32::from_le_bytes([footer[20], footer[21], footer[22], footer[23]]);
            let header = if flags & (1 << 31) != 0 { 32 } else { 0 };
            return Ok(Some(size + header).filter(|&len| len > 0));
        }
    }
    if end >= 10 {
        let mut footer = [0u8; 10];
        read_at(file, end - 10, &mut footer)?;
        // A footer repeats the header: the tag is its body plus header and footer.
        if id3v2_len(&footer, b"3DI").is_some() {
            return Ok(Some(20 + syncsafe(&footer[6..])));
        }
    }
    Ok(None)
}

/// A sliding window over the file, read in large chunks.
struct Window<'a, R: Read> {
    reader: &'a mut R,
    buf: Vec<u8>,
    /// File offset of `buf[0]`.
    base: u64,
    /// Offset where audio data ends (tags excluded).
    end: u64,
    eof: bool,
}

impl<R: Read> Window<'_, R> {
    /// Ensures `buf` holds bytes from `pos` to at least `pos + need` (or to `end`).
    fn ensure(&mut self, pos: u64, need: usize) -> io::Result<()> {
        let have_end = self.base + self.buf.len() as u64;
        if pos + need as u64 <= have_end || self.eof {
            return Ok(());
        }
        if pos > have_end {
            // A jump past everything read: skip the bytes in between without keeping them.
            let skip = pos - have_end;
            let skipped = io::copy(&mut (&mut *self.reader).take(skip), &mut io::sink())?;
            self.buf.clear();
            self.base = have_end + skipped;
            if skipped < skip {
                self.eof = true;
                return Ok(());
            }
        }
        // Drop consumed bytes, keep the tail from `pos`.
        let keep_from = (pos.saturating_sub(self.base) as usize).min(self.buf.len());
        self.buf.drain(..keep_from);
        self.base += keep_from as u64;
        while self.buf.len() < need.max(READ_CHUNK_BYTES) && !self.eof {
            let old_len = self.buf.len();
            self.buf.resize(old_len + READ_CHUNK_BYTES, 0);
            let read = self.reader.read(&mut self.buf[old_len..])?;
            self.buf.truncate(old_len + read);
            if read == 0 {
                self.eof = true;
            }
        }
        Ok(())
    }

    /// Bytes available from `pos` (clipped to the audio end).
    fn slice(&self, pos: u64) -> &[u8] {
        let end_in_buf = (self.end.saturating_sub(self.base) as usize).min(self.buf.len());
        let start = (pos.saturating_sub(self.base) as usize).min(end_in_buf);
        &self.buf[start..end_in_buf]
    }

    fn header_at(&self, pos: u64) -> Option<FrameHeader> {
        let bytes = self.slice(pos);
        if bytes.len() < 4 {
            return None;
        }
        FrameHeader::parse([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

/// Scans `reader` (positioned at `audio_start`) up to `audio_end`.
fn scan<R: Read>(
    reader: &mut R,
    audio_start: u64,
    audio_end: u64,
    progress: &mut dyn FnMut(f32),
) -> Result<Mp3Index, IndexError> {
    let mut win = Window {
        reader,
        buf: Vec::with_capacity(READ_CHUNK_BYTES * 2),
        base: audio_start,
        end: audio_end,
        eof: false,
    };
    let mut pos = audio_start;

    let mut first: Option<FrameHeader> = None;
    let mut first_bitrate_kbps = 0;
    let mut variable_bitrate = false;
    let mut offsets: Vec<u64> = Vec::with_capacity((audio_end / 400) as usize + 16);
    let mut info_tag = None;
    let mut lame = None;
    let mut garbage_bytes = 0u64;
    let mut next_progress_pos = 0u64;
    let mut expected_next: Option<u64> = None;

    while pos + 4 <= audio_end {
        if pos >= next_progress_pos {
            progress((pos as f64 / audio_end.max(1) as f64) as f32);
            next_progress_pos = pos + READ_CHUNK_BYTES as u64;
        }
        win.ensure(pos, 2 * MAX_FRAME_BYTES + 8)?;
        let header = match win.header_at(pos) {
            Some(h) if first.is_none_or(|f| f.same_stream(&h)) => h,
            _ => {
                // Lost sync: look for the next header that is followed by another valid header.
                pos += 1;
                garbage_bytes += 1;
                continue;
            }
        };
        let len = header.frame_len_bytes() as u64;
        if pos + len > audio_end {
            break; // truncated last frame
        }
        // When (re)synchronising, require the next frame to be valid too (or the end).
        if expected_next != Some(pos) && pos + len + 4 <= audio_end {
            match win.header_at(pos + len) {
                Some(next) if next.same_stream(&header) => {}
                _ => {
                    pos += 1;
                    garbage_bytes += 1;
                    continue;
                }
            }
        }
        expected_next = Some(pos + len);

        if first.is_none() && offsets.is_empty() && info_tag.is_none() {
            // The first frame may be a Xing/Info/VBRI tag frame.
            let frame = win.slice(pos);
            let frame = &frame[..(len as usize).min(frame.len())];
            if let Some((kind, gapless)) = parse_info_frame(frame, &header) {
                info_tag = Some(kind);
                lame = gapless;
                pos += len;
                continue;
            }
        }
        match first {
            None => {
                first = Some(header);
                first_bitrate_kbps = header.bitrate_kbps;
            }
            Some(_) => {
                if header.bitrate_kbps != first_bitrate_kbps {
                    variable_bitrate = true;
                }
            }
        }
        offsets.push(pos);
        pos += len;
    }
    progress(1.0);

    let Some(first) = first else {
        return Err(IndexError::NoFrames);
    };
    Ok(Mp3Index {
        sample_rate_hz: first.sample_rate_hz,
        channels: first.channels,
        samples_per_frame: first.samples_per_frame(),
        frame_offsets: offsets,
        info_tag,
        lame,
        variable_bitrate,
        garbage_bytes,
        lame_marker: false,
    })
}

/// Parses a Xing/Info/VBRI tag frame; returns the tag kind and LAME gapless info.
fn parse_info_frame(
    frame: &[u8],
    header: &FrameHeader,
) -> Option<(InfoTagKind, Option<LameGapless>)> {
    let crc_len = if header.has_crc { 2 } else { 0 };
    let xing_at = 4 + crc_len + header.side_info_len_bytes();
    if frame.len() >= 4 + 32 + 4 && &frame[36..40] == b"VBRI" {
        return Some((InfoTagKind::Vbri, None));
    }
    let tag = frame.get(xing_at..xing_at + 8)?;
    let kind = match &tag[..4] {
        b"Xing" => InfoTagKind::Xing,
        b"Info" => InfoTagKind::Info,
        _ => return None,
    };
    let flags = u32::from_be_bytes([tag[4], tag[5], tag[6], tag[7]]);
    let mut lame_at = xing_at + 8;
    if flags & 0x1 != 0 {
        lame_at += 4; // frame count
    }
    if flags & 0x2 != 0 {
        lame_at += 4; // byte count
    }
    if flags & 0x4 != 0 {
        lame_at += 100; // TOC
    }
    if flags & 0x8 != 0 {
        lame_at += 4; // quality
    }
    // LAME extension: 9-byte encoder string, revision/VBR method (1), lowpass (1),
    // peak (4), radio gain (2), audiophile gain (2), flags (1), ABR bitrate (1),
    // then delay (12 bits) and padding (12 bits).
    let lame = frame.get(lame_at..lame_at + 24).and_then(|ext| {
        let encoder = &ext[..4];
        if encoder != b"LAME" && encoder != b"Lavf" && encoder != b"Lavc" && encoder != b"L3.9" {
            return None;
        }
        let trim = (u32::from(ext[21]) << 16) | (u32::from(ext[22]) << 8) | u32::from(ext[23]);
        Some(LameGapless {
            encoder_delay_samples: trim >> 12,
            padding_samples: trim & 0xFFF,
        })
    });
    Some((kind, lame))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_mpeg1_header() {
        // 128 kbit/s, 44.1 kHz, no padding, joint stereo.
        let h = FrameHeader::parse([0xFF, 0xFB, 0x90, 0x64]).unwrap();
        assert_eq!(h.version, MpegVersion::Mpeg1);
        assert_eq!(h.bitrate_kbps, 128);
        assert_eq!(h.sample_rate_hz, 44_100);
        assert_eq!(h.frame_len_bytes(), 417);
        assert_eq!(h.channels, 2);
        assert_eq!(h.samples_per_frame(), 1152);
    }

    #[test]
    fn parses_mpeg2_mono_header() {
        // MPEG2, 64 kbit/s, 22.05 kHz, padded, mono.
        let h = FrameHeader::parse([0xFF, 0xF3, 0x82, 0xC4]).unwrap();
        assert_eq!(h.version, MpegVersion::Mpeg2);
        assert_eq!(h.bitrate_kbps, 64);
        assert_eq!(h.sample_rate_hz, 22_050);
        assert!(h.padded);
        assert_eq!(h.channels, 1);
        assert_eq!(h.frame_len_bytes(), 72_000 * 64 / 22_050 + 1);
        assert_eq!(h.samples_per_frame(), 576);
    }

    #[test]
    fn rejects_non_layer3() {
        assert!(FrameHeader::parse([0xFF, 0xFD, 0x90, 0x64]).is_none()); // layer II
        assert!(FrameHeader::parse([0xFF, 0xFB, 0xF0, 0x64]).is_none()); // bad bitrate
        assert!(FrameHeader::parse([0xFF, 0xFB, 0x9C, 0x64]).is_none()); // bad rate
        assert!(FrameHeader::parse([0x00, 0xFB, 0x90, 0x64]).is_none());
    }
}
