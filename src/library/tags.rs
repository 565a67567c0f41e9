//! The title an audio file's ID3v2 tag gives (`TIT2`, and the album `TALB`), read with bounded
//! reads: frame headers are walked and only small text frames are read.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use crate::files;
use crate::transcript::chapters::decode_text;

/// The largest text frame read; larger frames (pictures, lyrics) are skipped.
const MAX_TEXT_FRAME_BYTES: u32 = 64 * 1024;
/// The most frames looked at before giving up.
const MAX_FRAMES: usize = 512;

/// What an audio file's tag says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AudioTags {
    /// `TIT2`: the episode's title.
    pub title: Option<String>,
    /// `TALB`: the album, usually the show's name.
    pub album: Option<String>,
}

/// Reads the ID3v2 tag at the start of the file at `path`; a file without one has no tags.
pub fn read_tags(path: &Path) -> Result<AudioTags, files::FileError> {
    let (mut file, _) = files::open_regular(path)?;
    Ok(read_id3(&mut file).unwrap_or_default())
}

fn syncsafe(b: &[u8]) -> u32 {
    b.iter()
        .fold(0u32, |acc, x| (acc << 7) | u32::from(x & 0x7F))
}

fn read_id3(file: &mut File) -> Option<AudioTags> {
    let mut header = [0u8; 10];
    file.read_exact(&mut header).ok()?;
    if &header[..3] != b"ID3" {
        return None;
    }
    let version = header[3];
    if !(2..=4).contains(&version) {
        return None;
    }
    let flags = header[5];
    let tag_end = 10 + u64::from(syncsafe(&header[6..10]));
    let mut pos = 10u64;
    if flags & 0x40 != 0 && version >= 3 {
        let mut ext = [0u8; 4];
        file.read_exact(&mut ext).ok()?;
        let size = if version == 4 {
            u64::from(syncsafe(&ext))
        } else {
            u64::from(u32::from_be_bytes(ext)) + 4
        };
        pos += size;
    }
    let (id_len, header_len) = if version == 2 { (3, 6) } else { (4, 10) };
    let mut tags = AudioTags::default();
    for _ in 0..MAX_FRAMES {
        if pos + header_len as u64 > tag_end {
            break;
        }
        file.seek(SeekFrom::Start(pos)).ok()?;
        let mut fh = [0u8; 10];
        file.read_exact(&mut fh[..header_len]).ok()?;
        if fh[0] == 0 {
            break; // padding
        }
        let id = &fh[..id_len];
        let size = match version {
            2 => u32::from_be_bytes([0, fh[3], fh[4], fh[5]]),
            3 => u32::from_be_bytes([fh[4], fh[5], fh[6], fh[7]]),
            _ => syncsafe(&fh[4..8]),
        };
        let body_start = pos + header_len as u64;
        let wanted = match id {
            b"TIT2" | b"TT2" => Some(true),
            b"TALB" | b"TAL" => Some(false),
            _ => None,
        };
        if let Some(is_title) = wanted
            && size <= MAX_TEXT_FRAME_BYTES
            && body_start + u64::from(size) <= tag_end
        {
            let mut body = vec![0u8; size as usize];
            file.read_exact(&mut body).ok()?;
            let text = decode_text(&body);
            let slot = if is_title {
                &mut tags.title
            } else {
                &mut tags.album
            };
            if slot.is_none() && !text.is_empty() {
                *slot = Some(text);
            }
        }
        if tags.title.is_some() && tags.album.is_some() {
            break;
        }
        pos = body_start + u64::from(size);
    }
    Some(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An ID3v2.3 tag holding the frames given (id, body).
    pub(crate) fn id3v23(frames: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (id, data) in frames {
            body.extend_from_slice(*id);
            body.extend_from_slice(&(data.len() as u32).to_be_bytes());
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(data);
        }
        body.extend_from_slice(&[0u8; 16]);
        let size = body.len() as u32;
        let mut tag = b"ID3\x03\x00\x00".to_vec();
        tag.extend((0..4).rev().map(|i| ((size >> (7 * i)) & 0x7F) as u8));
        tag.extend(body);
        tag
    }

    fn latin1(s: &str) -> Vec<u8> {
        let mut v = vec![0u8];
        v.extend(s.bytes());
        v
    }

    fn utf16(s: &str) -> Vec<u8> {
        let mut v = vec![1u8, 0xFF, 0xFE];
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    #[test]
    fn reads_titles_past_large_frames() {
        let picture = vec![7u8; 200_000];
        let cases: Vec<(Vec<u8>, AudioTags)> = vec![
            (
                id3v23(&[(b"TIT2", latin1("#518: Django")), (b"TALB", latin1("Talk"))]),
                AudioTags {
                    title: Some("#518: Django".into()),
                    album: Some("Talk".into()),
                },
            ),
            (
                id3v23(&[(b"APIC", picture), (b"TIT2", utf16("Café ☕"))]),
                AudioTags {
                    title: Some("Café ☕".into()),
                    album: None,
                },
            ),
            (b"not a tag at all".to_vec(), AudioTags::default()),
            (b"ID3\x03\x00\x00\x7f\x7f".to_vec(), AudioTags::default()),
        ];
        let dir = tempfile::tempdir().expect("temp dir");
        for (i, (bytes, want)) in cases.into_iter().enumerate() {
            let path = dir.path().join(format!("{i}.mp3"));
            std::fs::write(&path, &bytes).expect("write");
            assert_eq!(read_tags(&path).expect("read"), want, "case {i}");
        }
    }
}
