//! Reads an MP4/M4A audio track's gapless facts (edit list, iTunSMPB) and channel count.
//!
//! AAC encoders put priming samples (usually 1024 or 2112) before the audio. MP4 files say how
//! many in the track's edit list (`moov/trak/edts/elst`: the media time where playback starts
//! and how long it lasts) or, from iTunes-style encoders, in an `iTunSMPB` tag (priming,
//! padding, valid length in hex). symphonia 0.5 reads neither, so without this every M4A
//! would play 23-48 ms late.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};

/// Largest `moov` box read into memory.
const MAX_MOOV_BYTES: u64 = 64 * 1024 * 1024;

/// What the first audio track of an MP4 file says about itself.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mp4Track {
    /// Samples (at the media timescale) to skip at the start.
    pub priming_samples: u64,
    /// Samples to play after the priming, if stated.
    pub valid_samples: Option<u64>,
    /// The media timescale (samples per second for audio).
    pub timescale: u32,
    /// Channel count from the sample description, if present.
    pub channels: Option<u16>,
}

/// Reads the first audio track's facts; `None` if the file is not MP4 or states nothing.
pub fn read_mp4_track(file: &mut File) -> Option<Mp4Track> {
    let len = file.metadata().ok()?.len();
    let mut offset = 0u64;
    while offset + 8 <= len {
        file.seek(SeekFrom::Start(offset)).ok()?;
        let mut header = [0u8; 16];
        file.read_exact(&mut header[..8]).ok()?;
        let (size, kind, header_len) = match box_size(&header[..8]) {
            Some((1, kind)) => {
                file.read_exact(&mut header[8..16]).ok()?;
                (u64::from_be_bytes(header[8..16].try_into().ok()?), kind, 16)
            }
            Some((0, kind)) => (len - offset, kind, 8),
            Some((size, kind)) => (size, kind, 8),
            None => return None,
        };
        if offset == 0 && &kind != b"ftyp" {
            return None;
        }
        if size < header_len {
            return None;
        }
        if &kind == b"moov" {
            let body_len = size - header_len;
            if body_len > MAX_MOOV_BYTES {
                return None;
            }
            let mut body = vec![0u8; body_len as usize];
            file.read_exact(&mut body).ok()?;
            return parse_moov(&body);
        }
        offset += size;
    }
    None
}

/// Parses the body of a `moov` box.
pub fn parse_moov(moov: &[u8]) -> Option<Mp4Track> {
    let movie_timescale = find_box(moov, b"mvhd").and_then(timescale_of)?;
    let trak = boxes(moov)
        .filter(|(kind, _)| kind == b"trak")
        .map(|(_, body)| body)
        .find(|trak| handler_of(trak) == Some(*b"soun"))?;
    let mdia = find_box(trak, b"mdia")?;
    let timescale = find_box(mdia, b"mdhd").and_then(timescale_of)?;
    let mut track = Mp4Track {
        timescale,
        channels: sample_entry_channels(mdia),
        ..Mp4Track::default()
    };
    if let Some((media_time, segment)) = find_box(trak, b"edts")
        .and_then(|edts| find_box(edts, b"elst"))
        .and_then(first_edit)
    {
        track.priming_samples = media_time;
        if segment > 0 {
            let samples = u128::from(segment) * u128::from(timescale) / u128::from(movie_timescale);
            track.valid_samples = u64::try_from(samples).ok();
        }
    } else if let Some((priming, valid)) = itunes_smpb(moov) {
        track.priming_samples = priming;
        track.valid_samples = Some(valid);
    }
    Some(track)
}

/// Size and type of a box header (first 8 bytes).
fn box_size(header: &[u8]) -> Option<(u64, [u8; 4])> {
    let size = u32::from_be_bytes(header.get(0..4)?.try_into().ok()?);
    let kind: [u8; 4] = header.get(4..8)?.try_into().ok()?;
    Some((u64::from(size), kind))
}

