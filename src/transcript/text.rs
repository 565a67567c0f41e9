//! Reads `HH:MM:SS text` transcripts (Talk Python's `.txt`, with `<v Name>` tags or `>>` turns)
//! and transcripts copied from an episode's web page (`MM:SS` stamps, header and footer lines).

use super::Parsed;
use super::lines::{CueText, Line};
use super::markup;
use super::model::{Cue, Format};
use super::timestamp::leading_clock;
use super::warnings::Warnings;

/// A trailing block after the last entry is taken as a web page's footer (and dropped) only when
/// it has at most this many lines...
const FOOTER_MAX_LINES: usize = 4;
/// ...each at most this long. Anything bigger is kept as text of the last entry.
const FOOTER_MAX_LINE_CHARS: usize = 120;

/// The line's stamp and text, when it starts with a stamp.
pub(crate) fn stamp_line(text: &str) -> Option<(std::time::Duration, &str)> {
    leading_clock(text.trim_start_matches('\u{feff}').trim_start())
}

/// True when the text looks like a web-page copy rather than a plain `HH:MM:SS` file: it has
/// lines before the first stamp, or the first stamp is `MM:SS`.
pub(crate) fn looks_like_webpage(lines: &[Line]) -> bool {
    for line in lines {
        if line.is_blank() {
            continue;
        }
        if stamp_line(line.text).is_none() {
            return true;
        }
        let stamp = line.text.split_whitespace().next().unwrap_or("");
        return stamp.matches(':').count() == 1;
    }
    false
}

/// Reads the lines as entries: a stamped line starts one, unstamped lines continue it.
pub(crate) fn read(lines: &[Line], webpage: bool, warnings: &mut Warnings) -> Parsed {
    let format = if webpage {
        Format::WebPage
    } else {
        Format::TimestampedText
    };
    let first = lines.iter().position(|l| stamp_line(l.text).is_some());
    let last = lines.iter().rposition(|l| stamp_line(l.text).is_some());
    let (Some(first), Some(last)) = (first, last) else {
        return Parsed::empty(format);
    };
    let header = lines.get(..first).unwrap_or(&[]);
    let title = header.iter().find_map(|l| title_of(l.text));
    if !webpage && let Some(l) = header.iter().find(|l| !l.is_blank()) {
        warnings.push(l.number, "text before the first timestamp was skipped");
    }
    let body_end = body_end(lines, last, webpage);
    let body = lines.get(first..body_end).unwrap_or(&[]);

    let mut cues = Vec::new();
    let mut entry: Option<(usize, std::time::Duration, CueText)> = None;
    for line in body {
        if let Some((t, rest)) = stamp_line(line.text) {
            if let Some(done) = entry.take() {
                emit(done, &mut cues, warnings);
            }
            let mut text = CueText::default();
            text.push_line(rest);
            entry = Some((line.number, t, text));
        } else if !line.is_blank()
            && let Some((_, _, text)) = entry.as_mut()
        {
            text.push_line(line.text);
        }
    }
    if let Some(done) = entry.take() {
        emit(done, &mut cues, warnings);
    }
    Parsed {
        title,
        format,
        cues,
    }
}

/// Where the body ends: after the last entry and its continuation lines, and, for a web page,
/// before a short footer block separated from it by a blank line.
fn body_end(lines: &[Line], last: usize, webpage: bool) -> usize {
    if !webpage {
        return lines.len();
    }
    let tail = lines.get(last + 1..).unwrap_or(&[]);
    let Some(gap) = tail.iter().position(Line::is_blank) else {
        return lines.len();
    };
    let footer: Vec<&Line> = tail.iter().skip(gap).filter(|l| !l.is_blank()).collect();
    let short = footer.len() <= FOOTER_MAX_LINES
        && footer
            .iter()
            .all(|l| l.text.trim().chars().count() <= FOOTER_MAX_LINE_CHARS);
    if short { last + 1 + gap } else { lines.len() }
}

/// The episode title from a web page header line such as `#412: PEP 711 ... Transcript`.
fn title_of(line: &str) -> Option<String> {
    let line = line.trim();
    let numbered = line
        .strip_prefix('#')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()) && rest.contains(':'));
    let titled = line.ends_with(" Transcript");
    if !(numbered || titled) {
        return None;
    }
    let title = line.strip_suffix(" Transcript").unwrap_or(line).trim();
    (!title.is_empty()).then(|| title.to_owned())
}

