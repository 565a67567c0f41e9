//! Times building the paragraph view and the lines as published for one transcript (what the window does when a
//! transcript opens or the view is switched).
//!
//! `python3 scripts/make-big-vtt.py /tmp/big.vtt && cargo run --release --example paragraph_build_time -- /tmp/big.vtt`

use std::time::Instant;

use readalong::transcript::{self, paragraphs::Paragraphs};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        let Ok(t) = transcript::parse_with_hint(&bytes, path.rsplit_once('.').map(|(_, e)| e))
        else {
            eprintln!("{path}: cannot parse");
            continue;
        };
        let started = Instant::now();
        let built = Paragraphs::build(&t);
        let build_ms = started.elapsed().as_secs_f64() * 1000.0;
        let started = Instant::now();
        let published = Paragraphs::as_published(&t);
        let published_ms = started.elapsed().as_secs_f64() * 1000.0;
        println!(
            "{path}: {} cues; paragraphs: {} in {build_ms:.0} ms; as published: {} in {published_ms:.0} ms",
            t.cues.len(),
            built.len(),
            published.len()
        );
    }
}
