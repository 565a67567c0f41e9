//! Turns one cue's marked-up text into plain pieces: tags stripped, entities decoded, `<v Name>`
//! and `>>` turned into speakers and turns (splitting the cue where the speaker changes), and
//! inline `<HH:MM:SS.mmm>` stamps turned into word times.

use std::time::Duration;

use super::model::{Cue, Word};
use super::timestamp::parse_clock;
use super::warnings::Warnings;

/// How much markup a source may carry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Decode `&amp;` and friends (WebVTT, SRT). Plain text files keep `&` as written.
    pub entities: bool,
    /// Strip every tag (`<i>`, `<c.x>`, `<font ...>`, inline stamps, ...). When false only
    /// `<v Name>` and `</v>` are markup and anything else in angle brackets is text.
    pub all_tags: bool,
}

/// WebVTT and SRT payloads.
pub(crate) const RICH: Options = Options {
    entities: true,
    all_tags: true,
};

/// `HH:MM:SS text` lines.
pub(crate) const PLAIN: Options = Options {
    entities: false,
    all_tags: false,
};

/// One displayable part of a cue. A cue splits into several when the speaker changes inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Piece {
    /// From `<v Name>`.
    pub speaker: Option<String>,
    /// From `>>`.
    pub turn: bool,
    /// Plain text, whitespace collapsed to single spaces and trimmed.
    pub text: String,
    /// From inline stamps; empty when the payload had none.
    pub words: Vec<Word>,
}

/// A stretch of text that starts at one time (the cue start or an inline stamp).
struct Segment {
    piece: usize,
    start: Duration,
    text: String,
}

struct Builder {
    heads: Vec<(Option<String>, bool)>,
    segments: Vec<Segment>,
    has_text: bool,
    timed: bool,
    now: Duration,
    pending_gt: bool,
    in_rt: bool,
}

impl Builder {
    fn current_piece(&self) -> usize {
        self.heads.len().saturating_sub(1)
    }

    fn push_char(&mut self, c: char) {
        if self.in_rt {
            return;
        }
        if c == '>' {
            if self.pending_gt {
                self.pending_gt = false;
                self.turn();
            } else {
                self.pending_gt = true;
            }
            return;
        }
        self.flush_gt();
        self.push_text_char(c);
    }

    fn push_text_char(&mut self, c: char) {
        if !c.is_whitespace() {
            self.has_text = true;
        }
        if let Some(seg) = self.segments.last_mut() {
            seg.text.push(c);
        }
    }

    /// Same as [`Builder::push_char`] for each char of `run`, which holds no `>`.
    fn push_run(&mut self, run: &str) {
        if self.in_rt || run.is_empty() {
            return;
        }
        self.flush_gt();
        if !self.has_text && !is_blank(run) {
            self.has_text = true;
        }
        if let Some(seg) = self.segments.last_mut() {
            seg.text.push_str(run);
        }
    }

    fn flush_gt(&mut self) {
        if self.pending_gt {
            self.pending_gt = false;
            self.push_text_char('>');
        }
    }

    fn new_piece(&mut self, speaker: Option<String>, turn: bool) {
        self.heads.push((speaker, turn));
        self.has_text = false;
        let piece = self.current_piece();
        self.segments.push(Segment {
            piece,
            start: self.now,
            text: String::new(),
        });
    }

    fn turn(&mut self) {
        if self.has_text {
            self.new_piece(None, true);
        } else if let Some(head) = self.heads.last_mut() {
            head.1 = true;
        }
    }

    fn voice(&mut self, name: &str) {
        self.flush_gt();
        let name = collapse(name);
        if name.is_empty() {
            return;
        }
        if !self.has_text {
            if let Some(head) = self.heads.last_mut() {
                head.0 = Some(name);
            }
        } else if self.heads.last().and_then(|h| h.0.as_deref()) != Some(name.as_str()) {
            self.new_piece(Some(name), false);
        }
    }

    fn stamp(&mut self, t: Duration) {
        self.flush_gt();
        self.timed = true;
        self.now = t;
        let piece = self.current_piece();
        self.segments.push(Segment {
            piece,
            start: t,
            text: String::new(),
        });
    }
}

/// Adds the cues of one timed cue's rich text (one per voice) at `line`, with a warning when
/// it has no text; `at_end` says the file ends inside this cue.
pub(crate) fn push_timed_cues(
    cues: &mut Vec<Cue>,
    warnings: &mut Warnings,
    text: &str,
    (start, end): (Duration, Duration),
    line: usize,
    at_end: bool,
) {
    let pieces = parse(text, start, Some(end), RICH);
    if pieces.is_empty() {
        let msg = if at_end {
            "the file ends in the middle of a cue (it has no text); skipped"
        } else {
            "the cue has no text; skipped"
        };
        warnings.push(line, msg);
    }
    cues.extend(pieces.into_iter().map(|piece| Cue {
        start,
        end: Some(end),
        speaker: piece.speaker,
        turn: piece.turn,
        text: piece.text,
        words: piece.words,
        line,
    }));
}

