//! Writes a transcript out as JSON, WebVTT, SRT, `HH:MM:SS` text or a Markdown document.
//!
//! Round trips: reading `to_vtt`, `to_srt` or `to_txt` output back gives the same start, speaker,
//! turn and text for every cue (and the same end for VTT/SRT when the cue had one):
//! - VTT writes a speaker as `<v Name>` and a turn as `&gt;&gt; `.
//! - SRT has no speaker markup, so a speaker is written as a `Name: ` prefix; the SRT reader takes
//!   such a prefix back as the speaker when the name begins at least two cues or half of them.
//!   A turn is written as `>> `.
//! - Text writes `HH:MM:SS [>> ][<v Name>]text`, the shape of Talk Python's voice-tag files; it
//!   keeps whole seconds only, so a round trip compares starts to the second.
//!
//! A cue without an end is given one when a format needs it: the next later cue's start, or, for
//! the last cue, its start plus [`LAST_CUE_LENGTH`].

use std::time::Duration;

use serde::Serialize;

use super::model::{Cue, Transcript};
use super::paragraphs::Paragraphs;
use super::timestamp::{format_hms, format_millis, to_secs_f64};

/// How long the last cue lasts in VTT/SRT when the source gave no end.
pub const LAST_CUE_LENGTH: Duration = Duration::from_secs(5);

#[derive(Serialize)]
struct JsonDoc<'a> {
    title: Option<&'a str>,
    format: &'a str,
    cues: Vec<JsonCue<'a>>,
    warnings: Vec<String>,
}

#[derive(Serialize)]
struct JsonCue<'a> {
    start: f64,
    end: Option<f64>,
    speaker: Option<&'a str>,
    text: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    words: Vec<JsonWord<'a>>,
}

#[derive(Serialize)]
struct JsonWord<'a> {
    start: f64,
    end: Option<f64>,
    text: &'a str,
}

/// The transcript as pretty-printed JSON:
/// `{"title", "format", "cues": [{"start", "end", "speaker", "text", "words"?}], "warnings"}`,
/// times in seconds (millisecond precision), `words` left out when a cue has none.
pub fn to_json(t: &Transcript) -> String {
    let doc = JsonDoc {
        title: t.title.as_deref(),
        format: t.format.name(),
        cues: t
            .cues
            .iter()
            .map(|c| JsonCue {
                start: to_secs_f64(c.start),
                end: c.end.map(to_secs_f64),
                speaker: c.speaker.as_deref(),
                text: &c.text,
                words: c
                    .words
                    .iter()
                    .map(|w| JsonWord {
                        start: to_secs_f64(w.start),
                        end: w.end.map(to_secs_f64),
                        text: &w.text,
                    })
                    .collect(),
            })
            .collect(),
        warnings: t.warnings.iter().map(ToString::to_string).collect(),
    };
    // Serialising plain structs of strings and finite numbers cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}

/// The end to write for cue `i`: its own end if it is after its start, else the next later
/// cue's start, else its start plus [`LAST_CUE_LENGTH`].
fn end_of(cues: &[Cue], i: usize) -> Duration {
    let Some(c) = cues.get(i) else {
        return Duration::ZERO;
    };
    if let Some(end) = c.end.filter(|&e| e > c.start) {
        return end;
    }
    cues.iter()
        .skip(i + 1)
        .map(|n| n.start)
        .find(|&s| s > c.start)
        .unwrap_or(c.start + LAST_CUE_LENGTH)
}

fn escape_vtt(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The transcript as WebVTT, speakers as `<v Name>`, word times as inline stamps.
pub fn to_vtt(t: &Transcript) -> String {
    let mut out = String::from("WEBVTT\n");
    for (i, c) in t.cues.iter().enumerate() {
        out.push('\n');
        out.push_str(&format_millis(c.start, '.'));
        out.push_str(" --> ");
        out.push_str(&format_millis(end_of(&t.cues, i), '.'));
        out.push('\n');
        if let Some(name) = &c.speaker {
            out.push_str("<v ");
            out.push_str(&escape_vtt(name));
            out.push('>');
        }
        if c.turn {
            out.push_str("&gt;&gt; ");
        }
        out.push_str(&vtt_payload(c));
        out.push('\n');
    }
    out
}

/// The cue text, with inline stamps before each word when the words spell out the text.
fn vtt_payload(c: &Cue) -> String {
    let spelled = c
        .words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    if c.words.is_empty() || spelled != c.text {
        return escape_vtt(&c.text);
    }
    let mut out = String::new();
    for (k, w) in c.words.iter().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        if w.start > c.start {
            out.push('<');
            out.push_str(&format_millis(w.start, '.'));
            out.push('>');
        }
        out.push_str(&escape_vtt(&w.text));
    }
    out
}

/// The transcript as SubRip, speakers as a `Name: ` prefix, turns as `>> `.
pub fn to_srt(t: &Transcript) -> String {
    let mut out = String::new();
    for (i, c) in t.cues.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{}\n{} --> {}\n",
            i + 1,
            format_millis(c.start, ','),
            format_millis(end_of(&t.cues, i), ',')
        ));
        if c.turn {
            out.push_str(">> ");
        }
        if let Some(name) = &c.speaker {
            out.push_str(name);
            out.push_str(": ");
        }
        out.push_str(&c.text);
        out.push('\n');
    }
    out
}

