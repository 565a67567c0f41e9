//! Reads W3C WebVTT: header, NOTE/STYLE/REGION blocks, cue ids and settings, multi-line
//! payloads (joined with spaces for display), tags, entities and inline word stamps.

use std::time::Duration;

use super::Parsed;
use super::lines::{CueText, Line};
use super::markup;
use super::model::Format;
use super::timestamp::parse_clock;
use super::warnings::Warnings;

/// A cue as written, before its payload is interpreted.
#[derive(Debug)]
pub(crate) struct RawCue<'a> {
    /// The line of the timing (`-->`) line.
    pub line: usize,
    /// Start time.
    pub start: Duration,
    /// End time as written (it may be before the start; the caller checks).
    pub end: Duration,
    /// Payload lines, in order (the lines after the timing line, up to the next timing line or the block's end).
    pub payload: &'a [Line<'a>],
}

/// Reads a `start --> end [settings]` line.
pub(crate) fn timing(line: &str) -> Option<(Duration, Duration)> {
    // Same as `split_once("-->")`, without building a substring searcher for every line.
    let arrow = arrow(line)?;
    let left = line.get(..arrow)?;
    let right = line.get(arrow + 3..)?;
    let start = parse_clock(left.trim())?;
    let right = right.trim_start();
    let end_len = right.find(char::is_whitespace).unwrap_or(right.len());
    let end = parse_clock(&right[..end_len])?;
    Some((start, end))
}

/// Where the first `-->` in `line` starts: it ends at the first `>` with `--` before it.
fn arrow(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut from = 0;
    loop {
        let gt = from + line.get(from..)?.find('>')?;
        if gt >= 2 && bytes.get(gt - 2..gt) == Some(b"--".as_slice()) {
            return Some(gt - 2);
        }
        from = gt + 1;
    }
}

/// True when the first line is a WebVTT signature (`WEBVTT`, then end, space or tab).
pub(crate) fn has_signature(first_line: &str) -> bool {
    let s = first_line.trim_start_matches('\u{feff}');
    s.strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

/// Splits the file into its header's title (text after `WEBVTT`, returned) and raw cues, handed to `each` in file
/// order as they are found: a big file's cues are never all held as raw cues at once.
pub(crate) fn raw_cues<'a>(
    lines: &'a [Line<'a>],
    warnings: &mut Warnings,
    mut each: impl FnMut(RawCue<'a>, &mut Warnings),
) -> Option<String> {
    let mut title = None;
    let mut i = lines
        .iter()
        .position(|l| !l.is_blank())
        .unwrap_or(lines.len());
    if let Some(first) = lines.get(i) {
        if has_signature(first.text) {
            let rest = first.text.trim_start_matches('\u{feff}');
            let rest = rest
                .get(6..)
                .unwrap_or("")
                .trim()
                .trim_start_matches(['-', ':'])
                .trim();
            if !rest.is_empty() {
                title = Some(rest.to_owned());
            }
            // Header lines run to the first blank line (or to a timing line, leniently).
            i += 1;
            while let Some(l) = lines.get(i) {
                if l.is_blank() || timing(l.text).is_some() {
                    break;
                }
                i += 1;
            }
        } else {
            warnings.push(
                first.number,
                "the file does not start with WEBVTT; read it as WebVTT anyway",
            );
        }
    }
    while i < lines.len() {
        // Skip blank lines between blocks.
        while lines.get(i).is_some_and(Line::is_blank) {
            i += 1;
        }
        if i >= lines.len() {
            break;
        }
        // Per the spec a block ends at an empty line; a line of spaces is payload (YouTube
        // writes " " lines inside cues).
        let block_end = (i..lines.len())
            .find(|&k| lines.get(k).is_some_and(|l| l.text.is_empty()))
            .unwrap_or(lines.len());
        let mut block = lines.get(i..block_end).unwrap_or(&[]);
        i = block_end;
        let head = block.first().map_or("", |l| l.text);
        let word = head.split([' ', '\t']).next().unwrap_or("");
        if matches!(word, "NOTE" | "STYLE" | "REGION") && timing(head).is_none() {
            // Skip the block, unless a cue follows it with no empty line between.
            match block.iter().position(|l| timing(l.text).is_some()) {
                Some(k) => block = block.get(k..).unwrap_or(&[]),
                None => continue,
            }
        }
        let Some(first) = block.first() else { continue };
        let Some(t) = block.iter().take(2).position(|l| timing(l.text).is_some()) else {
            let what = if block.iter().any(|l| l.text.contains("-->")) {
                "the cue timing is not valid; the cue was skipped"
            } else {
                "this block has no cue timing; skipped"
            };
            warnings.push(first.number, what);
            continue;
        };
        // Each timing line starts a cue whose payload runs to the next timing line in the block.
        let mut rest = block.get(t..).unwrap_or(&[]);
        let mut next = rest.first().and_then(|l| Some((l.number, timing(l.text)?)));
        while let Some((line, (start, end))) = next.take() {
            rest = rest.get(1..).unwrap_or(&[]);
            let mut len = 0;
            for l in rest {
                if let Some(times) = timing(l.text) {
                    next = Some((l.number, times));
                    break;
                }
                len += 1;
            }
            let (payload, after) = rest.split_at(len);
            rest = after;
            each(
                RawCue {
                    line,
                    start,
                    end,
                    payload,
                },
                warnings,
            );
        }
    }
    title
}

