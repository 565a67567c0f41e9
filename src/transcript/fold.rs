//! Folding text for search: case, accents, curly quotes and dashes fold away, so `don't` finds
//! `don’t` and `cafe` finds `café`, with a map back to the original text's bytes.

use unicode_normalization::char::decompose_canonical;

/// Text folded for search, and for each of its bytes the byte range of the original character
/// it came from.
#[derive(Clone, Debug, Default)]
pub struct Folded {
    /// The folded text.
    pub text: String,
    /// `origin[i]` is the original character that folded byte `i` came from.
    pub origin: Vec<(usize, usize)>,
}

impl Folded {
    /// The original byte range of the folded range `start..end` (empty ranges have none).
    pub fn original_range(&self, start: usize, end: usize) -> Option<std::ops::Range<usize>> {
        let (a, _) = *self.origin.get(start)?;
        let (_, b) = *self.origin.get(end.checked_sub(1)?)?;
        Some(a..b)
    }
}

/// True for combining marks (accents) that folding drops.
fn is_combining_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Appends the folded form of `c` to `out`.
pub fn fold_char(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    let replacement = match c {
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{02BC}' | '\u{2032}' | '\u{00B4}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => "\"",
        '\u{2010}'..='\u{2015}' | '\u{2212}' => "-",
        '\u{00A0}' | '\u{2009}' | '\u{202F}' => " ",
        'ß' | 'ẞ' => "ss",
        'æ' | 'Æ' => "ae",
        'œ' | 'Œ' => "oe",
        'ø' | 'Ø' => "o",
        'ł' | 'Ł' => "l",
        'đ' | 'Đ' => "d",
        'ı' => "i",
        _ => "",
    };
    if !replacement.is_empty() {
        out.push_str(replacement);
        return;
    }
    decompose_canonical(c, |part| {
        if !is_combining_mark(part) {
            out.extend(part.to_lowercase().filter(|l| !is_combining_mark(*l)));
        }
    });
}

/// Folds `s` for comparing (no map back).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        fold_char(c, &mut out);
    }
    out
}

/// Folds `s`, keeping for each folded byte the original character's byte range.
pub fn fold_mapped(s: &str) -> Folded {
    let mut text = String::with_capacity(s.len());
    let mut origin = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        let span = (i, i + c.len_utf8());
        let before = text.len();
        fold_char(c, &mut text);
        origin.resize(origin.len() + (text.len() - before), span);
    }
    Folded { text, origin }
}

/// Byte ranges in `text` where the folded `needle` (already folded) occurs, left to right and
/// not overlapping.
pub fn find_folded(text: &str, needle: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    if needle.is_empty() {
        return out;
    }
    let folded = fold_mapped(text);
    let mut from = 0;
    let mut last_end = 0;
    while let Some(pos) = folded.text.get(from..).and_then(|h| h.find(needle)) {
        let start = from + pos;
        let end = start + needle.len();
        if let Some(range) = folded.original_range(start, end)
            && range.start >= last_end
        {
            last_end = range.end;
            out.push(range);
        }
        from = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_accents_quotes_and_dashes() {
        let cases = [
            ("Don’t", "don't"),
            ("Café", "cafe"),
            ("CAFÉ", "cafe"),
            ("cafe\u{301}", "cafe"),
            ("“Quoted”", "\"quoted\""),
            ("Straße", "strasse"),
            ("naïve Ærø", "naive aero"),
            ("pre–post", "pre-post"),
            ("İstanbul", "istanbul"),
            ("Łódź", "lodz"),
            ("plain ascii", "plain ascii"),
            ("日本語", "日本語"),
        ];
        for (input, want) in cases {
            assert_eq!(fold(input), want, "{input}");
            assert_eq!(fold_mapped(input).text, want, "{input}");
        }
    }

    #[test]
    #[allow(clippy::single_range_in_vec_init)]
    fn ranges_map_back_to_the_original_characters() {
        let cases: &[(&str, &str, &[std::ops::Range<usize>])] = &[
            ("I don’t know", "don't", &[2..9]),
            ("Café café", "cafe", &[0..5, 6..11]),
            ("STRASSE Straße", "strasse", &[0..7, 8..15]),
            ("aaaa", "aa", &[0..2, 2..4]),
            ("nothing", "x", &[]),
            ("anything", "", &[]),
        ];
        for (text, needle, want) in cases {
            let got = find_folded(text, needle);
            assert_eq!(&got, want, "{text:?} {needle:?}");
            for r in got {
                assert!(text.get(r).is_some());
            }
        }
    }
}