/// Parses one cue's text. `start`/`end` are the cue's times (for word times). Pieces without
/// text are left out, so the result is empty when the cue shows nothing.
pub(crate) fn parse(
    payload: &str,
    start: Duration,
    end: Option<Duration>,
    opts: Options,
) -> Vec<Piece> {
    let mut b = Builder {
        heads: Vec::new(),
        segments: Vec::new(),
        has_text: false,
        timed: false,
        now: start,
        pending_gt: false,
        in_rt: false,
    };
    b.new_piece(None, false);
    let mut i = 0;
    while let Some(rest) = payload.get(i..) {
        // Plain text up to the next byte that may be markup goes in one piece. These bytes are
        // ASCII, so the run ends at a char boundary.
        let run_len = markup_byte(rest.as_bytes());
        if run_len > 0 {
            b.push_run(rest.get(..run_len).unwrap_or(""));
            i += run_len;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c == '<' {
            if let Some(len) = tag(&payload[i..], opts, &mut b) {
                i += len;
                continue;
            }
        } else if c == '&'
            && opts.entities
            && let Some((decoded, len)) = entity(&payload[i..])
        {
            b.push_char(decoded);
            i += len;
            continue;
        }
        b.push_char(c);
        i += c.len_utf8();
    }
    b.flush_gt();
    finish(b, end)
}

/// The index of the first `<`, `&` or `>` in `bytes` (or its length), eight bytes at a time.
fn markup_byte(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // Nonzero when some byte of `x` equals `c` (the classic "has zero byte" test).
    let has = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        y.wrapping_sub(ONES) & !y & HIGHS
    };
    let mut i = 0;
    for chunk in bytes.chunks_exact(8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        if has(x, b'<') | has(x, b'&') | has(x, b'>') != 0 {
            break;
        }
        i += 8;
    }
    let tail = bytes.get(i..).unwrap_or(&[]);
    i + tail
        .iter()
        .position(|b| matches!(b, b'<' | b'&' | b'>'))
        .unwrap_or(tail.len())
}

/// Handles a tag at the start of `s`; returns its length, or None when `s` is just a `<`.
fn tag(s: &str, opts: Options, b: &mut Builder) -> Option<usize> {
    let window = super::lines::truncate_str(s, 512);
    let close = window.find('>')?;
    let inner = &s[1..close];
    if inner.contains('<') || inner.contains('\n') {
        return None;
    }
    let len = close + 1;
    if inner.starts_with(|c: char| c.is_ascii_digit()) {
        if !opts.all_tags {
            return None;
        }
        let t = parse_clock(inner.trim())?;
        b.stamp(t);
        return Some(len);
    }
    let (closing, body) = match inner.strip_prefix('/') {
        Some(rest) => (true, rest),
        None => (false, inner),
    };
    let name_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let name = &body[..name_len];
    let after = &body[name_len..];
    if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return None;
    }
    if !(after.is_empty() || after.starts_with(['.', ' ', '\t', '='])) {
        return None;
    }
    let is_voice = name.eq_ignore_ascii_case("v");
    if !opts.all_tags && !is_voice {
        return None;
    }
    if is_voice && !closing {
        // `<v.class Name>`: the annotation follows the first whitespace.
        let annotation = after.find(char::is_whitespace).map_or("", |i| &after[i..]);
        b.voice(annotation);
    } else if name.eq_ignore_ascii_case("rt") {
        b.flush_gt();
        b.in_rt = !closing;
    } else if !closing && name.eq_ignore_ascii_case("br") {
        b.push_char(' ');
    }
    Some(len)
}

/// Decodes the character reference at the start of `s` (which starts with `&`).
fn entity(s: &str) -> Option<(char, usize)> {
    let window = super::lines::truncate_str(s, 12);
    let semi = window.find(';')?;
    let name = &s[1..semi];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse::<u32>().ok()?,
            };
            if code == 0 || num.starts_with(['+', '-']) {
                return None;
            }
            char::from_u32(code)?
        }
    };
    Some((c, semi + 1))
}

/// Whitespace runs become one space; leading and trailing whitespace goes.
pub(crate) fn collapse(s: &str) -> String {
    let mut c = Collapser::with_capacity(s.len());
    c.push(s);
    c.out
}

