//! What "Copy quote" and "Copy link at this time" put on the clipboard, GUI-free.

use std::path::Path;
use std::time::Duration;

use crate::transcript::paragraphs::{Paragraphs, SentenceId};

/// The text of the sentences `from` to `to` (in either order), as the blocks have it: the
/// sentences of one block with their spaces, blocks apart by a blank line.
pub fn selection_text(blocks: &Paragraphs, from: SentenceId, to: SentenceId) -> String {
    let key = |id: SentenceId| (id.paragraph, id.sentence);
    let (first, last) = if key(from) <= key(to) {
        (from, to)
    } else {
        (to, from)
    };
    let mut parts = Vec::new();
    for index in first.paragraph..=last.paragraph {
        let Some(para) = blocks.paragraphs.get(index) else {
            break;
        };
        let Some(last_sentence) = para.sentences.len().checked_sub(1) else {
            continue;
        };
        let start = if index == first.paragraph {
            first.sentence
        } else {
            0
        };
        let end = if index == last.paragraph {
            last.sentence.min(last_sentence)
        } else {
            last_sentence
        };
        let (Some(a), Some(b)) = (para.sentences.get(start), para.sentences.get(end)) else {
            continue;
        };
        if let Some(text) = para.text.get(a.range.start..b.range.end.max(a.range.start)) {
            parts.push(text.trim().to_owned());
        }
    }
    parts.join("\n\n")
}

/// True when sentence `id` is between `from` and `to` (in either order), both included.
pub fn in_selection(id: SentenceId, from: SentenceId, to: SentenceId) -> bool {
    let key = |id: SentenceId| (id.paragraph, id.sentence);
    let (a, b) = (key(from).min(key(to)), key(from).max(key(to)));
    (a..=b).contains(&key(id))
}

/// A quote as people cite it: `"text" (Title, 12:34)`, the time being where it is heard in the
/// audio; `"text" (12:34)` without a title.
pub fn quote_text(text: &str, title: Option<&str>, heard: Duration) -> String {
    let time = crate::timefmt::clock(heard);
    let text = text.trim();
    match title.map(str::trim).filter(|t| !t.is_empty()) {
        Some(title) => format!("\"{text}\" ({title}, {time})"),
        None => format!("\"{text}\" ({time})"),
    }
}

/// The command that opens `path` at `at` (tenths of a second): `readalong PATH --at 12:34.5`, the
/// path quoted for a POSIX shell when it needs to be.
pub fn link_text(path: &Path, at: Duration) -> String {
    format!(
        "readalong {} --at {}",
        shell_quote(&path.to_string_lossy()),
        clock_tenths(at)
    )
}

/// `d` as `M:SS.s` under an hour and `H:MM:SS.s` from an hour on (rounded down to a tenth), as
/// `--at` reads it.
pub fn clock_tenths(d: Duration) -> String {
    let tenths = d.as_millis() / 100;
    let (h, m, s, t) = (
        tenths / 36_000,
        (tenths / 600) % 60,
        (tenths / 10) % 60,
        tenths % 10,
    );
    if h > 0 {
        format!("{h}:{m:02}:{s:02}.{t}")
    } else {
        format!("{m}:{s:02}.{t}")
    }
}

/// `text` as one word for a POSIX shell: as it is when it holds only safe characters, else in
/// single quotes.
fn shell_quote(text: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !text.is_empty() && text.chars().all(safe) {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(ms: u64) -> Duration {
        Duration::from_millis(ms)
    }

    #[test]
    fn quotes_name_the_episode_and_the_time_heard() {
        let cases = [
            (
                "Hello there.",
                Some("Django birthday"),
                ms(754_900),
                "\"Hello there.\" (Django birthday, 12:34)",
            ),
            ("  Spaced. ", None, ms(5_000), "\"Spaced.\" (0:05)"),
            ("Late.", Some(" "), ms(3_723_000), "\"Late.\" (1:02:03)"),
        ];
        for (text, title, heard, want) in cases {
            assert_eq!(quote_text(text, title, heard), want);
        }
    }

    #[test]
    fn a_selection_reads_as_its_blocks_have_it() {
        use crate::transcript::{Cue, Format, Transcript};
        let cue = |start: u64, speaker: &str, text: &str| Cue {
            start: Duration::from_secs(start),
            speaker: Some(speaker.to_owned()),
            text: text.to_owned(),
            ..Cue::default()
        };
        let blocks = Paragraphs::build(&Transcript {
            title: None,
            format: Format::WebVtt,
            cues: vec![cue(0, "A", "One. Two. Three."), cue(5, "B", "Four. Five.")],
            warnings: Vec::new(),
        });
        let id = |paragraph, sentence| SentenceId {
            paragraph,
            sentence,
        };
        let cases = [
            (id(0, 0), id(0, 0), "One."),
            (id(0, 1), id(0, 2), "Two. Three."),
            (id(0, 2), id(0, 1), "Two. Three."),
            (id(0, 2), id(1, 0), "Three.\n\nFour."),
            (id(0, 0), id(1, 1), "One. Two. Three.\n\nFour. Five."),
        ];
        for (from, to, want) in cases {
            assert_eq!(selection_text(&blocks, from, to), want, "{from:?} {to:?}");
        }
        assert!(in_selection(id(0, 2), id(1, 0), id(0, 1)));
        assert!(!in_selection(id(1, 1), id(1, 0), id(0, 1)));
    }

    #[test]
    fn links_open_the_episode_at_the_time() {
        let cases = [
            (
                "/pods/518-django.mp3",
                ms(754_560),
                "readalong /pods/518-django.mp3 --at 12:34.5",
            ),
            (
                "/pods/My Show/ep 1.mp3",
                ms(0),
                "readalong '/pods/My Show/ep 1.mp3' --at 0:00.0",
            ),
            (
                "/it's.mp3",
                ms(3_723_500),
                r"readalong '/it'\''s.mp3' --at 1:02:03.5",
            ),
        ];
        for (path, at, want) in cases {
            assert_eq!(link_text(Path::new(path), at), want);
        }
        for text in ["12:34.5", "1:02:03.5", "0:00.0"] {
            let parsed = crate::timefmt::parse_clock(text).expect(text);
            assert_eq!(clock_tenths(parsed), text, "--at reads back what it wrote");
        }
    }
}
