//! An episode's chapters, from a Podcasting 2.0 chapters JSON or from the ID3 `CHAP`/`CTOC` frames
//! at the start of an MP3, read with bounded reads. Chapter times are audio times.
//!
//! The JSON is `{"version", "chapters": [{"startTime", "title", "url"?, "toc"?}]}`; a chapter with
//! `"toc": false` is not listed. In ID3, when a top-level `CTOC` frame exists only the chapters it
//! lists (directly or through nested tables) are kept; otherwise every `CHAP` is.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

/// One chapter: where it starts in the audio, and its title.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chapter {
    /// Where the chapter starts in the audio.
    pub start: Duration,
    /// Its title ("Chapter 3" when it has none).
    pub title: String,
    /// A link about it, when it has one.
    pub url: Option<String>,
}

/// Why a chapters JSON could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ChapterError {
    /// The file is not JSON.
    #[error("line {line}, column {column}: {message}")]
    Json {
        /// The line of the error (from 1).
        line: usize,
        /// The column of the error (from 1).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// It is JSON but has no `chapters` list.
    #[error("no \"chapters\" list")]
    NoChapters,
}

/// The most chapters kept from one file.
const MAX_CHAPTERS: usize = 2000;
/// The most ID3 frames looked at.
const MAX_FRAMES: usize = 8192;
/// The most of one `CHAP` or `CTOC` frame read: its title comes first, a picture may follow.
const MAX_CHAPTER_FRAME_BYTES: u32 = 64 * 1024;
/// The largest unsynchronised ID3v2.3 tag read whole (it must be read whole to be undone).
const MAX_UNSYNC_TAG_BYTES: u32 = 16 * 1024 * 1024;
/// How deep nested tables of contents are followed.
const MAX_TOC_DEPTH: usize = 8;

#[derive(Deserialize)]
struct JsonChapter {
    #[serde(rename = "startTime")]
    start_time: f64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    toc: Option<bool>,
}

/// Reads a Podcasting 2.0 chapters JSON. Entries that are not chapters (no `startTime`, a negative
/// time) are left out; the chapters come sorted by start.
pub fn parse_json(bytes: &[u8]) -> Result<Vec<Chapter>, ChapterError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| ChapterError::Json {
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })?;
    let Some(items) = doc.get("chapters").and_then(Value::as_array) else {
        return Err(ChapterError::NoChapters);
    };
    let mut chapters: Vec<Chapter> = items
        .iter()
        .filter_map(|item| serde_json::from_value::<JsonChapter>(item.clone()).ok())
        .filter(|c| c.toc != Some(false))
        .filter_map(|c| {
            Some(Chapter {
                start: Duration::try_from_secs_f64(c.start_time).ok()?,
                title: c.title.map(|t| t.trim().to_owned()).unwrap_or_default(),
                url: c.url.filter(|u| !u.trim().is_empty()),
            })
        })
        .take(MAX_CHAPTERS)
        .collect();
    finish(&mut chapters);
    Ok(chapters)
}

/// Sorts chapters by start and names the ones without a title.
fn finish(chapters: &mut [Chapter]) {
    chapters.sort_by_key(|c| c.start);
    for (i, chapter) in chapters.iter_mut().enumerate() {
        if chapter.title.is_empty() {
            chapter.title = format!("Chapter {}", i + 1);
        }
    }
}

/// A `CHAP` frame as read: its element id and chapter.
struct ChapFrame {
    id: String,
    chapter: Chapter,
}

/// A `CTOC` frame as read.
struct TocFrame {
    id: String,
    top_level: bool,
    children: Vec<String>,
}

/// The chapters of the ID3v2 tag at the start of `source` (an MP3 file); none when it has no tag,
/// no chapters, or a tag too damaged to walk. Only chapter frames are read; pictures and other
/// large frames are skipped by their headers.
pub fn read_id3<R: Read + Seek>(source: &mut R) -> Vec<Chapter> {
    read_id3_frames(source)
        .map(|(chaps, tocs)| select(chaps, &tocs))
        .unwrap_or_default()
}

fn syncsafe(b: &[u8]) -> u32 {
    b.iter()
        .fold(0u32, |acc, x| (acc << 7) | u32::from(x & 0x7F))
}

/// Undoes ID3 unsynchronisation: every `FF 00` becomes `FF`.
fn resync(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut after_ff = false;
    for &b in bytes {
        if !(after_ff && b == 0) {
            out.push(b);
        }
        after_ff = b == 0xFF;
    }
    out
}