/// True when `c` (an ASCII byte) is whitespace as `char::is_whitespace` says.
fn is_ascii_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// The length of the whitespace char (as `char::is_whitespace` says) at byte `i` of `s`, if
/// there is one. Continuation bytes and other non-space bytes give `None`.
#[inline]
fn space_len(s: &str, i: usize) -> Option<usize> {
    let b = *s.as_bytes().get(i)?;
    if b < 0x80 {
        return is_ascii_space(b).then_some(1);
    }
    // Every non-ASCII whitespace char starts with one of these bytes (U+0085, U+00A0, U+1680,
    // U+2000..=U+205F, U+3000).
    if !matches!(b, 0xc2 | 0xe1 | 0xe2 | 0xe3) {
        return None;
    }
    let c = s.get(i..)?.chars().next()?;
    c.is_whitespace().then(|| c.len_utf8())
}

/// True when `collapse` would give `bytes` back unchanged: not empty, no whitespace at either
/// end, no whitespace but single plain spaces. It may say false for text that is (a non-ASCII
/// char starting like a space char), never true for text that is not. Written without early
/// exits so that the compiler can check many bytes at once.
fn is_collapsed(bytes: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    if first == b' ' || last == b' ' {
        return false;
    }
    // Bytes below the space are control chars (with the whitespace among them); these lead
    // bytes start every non-ASCII whitespace char.
    let odd = bytes.iter().fold(false, |acc, &b| {
        acc | (b < b' ') | (b == 0xc2) | ((0xe1..=0xe3).contains(&b))
    });
    let double = bytes
        .iter()
        .zip(bytes.iter().skip(1))
        .fold(false, |acc, (&a, &b)| acc | ((a == b' ') & (b == b' ')));
    !odd && !double
}

/// True when `s` has only whitespace (as `char::is_whitespace` says).
fn is_blank(s: &str) -> bool {
    if s.is_ascii() {
        s.bytes().all(is_ascii_space)
    } else {
        s.chars().all(char::is_whitespace)
    }
}

/// [`collapse`] of text given in several chunks, as if they were one string.
#[derive(Default)]
struct Collapser {
    out: String,
    /// Whitespace was seen after the last word written.
    space: bool,
}

impl Collapser {
    fn with_capacity(n: usize) -> Self {
        Self {
            out: String::with_capacity(n),
            space: false,
        }
    }

    fn push(&mut self, s: &str) {
        if is_collapsed(s.as_bytes()) {
            self.word(s);
            return;
        }
        let end = s.len();
        let mut i = 0;
        while i < end {
            if let Some(n) = space_len(s, i) {
                self.space = true;
                i += n;
                continue;
            }
            // A word starts at `i`: copy at once the longest stretch that is already collapsed
            // (words with single plain spaces between them).
            let start = i;
            loop {
                while let Some(&b) = s.as_bytes().get(i) {
                    // Printable ASCII is never whitespace: the common case, decided at once.
                    if !(b > b' ' && b < 0x80) && space_len(s, i).is_some() {
                        break;
                    }
                    i += 1;
                }
                if s.as_bytes().get(i) == Some(&b' ')
                    && i + 1 < end
                    && space_len(s, i + 1).is_none()
                {
                    i += 1;
                    continue;
                }
                break;
            }
            self.word(s.get(start..i).unwrap_or(""));
        }
    }

    /// Appends (part of) a word; a space goes before it when whitespace came since the last.
    fn word(&mut self, w: &str) {
        if self.space && !self.out.is_empty() {
            self.out.push(' ');
        }
        self.space = false;
        self.out.push_str(w);
    }
}

