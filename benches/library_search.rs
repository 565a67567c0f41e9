//! Benchmarks a search across a library of 509 and 5,000 episodes of about 900 lines each
//! (synthesized text), the work done on every keystroke in the library's search box.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use readalong::library::{EpisodeText, Query, search};

const WORDS: &[&str] = &[
    "python",
    "django",
    "flask",
    "async",
    "typing",
    "packaging",
    "build",
    "temporal",
    "durable",
    "execution",
    "data",
    "science",
    "rust",
    "tooling",
    "testing",
    "web",
    "database",
    "cloud",
    "deploy",
    "memory",
    "profiling",
    "the",
    "and",
    "of",
    "to",
    "we",
    "it's",
    "café",
    "don’t",
];

/// An episode of 900 lines of 6-16 words, from a small deterministic generator.
fn episode(seed: u64) -> EpisodeText {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut next = |n: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) as usize) % n
    };
    let lines: Vec<(Duration, String)> = (0..900u64)
        .map(|i| {
            let words: Vec<&str> = (0..6 + next(11))
                .map(|_| WORDS[next(WORDS.len())])
                .collect();
            (Duration::from_secs(i * 4), words.join(" "))
        })
        .collect();
    EpisodeText::from_lines(PathBuf::from(format!("{seed}.vtt")), &lines)
}

fn bench(c: &mut Criterion) {
    for count in [509u64, 5000] {
        let texts: Vec<EpisodeText> = (0..count).map(episode).collect();
        let indexed: Vec<(usize, &EpisodeText)> = texts.iter().enumerate().collect();
        let mut group = c.benchmark_group(format!("library_search_{count}_episodes"));
        group.sample_size(10);
        for query in [
            "zeppelin",
            "durable execution",
            "\"durable execution\"",
            "dont cafe",
            "the",
        ] {
            let parsed = Query::parse(query);
            group.bench_function(query, |b| {
                b.iter(|| search::search(black_box(&indexed), &parsed, &|| false))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
