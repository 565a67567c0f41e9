//! Tells the transcript shape from the decoded content; a file extension only breaks a tie.

use super::lines::Line;
use super::text;
use super::vtt;
use super::youtube;

/// How many lines are searched for SRT/VTT cue timings.
const TIMING_SCAN_LINES: usize = 1000;

/// The reader to use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shape {
    /// Podcasting 2.0 or Whisper JSON (told apart by the JSON reader).
    Json,
    /// WebVTT with its `WEBVTT` signature.
    Vtt,
    /// YouTube's WebVTT.
    YouTube,
    /// Cue timings with no WebVTT signature, read as WebVTT because the extension says `.vtt`.
    VttWithoutSignature,
    /// SubRip.
    Srt,
    /// `HH:MM:SS text` lines.
    Text,
    /// A web page copy.
    WebPage,
    /// No timestamps at all; the line is the first with text.
    Unrecognized(usize),
}

/// Picks the reader for `text` (already split into `lines`).
pub(crate) fn sniff(text: &str, lines: &[Line], extension: Option<&str>) -> Shape {
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    let json_array = trimmed
        .strip_prefix('[')
        .is_some_and(|rest| rest.trim_start().starts_with(['{', ']']));
    if trimmed.starts_with('{') || json_array {
        return Shape::Json;
    }
    let first = lines.iter().find(|l| !l.is_blank());
    if first.is_some_and(|l| vtt::has_signature(l.text.trim_start())) {
        return if youtube::looks_like_youtube(lines) {
            Shape::YouTube
        } else {
            Shape::Vtt
        };
    }
    let timing = lines
        .iter()
        .take(TIMING_SCAN_LINES)
        .find(|l| vtt::timing(l.text).is_some());
    if let Some(t) = timing {
        let ext_vtt =
            extension.is_some_and(|e| e.trim_start_matches('.').eq_ignore_ascii_case("vtt"));
        // A comma before the milliseconds is SubRip's alone; with a dot, the extension decides.
        return if ext_vtt && !t.text.contains(',') {
            Shape::VttWithoutSignature
        } else {
            Shape::Srt
        };
    }
    if lines.iter().any(|l| text::stamp_line(l.text).is_some()) {
        return if text::looks_like_webpage(lines) {
            Shape::WebPage
        } else {
            Shape::Text
        };
    }
    Shape::Unrecognized(first.map_or(1, |l| l.number))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::lines::split;
    use crate::transcript::warnings::Warnings;

    #[test]
    fn table() {
        let cases: &[(&str, Option<&str>, Shape)] = &[
            ("{\"segments\": []}", None, Shape::Json),
            ("  [ {\"start\": 1} ]", None, Shape::Json),
            (
                "WEBVTT\n\n00:01.000 --> 00:02.000\nx",
                Some("srt"),
                Shape::Vtt,
            ),
            ("\n\nWEBVTT\n", None, Shape::Vtt),
            (
                "WEBVTT\nKind: captions\nLanguage: en\n",
                None,
                Shape::YouTube,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nx",
                Some("vtt"),
                Shape::Srt,
            ),
            ("00:00:01.000 --> 00:00:02.000\nx", None, Shape::Srt),
            ("00:00:01.000 --> 00:00:02.000\nx", Some("srt"), Shape::Srt),
            (
                "00:00:01.000 --> 00:00:02.000\nx",
                Some("VTT"),
                Shape::VttWithoutSignature,
            ),
            (
                "00:00:01.000 --> 00:00:02.000\nx",
                Some(".vtt"),
                Shape::VttWithoutSignature,
            ),
            ("00:00:00 hello\n\n00:00:02 there", Some("vtt"), Shape::Text),
            ("00:00 hello\n\n00:02 there", None, Shape::WebPage),
            ("Banner\n\n00:00:00 hello", None, Shape::WebPage),
            (
                "[00:00:00] bracketed is not supported",
                None,
                Shape::Unrecognized(1),
            ),
            ("[Music]\n00:00:01 hi", None, Shape::WebPage),
            ("\n\njust words\n", Some("txt"), Shape::Unrecognized(3)),
        ];
        for (input, ext, want) in cases {
            let mut w = Warnings::new();
            let lines = split(input, &mut w);
            assert_eq!(sniff(input, &lines, *ext), *want, "{input:?} {ext:?}");
        }
    }
}
