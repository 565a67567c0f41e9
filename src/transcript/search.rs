//! Case-insensitive search over cue texts, giving byte ranges into the original text.

use std::ops::Range;

use super::model::Transcript;

/// One hit: the cue's index and the matched byte range of that cue's `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index into `Transcript::cues`.
    pub cue: usize,
    /// Byte range in the cue's `text`; always on character boundaries.
    pub range: Range<usize>,
}

/// Lowercased text, and for each of its bytes the original character's byte range.
struct Folded {
    text: String,
    origin: Vec<(usize, usize)>,
}

fn fold(s: &str) -> Folded {
    let mut text = String::with_capacity(s.len());
    let mut origin = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let span = (i, i + c.len_utf8());
        let before = text.len();
        text.extend(c.to_lowercase());
        origin.resize(origin.len() + (text.len() - before), span);
    }
    Folded { text, origin }
}

/// Finds `query` in every cue, ignoring case (Unicode lowercase). Matches come in cue order and,
/// within a cue, left to right without overlapping. An empty or all-whitespace query matches
/// nothing. The query is used as typed (surrounding spaces count).
pub fn find(t: &Transcript, query: &str) -> Vec<Match> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let needle: String = query.chars().flat_map(char::to_lowercase).collect();
    let mut out = Vec::new();
    let mut ascii = String::new();
    for (cue, c) in t.cues.iter().enumerate() {
        // Most cues are ASCII: fold them in place of one reused buffer, where byte offsets stay
        // the same, and skip the cue unless the needle is there.
        if c.text.is_ascii() {
            ascii.clear();
            ascii.push_str(&c.text);
            ascii.make_ascii_lowercase();
            if !ascii.contains(&needle) {
                continue;
            }
        }
        let folded = fold(&c.text);
        let mut from = 0;
        let mut last_end = 0;
        while let Some(pos) = folded.text.get(from..).and_then(|h| h.find(&needle)) {
            let start = from + pos;
            let end = start + needle.len();
            let (Some(&(a, _)), Some(&(_, b))) =
                (folded.origin.get(start), folded.origin.get(end - 1))
            else {
                break;
            };
            if a >= last_end {
                out.push(Match { cue, range: a..b });
                last_end = b;
            }
            from = end;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Cue, Format};

    fn t(texts: &[&str]) -> Transcript {
        Transcript {
            title: None,
            format: Format::WebVtt,
            cues: texts
                .iter()
                .map(|s| Cue {
                    text: (*s).to_owned(),
                    ..Cue::default()
                })
                .collect(),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn table() {
        type Case<'a> = (&'a [&'a str], &'a str, &'a [(usize, Range<usize>)]);
        let cases: &[Case] = &[
            (&["Python is fun", "no"], "python", &[(0, 0..6)]),
            (&["aaaa"], "aa", &[(0, 0..2), (0, 2..4)]),
            (&["a", "A b a"], "A", &[(0, 0..1), (1, 0..1), (1, 4..5)]),
            (&["Straße STRASSE"], "straße", &[(0, 0..7)]),
            (&["ÉCOLE école"], "école", &[(0, 0..6), (0, 7..13)]),
            (&["İstanbul"], "i", &[(0, 0..2)]),
            (&["x İy"], "İ", &[(0, 2..4)]),
            (&["ΣΟΦΟΣ σοφος"], "σοφ", &[(0, 0..6), (0, 11..17)]),
            (&["anything"], "", &[]),
            (&["anything"], "  \t", &[]),
            (&["a b"], " b", &[(0, 1..3)]),
            (&[], "x", &[]),
        ];
        for (texts, query, want) in cases {
            let tr = t(texts);
            let got: Vec<(usize, Range<usize>)> = find(&tr, query)
                .into_iter()
                .map(|m| (m.cue, m.range))
                .collect();
            assert_eq!(&got, want, "{texts:?} {query:?}");
            for m in find(&tr, query) {
                assert!(tr.cues[m.cue].text.get(m.range.clone()).is_some());
            }
        }
    }
}
