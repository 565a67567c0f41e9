//! Search across a library's episodes: a query of words and quoted phrases, folded like the
//! one-episode search, matched line by line in each episode's richest transcript.

use std::ops::Range;
use std::path::PathBuf;
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

/// One episode's searchable text: its richest transcript's lines, as written and folded, each kept
/// as one string (a line per `\n`) with the lines' offsets, so thousands of episodes cost little more
/// than their text.
#[derive(Clone, Debug, Default)]
pub struct EpisodeText {
    /// The transcript the lines come from.
    pub transcript: PathBuf,
    starts_ms: Vec<u64>,
    text: String,
    line_offsets: Vec<usize>,
    folded: String,
    folded_offsets: Vec<usize>,
}

/// Where each line of `text` (lines split by `\n`) begins.
fn line_offsets(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl EpisodeText {
    /// Builds the text from each line's start and the lines joined by `\n` (no line holds a `\n`).
    pub fn new(transcript: PathBuf, starts_ms: Vec<u64>, text: String) -> EpisodeText {
        let folded = fold(&text);
        let mut line_offsets = line_offsets(&text);
        let mut folded_offsets = line_offsets_of_folded(&folded);
        line_offsets.truncate(starts_ms.len());
        folded_offsets.truncate(starts_ms.len());
        EpisodeText {
            transcript,
            starts_ms,
            line_offsets,
            text,
            folded_offsets,
            folded,
        }
    }

    /// Builds the text from lines (start, text).
    pub fn from_lines(transcript: PathBuf, lines: &[(Duration, String)]) -> EpisodeText {
        let starts_ms = lines
            .iter()
            .map(|(d, _)| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .collect();
        let text = lines
            .iter()
            .map(|(_, t)| t.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n");
        EpisodeText::new(transcript, starts_ms, text)
    }

    /// How many lines it has.
    pub fn len(&self) -> usize {
        self.starts_ms.len()
    }

    /// True when it has no lines.
    pub fn is_empty(&self) -> bool {
        self.starts_ms.is_empty()
    }

    /// Line `index` as written.
    pub fn line(&self, index: usize) -> Option<&str> {
        slice_line(&self.text, &self.line_offsets, index)
    }

    /// Line `index`'s start.
    pub fn start(&self, index: usize) -> Option<Duration> {
        self.starts_ms
            .get(index)
            .map(|ms| Duration::from_millis(*ms))
    }

    /// The indexes of the lines holding every term of `query`, in order.
    fn lines_matching(&self, query: &Query) -> Vec<usize> {
        let Some((first, others)) = query.terms.split_first() else {
            return Vec::new();
        };
        let mut lines = Vec::new();
        for (at, _) in self.folded.match_indices(first.as_str()) {
            let line = self
                .folded_offsets
                .partition_point(|&o| o <= at)
                .saturating_sub(1);
            if lines.last() == Some(&line) || line >= self.starts_ms.len() {
                continue;
            }
            let folded_line = slice_line(&self.folded, &self.folded_offsets, line).unwrap_or("");
            if others.iter().all(|t| folded_line.contains(t.as_str())) {
                lines.push(line);
            }
        }
        lines
    }
}

/// Line offsets of folded text (the same as of any text: folding keeps `\n`).
fn line_offsets_of_folded(folded: &str) -> Vec<usize> {
    line_offsets(folded)
}

fn slice_line<'a>(text: &'a str, offsets: &[usize], index: usize) -> Option<&'a str> {
    let start = *offsets.get(index)?;
    let end = offsets
        .get(index + 1)
        .map_or(text.len(), |next| next.saturating_sub(1));
    text.get(start..end)
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
        hits.extend(text.lines_matching(query).into_iter().map(|line| Hit {
            episode: *episode,
            line,
            start: text.start(line).unwrap_or_default(),
        }));
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
        let text = EpisodeText::from_lines(
            "ep.vtt".into(),
            &[
                (
                    Duration::from_secs(1),
                    "We use type hints with mypy.".into(),
                ),
                (Duration::from_secs(2), "Hints about types.".into()),
                (Duration::from_secs(3), "I don’t know, café".into()),
                (
                    Duration::from_secs(4),
                    "Hints, hints and more hints.".into(),
                ),
            ],
        );
        assert_eq!(text.len(), 4);
        assert_eq!(text.line(2), Some("I don’t know, café"));
        assert_eq!(text.line(3), Some("Hints, hints and more hints."));
        assert_eq!(text.line(4), None);
        let texts = [(4, &text)];
        let lines = |q: &str| -> Vec<usize> {
            search(&texts, &Query::parse(q), &|| false)
                .into_iter()
                .map(|h| h.line)
                .collect()
        };
        assert_eq!(
            lines("hints"),
            vec![0, 1, 3],
            "a line once, however often it holds the word"
        );
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
