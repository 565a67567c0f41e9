//! Counts the rows that start mid-sentence, as published and in the paragraph view, for the transcripts named.
//!
//! `cargo run --release --example paragraph_stats -- /work/shared/samples/*.vtt /work/shared/samples/*.txt`
//!
//! A row starts mid-sentence when the row before it does not end a sentence (its text, without closing quotes or
//! brackets, does not end in `.`, `?`, `!` or `…`). The first row never does.

use std::time::Duration;

use readalong::transcript::{self, paragraphs::Paragraphs};

fn ends_sentence(text: &str) -> bool {
    let text = text
        .trim_end()
        .trim_end_matches(['"', '\'', ')', ']', '”', '’', '*']);
    text.ends_with(['.', '?', '!', '…'])
}

/// Rows, rows starting mid-sentence (and how many of those start a speaker's turn), and the longest row in
/// seconds.
fn count(p: &Paragraphs) -> (usize, usize, usize, f64) {
    let mid: Vec<bool> = p
        .paragraphs
        .windows(2)
        .filter(|w| !ends_sentence(&w[0].text))
        .map(|w| w[1].turn)
        .collect();
    let at_turns = mid.iter().filter(|&&turn| turn).count();
    let longest_secs = p
        .paragraphs
        .windows(2)
        .map(|w| w[1].start().saturating_sub(w[0].start()))
        .max()
        .unwrap_or(Duration::ZERO)
        .as_secs_f64();
    (p.len(), mid.len(), at_turns, longest_secs)
}

fn main() {
    println!(
        "| file | rows as published | mid-sentence (at a turn) | paragraphs | sentences | mid-sentence (at a turn) | longest paragraph |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    let mut totals = [0usize; 4];
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let ext = path.rsplit_once('.').map(|(_, e)| e);
        let t = match transcript::parse_with_hint(&bytes, ext) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let (rows, rows_mid, rows_turns, _) = count(&Paragraphs::as_published(&t));
        let built = Paragraphs::build(&t);
        let (paras, paras_mid, paras_turns, longest_secs) = count(&built);
        let sentences: usize = built.paragraphs.iter().map(|p| p.sentences.len()).sum();
        let name = path.rsplit('/').next().unwrap_or(&path);
        println!(
            "| {name} | {rows} | {rows_mid} ({:.0} %) ({rows_turns}) | {paras} | {sentences} | {paras_mid} ({:.0} %) ({paras_turns}) | {longest_secs:.0} s |",
            100.0 * rows_mid as f64 / rows.max(1) as f64,
            100.0 * paras_mid as f64 / paras.max(1) as f64,
        );
        for (total, n) in totals.iter_mut().zip([rows, rows_mid, paras, paras_mid]) {
            *total += n;
        }
    }
    let [rows, rows_mid, paras, paras_mid] = totals;
    println!("| all | {rows} | {rows_mid} | {paras} | | {paras_mid} | |");
}
