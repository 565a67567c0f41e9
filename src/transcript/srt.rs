//! Reads SubRip (`.srt`): optional cue numbers, `,` or `.` before milliseconds, stray blank
//! lines, HTML-ish tags, and `Name: ` speaker prefixes as written by `export::to_srt`.

use std::collections::HashMap;

use super::Parsed;
use super::lines::{CueText, Line};
use super::markup;
use super::model::{Cue, Format};
use super::vtt::timing;
use super::warnings::Warnings;

/// Longest speaker name recognised in a `Name: ` prefix, in characters.
const MAX_NAME_CHARS: usize = 40;

struct Pending<'a> {
    line: usize,
    start: std::time::Duration,
    end: std::time::Duration,
    text: CueText,
    number: Option<Line<'a>>,
}

/// Reads the lines as SubRip. A line that is only digits right before a timing line is that
/// cue's number; any other text after a cue's timing (even past blank lines) is its text.
pub(crate) fn read(lines: &[Line], warnings: &mut Warnings) -> Parsed {
    let mut raw: Vec<Pending> = Vec::new();
    let mut skipped_before = false;
    for l in lines {
        if let Some((start, end)) = timing(l.text) {
            raw.push(Pending {
                line: l.number,
                start,
                end,
                text: CueText::default(),
                number: None,
            });
            continue;
        }
        if l.is_blank() {
            continue;
        }
        let Some(cue) = raw.last_mut() else {
            if !skipped_before && !is_number(l.text) {
                warnings.push(l.number, "text before the first cue timing was skipped");
                skipped_before = true;
            }
            continue;
        };
        let broken_timing = cue.number.is_some()
            && l.text
                .trim_start()
                .starts_with(|c: char| c.is_ascii_digit())
            && l.text.contains(':');
        if l.text.contains("-->") || broken_timing {
            warnings.push(
                l.number,
                "the cue timing is not valid; the line was skipped",
            );
            cue.number = None;
            continue;
        }
        if let Some(n) = cue.number.take() {
            cue.text.push_line(n.text);
        }
        if is_number(l.text) {
            cue.number = Some(*l);
        } else {
            cue.text.push_line(&strip_ass_overrides(l.text));
        }
    }
    // A trailing number with no timing after it: the file was cut short.
    if let Some(n) = raw.last().and_then(|c| c.number) {
        warnings.push(
            n.number,
            "the file ends after a cue number; that cue is missing",
        );
    }
    let last_line = lines.last().map_or(0, |l| l.number);
    let mut cues = Vec::new();
    for p in &raw {
        if p.text.truncated {
            warnings.push(p.line, "the cue text is too long; the rest was left out");
        }
        markup::push_timed_cues(
            &mut cues,
            warnings,
            &p.text.text,
            (p.start, p.end),
            p.line,
            p.line == last_line,
        );
    }
    apply_name_prefixes(&mut cues);
    Parsed {
        title: None,
        format: Format::Srt,
        cues,
    }
}

