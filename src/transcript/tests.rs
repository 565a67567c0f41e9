//! Tests of `parse` and the exporters on the fixture files under tests/fixtures/transcripts.

use std::time::{Duration, Instant};

use super::*;

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/transcripts/",
                $name
            ))
            .as_slice(),
        )
    };
}

/// Every fixture, by name.
fn fixtures() -> Vec<(&'static str, &'static [u8])> {
    vec![
        fixture!("hhmmss.txt"),
        fixture!("webpage.txt"),
        fixture!("voice-tags.txt"),
        fixture!("chevrons.txt"),
        fixture!("basic.vtt"),
        fixture!("features.vtt"),
        fixture!("youtube.vtt"),
        fixture!("basic.srt"),
        fixture!("messy.srt"),
        fixture!("speakers.srt"),
        fixture!("podcasting.json"),
        fixture!("podcasting-words.json"),
        fixture!("whisper.json"),
        fixture!("out-of-order.vtt"),
        fixture!("bad-times.vtt"),
        fixture!("truncated.vtt"),
        fixture!("truncated-payload.vtt"),
        fixture!("truncated.srt"),
        fixture!("truncated.json"),
        fixture!("truncated-utf8.txt"),
        fixture!("cp1252.txt"),
        fixture!("utf16le-bom.vtt"),
        fixture!("utf16be-bom.srt"),
        fixture!("utf8-bom-crlf.vtt"),
        fixture!("cr-only.vtt"),
        fixture!("binary.bin"),
        fixture!("empty.txt"),
        fixture!("whitespace.txt"),
        fixture!("no-cues.vtt"),
        fixture!("no-timestamps.txt"),
        fixture!("invalid.json"),
        fixture!("unknown.json"),
        fixture!("no-signature.vtt"),
    ]
}

fn bytes_of(name: &str) -> &'static [u8] {
    fixtures()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, b)| b)
        .unwrap_or_else(|| panic!("no fixture {name}"))
}

fn ext(name: &str) -> Option<&str> {
    name.rsplit_once('.').map(|(_, e)| e)
}