fn finish(b: Builder, end: Option<Duration>) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = b
        .heads
        .into_iter()
        .map(|(speaker, turn)| Piece {
            speaker,
            turn,
            ..Piece::default()
        })
        .collect();
    let mut texts: Vec<Collapser> = Vec::with_capacity(pieces.len());
    texts.resize_with(pieces.len(), Collapser::default);
    for seg in &b.segments {
        if let Some(t) = texts.get_mut(seg.piece) {
            t.push(&seg.text);
        }
    }
    if b.timed {
        let timed: Vec<&Segment> = b
            .segments
            .iter()
            .filter(|s| !s.text.trim().is_empty())
            .collect();
        for (k, seg) in timed.iter().enumerate() {
            let next = timed.get(k + 1).map(|n| n.start).or(end);
            let word_end = next.filter(|&e| e >= seg.start);
            if let Some(p) = pieces.get_mut(seg.piece) {
                p.words.push(Word {
                    start: seg.start,
                    end: word_end,
                    text: collapse(&seg.text),
                });
            }
        }
    }
    for (p, t) in pieces.iter_mut().zip(texts) {
        p.text = t.out;
    }
    pieces.retain(|p| !p.text.is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    fn piece(speaker: Option<&str>, turn: bool, text: &str) -> Piece {
        Piece {
            speaker: speaker.map(str::to_owned),
            turn,
            text: text.to_owned(),
            words: Vec::new(),
        }
    }

    #[test]
    fn rich_markup_table() {
        let cases: Vec<(&str, Vec<Piece>)> = vec![
            ("plain", vec![piece(None, false, "plain")]),
            ("  two\nlines  ", vec![piece(None, false, "two lines")]),
            (
                "<i>it</i> <b>b</b> <u>u</u>",
                vec![piece(None, false, "it b u")],
            ),
            (
                "<c.yellow.bg_blue>c</c> <lang en-US>l</lang>",
                vec![piece(None, false, "c l")],
            ),
            ("<v Bob>hi", vec![piece(Some("Bob"), false, "hi")]),
            (
                "<v.loud Mary Ann>hi</v>",
                vec![piece(Some("Mary Ann"), false, "hi")],
            ),
            (
                "<v A>one <v A>two",
                vec![piece(Some("A"), false, "one two")],
            ),
            (
                "<v A>one <v B>two",
                vec![
                    piece(Some("A"), false, "one"),
                    piece(Some("B"), false, "two"),
                ],
            ),
            (
                "<ruby>漢<rt>kan</rt>字<rt>ji</rt></ruby>",
                vec![piece(None, false, "漢字")],
            ),
            (
                "a &amp; b &lt;c&gt; &#65;&#x42; x&nbsp;y",
                vec![piece(None, false, "a & b <c> AB x y")],
            ),
            ("&lrm;r&rlm;", vec![piece(None, false, "\u{200e}r\u{200f}")]),
            (
                "&bogus; &#0; &#xZZ; & &",
                vec![piece(None, false, "&bogus; &#0; &#xZZ; & &")],
            ),
            (
                "a < b and c > d",
                vec![piece(None, false, "a < b and c > d")],
            ),
            (
                "<font color=\"red\">red</font>",
                vec![piece(None, false, "red")],
            ),
            (">> hello", vec![piece(None, true, "hello")]),
            ("&gt;&gt; hello", vec![piece(None, true, "hello")]),
            (
                "one >> two",
                vec![piece(None, false, "one"), piece(None, true, "two")],
            ),
            ("<v A>>> x", vec![piece(Some("A"), true, "x")]),
            ("", vec![]),
            ("<i></i>  ", vec![]),
            ("<unclosed", vec![piece(None, false, "<unclosed")]),
        ];
        for (input, want) in cases {
            let got = parse(input, Duration::ZERO, None, RICH);
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn plain_markup_keeps_other_brackets_and_entities() {
        let cases: Vec<(&str, Vec<Piece>)> = vec![
            (
                "use <div> &amp; <i>",
                vec![piece(None, false, "use <div> &amp; <i>")],
            ),
            (
                "<v Sam>hello <v Sam>again",
                vec![piece(Some("Sam"), false, "hello again")],
            ),
            (
                "<v Sam>hello <v Kim>there",
                vec![
                    piece(Some("Sam"), false, "hello"),
                    piece(Some("Kim"), false, "there"),
                ],
            ),
            (
                "know, sort of >>Landing page.",
                vec![
                    piece(None, false, "know, sort of"),
                    piece(None, true, "Landing page."),
                ],
            ),
            (
                "<00:00:01.000>not a stamp here",
                vec![piece(None, false, "<00:00:01.000>not a stamp here")],
            ),
        ];
        for (input, want) in cases {
            let got = parse(input, Duration::ZERO, None, PLAIN);
            assert_eq!(got, want, "{input:?}");
        }
    }

    #[test]
    fn inline_stamps_become_words() {
        let ms = Duration::from_millis;
        let got = parse(
            "so<00:00:01.560><c> this</c><00:00:02.000><c> is</c>",
            ms(1000),
            Some(ms(3000)),
            RICH,
        );
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].text, "so this is");
        let words: Vec<(u64, Option<u64>, &str)> = got[0]
            .words
            .iter()
            .map(|w| {
                (
                    w.start.as_millis() as u64,
                    w.end.map(|e| e.as_millis() as u64),
                    w.text.as_str(),
                )
            })
            .collect();
        assert_eq!(
            words,
            [
                (1000, Some(1560), "so"),
                (1560, Some(2000), "this"),
                (2000, Some(3000), "is")
            ]
        );
    }
}
