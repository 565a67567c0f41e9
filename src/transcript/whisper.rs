//! Reads OpenAI Whisper's JSON: `segments[]` with `start`/`end`/`text` and optional `words[]`
//! (`word`/`start`/`end`/`probability`, words with leading spaces).

use serde_json::Value;

use super::Parsed;
use super::markup::collapse;
use super::model::{Cue, Format, Word};
use super::segment::{Segment, seconds};
use super::warnings::Warnings;

/// Reads the segments; each becomes one cue, its words (trimmed) its word times.
pub(crate) fn read(segments: &[Segment], warnings: &mut Warnings) -> Parsed {
    let mut cues = Vec::new();
    for s in segments {
        let Some(obj) = s.value.as_object() else {
            warnings.push(s.line, "the segment is not an object; skipped");
            continue;
        };
        let Some(start) = seconds(obj.get("start")) else {
            warnings.push(s.line, "the segment has no valid start time; skipped");
            continue;
        };
        let end = seconds(obj.get("end"));
        let mut words = Vec::new();
        for w in obj
            .get("words")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let text = collapse(w.get("word").and_then(Value::as_str).unwrap_or(""));
            let Some(word_start) = seconds(w.get("start")) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            words.push(Word {
                start: word_start,
                end: seconds(w.get("end")),
                text,
            });
        }
        let mut text = collapse(obj.get("text").and_then(Value::as_str).unwrap_or(""));
        if text.is_empty() && !words.is_empty() {
            text = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
        }
        if text.is_empty() {
            continue;
        }
        let speaker = obj
            .get("speaker")
            .and_then(Value::as_str)
            .map(collapse)
            .filter(|s| !s.is_empty());
        cues.push(Cue {
            start,
            end,
            speaker,
            turn: false,
            text,
            words,
            line: s.line,
        });
    }
    Parsed {
        title: None,
        format: Format::WhisperJson,
        cues,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        type Got<'a> = (u64, Option<u64>, &'a str, Vec<&'a str>);
        let cases: Vec<(&str, Vec<Got>, usize)> = vec![
            (
                r#"[{"id":0,"start":0.0,"end":2.5,"text":" Hello world.","words":[
                    {"word":" Hello","start":0.0,"end":0.4,"probability":0.9},
                    {"word":" world.","start":0.5,"end":1.0,"probability":0.8}]},
                   {"id":1,"start":2.5,"end":4.0,"text":" No words here. "}]"#,
                vec![
                    (0, Some(2500), "Hello world.", vec!["Hello", "world."]),
                    (2500, Some(4000), "No words here.", vec![]),
                ],
                0,
            ),
            (
                r#"[{"start":"x","text":"bad"}, {"start":1,"text":"","words":[{"word":" only","start":1}]}]"#,
                vec![(1000, None, "only", vec!["only"])],
                1,
            ),
        ];
        for (input, want, n_warnings) in cases {
            let v: Value = serde_json::from_str(input).unwrap_or(Value::Null);
            let segs: Vec<Segment> = v
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|value| Segment { line: 1, value })
                .collect();
            let mut w = Warnings::new();
            let parsed = read(&segs, &mut w);
            let got: Vec<Got> = parsed
                .cues
                .iter()
                .map(|c| {
                    (
                        c.start.as_millis() as u64,
                        c.end.map(|e| e.as_millis() as u64),
                        c.text.as_str(),
                        c.words.iter().map(|w| w.text.as_str()).collect(),
                    )
                })
                .collect();
            assert_eq!(got, want);
            assert_eq!(w.finish().len(), n_warnings);
        }
    }
}