/// Reads the lines as WebVTT.
pub(crate) fn read(lines: &[Line], warnings: &mut Warnings) -> Parsed {
    let last_line = lines.last().map_or(0, |l| l.number);
    let mut cues = Vec::new();
    // One buffer for every cue's joined payload; each cue's own text is built from it.
    let mut text = CueText::default();
    let title = raw_cues(lines, warnings, |c, warnings| {
        text.clear();
        for l in c.payload {
            text.push_line(l.text);
        }
        if text.truncated {
            warnings.push(c.line, "the cue text is too long; the rest was left out");
        }
        let at_end = c.payload.last().map_or(c.line, |l| l.number) >= last_line;
        markup::push_timed_cues(
            &mut cues,
            warnings,
            &text.text,
            (c.start, c.end),
            c.line,
            at_end,
        );
    });
    Parsed {
        title,
        format: Format::WebVtt,
        cues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::lines::split;

    /// (start ms, end ms, speaker, text, line)
    type Want<'a> = (u64, u64, Option<&'a str>, &'a str, usize);

    fn run(input: &str) -> (Parsed, Vec<crate::transcript::Warning>) {
        let mut w = Warnings::new();
        let lines = split(input, &mut w);
        let parsed = read(&lines, &mut w);
        (parsed, w.finish())
    }

    #[test]
    fn table() {
        let cases: Vec<(&str, Vec<Want>, usize)> = vec![
            ("WEBVTT\n", vec![], 0),
            (
                "\n\nWEBVTT\n\n00:01.000 --> 00:02.000\nlate signature\n",
                vec![(1000, 2000, None, "late signature", 5)],
                0,
            ),
            (
                "WEBVTT\n\n00:00:00.020 --> 00:00:04.740\nWhat if\n\n00:00:05.260 --> 00:00:09.000\nTemporal\n",
                vec![
                    (20, 4740, None, "What if", 3),
                    (5260, 9000, None, "Temporal", 6),
                ],
                0,
            ),
            (
                "\u{feff}WEBVTT - Episode 1\r\nKind: captions\r\n\r\nNOTE a comment\r\nspanning lines\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\nREGION\r\nid:fred\r\n\r\nintro-1\r\n00:01.000 --> 00:02.500 align:start position:10%\r\n<v Roger Bingham>We are in\r\nNew York City\r\n",
                vec![(
                    1000,
                    2500,
                    Some("Roger Bingham"),
                    "We are in New York City",
                    14,
                )],
                0,
            ),
            (
                "WEBVTT\n\nNOTE no blank line after\n00:00:01.000 --> 00:00:02.000\nkept\n   \n00:00:03.000 --> 00:00:04.000\n  \nspaces are payload\n",
                vec![
                    (1000, 2000, None, "kept", 4),
                    (3000, 4000, None, "spaces are payload", 7),
                ],
                0,
            ),
            (
                "WEBVTT\r\r1\r00:00:01.000 --> 00:00:02.000\rbare CR\r",
                vec![(1000, 2000, None, "bare CR", 4)],
                0,
            ),
            (
                "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v A>hi <v B>yo\n",
                vec![
                    (1000, 2000, Some("A"), "hi", 3),
                    (1000, 2000, Some("B"), "yo", 3),
                ],
                0,
            ),
            (
                "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfirst\n00:00:03.000 --> 00:00:04.000\nno blank line between\n",
                vec![
                    (1000, 2000, None, "first", 3),
                    (3000, 4000, None, "no blank line between", 5),
                ],
                0,
            ),
            (
                "WEBVTT\n\n00:00:01.000 --> 00:00:0x\nbroken\n\nstray text\n\n00:00:05.000 --> 00:00:06.000\nok\n\n00:00:07.000 --> 00:00:08.000\n",
                vec![(5000, 6000, None, "ok", 8)],
                3,
            ),
        ];
        for (input, want, warnings) in cases {
            let (parsed, w) = run(input);
            let got: Vec<Want> = parsed
                .cues
                .iter()
                .map(|c| {
                    (
                        c.start.as_millis() as u64,
                        c.end.map_or(0, |e| e.as_millis() as u64),
                        c.speaker.as_deref(),
                        c.text.as_str(),
                        c.line,
                    )
                })
                .collect();
            assert_eq!(got, want, "{input:?}");
            assert_eq!(w.len(), warnings, "{input:?}: {w:?}");
        }
    }

    #[test]
    fn title_and_timing() {
        let (parsed, _) = run("WEBVTT - Episode 1\n\n");
        assert_eq!(parsed.title.as_deref(), Some("Episode 1"));
        assert_eq!(
            timing("00:01.000 --> 00:02.000 line:0"),
            Some((Duration::from_secs(1), Duration::from_secs(2)))
        );
        assert_eq!(timing("00:01.000 -> 00:02.000"), None);
        assert!(has_signature("WEBVTT"));
        assert!(has_signature("\u{feff}WEBVTT\tx"));
        assert!(!has_signature("WEBVTTX"));
    }
}