/// The child boxes of a container body, as (type, body). Stops at the first malformed box.
fn boxes(body: &[u8]) -> impl Iterator<Item = ([u8; 4], &[u8])> {
    let mut rest = body;
    std::iter::from_fn(move || {
        let (size, kind) = box_size(rest)?;
        let (header_len, size) = match size {
            1 => (16, u64::from_be_bytes(rest.get(8..16)?.try_into().ok()?)),
            0 => (8, rest.len() as u64),
            size => (8, size),
        };
        let size = usize::try_from(size).ok()?;
        if size < header_len || size > rest.len() {
            return None;
        }
        let item = (kind, &rest[header_len..size]);
        rest = &rest[size..];
        Some(item)
    })
}

fn find_box<'a>(body: &'a [u8], kind: &[u8; 4]) -> Option<&'a [u8]> {
    boxes(body).find(|(k, _)| k == kind).map(|(_, b)| b)
}

/// Timescale of an `mvhd` or `mdhd` body (version 0 or 1).
fn timescale_of(body: &[u8]) -> Option<u32> {
    let at = if *body.first()? == 1 { 20 } else { 12 };
    let timescale = u32::from_be_bytes(body.get(at..at + 4)?.try_into().ok()?);
    (timescale > 0).then_some(timescale)
}

/// Handler type (`soun`, `vide`, ...) of a `trak` body.
fn handler_of(trak: &[u8]) -> Option<[u8; 4]> {
    let hdlr = find_box(find_box(trak, b"mdia")?, b"hdlr")?;
    hdlr.get(8..12)?.try_into().ok()
}

/// Channel count of the first audio sample entry in `mdia/minf/stbl/stsd`: the AAC
/// configuration's if there is one (encoders write 2 in the entry itself even for mono).
fn sample_entry_channels(mdia: &[u8]) -> Option<u16> {
    let stsd = find_box(find_box(find_box(mdia, b"minf")?, b"stbl")?, b"stsd")?;
    // Full box header (4) and entry count (4), then the sample entries.
    let (_, entry) = boxes(stsd.get(8..)?).next()?;
    // Audio sample entry: reserved (6), data reference index (2), reserved (8), channels (2),
    // sample size (2), reserved (4), sample rate (4), then child boxes.
    let from_config = entry
        .get(28..)
        .and_then(|children| find_box(children, b"esds"))
        .and_then(aac_config_channels);
    let stated = u16::from_be_bytes(entry.get(16..18)?.try_into().ok()?);
    from_config.or((1..=8).contains(&stated).then_some(stated))
}

/// Channels from the AudioSpecificConfig inside an `esds` body (ISO 14496-1 descriptors).
fn aac_config_channels(esds: &[u8]) -> Option<u16> {
    let (tag, es) = descriptor(esds.get(4..)?)?;
    if tag != 0x03 {
        return None;
    }
    let flags = *es.get(2)?;
    let mut at = 3;
    if flags & 0x80 != 0 {
        at += 2; // depends on ES_ID
    }
    if flags & 0x40 != 0 {
        at += 1 + usize::from(*es.get(at)?); // URL
    }
    if flags & 0x20 != 0 {
        at += 2; // OCR ES_ID
    }
    let (tag, config) = descriptor(es.get(at..)?)?;
    if tag != 0x04 {
        return None;
    }
    // Object type (1), stream type (1), buffer size (3), max and average bitrate (4 + 4).
    let (tag, asc) = descriptor(config.get(13..)?)?;
    if tag != 0x05 {
        return None;
    }
    let bits = u32::from_be_bytes([
        *asc.first()?,
        *asc.get(1).unwrap_or(&0),
        *asc.get(2).unwrap_or(&0),
        *asc.get(3).unwrap_or(&0),
    ]);
    let mut pos = 5;
    if bits >> 27 == 31 {
        pos += 6;
    }
    let frequency_index = (bits >> (32 - pos - 4)) & 0xf;
    pos += 4;
    if frequency_index == 0xf {
        return None; // explicit 24-bit rate: rare, not worth reading further
    }
    match (bits >> (32 - pos - 4)) & 0xf {
        config @ 1..=6 => Some(config as u16),
        7 => Some(8),
        _ => None,
    }
}