fn read_id3_frames<R: Read + Seek>(source: &mut R) -> Option<(Vec<ChapFrame>, Vec<TocFrame>)> {
    let mut header = [0u8; 10];
    source.read_exact(&mut header).ok()?;
    if &header[..3] != b"ID3" {
        return None;
    }
    let version = header[3];
    // `CHAP` and `CTOC` exist from ID3v2.3 on.
    if !(3..=4).contains(&version) {
        return None;
    }
    let flags = header[5];
    let tag_size = syncsafe(&header[6..10]);
    if version == 3 && flags & 0x80 != 0 {
        // The whole tag is unsynchronised: read it, undo that, and walk it in memory.
        if tag_size > MAX_UNSYNC_TAG_BYTES {
            return None;
        }
        let mut body = vec![0u8; tag_size as usize];
        source.read_exact(&mut body).ok()?;
        let mut tag = header.to_vec();
        tag[5] &= !0x80;
        tag.extend(resync(&body));
        return read_id3_frames(&mut std::io::Cursor::new(tag));
    }
    let tag_end = 10 + u64::from(tag_size);
    let mut pos = 10u64;
    if flags & 0x40 != 0 {
        let mut ext = [0u8; 4];
        source.read_exact(&mut ext).ok()?;
        pos += if version == 4 {
            u64::from(syncsafe(&ext))
        } else {
            u64::from(u32::from_be_bytes(ext)) + 4
        };
    }
    let (mut chaps, mut tocs) = (Vec::new(), Vec::new());
    for _ in 0..MAX_FRAMES {
        if pos + 10 > tag_end || chaps.len() >= MAX_CHAPTERS {
            break;
        }
        source.seek(SeekFrom::Start(pos)).ok()?;
        let mut fh = [0u8; 10];
        source.read_exact(&mut fh).ok()?;
        if fh[0] == 0 {
            break; // padding
        }
        let size = frame_size(version, &fh[4..8]);
        let body_start = pos + 10;
        let id = &fh[..4];
        if (id == b"CHAP" || id == b"CTOC") && body_start + u64::from(size) <= tag_end {
            let read_bytes = size.min(MAX_CHAPTER_FRAME_BYTES);
            let mut body = vec![0u8; read_bytes as usize];
            source.read_exact(&mut body).ok()?;
            if let Some(body) = frame_body(version, [fh[8], fh[9]], body) {
                if id == b"CHAP" {
                    chaps.extend(parse_chap(version, &body));
                } else {
                    tocs.extend(parse_ctoc(&body));
                }
            }
        }
        pos = body_start + u64::from(size);
    }
    Some((chaps, tocs))
}

fn frame_size(version: u8, bytes: &[u8]) -> u32 {
    if version == 4 {
        syncsafe(bytes)
    } else {
        u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]])
    }
}

/// A frame's body with its ID3v2.4 framing undone (a data length, unsynchronisation); `None` for a
/// compressed or encrypted frame.
fn frame_body(version: u8, flags: [u8; 2], body: Vec<u8>) -> Option<Vec<u8>> {
    if version == 3 {
        // 0x80: compressed, 0x40: encrypted.
        return (flags[1] & 0xC0 == 0).then_some(body);
    }
    // 0x08: compressed, 0x04: encrypted, 0x02: unsynchronised, 0x01: a data length first.
    if flags[1] & 0x0C != 0 {
        return None;
    }
    let body = if flags[1] & 0x01 != 0 {
        body.get(4..)?.to_vec()
    } else {
        body
    };
    Some(if flags[1] & 0x02 != 0 {
        resync(&body)
    } else {
        body
    })
}

/// A Latin-1 string ended by a zero byte, and what follows it.
fn cut_latin1(bytes: &[u8]) -> Option<(String, &[u8])> {
    let end = bytes.iter().position(|&b| b == 0)?;
    let text = bytes[..end].iter().map(|&b| char::from(b)).collect();
    Some((text, &bytes[end + 1..]))
}

