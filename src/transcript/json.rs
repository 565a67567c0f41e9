//! Finds the `segments` list in a JSON transcript and reads it one segment at a time, so each
//! segment knows its line and a file cut short still yields its complete segments.

use serde_json::Value;

use super::Parsed;
use super::error::ParseError;
use super::segment::Segment;
use super::warnings::Warnings;
use super::{podcasting, whisper};

/// Reads a JSON transcript (Podcasting 2.0 or Whisper), telling them apart by their keys.
pub(crate) fn read(text: &str, warnings: &mut Warnings) -> Result<Parsed, ParseError> {
    let truncated = match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => false,
        Err(e) if e.classify() == serde_json::error::Category::Eof => true,
        Err(e) => return Err(json_error(&e)),
    };
    let lead = text.len() - text.trim_start().len();
    let first_line = super::lines::line_of_byte(text.as_bytes(), lead);
    let scan = Scanner::new(text);
    let Some(found) = scan.find_segments() else {
        if truncated {
            return Err(ParseError::Json {
                line: super::lines::line_of_byte(text.as_bytes(), text.len()),
                column: 1,
                message: "the file ends before the segments list".to_owned(),
            });
        }
        return Err(ParseError::UnknownJson { line: first_line });
    };
    let (segments, cut) = read_elements(text, found.list_start);
    if truncated || cut.is_some() {
        let line = cut.unwrap_or_else(|| super::lines::line_of_byte(text.as_bytes(), text.len()));
        warnings.push(
            line,
            format!(
                "the file ends in the middle of the JSON; read the {} complete segments before it",
                segments.len()
            ),
        );
    }
    let first_obj = segments.iter().find_map(|s| s.value.as_object());
    let podcasting = match first_obj {
        Some(o) => o.contains_key("startTime") || o.contains_key("body"),
        None => found.keys.iter().any(|k| k == "version"),
    };
    Ok(if podcasting {
        podcasting::read(&segments, warnings)
    } else {
        whisper::read(&segments, warnings)
    })
}

fn json_error(e: &serde_json::Error) -> ParseError {
    let full = e.to_string();
    let message = match full.rfind(" at line ") {
        Some(i) => full.get(..i).unwrap_or(&full).to_owned(),
        None => full,
    };
    ParseError::Json {
        line: e.line().max(1),
        column: e.column().max(1),
        message,
    }
}

/// Reads the elements of the array whose `[` is at `list_start`. Returns them and, when the
/// list is cut short, the line where reading stopped.
fn read_elements(text: &str, list_start: usize) -> (Vec<Segment>, Option<usize>) {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut pos = list_start + 1;
    let mut line = super::lines::line_of_byte(bytes, pos);
    let mut counted_to = pos;
    loop {
        while bytes
            .get(pos)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b',')
        {
            pos += 1;
        }
        line += bytes
            .get(counted_to..pos)
            .map_or(0, |s| s.iter().filter(|&&b| b == b'\n').count());
        counted_to = pos;
        match bytes.get(pos) {
            None => return (out, Some(line)),
            Some(b']') => return (out, None),
            Some(_) => {}
        }
        let Some(rest) = text.get(pos..) else {
            return (out, Some(line));
        };
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(value)) => {
                out.push(Segment { line, value });
                pos += stream.byte_offset().max(1);
            }
            _ => return (out, Some(line)),
        }
    }
}

struct Found {
    list_start: usize,
    keys: Vec<String>,
}

/// A byte scanner over the top level of a JSON document; it never recurses.
struct Scanner<'a> {
    b: &'a [u8],
}

impl<'a> Scanner<'a> {
    fn new(text: &'a str) -> Self {
        Self { b: text.as_bytes() }
    }

    fn ws(&self, mut i: usize) -> usize {
        while self.b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    }