/// A descriptor's tag and body (the size uses 7 bits per byte, high bit = more).
fn descriptor(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let tag = *bytes.first()?;
    let mut size = 0usize;
    let mut at = 1;
    loop {
        let byte = *bytes.get(at)?;
        size = (size << 7) | usize::from(byte & 0x7f);
        at += 1;
        if byte & 0x80 == 0 || at > 4 {
            break;
        }
    }
    Some((tag, bytes.get(at..at + size)?))
}

/// The first non-empty edit of an `elst` body: (media time, segment duration in the movie
/// timescale).
fn first_edit(elst: &[u8]) -> Option<(u64, u64)> {
    let version = *elst.first()?;
    let count = u32::from_be_bytes(elst.get(4..8)?.try_into().ok()?);
    let entry_len = if version == 1 { 20 } else { 12 };
    (0..count as usize).find_map(|i| {
        let entry = elst.get(8 + i * entry_len..8 + (i + 1) * entry_len)?;
        let (segment, media_time) = if version == 1 {
            (
                u64::from_be_bytes(entry[0..8].try_into().ok()?),
                i64::from_be_bytes(entry[8..16].try_into().ok()?),
            )
        } else {
            (
                u64::from(u32::from_be_bytes(entry[0..4].try_into().ok()?)),
                i64::from(i32::from_be_bytes(entry[4..8].try_into().ok()?)),
            )
        };
        // A media time of -1 is an empty edit (a delay before the track starts).
        u64::try_from(media_time).ok().map(|t| (t, segment))
    })
}