fn parse_chap(version: u8, body: &[u8]) -> Option<ChapFrame> {
    let (id, rest) = cut_latin1(body)?;
    let times = rest.get(..16)?;
    let start_ms = u32::from_be_bytes([times[0], times[1], times[2], times[3]]);
    let mut chapter = Chapter {
        start: Duration::from_millis(u64::from(start_ms)),
        title: String::new(),
        url: None,
    };
    for (sub_id, sub_body) in sub_frames(version, &rest[16..]) {
        match &sub_id {
            b"TIT2" if chapter.title.is_empty() => chapter.title = decode_text(sub_body),
            b"WXXX" if chapter.url.is_none() => chapter.url = user_url(sub_body),
            _ => {}
        }
    }
    Some(ChapFrame { id, chapter })
}

fn parse_ctoc(body: &[u8]) -> Option<TocFrame> {
    let (id, rest) = cut_latin1(body)?;
    let (&flags, rest) = rest.split_first()?;
    let (&count, mut rest) = rest.split_first()?;
    let mut children = Vec::new();
    for _ in 0..count {
        let (child, after) = cut_latin1(rest)?;
        children.push(child);
        rest = after;
    }
    Some(TocFrame {
        id,
        top_level: flags & 0x02 != 0,
        children,
    })
}

/// The frames embedded in a `CHAP` or `CTOC` body, as far as they are whole.
fn sub_frames(version: u8, mut bytes: &[u8]) -> Vec<([u8; 4], &[u8])> {
    let mut frames = Vec::new();
    while bytes.len() >= 10 && bytes[0] != 0 {
        let id = [bytes[0], bytes[1], bytes[2], bytes[3]];
        let size = frame_size(version, &bytes[4..8]) as usize;
        let Some(body) = bytes.get(10..10 + size) else {
            break;
        };
        frames.push((id, body));
        bytes = &bytes[10 + size..];
    }
    frames
}

/// The chapters listed by the top-level table of contents (when there is one), sorted by start.
fn select(chaps: Vec<ChapFrame>, tocs: &[TocFrame]) -> Vec<Chapter> {
    let mut listed: Option<Vec<String>> = None;
    if let Some(top) = tocs.iter().find(|t| t.top_level) {
        let by_id: HashMap<&str, &TocFrame> = tocs.iter().map(|t| (t.id.as_str(), t)).collect();
        let mut ids = Vec::new();
        collect_listed(top, &by_id, 0, &mut ids);
        listed = Some(ids);
    }
    let mut chapters: Vec<Chapter> = match &listed {
        Some(ids) if chaps.iter().any(|c| ids.contains(&c.id)) => chaps
            .into_iter()
            .filter(|c| ids.contains(&c.id))
            .map(|c| c.chapter)
            .collect(),
        _ => chaps.into_iter().map(|c| c.chapter).collect(),
    };
    finish(&mut chapters);
    chapters
}

fn collect_listed(
    toc: &TocFrame,
    by_id: &HashMap<&str, &TocFrame>,
    depth: usize,
    ids: &mut Vec<String>,
) {
    for child in &toc.children {
        match by_id.get(child.as_str()) {
            Some(nested) if depth < MAX_TOC_DEPTH => collect_listed(nested, by_id, depth + 1, ids),
            Some(_) => {}
            None => ids.push(child.clone()),
        }
    }
}

/// A `WXXX` frame's URL: an encoding byte, a description ended by zero, then the URL in Latin-1.
fn user_url(body: &[u8]) -> Option<String> {
    let (&encoding, rest) = body.split_first()?;
    let after_description = if matches!(encoding, 1 | 2) {
        let end = rest.chunks_exact(2).position(|p| p == [0, 0])?;
        &rest[2 * end + 2..]
    } else {
        &rest[rest.iter().position(|&b| b == 0)? + 1..]
    };
    let url: String = after_description
        .iter()
        .take_while(|&&b| b != 0)
        .map(|&b| char::from(b))
        .collect();
    let url = url.trim().to_owned();
    (!url.is_empty()).then_some(url)
}

