//! Reads YouTube's WebVTT captions: rolling two-line cues where each line shows twice and 10 ms
//! "hold" cues, reduced to each spoken line once, with its `<c>` word times and `>>` turns.

use std::time::Duration;

use super::Parsed;
use super::lines::Line;
use super::markup;
use super::model::{Cue, Format};
use super::vtt;
use super::warnings::Warnings;

/// Cues this short that only repeat text already shown are hold cues.
const HOLD_MAX: Duration = Duration::from_millis(50);

/// True when the WebVTT text is YouTube's: `Kind:`/`Language:` header lines, or `<c>` word times.
pub(crate) fn looks_like_youtube(lines: &[Line]) -> bool {
    let header: Vec<&str> = lines
        .iter()
        .skip(1)
        .take_while(|l| !l.is_blank())
        .map(|l| l.text)
        .collect();
    if header.iter().any(|l| l.starts_with("Kind: captions"))
        && header.iter().any(|l| l.starts_with("Language:"))
    {
        return true;
    }
    lines
        .iter()
        .take(2000)
        .any(|l| l.text.contains("><c>") && l.text.contains("</c>"))
}

/// Plain text of one payload line (markup removed).
fn plain(line: &str) -> String {
    markup::parse(line, Duration::ZERO, None, markup::RICH)
        .into_iter()
        .map(|p| p.text)
        .collect::<Vec<_>>()
        .join(" ")
}

fn push_pieces(
    cues: &mut Vec<Cue>,
    pieces: Vec<markup::Piece>,
    (start, end): (Duration, Duration),
    line: usize,
) {
    for p in pieces {
        cues.push(Cue {
            start,
            end: Some(end),
            speaker: p.speaker,
            turn: p.turn,
            text: p.text,
            words: p.words,
            line,
        });
    }
}

/// Reads the lines as YouTube captions: every line that is new in a cue becomes a cue.
/// A line is not new when it repeats the previous cue's last line as the first of several
/// (the rolling carry-over), or when a cue of at most 50 ms only repeats it (a hold cue).
pub(crate) fn read(lines: &[Line], warnings: &mut Warnings) -> Parsed {
    let mut raw = Vec::new();
    let title = vtt::raw_cues(lines, warnings, |c, _| raw.push(c));
    let mut cues = Vec::new();
    let mut prev_last = String::new();
    for c in raw {
        let texts: Vec<(Line, String)> = c
            .payload
            .iter()
            .map(|l| (*l, plain(l.text)))
            .filter(|(_, p)| !p.is_empty())
            .collect();
        let short = c.end.saturating_sub(c.start) <= HOLD_MAX;
        let rolling = c.payload.len() >= 2;
        // New lines without word times are joined into one cue; a line with word times is a
        // cue of its own (YouTube's rolling auto-captions bring one such line per cue).
        let mut plain_lines: Vec<&str> = Vec::new();
        let mut plain_line = 0;
        for (k, (l, text)) in texts.iter().enumerate() {
            let repeat = *text == prev_last;
            if repeat && ((k == 0 && rolling) || short) {
                continue;
            }
            let pieces = markup::parse(l.text, c.start, Some(c.end), markup::RICH);
            if pieces.iter().all(|p| p.words.is_empty()) {
                if plain_lines.is_empty() {
                    plain_line = l.number;
                }
                plain_lines.push(l.text);
                continue;
            }
            push_pieces(&mut cues, pieces, (c.start, c.end), l.number);
        }
        if !plain_lines.is_empty() {
            let pieces = markup::parse(&plain_lines.join("\n"), c.start, Some(c.end), markup::RICH);
            push_pieces(&mut cues, pieces, (c.start, c.end), plain_line);
        }
        if let Some((_, last)) = texts.last() {
            prev_last.clone_from(last);
        }
    }
    Parsed {
        title,
        format: Format::YouTubeVtt,
        cues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::lines::split;

    const ROLLING: &str = "WEBVTT\nKind: captions\nLanguage: en\n\n\
00:00:00.160 --> 00:00:02.270 align:start position:0%\n \nso<00:00:00.560><c> this</c><00:00:00.880><c> is</c>\n\n\
00:00:02.270 --> 00:00:02.280 align:start position:0%\nso this is\n \n\n\
00:00:02.280 --> 00:00:05.110 align:start position:0%\nso this is\n&gt;&gt; the<00:00:02.600><c> next</c>\n\n\
00:00:05.110 --> 00:00:05.120 align:start position:0%\n>> the next\n \n\n\
00:00:05.120 --> 00:00:07.000 align:start position:0%\n>> the next\n[Music]\n\n\
00:00:07.000 --> 00:00:09.000 align:start position:0%\n[Music]\nline<00:00:07.500><c> three</c>\n";

    #[test]
    fn table() {
        // (input, [(start ms, end ms, turn, text, word count)])
        type Got<'a> = (u64, u64, bool, &'a str, usize);
        let cases: Vec<(&str, Vec<Got>)> = vec![
            (
                ROLLING,
                vec![
                    (160, 2270, false, "so this is", 3),
                    (2280, 5110, true, "the next", 2),
                    (5120, 7000, false, "[Music]", 0),
                    (7000, 9000, false, "line three", 2),
                ],
            ),
            (
                "WEBVTT\nKind: captions\nLanguage: en\n\n00:00:01.000 --> 00:00:02.000\nYeah.\n\n00:00:02.000 --> 00:00:03.000\nYeah.\n",
                vec![
                    (1000, 2000, false, "Yeah.", 0),
                    (2000, 3000, false, "Yeah.", 0),
                ],
            ),
            (
                "WEBVTT\nKind: captions\nLanguage: en\n\n00:00:01.000 --> 00:00:02.000\nA manual caption\non two lines\n",
                vec![(1000, 2000, false, "A manual caption on two lines", 0)],
            ),
        ];
        for (input, want) in cases {
            let mut w = Warnings::new();
            let lines = split(input, &mut w);
            assert!(looks_like_youtube(&lines));
            let parsed = read(&lines, &mut w);
            let got: Vec<Got> = parsed
                .cues
                .iter()
                .map(|c| {
                    (
                        c.start.as_millis() as u64,
                        c.end.map_or(0, |e| e.as_millis() as u64),
                        c.turn,
                        c.text.as_str(),
                        c.words.len(),
                    )
                })
                .collect();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn word_times_come_from_c_tags() {
        let mut w = Warnings::new();
        let lines = split(ROLLING, &mut w);
        let parsed = read(&lines, &mut w);
        let words: Vec<(u64, &str)> = parsed.cues[0]
            .words
            .iter()
            .map(|w| (w.start.as_millis() as u64, w.text.as_str()))
            .collect();
        assert_eq!(words, [(160, "so"), (560, "this"), (880, "is")]);
    }

    #[test]
    fn plain_vtt_is_not_youtube() {
        let mut w = Warnings::new();
        let lines = split(
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<c.yellow>hi</c>\n",
            &mut w,
        );
        assert!(!looks_like_youtube(&lines));
    }
}