    /// The index after the string starting at `i` (which is a `"`).
    fn skip_string(&self, mut i: usize) -> Option<usize> {
        i += 1;
        loop {
            match self.b.get(i)? {
                b'\\' => i += 2,
                b'"' => return Some(i + 1),
                _ => i += 1,
            }
        }
    }

    /// The index after the value starting at `i`.
    fn skip_value(&self, i: usize) -> Option<usize> {
        match self.b.get(i)? {
            b'"' => self.skip_string(i),
            b'{' | b'[' => {
                let mut depth = 0usize;
                let mut k = i;
                loop {
                    match self.b.get(k)? {
                        b'"' => {
                            k = self.skip_string(k)?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                return Some(k + 1);
                            }
                        }
                        _ => {}
                    }
                    k += 1;
                }
            }
            _ => {
                let mut k = i;
                while self
                    .b
                    .get(k)
                    .is_some_and(|c| !matches!(c, b',' | b'}' | b']') && !c.is_ascii_whitespace())
                {
                    k += 1;
                }
                Some(k)
            }
        }
    }

    /// Finds the top-level `"segments": [` (or a top-level array) and the keys seen before it.
    fn find_segments(&self) -> Option<Found> {
        let mut i = self.ws(0);
        let mut keys = Vec::new();
        match self.b.get(i)? {
            b'[' => {
                return Some(Found {
                    list_start: i,
                    keys,
                });
            }
            b'{' => i += 1,
            _ => return None,
        }
        loop {
            i = self.ws(i);
            match self.b.get(i)? {
                b'"' => {}
                _ => return None,
            }
            let key_end = self.skip_string(i)?;
            let key = std::str::from_utf8(self.b.get(i + 1..key_end - 1)?).ok()?;
            i = self.ws(key_end);
            if self.b.get(i)? != &b':' {
                return None;
            }
            i = self.ws(i + 1);
            if key == "segments" && self.b.get(i) == Some(&b'[') {
                return Some(Found {
                    list_start: i,
                    keys,
                });
            }
            keys.push(key.to_owned());
            i = self.ws(self.skip_value(i)?);
            match self.b.get(i)? {
                b',' => i += 1,
                _ => return None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_segments_and_their_lines() {
        let text = "{\n \"text\": \"x [ } \\\" ]\",\n \"nested\": {\"segments\": [1]},\n \"segments\": [\n  {\"a\": 1},\n  {\"b\": [2, {\"c\": 3}]}\n ]\n}";
        let found = Scanner::new(text).find_segments();
        let Some(found) = found else {
            panic!("not found")
        };
        assert_eq!(found.keys, ["text", "nested"]);
        let (segs, cut) = read_elements(text, found.list_start);
        assert_eq!(cut, None);
        assert_eq!(segs.iter().map(|s| s.line).collect::<Vec<_>>(), [5, 6]);
    }

    #[test]
    fn a_cut_list_keeps_complete_elements() {
        let text = "{\"segments\": [\n{\"a\": 1},\n{\"b\": 2},\n{\"c\":";
        let Some(found) = Scanner::new(text).find_segments() else {
            panic!("not found")
        };
        let (segs, cut) = read_elements(text, found.list_start);
        assert_eq!(segs.len(), 2);
        assert_eq!(cut, Some(4));
    }

    #[test]
    fn errors_name_the_line() {
        let cases = [
            ("{\n\"segments\": [}\n", "Json"),
            ("{\"words\": []}", "UnknownJson"),
            ("\"just a string\"", "UnknownJson"),
            ("{\"segments\": [", "ok"),
            ("{\"text\": \"abc", "Json"),
        ];
        for (input, want) in cases {
            let mut w = Warnings::new();
            let got = match read(input, &mut w) {
                Ok(_) => "ok",
                Err(ParseError::Json { line, .. }) => {
                    assert!(line >= 1);
                    "Json"
                }
                Err(ParseError::UnknownJson { .. }) => "UnknownJson",
                Err(_) => "other",
            };
            assert_eq!(got, want, "{input:?}");
        }
    }
}