/// An ID3 text frame's body: an encoding byte, then the text (the first of several values).
pub fn decode_text(body: &[u8]) -> String {
    let Some((&encoding, text)) = body.split_first() else {
        return String::new();
    };
    let decoded = match encoding {
        0 => text.iter().map(|&b| char::from(b)).collect(),
        1 | 2 => {
            let (big_endian, rest) = match text {
                [0xFE, 0xFF, rest @ ..] => (true, rest),
                [0xFF, 0xFE, rest @ ..] => (false, rest),
                _ => (encoding == 2, text),
            };
            let units: Vec<u16> = rest
                .chunks_exact(2)
                .map(|p| {
                    if big_endian {
                        u16::from_be_bytes([p[0], p[1]])
                    } else {
                        u16::from_le_bytes([p[0], p[1]])
                    }
                })
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(text).into_owned(),
    };
    decoded
        .split('\0')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Builders of ID3 tags with chapters, for tests here and in `tests/`.
pub mod build {
    /// A text frame's body in UTF-8 (encoding 3).
    pub fn text_body(text: &str) -> Vec<u8> {
        let mut body = vec![3u8];
        body.extend(text.as_bytes());
        body
    }

    /// One frame: its id, size (syncsafe for version 4) and body.
    pub fn frame(version: u8, id: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.extend(size_bytes(version, body.len() as u32));
        out.extend([0, 0]);
        out.extend(body);
        out
    }

    fn size_bytes(version: u8, size: u32) -> [u8; 4] {
        if version == 4 {
            [
                ((size >> 21) & 0x7F) as u8,
                ((size >> 14) & 0x7F) as u8,
                ((size >> 7) & 0x7F) as u8,
                (size & 0x7F) as u8,
            ]
        } else {
            size.to_be_bytes()
        }
    }

    /// A `CHAP` frame: element id, start and end in milliseconds, and a `TIT2` title when given.
    pub fn chap(version: u8, id: &str, start_ms: u32, end_ms: u32, title: Option<&str>) -> Vec<u8> {
        let mut body = id.as_bytes().to_vec();
        body.push(0);
        body.extend(start_ms.to_be_bytes());
        body.extend(end_ms.to_be_bytes());
        body.extend([0xFF; 8]);
        if let Some(title) = title {
            body.extend(frame(version, b"TIT2", &text_body(title)));
        }
        frame(version, b"CHAP", &body)
    }

    /// A `CTOC` frame listing `children`; `top_level` sets its top-level flag.
    pub fn ctoc(version: u8, id: &str, top_level: bool, children: &[&str]) -> Vec<u8> {
        let mut body = id.as_bytes().to_vec();
        body.push(0);
        body.push(if top_level { 0x03 } else { 0x01 });
        body.push(children.len() as u8);
        for child in children {
            body.extend(child.as_bytes());
            body.push(0);
        }
        frame(version, b"CTOC", &body)
    }

    /// An ID3v2 tag (version 3 or 4) holding `frames`, with some padding.
    pub fn tag(version: u8, frames: &[Vec<u8>]) -> Vec<u8> {
        let mut body: Vec<u8> = frames.concat();
        body.extend([0u8; 32]);
        let size = body.len() as u32;
        let mut out = vec![b'I', b'D', b'3', version, 0, 0];
        out.extend(size_bytes(4, size));
        out.extend(body);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::build::*;
    use super::*;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    fn titles(chapters: &[Chapter]) -> Vec<(Duration, &str)> {
        chapters
            .iter()
            .map(|c| (c.start, c.title.as_str()))
            .collect()
    }

    #[test]
    fn reads_podcasting_json_chapters() {
        let cases: Vec<(&str, Vec<(Duration, &str)>)> = vec![
            (
                r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"},{"startTime":62.5,"title":"Django"}]}"#,
                vec![(ms(0), "Intro"), (ms(62_500), "Django")],
            ),
            // Out of order, a hidden one, a bad one and one without a title.
            (
                r#"{"chapters":[{"startTime":30,"title":"B"},{"startTime":10,"title":"A"},
                   {"startTime":20,"title":"Ad","toc":false},{"title":"no time"},{"startTime":-1},
                   {"startTime":40}]}"#,
                vec![
                    (ms(10_000), "A"),
                    (ms(30_000), "B"),
                    (ms(40_000), "Chapter 3"),
                ],
            ),
            ("\u{FEFF}{\"chapters\":[]}", vec![]),
        ];
        for (json, want) in cases {
            let chapters = parse_json(json.as_bytes()).expect(json);
            assert_eq!(titles(&chapters), want, "{json}");
        }
        let with_url =
            parse_json(br#"{"chapters":[{"startTime":1,"title":"T","url":"https://x"}]}"#)
                .expect("parses");
        assert_eq!(with_url[0].url.as_deref(), Some("https://x"));
    }

    #[test]
    fn a_broken_chapters_json_says_where() {
        let cases: Vec<(&str, ChapterError)> = vec![
            (
                "{\"chapters\": [\n  {\"startTime\": 1,}\n]}",
                ChapterError::Json {
                    line: 2,
                    column: 19,
                    message: String::new(),
                },
            ),
            ("{\"version\": \"1.2\"}", ChapterError::NoChapters),
            ("[1, 2]", ChapterError::NoChapters),
        ];
        for (json, want) in cases {
            let got = parse_json(json.as_bytes()).expect_err(json);
            match (&got, &want) {
                (
                    ChapterError::Json { line, column, .. },
                    ChapterError::Json {
                        line: l, column: c, ..
                    },
                ) => assert_eq!((line, column), (l, c), "{json}: {got}"),
                _ => assert_eq!(got, want, "{json}"),
            }
        }
    }

    #[test]
    fn reads_id3_chapters_in_both_versions() {
        for version in [3u8, 4] {
            let picture = frame(version, b"APIC", &vec![9u8; 300_000]);
            type Case = (Vec<u8>, Vec<(Duration, &'static str)>);
            let cases: Vec<Case> = vec![
                // Plain chapters, out of order, behind a large picture.
                (
                    tag(
                        version,
                        &[
                            picture.clone(),
                            chap(version, "c2", 90_000, 120_000, Some("Second")),
                            chap(version, "c1", 0, 90_000, Some("First")),
                        ],
                    ),
                    vec![(ms(0), "First"), (ms(90_000), "Second")],
                ),
                // A top-level table of contents lists only some of them, one through a nested table.
                (
                    tag(
                        version,
                        &[
                            ctoc(version, "toc", true, &["c1", "sub"]),
                            ctoc(version, "sub", false, &["c3"]),
                            chap(version, "c1", 0, 10, Some("One")),
                            chap(version, "c2", 10, 20, Some("Hidden")),
                            chap(version, "c3", 20, 30, None),
                        ],
                    ),
                    vec![(ms(0), "One"), (ms(20), "Chapter 2")],
                ),
                // No chapters, not a tag, a tag cut short.
                (
                    tag(version, &[frame(version, b"TIT2", &text_body("T"))]),
                    vec![],
                ),
                (b"not a tag".to_vec(), vec![]),
                (
                    tag(version, &[chap(version, "c1", 0, 10, Some("One"))])[..25].to_vec(),
                    vec![],
                ),
            ];
            for (i, (bytes, want)) in cases.into_iter().enumerate() {
                let chapters = read_id3(&mut std::io::Cursor::new(bytes));
                assert_eq!(titles(&chapters), want, "v2.{version} case {i}");
            }
        }
    }

    #[test]
    fn reads_an_unsynchronised_tag_and_text_encodings() {
        // A start time of 0xFF00 ms holds an FF 00 pair that unsynchronisation doubles.
        let inner = tag(3, &[chap(3, "c1", 0xFF00, 0xFFFF, Some("Café"))]);
        let mut unsync = inner[..10].to_vec();
        unsync[5] |= 0x80;
        let mut body = Vec::new();
        for &b in &inner[10..] {
            body.push(b);
            if b == 0xFF {
                body.push(0);
            }
        }
        let size = body.len() as u32;
        unsync[6..10].copy_from_slice(&[
            ((size >> 21) & 0x7F) as u8,
            ((size >> 14) & 0x7F) as u8,
            ((size >> 7) & 0x7F) as u8,
            (size & 0x7F) as u8,
        ]);
        unsync.extend(body);
        let chapters = read_id3(&mut std::io::Cursor::new(unsync));
        assert_eq!(titles(&chapters), vec![(ms(0xFF00), "Café")]);
        let cases: [(&[u8], &str); 4] = [
            (b"\x00Latin\xe9", "Latiné"),
            (b"\x01\xFF\xFEH\x00i\x00", "Hi"),
            (b"\x02\x00H\x00i", "Hi"),
            (b"\x03UTF-8 \xe2\x98\x95\x00second", "UTF-8 ☕"),
        ];
        for (body, want) in cases {
            assert_eq!(decode_text(body), want);
        }
        assert_eq!(
            user_url(b"\x00desc\x00https://example.com"),
            Some("https://example.com".to_owned())
        );
        assert_eq!(
            user_url(b"\x01\xFF\xFEd\x00\x00\x00https://e.org"),
            Some("https://e.org".to_owned())
        );
    }
}