/// The transcript as Talk Python-style text: `HH:MM:SS text`, a blank line between entries,
/// speakers as `<v Name>` and turns as `>>`.
pub fn to_txt(t: &Transcript) -> String {
    let mut out = String::new();
    for c in &t.cues {
        out.push_str(&format_hms(c.start));
        out.push(' ');
        if c.turn {
            out.push_str(">>");
        }
        if let Some(name) = &c.speaker {
            out.push_str("<v ");
            out.push_str(name);
            out.push('>');
        }
        out.push_str(&c.text);
        out.push_str("\n\n");
    }
    out
}

/// The shapes a transcript can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Readalong's JSON ([`to_json`]).
    Json,
    /// WebVTT ([`to_vtt`]).
    Vtt,
    /// SubRip ([`to_srt`]).
    Srt,
    /// `HH:MM:SS text` lines ([`to_txt`]).
    Txt,
    /// The paragraph view as a document ([`to_markdown`]).
    Markdown,
}

impl Kind {
    /// Every kind, in the order a menu lists them.
    pub const ALL: [Kind; 5] = [Kind::Vtt, Kind::Srt, Kind::Json, Kind::Txt, Kind::Markdown];

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Json => "json",
            Kind::Vtt => "vtt",
            Kind::Srt => "srt",
            Kind::Txt => "txt",
            Kind::Markdown => "md",
        }
    }

    /// What a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Json => "JSON",
            Kind::Vtt => "WebVTT",
            Kind::Srt => "SubRip (SRT)",
            Kind::Txt => "Text",
            Kind::Markdown => "Markdown",
        }
    }

    /// `t` written in this shape; `title` heads a Markdown document when the transcript has none.
    pub fn write(self, t: &Transcript, title: &str) -> String {
        match self {
            Kind::Json => to_json(t),
            Kind::Vtt => to_vtt(t),
            Kind::Srt => to_srt(t),
            Kind::Txt => to_txt(t),
            Kind::Markdown => to_markdown(t, title),
        }
    }
}

/// The paragraph view as a Markdown document: the title as a heading (the transcript's own, else `title`), then
/// one paragraph per block, each starting with its time (`[12:34]`, `[1:02:03]` after an hour) and, at a speaker
/// turn, the speaker in bold (`**»**` for a turn marked without a name). Markdown's special characters in the
/// text are escaped.
pub fn to_markdown(t: &Transcript, title: &str) -> String {
    let title = t.title.as_deref().unwrap_or(title);
    let mut out = format!("# {}\n", escape_markdown(title));
    for para in &Paragraphs::build(t).paragraphs {
        out.push_str(&format!("\n[{}] ", markdown_time(para.start())));
        if para.turn {
            let name = para
                .speaker
                .as_deref()
                .map_or("»".to_owned(), escape_markdown);
            out.push_str(&format!("**{name}:** "));
        }
        out.push_str(&escape_markdown(&para.text));
        out.push('\n');
    }
    out
}

