//! Turns a file's bytes into text: UTF-8 (with or without BOM), UTF-16 LE/BE (BOM, or plainly
//! ASCII-heavy without one), and Windows-1252 for anything that is not UTF-8.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::lines::line_of_byte;
use super::warnings::Warnings;

/// Decodes `bytes`, warning when it had to guess or drop something. Never produces U+FFFD for
/// single-byte text: bytes that are not UTF-8 are read as Windows-1252. Valid UTF-8 is borrowed,
/// not copied: a 60 MB transcript is then held once, not twice, while it is parsed.
pub(crate) fn decode<'a>(bytes: &'a [u8], warnings: &mut Warnings) -> Cow<'a, str> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_len..).unwrap_or(&[]);
        if enc == UTF_16LE || enc == UTF_16BE {
            return utf16(body, enc, warnings);
        }
        return utf8_or_1252(body, warnings);
    }
    if let Some(enc) = utf16_without_bom(bytes) {
        warnings.push(
            1,
            format!(
                "the file has no byte-order mark; it was read as {}",
                enc.name()
            ),
        );
        return utf16(bytes, enc, warnings);
    }
    utf8_or_1252(bytes, warnings)
}

fn utf16<'a>(body: &[u8], enc: &'static Encoding, warnings: &mut Warnings) -> Cow<'a, str> {
    let even = body.get(..body.len() & !1).unwrap_or(body);
    let (text, had_errors) = enc.decode_without_bom_handling(even);
    let text = text.into_owned();
    if even.len() != body.len() {
        let line = text.lines().count().max(1);
        warnings.push(
            line,
            "the file ends in the middle of a character; the partial character was dropped",
        );
    } else if had_errors {
        warnings.push(
            1,
            format!(
                "the file is not valid {}; broken characters were replaced",
                enc.name()
            ),
        );
    }
    Cow::Owned(text)
}

/// UTF-16 without a BOM shows as a zero byte in every other position for ASCII text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..1024).unwrap_or(bytes);
    let pairs = head.len() / 2;
    if pairs < 2 {
        return None;
    }
    let zeros_at = |parity: usize| {
        head.iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if odd * 10 >= pairs * 9 && even == 0 {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 9 && odd == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn utf8_or_1252<'a>(bytes: &'a [u8], warnings: &mut Warnings) -> Cow<'a, str> {
    let err = match std::str::from_utf8(bytes) {
        Ok(s) => return Cow::Borrowed(s),
        Err(e) => e,
    };
    let bad = err.valid_up_to();
    if err.error_len().is_none() {
        // Valid up to a character cut off by the end of the file.
        warnings.push(
            line_of_byte(bytes, bad),
            "the file ends in the middle of a character; the partial character was dropped",
        );
        return String::from_utf8_lossy(bytes.get(..bad).unwrap_or(&[]));
    }
    let line = line_of_byte(bytes, bad);
    let multibyte = bytes
        .utf8_chunks()
        .any(|chunk| chunk.valid().bytes().any(|b| b >= 0x80));
    if !multibyte {
        warnings.push(line, "the file is not UTF-8; it was read as Windows-1252");
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
        return Cow::Owned(text.into_owned());
    }
    warnings.push(
        line,
        "the file mixes UTF-8 with other bytes; those were read as Windows-1252",
    );
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(chunk.invalid());
        out.push_str(&text);
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
        for u in s.encode_utf16() {
            out.extend(u.to_le_bytes());
        }
        out
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut out = vec![0xFE, 0xFF];
        for u in s.encode_utf16() {
            out.extend(u.to_be_bytes());
        }
        out
    }

    #[test]
    fn table() {
        let cases: Vec<(Vec<u8>, &str, usize)> = vec![
            (b"plain".to_vec(), "plain", 0),
            (b"\xEF\xBB\xBFbom".to_vec(), "bom", 0),
            (
                "caf\u{e9} \u{2019}".as_bytes().to_vec(),
                "caf\u{e9} \u{2019}",
                0,
            ),
            (
                utf16le("h\u{e9}llo \u{1F600}", true),
                "h\u{e9}llo \u{1F600}",
                0,
            ),
            (utf16be("h\u{e9}llo"), "h\u{e9}llo", 0),
            (utf16le("WEBVTT\n", false), "WEBVTT\n", 1),
            (
                b"It\x92s \x93quoted\x94\x85 \x96 caf\xe9".to_vec(),
                "It\u{2019}s \u{201c}quoted\u{201d}\u{2026} \u{2013} caf\u{e9}",
                1,
            ),
            (
                b"ok \xC3\xA9\nthen \x92".to_vec(),
                "ok \u{e9}\nthen \u{2019}",
                1,
            ),
            (b"cut \xE2\x80".to_vec(), "cut ", 1),
            (
                {
                    let mut v = utf16le("odd", true);
                    v.push(0x41);
                    v
                },
                "odd",
                1,
            ),
            (
                b"\x81\x8D\x8F\x90\x9D".to_vec(),
                "\u{81}\u{8d}\u{8f}\u{90}\u{9d}",
                1,
            ),
        ];
        for (bytes, want, n_warnings) in cases {
            let mut w = Warnings::new();
            let got = decode(&bytes, &mut w);
            assert_eq!(got, want, "{bytes:?}");
            assert!(!got.contains('\u{fffd}'));
            assert_eq!(w.finish().len(), n_warnings, "{bytes:?}");
        }
    }

    #[test]
    fn warnings_name_the_line() {
        let mut w = Warnings::new();
        decode(b"one\ntwo\nth\x92ree", &mut w);
        assert_eq!(w.finish()[0].line, 3);
    }
}