fn load(name: &str) -> Transcript {
    parse_with_hint(bytes_of(name), ext(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// (fixture, format, cue count, lines of the warnings)
const OK: &[(&str, Format, usize, &[usize])] = &[
    ("hhmmss.txt", Format::TimestampedText, 6, &[]),
    ("webpage.txt", Format::WebPage, 5, &[]),
    ("voice-tags.txt", Format::TimestampedText, 6, &[]),
    ("chevrons.txt", Format::TimestampedText, 6, &[]),
    ("basic.vtt", Format::WebVtt, 4, &[]),
    ("features.vtt", Format::WebVtt, 5, &[]),
    ("youtube.vtt", Format::YouTubeVtt, 4, &[]),
    ("basic.srt", Format::Srt, 3, &[]),
    ("messy.srt", Format::Srt, 3, &[]),
    ("speakers.srt", Format::Srt, 4, &[]),
    ("podcasting.json", Format::Podcasting20Json, 4, &[]),
    ("podcasting-words.json", Format::Podcasting20Json, 4, &[]),
    ("whisper.json", Format::WhisperJson, 2, &[]),
    ("out-of-order.vtt", Format::WebVtt, 4, &[6]),
    ("bad-times.vtt", Format::WebVtt, 4, &[6, 9]),
    ("truncated.vtt", Format::WebVtt, 2, &[9]),
    ("truncated-payload.vtt", Format::WebVtt, 1, &[6]),
    ("truncated.srt", Format::Srt, 2, &[10]),
    ("truncated.json", Format::Podcasting20Json, 2, &[4]),
    ("truncated-utf8.txt", Format::TimestampedText, 2, &[3]),
    ("cp1252.txt", Format::TimestampedText, 2, &[1]),
    ("utf16le-bom.vtt", Format::WebVtt, 2, &[]),
    ("utf16be-bom.srt", Format::Srt, 2, &[]),
    ("utf8-bom-crlf.vtt", Format::WebVtt, 2, &[]),
    ("cr-only.vtt", Format::WebVtt, 2, &[]),
    ("no-cues.vtt", Format::WebVtt, 0, &[]),
    ("no-signature.vtt", Format::WebVtt, 2, &[1]),
];

#[test]
fn fixtures_parse_to_the_expected_shape() {
    for &(name, format, count, warning_lines) in OK {
        let t = load(name);
        assert_eq!(t.format, format, "{name}");
        assert_eq!(t.cues.len(), count, "{name}: {:#?}", t.cues);
        let lines: Vec<usize> = t.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, warning_lines, "{name}: {:?}", t.warnings);
        assert!(
            t.cues.windows(2).all(|w| w[0].start <= w[1].start),
            "{name} sorted"
        );
        assert!(
            t.cues.iter().all(|c| !c.text.is_empty() && c.line >= 1),
            "{name}"
        );
    }
}

#[test]
fn broken_fixtures_give_errors_with_lines() {
    let cases = [
        ("binary.bin", ParseError::Binary { line: 3 }),
        ("empty.txt", ParseError::Empty),
        ("whitespace.txt", ParseError::Empty),
        ("no-timestamps.txt", ParseError::Unrecognized { line: 1 }),
        ("unknown.json", ParseError::UnknownJson { line: 1 }),
    ];
    for (name, want) in cases {
        assert_eq!(parse(bytes_of(name)), Err(want), "{name}");
    }
    match parse(bytes_of("invalid.json")) {
        Err(ParseError::Json {
            line,
            column,
            message,
        }) => {
            assert_eq!(line, 4);
            assert!(column > 1);
            assert!(!message.contains("line"), "{message}");
        }
        other => panic!("invalid.json: {other:?}"),
    }
}

#[test]
fn error_messages_are_sentences_with_lines() {
    let cases = [
        (ParseError::Empty, "the file is empty"),
        (
            ParseError::Binary { line: 3 },
            "line 3: this is a binary file, not a text transcript",
        ),
        (
            ParseError::TooLarge {
                bytes: 10,
                limit: 5,
            },
            "the file is 10 bytes long, more than the 5 bytes a transcript may have",
        ),
    ];
    for (e, want) in cases {
        assert_eq!(e.to_string(), want);
    }
    assert!(
        ParseError::Unrecognized { line: 2 }
            .to_string()
            .starts_with("line 2: no timestamps found")
    );
}

#[test]
fn content_details() {
    let web = load("webpage.txt");
    assert_eq!(
        web.title.as_deref(),
        Some("#412: PEP 711 - Distributing Python Binaries")
    );
    assert_eq!(
        web.cues[2].text,
        "that wrapped entry goes on across a second line."
    );
    assert_eq!(web.cues[2].start, Duration::from_secs(59 * 60 + 58));
    assert_eq!(web.cues[3].start, Duration::from_secs(3606));
    assert_eq!(web.cues[4].text, "I'll see you next time.");

    let voices = load("voice-tags.txt");
    assert_eq!(
        voices.speakers(),
        ["Christopher Trudeau", "Michael Kennedy"]
    );
    let got: Vec<(u64, &str, &str)> = voices
        .cues
        .iter()
        .map(|c| {
            (
                c.start.as_secs(),
                c.speaker.as_deref().unwrap_or(""),
                c.text.as_str(),
            )
        })
        .collect();
    assert_eq!(
        got[1],
        (2, "Christopher Trudeau", "but are worried about the cost?")
    );
    assert_eq!(got[2], (5, "Michael Kennedy", "Thanks for having me."));
    assert_eq!(got[3], (5, "Christopher Trudeau", "Glad you are here."));
    assert_eq!(got[4], (5, "Michael Kennedy", "Same stamp again."));

    let chev = load("chevrons.txt");
    let turns: Vec<bool> = chev.cues.iter().map(|c| c.turn).collect();
    assert_eq!(turns, [false, true, true, false, true, false]);
    assert_eq!(chev.cues[3].text, "know, sort of");
    assert_eq!(chev.cues[4].text, "Landing page.");

    let f = load("features.vtt");
    assert_eq!(f.title.as_deref(), Some("Features of the format"));
    let texts: Vec<&str> = f.cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "We are in New York City",
            "Hi & welcome <3 AB C",
            "Colour and français 漢",
            "One two three",
            "four"
        ]
    );
    assert_eq!(f.cues[0].start, Duration::from_secs(1));
    assert_eq!(f.cues[1].speaker.as_deref(), Some("Neil deGrasse Tyson"));
    assert_eq!(f.cues[3].words.len(), 3);
    assert_eq!(f.cues[3].words[1].start, Duration::from_millis(8500));
    assert_eq!(f.cues[4].speaker.as_deref(), Some("Neil deGrasse Tyson"));
    assert_eq!(f.cues[4].start, Duration::from_secs(8));

    let yt = load("youtube.vtt");
    let lines: Vec<(u128, bool, &str, usize)> = yt
        .cues
        .iter()
        .map(|c| (c.start.as_millis(), c.turn, c.text.as_str(), c.words.len()))
        .collect();
    assert_eq!(
        lines,
        [
            (160, false, "so today we talk", 4),
            (2280, false, "about python packaging", 3),
            (5120, true, "yeah it's great", 3),
            (8000, false, "[Music]", 0)
        ]
    );

    let order = load("out-of-order.vtt");
    let texts: Vec<&str> = order.cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "first by time",
            "second, overlapping the third",
            "third by time",
            "same start as third, kept after it"
        ]
    );

    let bad = load("bad-times.vtt");
    let ends: Vec<Option<u64>> = bad
        .cues
        .iter()
        .map(|c| c.end.map(|e| e.as_secs()))
        .collect();
    assert_eq!(ends, [Some(2), None, None, Some(8)]);

    let cp = load("cp1252.txt");
    assert_eq!(
        cp.cues[0].text,
        "It\u{2019}s a \u{201c}quoted\u{201d} word\u{2026} caf\u{e9} \u{2013} done."
    );

    let utf16 = load("utf16le-bom.vtt");
    assert_eq!(
        utf16.cues[0].text,
        "h\u{e9}llo \u{2019}quoted\u{2019} \u{1F600}"
    );
    assert_eq!(utf16.cues[1].line, 6);
    assert_eq!(load("cr-only.vtt").cues, utf16.cues);
    assert_eq!(load("utf8-bom-crlf.vtt").cues, utf16.cues);

    let cut = load("truncated-utf8.txt");
    assert_eq!(cut.cues[1].text, "cut in the middle of caf");

    let messy = load("messy.srt");
    let texts: Vec<&str> = messy.cues.iter().map(|c| c.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "A stray blank line came first.",
            "42 is the answer.",
            "No blank before the number."
        ]
    );

    let basic = load("basic.srt");
    assert_eq!(basic.cues[2].speaker, None);
    assert_eq!(basic.cues[2].text, "Note: one prefix is not a speaker.");
    let speakers = load("speakers.srt");
    assert_eq!(speakers.speakers(), ["Alice Smith", "Bob"]);
    assert!(speakers.cues[2].turn);

    let words = load("podcasting-words.json");
    let got: Vec<(&str, &str, usize)> = words
        .cues
        .iter()
        .map(|c| {
            (
                c.speaker.as_deref().unwrap_or(""),
                c.text.as_str(),
                c.words.len(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Alice", "Hello everyone.", 2),
            ("Alice", "This is merged", 3),
            ("Alice", "after pause", 2),
            ("Bob", "Hi Alice!", 2)
        ]
    );
    let pod = load("podcasting.json");
    assert_eq!(pod.cues[1].speaker.as_deref(), Some("Alice"));
    assert_eq!(pod.cues[2].end, None);

    let w = load("whisper.json");
    assert_eq!(w.cues[0].text, "Hello and welcome.");
    let ws: Vec<&str> = w.cues[0].words.iter().map(|w| w.text.as_str()).collect();
    assert_eq!(ws, ["Hello", "and", "welcome."]);
    assert_eq!(w.cues[1].text, "This is a test.");

    let no_sig = parse(bytes_of("no-signature.vtt")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(no_sig.format, Format::Srt);
}

/// (start, end, speaker, turn, text)
type Comparable = (Duration, Option<Duration>, Option<String>, bool, String);

/// What survives a round trip through VTT or SRT: start, end (when the source had one),
/// speaker, turn and text.
fn comparable(t: &Transcript, with_end: bool) -> Vec<Comparable> {
    t.cues
        .iter()
        .map(|c| {
            (
                c.start,
                if with_end { c.end } else { None },
                c.speaker.clone(),
                c.turn,
                c.text.clone(),
            )
        })
        .collect()
}

#[test]
fn every_fixture_round_trips_through_vtt_srt_and_txt() {
    for &(name, _, _, _) in OK {
        let t = load(name);
        if t.cues.is_empty() {
            continue;
        }
        let has_end: Vec<bool> = t.cues.iter().map(|c| c.end.is_some()).collect();
        for (label, exported) in [("vtt", export::to_vtt(&t)), ("srt", export::to_srt(&t))] {
            let back = parse(exported.as_bytes()).unwrap_or_else(|e| panic!("{name} {label}: {e}"));
            assert_eq!(back.cues.len(), t.cues.len(), "{name} {label}:\n{exported}");
            let mut want = comparable(&t, true);
            let mut got = comparable(&back, true);
            for ((w, g), &had) in want.iter_mut().zip(got.iter_mut()).zip(&has_end) {
                if !had {
                    w.1 = None;
                    g.1 = None;
                }
            }
            assert_eq!(got, want, "{name} {label}:\n{exported}");
            assert!(
                back.warnings.is_empty(),
                "{name} {label}: {:?}",
                back.warnings
            );
        }
        let exported = export::to_txt(&t);
        let back = parse(exported.as_bytes()).unwrap_or_else(|e| panic!("{name} txt: {e}"));
        let secs = |t: &Transcript| -> Vec<(u64, Option<String>, bool, String)> {
            t.cues
                .iter()
                .map(|c| (c.start.as_secs(), c.speaker.clone(), c.turn, c.text.clone()))
                .collect()
        };
        assert_eq!(secs(&back), secs(&t), "{name} txt:\n{exported}");
    }
}

#[test]
fn json_export_lists_every_cue() {
    for &(name, _, count, _) in OK {
        let t = load(name);
        let v: serde_json::Value =
            serde_json::from_str(&export::to_json(&t)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(v["cues"].as_array().map(Vec::len), Some(count), "{name}");
        assert_eq!(v["format"], t.format.name(), "{name}");
        assert_eq!(
            v["warnings"].as_array().map(Vec::len),
            Some(t.warnings.len()),
            "{name}"
        );
    }
}

#[test]
fn search_finds_words_in_fixtures() {
    let t = load("voice-tags.txt");
    let hits = search::find(&t, "THANK");
    let cues: Vec<usize> = hits.iter().map(|m| m.cue).collect();
    assert_eq!(cues, [2, 5]);
    assert_eq!(&t.cues[2].text[hits[0].range.clone()], "Thank");
}

#[test]
fn too_large_input_is_refused() {
    let big = vec![b'a'; MAX_FILE_BYTES + 1];
    assert_eq!(
        parse(&big),
        Err(ParseError::TooLarge {
            bytes: MAX_FILE_BYTES + 1,
            limit: MAX_FILE_BYTES
        })
    );
}

#[test]
fn pathological_lines_are_bounded_and_fast() {
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("one long text line", {
            let mut v = b"00:00:00 ".to_vec();
            v.extend(std::iter::repeat_n(b'a', 4 << 20));
            v
        }),
        ("one long vtt payload", {
            let mut v = b"WEBVTT\n\n00:00.000 --> 00:01.000\n".to_vec();
            v.extend(b"<v a><v b>&amp;<".repeat(1 << 18));
            v
        }),
        ("many payload lines", {
            let mut v = b"WEBVTT\n\n00:00.000 --> 00:01.000\n".to_vec();
            v.extend(b"x\n".repeat(1 << 19));
            v
        }),
        ("many continuation lines", {
            let mut v = b"00:00:00 start\n".to_vec();
            v.extend(b"more text\n".repeat(1 << 18));
            v
        }),
        ("many stamps", b"00:00:01 a\n".repeat(1 << 17)),
        (
            "many bad timings",
            b"1\n00:00:01,000 --> nope\n\n".repeat(1 << 15),
        ),
        ("deep json", {
            let mut v = b"{\"segments\": ".to_vec();
            v.extend(b"[".repeat(100_000));
            v
        }),
    ];
    for (label, input) in cases {
        let started = Instant::now();
        let result = parse(&input);
        let took = started.elapsed();
        assert!(took < Duration::from_secs(20), "{label}: {took:?}");
        if let Ok(t) = result {
            assert!(
                t.cues.iter().all(|c| c.text.len() <= lines::MAX_CUE_BYTES),
                "{label}"
            );
            assert!(t.warnings.len() <= warnings::MAX_WARNINGS + 1, "{label}");
        }
    }
}

#[test]
fn no_panic_on_prefixes_of_fixtures() {
    // Every prefix of every fixture (cut anywhere, even mid-character) parses or fails cleanly.
    for (name, bytes) in fixtures() {
        for end in 0..bytes.len().min(600) {
            let _ = parse(&bytes[..end]);
        }
        let _ = parse_with_hint(bytes, Some("vtt")).map(|t| (name, t.cues.len()));
    }
}

/// Paragraph grouping keeps every cue's time: in both views, each cue's first byte is shown in a sentence that
/// starts no later than the cue (at exactly its time when the sentence starts there), the next sentence starts no
/// earlier, and sentence starts never go back in time.
#[test]
fn paragraph_grouping_keeps_every_cues_time() {
    use super::paragraphs::Paragraphs;
    for (name, bytes) in fixtures() {
        let Ok(t) = parse_with_hint(bytes, ext(name)) else {
            continue;
        };
        for (view, p) in [
            ("paragraphs", Paragraphs::build(&t)),
            ("as published", Paragraphs::as_published(&t)),
        ] {
            let starts: Vec<Duration> = p
                .paragraphs
                .iter()
                .flat_map(|para| para.sentences.iter().map(|s| s.start))
                .collect();
            assert!(
                starts.windows(2).all(|w| w[0] <= w[1]),
                "{name} {view}: starts go back"
            );
            for (index, cue) in t.cues.iter().enumerate() {
                let lead = cue.text.len() - cue.text.trim_start().len();
                if cue.text.trim().is_empty() {
                    continue;
                }
                let (at_p, at_byte) = p
                    .locate(index, lead)
                    .unwrap_or_else(|| panic!("{name} {view}: cue {index} not shown"));
                let para = &p.paragraphs[at_p];
                let first_word = cue.text.split_whitespace().next().unwrap_or_default();
                assert!(
                    para.text[at_byte..].starts_with(first_word),
                    "{name} {view}: cue {index} placed at {:?}",
                    &para.text[at_byte..]
                );
                let s = para.sentence_at_byte(at_byte);
                let sentence = &para.sentences[s];
                assert!(sentence.start <= cue.start, "{name} {view}: cue {index}");
                if sentence.range.start == at_byte {
                    assert_eq!(sentence.start, cue.start, "{name} {view}: cue {index}");
                }
                let next = p.step(
                    super::paragraphs::SentenceId {
                        paragraph: at_p,
                        sentence: s,
                    },
                    true,
                );
                if let Some(next) = next.and_then(|id| p.sentence(id)) {
                    assert!(next.start >= cue.start, "{name} {view}: cue {index}");
                }
            }
        }
    }
}
