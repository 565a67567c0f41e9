//! Search over cue texts, folding case, accents and quotes, giving byte ranges into the original text.

use std::ops::Range;

use super::fold::{find_folded, fold};
use super::model::Transcript;

/// One hit: the cue's index and the matched byte range of that cue's `text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Match {
    /// Index into `Transcript::cues`.
    pub cue: usize,
    /// Byte range in the cue's `text`; always on character boundaries.
    pub range: Range<usize>,
}

/// Finds `query` in every cue, ignoring case, accents, curly quotes and dashes (see
/// [`super::fold`]). Matches come in cue order and, within a cue, left to right without
/// overlapping. An empty or all-whitespace query matches nothing. The query is used as typed
/// (surrounding spaces count).
pub fn find(t: &Transcript, query: &str) -> Vec<Match> {
    if query.trim().is_empty() {
        return Vec::new();
    }
    let needle = fold(query);
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
        out.extend(
            find_folded(&c.text, &needle)
                .into_iter()
                .map(|range| Match { cue, range }),
        );
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
            (&["Straße STRASSE"], "straße", &[(0, 0..7), (0, 8..15)]),
            (&["I don’t"], "don't", &[(0, 2..9)]),
            (&["Café"], "cafe", &[(0, 0..5)]),
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
