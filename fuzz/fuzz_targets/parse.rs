//! Fuzz target: `parse` must never panic, and what it returns must export and search cleanly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use readalong::transcript::{export, parse, parse_with_hint, search};

fuzz_target!(|data: &[u8]| {
    let hint = match data.first().map(|b| b % 4) {
        Some(0) => Some("vtt"),
        Some(1) => Some("srt"),
        _ => None,
    };
    for result in [parse(data), parse_with_hint(data, hint)] {
        if let Ok(t) = result {
            let _ = export::to_json(&t);
            let _ = export::to_srt(&t);
            let _ = parse(export::to_vtt(&t).as_bytes());
            let _ = export::to_txt(&t);
            if let Some(c) = t.cues.first() {
                let query: String = c.text.chars().take(3).collect();
                for m in search::find(&t, &query) {
                    assert!(t.cues[m.cue].text.get(m.range).is_some());
                }
            }
        }
    }
});