/// `iTunSMPB` (priming, valid samples): hex fields " 0 priming padding length ...".
fn itunes_smpb(moov: &[u8]) -> Option<(u64, u64)> {
    let name_at = moov.windows(8).position(|w| w == b"iTunSMPB")?;
    let after = &moov[name_at + 8..];
    let data_at = after.windows(4).position(|w| w == b"data")?;
    // `data` box: type indicator (4) and locale (4), then the text.
    let text = after.get(data_at + 12..)?;
    let text_len = text
        .iter()
        .position(|b| !(b.is_ascii_hexdigit() || *b == b' '))
        .unwrap_or(text.len());
    let text = std::str::from_utf8(&text[..text_len]).ok()?;
    let fields: Vec<u64> = text
        .split_whitespace()
        .map(|f| u64::from_str_radix(f, 16))
        .collect::<Result<_, _>>()
        .ok()?;
    let priming = *fields.get(1)?;
    let valid = *fields.get(3)?;
    (valid > 0).then_some((priming, valid))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mp4_box(kind: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out
    }

    fn full_box(kind: &[u8; 4], version: u8, body: &[u8]) -> Vec<u8> {
        let mut full = vec![version, 0, 0, 0];
        full.extend_from_slice(body);
        mp4_box(kind, &full)
    }

    /// `mvhd`/`mdhd` version 0: created, modified, timescale, duration.
    fn header_box(kind: &[u8; 4], timescale: u32) -> Vec<u8> {
        let mut body = vec![0u8; 8];
        body.extend_from_slice(&timescale.to_be_bytes());
        body.extend_from_slice(&[0u8; 4]);
        full_box(kind, 0, &body)
    }

    fn elst_v0(edits: &[(u32, i32)]) -> Vec<u8> {
        let mut body = (edits.len() as u32).to_be_bytes().to_vec();
        for (segment, media_time) in edits {
            body.extend_from_slice(&segment.to_be_bytes());
            body.extend_from_slice(&media_time.to_be_bytes());
            body.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        }
        full_box(b"elst", 0, &body)
    }

    /// An `mp4a` entry stating 2 channels, with an AAC configuration (LC, 16 kHz) of
    /// `channels`, the way ffmpeg writes mono.
    fn stsd(channels: u16) -> Vec<u8> {
        let mut entry = vec![0u8; 16];
        entry.extend_from_slice(&2u16.to_be_bytes());
        entry.extend_from_slice(&[0u8; 10]);
        let asc = [0x14, (channels as u8) << 3];
        let mut config = vec![
            0x40, 0x15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x05, 0x80, 0x80, 0x80,
        ];
        config.push(asc.len() as u8);
        config.extend_from_slice(&asc);
        let mut es = vec![0, 1, 0, 0x04, config.len() as u8];
        es.extend_from_slice(&config);
        let mut esds = vec![0x03, es.len() as u8];
        esds.extend_from_slice(&es);
        entry.extend(full_box(b"esds", 0, &esds));
        let mut body = 1u32.to_be_bytes().to_vec();
        body.extend(mp4_box(b"mp4a", &entry));
        full_box(b"stsd", 0, &body)
    }

    fn trak(handler: &[u8; 4], edts: Option<Vec<u8>>, timescale: u32) -> Vec<u8> {
        let mut hdlr = vec![0u8; 4];
        hdlr.extend_from_slice(handler);
        let stbl = mp4_box(b"stbl", &stsd(1));
        let mut mdia = header_box(b"mdhd", timescale);
        mdia.extend(full_box(b"hdlr", 0, &hdlr));
        mdia.extend(mp4_box(b"minf", &stbl));
        let mut body = Vec::new();
        if let Some(edts) = edts {
            body.extend(mp4_box(b"edts", &edts));
        }
        body.extend(mp4_box(b"mdia", &mdia));
        mp4_box(b"trak", &body)
    }

    fn moov(traks: &[Vec<u8>], extra: &[u8]) -> Vec<u8> {
        let mut body = header_box(b"mvhd", 1000);
        for t in traks {
            body.extend_from_slice(t);
        }
        body.extend_from_slice(extra);
        body
    }

    #[test]
    fn reads_priming_length_and_channels() {
        let smpb = b"----\0\0\0\x1cmean\0\0\0\0com.apple.iTunes\0\0\0\x14name\0\0\0\0iTunSMPB\
\0\0\0\x54data\0\0\0\x01\0\0\0\0 00000000 00000840 000001CA 0000000000015888 00000000";
        let cases: Vec<(&str, Vec<u8>, Option<Mp4Track>)> = vec![
            (
                "edit list (ffmpeg)",
                moov(
                    &[trak(b"soun", Some(elst_v0(&[(1000, 1024)])), 16_000)],
                    &[],
                ),
                Some(Mp4Track {
                    priming_samples: 1024,
                    valid_samples: Some(16_000),
                    timescale: 16_000,
                    channels: Some(1),
                }),
            ),
            (
                "empty edit first, then the real one",
                moov(
                    &[trak(
                        b"soun",
                        Some(elst_v0(&[(500, -1), (2000, 2112)])),
                        44_100,
                    )],
                    &[],
                ),
                Some(Mp4Track {
                    priming_samples: 2112,
                    valid_samples: Some(88_200),
                    timescale: 44_100,
                    channels: Some(1),
                }),
            ),
            (
                "video track first",
                moov(
                    &[
                        trak(b"vide", Some(elst_v0(&[(1000, 7)])), 90_000),
                        trak(b"soun", Some(elst_v0(&[(1000, 1024)])), 48_000),
                    ],
                    &[],
                ),
                Some(Mp4Track {
                    priming_samples: 1024,
                    valid_samples: Some(48_000),
                    timescale: 48_000,
                    channels: Some(1),
                }),
            ),
            (
                "iTunSMPB without an edit list",
                moov(&[trak(b"soun", None, 44_100)], &mp4_box(b"udta", smpb)),
                Some(Mp4Track {
                    priming_samples: 0x840,
                    valid_samples: Some(0x15888),
                    timescale: 44_100,
                    channels: Some(1),
                }),
            ),
            (
                "no gapless facts",
                moov(&[trak(b"soun", None, 44_100)], &[]),
                Some(Mp4Track {
                    priming_samples: 0,
                    valid_samples: None,
                    timescale: 44_100,
                    channels: Some(1),
                }),
            ),
            (
                "no audio track",
                moov(&[trak(b"vide", None, 90_000)], &[]),
                None,
            ),
            (
                "truncated",
                moov(&[trak(b"soun", None, 44_100)], &[])[..30].to_vec(),
                None,
            ),
            ("garbage", vec![0xff; 64], None),
        ];
        for (name, body, expected) in cases {
            assert_eq!(parse_moov(&body), expected, "{name}");
        }
    }
}