/// Removes ASS override blocks such as `{\an8}` or `{\i1}` that some SRT files carry.
fn strip_ass_overrides(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(open) = rest.find("{\\") {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        out.push_str(&rest[..open]);
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

fn is_number(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty() && s.len() <= 9 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The `Name` of a `Name: text` prefix: 1 to 40 characters, at most 4 words, starting with an
/// uppercase letter, with no sentence punctuation.
fn name_prefix(text: &str) -> Option<(&str, &str)> {
    let (name, rest) = text.split_once(": ")?;
    let ok = !name.is_empty()
        && name.chars().count() <= MAX_NAME_CHARS
        && name.split(' ').count() <= 4
        && name.starts_with(char::is_uppercase)
        && !name.contains(['.', ',', '!', '?', ':', ';', '"', '(', ')'])
        && !name.contains("  ")
        && !rest.trim().is_empty();
    ok.then_some((name, rest.trim_start()))
}

/// Takes `Name: ` prefixes as speakers, but only names that begin at least two cues, or any name
/// when at least half of the cues carry one, so a lone "Note: ..." stays text. Cues that already
/// have a speaker (`<v Name>`) are left alone.
fn apply_name_prefixes(cues: &mut [Cue]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut with_prefix = 0;
    for c in cues.iter().filter(|c| c.speaker.is_none()) {
        if let Some((name, _)) = name_prefix(&c.text) {
            *counts.entry(name.to_owned()).or_default() += 1;
            with_prefix += 1;
        }
    }
    let most = with_prefix * 2 >= cues.len();
    for c in cues.iter_mut().filter(|c| c.speaker.is_none()) {
        let Some((name, rest)) = name_prefix(&c.text) else {
            continue;
        };
        if most || counts.get(name).is_some_and(|&n| n >= 2) {
            let (name, rest) = (name.to_owned(), rest.to_owned());
            c.speaker = Some(name);
            c.text = rest;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::lines::split;

    /// (start ms, end ms, speaker, turn, text, line)
    type Want<'a> = (u64, u64, Option<&'a str>, bool, &'a str, usize);

    #[test]
    fn table() {
        let cases: Vec<(&str, Vec<Want>, usize)> = vec![
            (
                "1\n00:00:01,000 --> 00:00:02,500\nHello\nworld\n\n2\n00:00:03,000 --> 00:00:04,000\n<i>Bye</i>\n",
                vec![
                    (1000, 2500, None, false, "Hello world", 2),
                    (3000, 4000, None, false, "Bye", 7),
                ],
                0,
            ),
            (
                "\n\n00:00:01.000 --> 00:00:02.000\n\nstray blank above\n\n\n00:00:03.000 --> 00:00:04.000 X1:0 X2:10\n42\nis the answer\n",
                vec![
                    (1000, 2000, None, false, "stray blank above", 3),
                    (3000, 4000, None, false, "42 is the answer", 8),
                ],
                0,
            ),
            (
                "1\r\n00:00:01,000 --> 00:00:02,000\r\nAlice: hi\r\n\r\n2\r\n00:00:02,000 --> 00:00:03,000\r\nBob: yo\r\n\r\n3\r\n00:00:03,000 --> 00:00:04,000\r\n>> Alice: again\r\n",
                vec![
                    (1000, 2000, Some("Alice"), false, "hi", 2),
                    (2000, 3000, Some("Bob"), false, "yo", 6),
                    (3000, 4000, Some("Alice"), true, "again", 10),
                ],
                0,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nNote: one off\n\n2\n00:00:02,000 --> 00:00:03,000\nplain\n\n3\n00:00:03,000 --> 00:00:04,000\nplain again\n",
                vec![
                    (1000, 2000, None, false, "Note: one off", 2),
                    (2000, 3000, None, false, "plain", 6),
                    (3000, 4000, None, false, "plain again", 10),
                ],
                0,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:02,000 --> 00:00:0",
                vec![(1000, 2000, None, false, "fine", 2)],
                1,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 --> 00:00:04,000\n",
                vec![(1000, 2000, None, false, "fine", 2)],
                1,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}On {\\i1}top{\\i0}\n{\\unclosed\n",
                vec![(1000, 2000, None, false, "On top {\\unclosed", 2)],
                0,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:0",
                vec![(1000, 2000, None, false, "fine", 2)],
                1,
            ),
            (
                "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n",
                vec![(1000, 2000, None, false, "fine", 2)],
                1,
            ),
        ];
        for (input, want, n_warnings) in cases {
            let mut w = Warnings::new();
            let lines = split(input, &mut w);
            let parsed = read(&lines, &mut w);
            let got: Vec<Want> = parsed
                .cues
                .iter()
                .map(|c| {
                    (
                        c.start.as_millis() as u64,
                        c.end.map_or(0, |e| e.as_millis() as u64),
                        c.speaker.as_deref(),
                        c.turn,
                        c.text.as_str(),
                        c.line,
                    )
                })
                .collect();
            assert_eq!(got, want, "{input:?}");
            assert_eq!(w.finish().len(), n_warnings, "{input:?}");
        }
    }
}
