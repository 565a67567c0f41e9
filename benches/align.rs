//! Benchmarks the aligner of "Suggest sync points" (after decoding) on a one-hour episode: 800
//! lines (59 minutes of transcript) and 3 ads, 5 or 20 minutes of extra audio in all.

#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use readalong::transcript::align::{self, CueSpan};

/// Speech flags (10 ms frames) and cue times: `cues` lines of 2-5.5 s with 0.25-1.2 s pauses,
/// and `ads` blocks of `ad_frames` inserted in the pauses before evenly spread lines.
fn episode(cues: usize, ads: usize, ad_frames: usize) -> (Vec<bool>, Vec<CueSpan>) {
    let mut flags = Vec::new();
    let mut spans = Vec::new();
    let mut shift = 0;
    flags.extend(std::iter::repeat_n(false, 100));
    for i in 0..cues {
        if ads > 0 && i % (cues / ads) == cues / ads / 2 {
            for k in 0..ad_frames {
                flags.push(k % 170 > 20);
            }
            shift += ad_frames;
        }
        let speech = 200 + (i * 97) % 350;
        let pause = 25 + (i * 31) % 95;
        let start = flags.len() - shift;
        for k in 0..speech {
            flags.push(!(speech / 2..speech / 2 + 15).contains(&k));
        }
        spans.push(CueSpan {
            start: Duration::from_millis(start as u64 * 10),
            end: Duration::from_millis((flags.len() - shift) as u64 * 10),
        });
        flags.extend(std::iter::repeat_n(false, pause));
    }
    (flags, spans)
}

fn align_hour(c: &mut Criterion) {
    // `cargo test --all-targets` runs this once, unoptimized: a tenth of the lines (and a tenth
    // of the ads) is enough to see that it still works.
    let (lines, scale) = if std::env::args().any(|a| a == "--bench") {
        (800, 1)
    } else {
        (80, 10)
    };
    let mut group = c.benchmark_group("align_one_hour_800_lines");
    group.sample_size(10);
    for (name, ad_frames) in [("5_min_of_ads", 10_000), ("20_min_of_ads", 40_000)] {
        let (flags, cues) = episode(lines, 3, ad_frames / scale);
        let found = align::align(&flags, &cues).expect("aligns");
        assert_eq!(found.blocks.len(), 3, "{name}: {:?}", found.blocks);
        println!(
            "{name}: {:.1} min of audio, {} lines",
            flags.len() as f64 / 6000.0,
            cues.len()
        );
        group.bench_function(name, |b| {
            b.iter(|| black_box(align::align(&flags, &cues).map(|a| a.blocks.len())))
        });
    }
    group.finish();
}

criterion_group!(benches, align_hour);
criterion_main!(benches);
