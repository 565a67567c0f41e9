//! Search across a library's episodes: a query of words and quoted phrases, folded like the
//! one-episode search, matched line by line in each episode's richest transcript.

use std::ops::Range;
use std::time::Duration;

use crate::transcript::fold::{find_folded, fold};

/// A parsed query: every term must occur in a line for it to match.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Folded words and phrases (a quoted phrase keeps its inner spaces).
    pub terms: Vec<String>,
}

impl Query {
    /// Reads a query: words, and phrases in straight or curly double quotes. An unclosed quote
    /// runs to the end.
    pub fn parse(text: &str) -> Query {
        let folded = fold(text);
        let mut terms = Vec::new();
        let mut rest = folded.as_str();
        while let Some(open) = rest.find('"') {
            terms.extend(rest[..open].split_whitespace().map(str::to_owned));
            let after = &rest[open + 1..];
            let (phrase, tail) = after.split_once('"').unwrap_or((after, ""));
            let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
            if !phrase.is_empty() {
                terms.push(phrase);
            }
            rest = tail;
        }
        terms.extend(rest.split_whitespace().map(str::to_owned));
        terms.dedup();
        Query { terms }
    }

    /// True when there is nothing to look for.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// True when the folded line holds every term.
    pub fn matches_folded(&self, folded_line: &str) -> bool {
        !self.terms.is_empty() && self.terms.iter().all(|t| folded_line.contains(t.as_str()))
    }

    /// The byte ranges of `line` (original text) to mark, in order, not overlapping.
    pub fn marks(&self, line: &str) -> Vec<Range<usize>> {
        let mut ranges: Vec<Range<usize>> = self
            .terms
            .iter()
            .flat_map(|t| find_folded(line, t))
            .collect();
        ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
        let mut out: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match out.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => out.push(r),
            }
        }
        out
    }
}

/// One episode's searchable text: its richest transcript's lines, folded.
#[derive(Clone, Debug, Default)]
pub struct EpisodeText {
    /// The transcript the lines come from.
    pub transcript: std::path::PathBuf,
    /// Each line's start.
    pub starts: Vec<Duration>,
    /// Each line's text as written.
    pub lines: Vec<String>,
    /// Each line folded for matching.
    pub folded: Vec<String>,
}

impl EpisodeText {
    /// Builds the text from lines (start, text).
    pub fn new(transcript: std::path::PathBuf, lines: Vec<(Duration, String)>) -> EpisodeText {
        let folded = lines.iter().map(|(_, t)| fold(t)).collect();
        let (starts, lines) = lines.into_iter().unzip();
        EpisodeText {
            transcript,
            starts,
            lines,
            folded,
        }
    }
}

/// One line found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hit {
    /// The episode's index in the list searched.
    pub episode: usize,
    /// The line's index in that episode's text.
    pub line: usize,
    /// The line's start.
    pub start: Duration,
}

/// Finds the lines holding every term of `query`, episode by episode in the order given, lines
/// in time order. `cancelled` is asked between episodes; a cancelled search returns what it has.
pub fn search(
    texts: &[(usize, &EpisodeText)],
    query: &Query,
    cancelled: &dyn Fn() -> bool,
) -> Vec<Hit> {
    let mut hits = Vec::new();
    if query.is_empty() {
        return hits;
    }
    for (episode, text) in texts {
        if cancelled() {
            break;
        }
        for (line, folded) in text.folded.iter().enumerate() {
            if query.matches_folded(folded) {
                hits.push(Hit {
                    episode: *episode,
                    line,
                    start: text.starts.get(line).copied().unwrap_or_default(),
                });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries() {
        let cases: &[(&str, &[&str])] = &[
            ("django", &["django"]),
            ("Django  ORM", &["django", "orm"]),
            ("\"type hints\" mypy", &["type hints", "mypy"]),
            ("“Type   Hints”", &["type hints"]),
            ("\"unclosed phrase", &["unclosed phrase"]),
            ("don’t", &["don't"]),
            ("   ", &[]),
            ("\"\"", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(Query::parse(text).terms, *want, "{text}");
        }
    }

    #[test]
    fn every_term_must_be_in_the_line() {
        let text = EpisodeText::new(
            "ep.vtt".into(),
            vec![
                (
                    Duration::from_secs(1),
                    "We use type hints with mypy.".into(),
                ),
                (Duration::from_secs(2), "Hints about types.".into()),
                (Duration::from_secs(3), "I don’t know, café".into()),
            ],
        );
        let texts = [(4, &text)];
        let lines = |q: &str| -> Vec<usize> {
            search(&texts, &Query::parse(q), &|| false)
                .into_iter()
                .map(|h| h.line)
                .collect()
        };
        assert_eq!(lines("hints"), vec![0, 1]);
        assert_eq!(lines("\"type hints\""), vec![0]);
        assert_eq!(lines("mypy hints"), vec![0]);
        assert_eq!(lines("don't cafe"), vec![2]);
        assert_eq!(lines("absent"), Vec::<usize>::new());
        let hit = search(&texts, &Query::parse("cafe"), &|| false)[0];
        assert_eq!((hit.episode, hit.start), (4, Duration::from_secs(3)));
        assert!(search(&texts, &Query::parse("hints"), &|| true).is_empty());
    }

    #[test]
    fn marks_cover_each_term_once() {
        let q = Query::parse("type \"type hints\"");
        let line = "Type hints, type.";
        let marks: Vec<&str> = q.marks(line).into_iter().map(|r| &line[r]).collect();
        assert_eq!(marks, vec!["Type hints", "type"]);
    }
}
