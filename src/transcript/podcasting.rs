//! Reads Podcasting 2.0 JSON segments (`speaker`, `startTime`, `endTime`, `body`); files with one
//! word per segment are merged into readable lines that keep each segment as a word.

use std::time::Duration;

use serde_json::Value;

use super::Parsed;
use super::markup::collapse;
use super::model::{Cue, Format, Word};
use super::segment::{Segment, seconds};
use super::warnings::Warnings;

/// A merged line breaks after this many words...
const MAX_WORDS: usize = 15;
/// ...or where the pause between two words is longer than this.
const MAX_GAP: Duration = Duration::from_millis(1500);

struct Seg {
    line: usize,
    start: Duration,
    end: Option<Duration>,
    speaker: Option<String>,
    body: String,
}

/// Reads the segments. A missing speaker carries over from the segment before.
pub(crate) fn read(segments: &[Segment], warnings: &mut Warnings) -> Parsed {
    let mut segs = Vec::new();
    let mut speaker: Option<String> = None;
    for s in segments {
        let Some(obj) = s.value.as_object() else {
            warnings.push(s.line, "the segment is not an object; skipped");
            continue;
        };
        if let Some(name) = obj.get("speaker").and_then(Value::as_str) {
            let name = collapse(name);
            speaker = (!name.is_empty()).then_some(name);
        }
        let Some(start) = seconds(obj.get("startTime")) else {
            warnings.push(s.line, "the segment has no valid startTime; skipped");
            continue;
        };
        let end = seconds(obj.get("endTime"));
        if obj.get("endTime").is_some_and(|v| !v.is_null()) && end.is_none() {
            warnings.push(s.line, "the segment's endTime is not a valid time; ignored");
        }
        let body = collapse(obj.get("body").and_then(Value::as_str).unwrap_or(""));
        if body.is_empty() {
            continue;
        }
        segs.push(Seg {
            line: s.line,
            start,
            end,
            speaker: speaker.clone(),
            body,
        });
    }
    let single = segs.iter().filter(|s| !s.body.contains(' ')).count();
    let word_per_segment = segs.len() >= 2 && single * 10 >= segs.len() * 8;
    let cues = if word_per_segment {
        merge(segs)
    } else {
        segs.into_iter()
            .map(|s| Cue {
                start: s.start,
                end: s.end,
                speaker: s.speaker,
                turn: false,
                text: s.body,
                words: Vec::new(),
                line: s.line,
            })
            .collect()
    };
    Parsed {
        title: None,
        format: Format::Podcasting20Json,
        cues,
    }
}

fn ends_sentence(word: &str) -> bool {
    word.trim_end_matches(['"', '\'', ')', '”', '’'])
        .ends_with(['.', '?', '!', '…'])
}

/// Groups word segments into lines: a new line starts on a speaker change, after a word ending a
/// sentence, after a pause over 1.5 s, or after 15 words.
fn merge(segs: Vec<Seg>) -> Vec<Cue> {
    let mut cues: Vec<Cue> = Vec::new();
    for s in segs {
        let word = Word {
            start: s.start,
            end: s.end,
            text: s.body,
        };
        if let Some(cue) = cues.last_mut() {
            let prev = cue.words.last();
            let prev_end = prev.map_or(cue.start, |w| w.end.unwrap_or(w.start));
            let breaks = cue.speaker != s.speaker
                || prev.is_some_and(|w| ends_sentence(&w.text))
                || s.start.saturating_sub(prev_end) > MAX_GAP
                || cue.words.len() >= MAX_WORDS;
            if !breaks {
                cue.text.push(' ');
                cue.text.push_str(&word.text);
                cue.end = word.end.or(cue.end);
                cue.words.push(word);
                continue;
            }
        }
        cues.push(Cue {
            start: s.start,
            end: word.end,
            speaker: s.speaker,
            turn: false,
            text: word.text.clone(),
            words: vec![word],
            line: s.line,
        });
    }
    cues
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segs(json: &str) -> Vec<Segment> {
        let v: Value = serde_json::from_str(json).unwrap_or(Value::Null);
        v.as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .enumerate()
            .map(|(i, value)| Segment { line: i + 1, value })
            .collect()
    }

    /// (start ms, end ms, speaker, text, word count)
    type Got<'a> = (u64, Option<u64>, Option<&'a str>, &'a str, usize);

    #[test]
    fn table() {
        // (segments, [(start ms, end ms, speaker, text, words)], warnings)
        let cases: Vec<(&str, Vec<Got>, usize)> = vec![
            (
                r#"[{"speaker":"Alice","startTime":0.5,"endTime":2,"body":"Hello there."},
                    {"startTime":2.5,"body":"Carried over speaker."},
                    {"speaker":"Bob","startTime":"4","endTime":5.25,"body":" Hi  "}]"#,
                vec![
                    (500, Some(2000), Some("Alice"), "Hello there.", 0),
                    (2500, None, Some("Alice"), "Carried over speaker.", 0),
                    (4000, Some(5250), Some("Bob"), "Hi", 0),
                ],
                0,
            ),
            (
                r#"[{"speaker":"A","startTime":0,"endTime":0.3,"body":"Hi"},
                    {"startTime":0.3,"endTime":0.6,"body":"there."},
                    {"startTime":0.7,"endTime":0.9,"body":"New"},
                    {"startTime":0.9,"endTime":1.0,"body":"line"},
                    {"startTime":3.0,"endTime":3.2,"body":"gap"},
                    {"speaker":"B","startTime":3.2,"endTime":3.4,"body":"other"}]"#,
                vec![
                    (0, Some(600), Some("A"), "Hi there.", 2),
                    (700, Some(1000), Some("A"), "New line", 2),
                    (3000, Some(3200), Some("A"), "gap", 1),
                    (3200, Some(3400), Some("B"), "other", 1),
                ],
                0,
            ),
            (
                r#"[{"startTime":-1,"body":"neg"}, 5, {"startTime":1,"endTime":"soon","body":"x y"}]"#,
                vec![(1000, None, None, "x y", 0)],
                3,
            ),
        ];
        for (input, want, n_warnings) in cases {
            let mut w = Warnings::new();
            let parsed = read(&segs(input), &mut w);
            let got: Vec<Got> = parsed
                .cues
                .iter()
                .map(|c| {
                    (
                        c.start.as_millis() as u64,
                        c.end.map(|e| e.as_millis() as u64),
                        c.speaker.as_deref(),
                        c.text.as_str(),
                        c.words.len(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{input}");
            assert_eq!(w.finish().len(), n_warnings, "{input}");
        }
    }

    #[test]
    fn long_runs_break_at_fifteen_words() {
        let words: Vec<String> = (0..40)
            .map(|i| {
                format!(
                    r#"{{"startTime":{},"endTime":{},"body":"w{i}"}}"#,
                    i,
                    i as f64 + 0.5
                )
            })
            .collect();
        let mut w = Warnings::new();
        let parsed = read(&segs(&format!("[{}]", words.join(","))), &mut w);
        let sizes: Vec<usize> = parsed.cues.iter().map(|c| c.words.len()).collect();
        assert_eq!(sizes, [15, 15, 10]);
    }
}
