//! Splits decoded text into numbered lines (LF, CRLF or bare CR), cutting pathological lines short.

use super::warnings::Warnings;

/// A line longer than this is cut (at a character boundary) and a warning names it.
pub(crate) const MAX_LINE_BYTES: usize = 64 * 1024;

/// Text gathered for one cue is cut at this size.
pub(crate) const MAX_CUE_BYTES: usize = 64 * 1024;

/// One line of the source, without its line ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub number: usize,
    /// The line's text, without the line ending.
    pub text: &'a str,
}

impl Line<'_> {
    /// True when the line has nothing but whitespace.
    pub(crate) fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The largest index `<= at` that is a char boundary of `s`.
pub(crate) fn floor_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut i = at;
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// `s` cut to at most `max` bytes, at a char boundary.
pub(crate) fn truncate_str(s: &str, max: usize) -> &str {
    s.get(..floor_boundary(s, max)).unwrap_or("")
}

/// Splits `text` into lines. A line over [`MAX_LINE_BYTES`] is cut, with a warning. Runs of
/// empty lines come back as their first line only (line numbers stay true).
pub(crate) fn split<'a>(text: &'a str, warnings: &mut Warnings) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    let mut rest = text;
    let mut number = 1;
    // Without any CR, a (fast) search for LF alone finds the same line ends.
    let has_cr = text.contains('\r');
    while !rest.is_empty() {
        // Both endings are ASCII, so a byte search finds the same place as a char search.
        let end = if has_cr {
            rest.bytes().position(|b| b == b'\n' || b == b'\r')
        } else {
            rest.find('\n')
        };
        let (line, next) = match end {
            Some(i) => {
                let ending = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                (&rest[..i], &rest[i + ending..])
            }
            None => (rest, ""),
        };
        let line = if line.len() > MAX_LINE_BYTES {
            warnings.push(
                number,
                format!(
                    "the line is {} bytes long; only its first {} bytes were read",
                    line.len(),
                    MAX_LINE_BYTES
                ),
            );
            truncate_str(line, MAX_LINE_BYTES)
        } else {
            line
        };
        // A run of empty lines is kept as one: no reader needs more, and a file of nothing but
        // line endings then costs no memory.
        let repeat_empty = line.is_empty() && out.last().is_some_and(|l: &Line| l.text.is_empty());
        if !repeat_empty {
            out.push(Line { number, text: line });
        }
        number += 1;
        rest = next;
    }
    out
}

/// The 1-based line number of byte `pos` in `bytes` (LF, CRLF and bare CR each end a line).
pub(crate) fn line_of_byte(bytes: &[u8], pos: usize) -> usize {
    let head = bytes.get(..pos).unwrap_or(bytes);
    let mut line = 1;
    let mut prev_cr = false;
    for &b in head {
        match b {
            b'\n' if prev_cr => {}
            b'\n' | b'\r' => line += 1,
            _ => {}
        }
        prev_cr = b == b'\r';
    }
    line
}

/// Text for one cue, built from several lines and capped at [`MAX_CUE_BYTES`].
#[derive(Debug, Default)]
pub(crate) struct CueText {
    /// The lines so far, joined by `\n`.
    pub text: String,
    /// True once something had to be left out.
    pub truncated: bool,
}

impl CueText {
    /// Empties the text for the next cue, keeping its buffer.
    pub(crate) fn clear(&mut self) {
        self.text.clear();
        self.truncated = false;
    }

    /// Appends a line (with a `\n` before it unless it is the first).
    pub(crate) fn push_line(&mut self, line: &str) {
        if self.truncated {
            return;
        }
        let sep = usize::from(!self.text.is_empty());
        let room = MAX_CUE_BYTES.saturating_sub(self.text.len() + sep);
        if sep == 1 && room > 0 {
            self.text.push('\n');
        }
        if line.len() > room {
            self.text.push_str(truncate_str(line, room));
            self.truncated = true;
        } else {
            self.text.push_str(line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_every_line_ending() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("a", &["a"]),
            ("a\n", &["a"]),
            ("a\nb", &["a", "b"]),
            ("a\r\nb\r\n", &["a", "b"]),
            ("a\rb\r\rc", &["a", "b", "", "c"]),
            ("a\n\nb", &["a", "", "b"]),
            ("a\n\n\n\n \n\nb", &["a", "", " ", "", "b"]),
            ("a\r\n\r\nb", &["a", "", "b"]),
        ];
        for (input, want) in cases {
            let mut w = Warnings::new();
            let got: Vec<&str> = split(input, &mut w).iter().map(|l| l.text).collect();
            assert_eq!(&got, want, "{input:?}");
        }
    }

    #[test]
    fn line_numbers_match_split() {
        let text = "a\r\nb\rc\n\nd";
        let mut w = Warnings::new();
        let lines = split(text, &mut w);
        let d = text.find('d').unwrap_or(0);
        assert_eq!(
            line_of_byte(text.as_bytes(), d),
            lines[lines.len() - 1].number
        );
        assert_eq!(lines[lines.len() - 1].number, 5);
    }

    #[test]
    fn long_lines_are_cut_at_a_char_boundary() {
        let long = "é".repeat(MAX_LINE_BYTES);
        let mut w = Warnings::new();
        let lines = split(&long, &mut w);
        assert!(lines[0].text.len() <= MAX_LINE_BYTES);
        assert_eq!(w.finish().len(), 1);
    }

    #[test]
    fn cue_text_is_capped() {
        let mut t = CueText::default();
        for _ in 0..MAX_CUE_BYTES {
            t.push_line("ab");
        }
        assert!(t.truncated);
        assert!(t.text.len() <= MAX_CUE_BYTES);
    }
}