fn emit(
    (line, start, text): (usize, std::time::Duration, CueText),
    cues: &mut Vec<Cue>,
    warnings: &mut Warnings,
) {
    if text.truncated {
        warnings.push(
            line,
            "the entry is too long; the rest of its text was left out",
        );
    }
    let pieces = markup::parse(&text.text, start, None, markup::PLAIN);
    if pieces.is_empty() {
        warnings.push(line, "the timestamp has no text after it; skipped");
    }
    for p in pieces {
        cues.push(Cue {
            start,
            end: None,
            speaker: p.speaker,
            turn: p.turn,
            text: p.text,
            words: p.words,
            line,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::lines::split;
    use std::time::Duration;

    /// (start secs, speaker, turn, text, line)
    type Want = (u64, Option<&'static str>, bool, &'static str, usize);

    fn run(input: &str) -> (Parsed, Vec<crate::transcript::Warning>) {
        let mut w = Warnings::new();
        let lines = split(input, &mut w);
        let webpage = looks_like_webpage(&lines);
        let parsed = read(&lines, webpage, &mut w);
        (parsed, w.finish())
    }

    fn summary(p: &Parsed) -> Vec<Want> {
        p.cues
            .iter()
            .map(|c| {
                let speaker: Option<&'static str> = c
                    .speaker
                    .as_deref()
                    .map(|s| &*Box::leak(s.to_owned().into_boxed_str()));
                let text: &'static str = Box::leak(c.text.clone().into_boxed_str());
                (c.start.as_secs(), speaker, c.turn, text, c.line)
            })
            .collect()
    }

    #[test]
    fn table() {
        let cases: Vec<(&str, Format, Option<&str>, Vec<Want>)> = vec![
            (
                "00:00:00 Python in 2025.\n\n00:00:02 Threads.\n\n01:08:58 I'm out.\n\n",
                Format::TimestampedText,
                None,
                vec![
                    (0, None, false, "Python in 2025.", 1),
                    (2, None, false, "Threads.", 3),
                    (4138, None, false, "I'm out.", 5),
                ],
            ),
            (
                "00:00:00 <v Chris Doe>Hi,\n\n00:00:02 <v Chris Doe>there <v Chris Doe>you.\n\n00:00:05 <v Mike>Yes <v Chris Doe>No\n",
                Format::TimestampedText,
                None,
                vec![
                    (0, Some("Chris Doe"), false, "Hi,", 1),
                    (2, Some("Chris Doe"), false, "there you.", 3),
                    (5, Some("Mike"), false, "Yes", 5),
                    (5, Some("Chris Doe"), false, "No", 5),
                ],
            ),
            (
                "00:01:52 >>Hey, Michael.\n\n00:10:56 know, sort of >>Landing page.\n",
                Format::TimestampedText,
                None,
                vec![
                    (112, None, true, "Hey, Michael.", 1),
                    (656, None, false, "know, sort of", 3),
                    (656, None, true, "Landing page.", 3),
                ],
            ),
            (
                "Learn Python with Talk Python\n\n#412: PEP 711 - Binaries Transcript\n\nRecorded on Tuesday.\n\n00:00 What if\n\n00:05 we wrapped\nacross lines?\n\n59:59 late\n\n01:00:06 later\n\nBack to show page\nTalk Python's Mastodon",
                Format::WebPage,
                Some("#412: PEP 711 - Binaries"),
                vec![
                    (0, None, false, "What if", 7),
                    (5, None, false, "we wrapped across lines?", 9),
                    (3599, None, false, "late", 12),
                    (3606, None, false, "later", 14),
                ],
            ),
            (
                "00:00 one\n\n00:05 last\ncontinued right below\n\nfooter line",
                Format::WebPage,
                None,
                vec![
                    (0, None, false, "one", 1),
                    (5, None, false, "last continued right below", 3),
                ],
            ),
            (
                "00:00:00 a\r\n\r\n00:00:01 b & <c>\r\n",
                Format::TimestampedText,
                None,
                vec![(0, None, false, "a", 1), (1, None, false, "b & <c>", 3)],
            ),
            (
                "00:00:09 *music*\n",
                Format::TimestampedText,
                None,
                vec![(9, None, false, "*music*", 1)],
            ),
        ];
        for (input, format, title, want) in cases {
            let (parsed, _) = run(input);
            assert_eq!(parsed.format, format, "{input:?}");
            assert_eq!(parsed.title.as_deref(), title, "{input:?}");
            assert_eq!(summary(&parsed), want, "{input:?}");
            assert!(parsed.cues.iter().all(|c| c.end.is_none()));
        }
    }

    #[test]
    fn a_long_tail_after_a_web_page_is_kept() {
        let tail = "more words here\n".repeat(FOOTER_MAX_LINES + 1);
        let input = format!("Header\n\n00:00 one\n\n{tail}");
        let (parsed, _) = run(&input);
        assert_eq!(parsed.cues.len(), 1);
        assert!(parsed.cues[0].text.ends_with("more words here"));
    }

    #[test]
    fn empty_stamps_warn() {
        let (parsed, warnings) = run("00:00:01\n\n00:00:02 text\n");
        assert_eq!(parsed.cues.len(), 1);
        assert_eq!(parsed.cues[0].start, Duration::from_secs(2));
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].line, 1);
    }
}