/// `M:SS` under an hour, `H:MM:SS` from an hour on.
fn markdown_time(d: Duration) -> String {
    let secs = d.as_secs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// `text` with the characters Markdown would read as markup escaped by a backslash.
fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::{Format, Word, parse};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn sample() -> Transcript {
        Transcript {
            title: Some("Ep \"1\"".to_owned()),
            format: Format::WebVtt,
            cues: vec![
                Cue {
                    start: ms(1500),
                    end: Some(ms(2000)),
                    speaker: Some("Ann Lee".to_owned()),
                    text: "a < b & c".to_owned(),
                    line: 3,
                    ..Cue::default()
                },
                Cue {
                    start: ms(2000),
                    end: None,
                    turn: true,
                    text: "next one".to_owned(),
                    words: vec![
                        Word {
                            start: ms(2000),
                            end: Some(ms(2100)),
                            text: "next".to_owned(),
                        },
                        Word {
                            start: ms(2100),
                            end: None,
                            text: "one".to_owned(),
                        },
                    ],
                    line: 6,
                    ..Cue::default()
                },
                Cue {
                    start: ms(9000),
                    text: "last".to_owned(),
                    line: 9,
                    ..Cue::default()
                },
            ],
            warnings: vec![crate::transcript::Warning {
                line: 4,
                message: "odd".to_owned(),
            }],
        }
    }

    #[test]
    fn json_has_the_documented_shape() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&sample())).unwrap();
        let want = serde_json::json!({
            "title": "Ep \"1\"",
            "format": "vtt",
            "cues": [
                {"start": 1.5, "end": 2.0, "speaker": "Ann Lee", "text": "a < b & c"},
                {"start": 2.0, "end": null, "speaker": null, "text": "next one", "words": [
                    {"start": 2.0, "end": 2.1, "text": "next"},
                    {"start": 2.1, "end": null, "text": "one"}
                ]},
                {"start": 9.0, "end": null, "speaker": null, "text": "last"}
            ],
            "warnings": ["line 4: odd"]
        });
        assert_eq!(v, want);
    }

    #[test]
    fn vtt_srt_and_txt_text() {
        let t = sample();
        assert_eq!(
            to_vtt(&t),
            "WEBVTT\n\n00:00:01.500 --> 00:00:02.000\n<v Ann Lee>a &lt; b &amp; c\n\n\
             00:00:02.000 --> 00:00:09.000\n&gt;&gt; next <00:00:02.100>one\n\n\
             00:00:09.000 --> 00:00:14.000\nlast\n"
        );
        assert_eq!(
            to_srt(&t),
            "1\n00:00:01,500 --> 00:00:02,000\nAnn Lee: a < b & c\n\n\
             2\n00:00:02,000 --> 00:00:09,000\n>> next one\n\n\
             3\n00:00:09,000 --> 00:00:14,000\nlast\n"
        );
        assert_eq!(
            to_txt(&t),
            "00:00:01 <v Ann Lee>a < b & c\n\n00:00:02 >>next one\n\n00:00:09 last\n\n"
        );
    }

    #[test]
    fn exports_read_back() {
        let t = sample();
        let vtt = parse(to_vtt(&t).as_bytes()).unwrap();
        assert_eq!(vtt.cues.len(), 3);
        assert_eq!(vtt.cues[0].speaker.as_deref(), Some("Ann Lee"));
        assert_eq!(vtt.cues[0].text, "a < b & c");
        assert!(vtt.cues[1].turn);
        assert_eq!(vtt.cues[1].words.len(), 2);
        assert_eq!(vtt.cues[1].words[1].start, ms(2100));
    }

    #[test]
    fn markdown_is_the_paragraph_view_as_a_document() {
        let cue = |start_secs: u64, speaker: &str, text: &str| Cue {
            start: Duration::from_secs(start_secs),
            end: Some(Duration::from_secs(start_secs + 1)),
            speaker: (!speaker.is_empty()).then(|| speaker.to_owned()),
            text: text.to_owned(),
            ..Cue::default()
        };
        let mut marked = cue(3725, "", "Yes *really*.");
        marked.turn = true;
        let t = Transcript {
            title: None,
            format: super::super::Format::WebVtt,
            cues: vec![
                cue(1, "Ana", "Hello and"),
                cue(2, "Ana", "welcome. Glad"),
                cue(3, "Ana", "you came."),
                cue(754, "Ana", "After a pause."),
                cue(755, "Ben", "Thanks."),
                marked,
            ],
            warnings: Vec::new(),
        };
        let want = "# Episode_1\n\
            \n[0:01] **Ana:** Hello and welcome. Glad you came.\n\
            \n[12:34] After a pause.\n\
            \n[12:35] **Ben:** Thanks.\n\
            \n[1:02:05] **»:** Yes \\*really\\*.\n";
        assert_eq!(to_markdown(&t, "Episode_1").replace("\\_", "_"), want);
        assert!(to_markdown(&t, "Episode_1").starts_with("# Episode\\_1\n"));
    }
}
