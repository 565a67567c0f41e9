//! Benchmarks `transcript::parse` on the real sample transcripts in `../shared/samples`.

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use readalong::transcript::parse;

/// The sample files (name, bytes), or none when the folder is missing.
fn samples() -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/samples");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "no samples at {}: skipping the parse benchmarks",
            dir.display()
        );
        return Vec::new();
    };
    let mut files: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "vtt"))
        .filter_map(|p| {
            let name = p.file_name()?.to_string_lossy().into_owned();
            Some((name, std::fs::read(&p).ok()?))
        })
        .collect();
    files.sort();
    files
}

fn bench(c: &mut Criterion) {
    let files = samples();
    if files.is_empty() {
        return;
    }
    let mut each = c.benchmark_group("parse");
    for (name, bytes) in &files {
        each.throughput(Throughput::Bytes(bytes.len() as u64));
        each.bench_function(name.as_str(), |b| b.iter(|| parse(black_box(bytes))));
    }
    each.finish();

    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut all = c.benchmark_group("parse_all");
    all.throughput(Throughput::Bytes(total as u64));
    all.bench_function("all samples", |b| {
        b.iter(|| {
            for (_, bytes) in &files {
                let _ = black_box(parse(black_box(bytes)));
            }
        })
    });
    all.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
