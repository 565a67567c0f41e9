//! Benchmarks the speech time stretch: CPU per second of 44.1 kHz stereo audio at each speed.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use readalong::audio::stretch::TimeStretch;

const RATE_HZ: u32 = 44_100;

/// Ten seconds of a voice-like signal: a harmonic tone whose pitch glides (100-200 Hz),
/// interleaved stereo.
fn voice_like(seconds: usize) -> Vec<f32> {
    let frames = seconds * RATE_HZ as usize;
    let mut phase = 0.0f64;
    let mut out = Vec::with_capacity(2 * frames);
    for n in 0..frames {
        let t = n as f64 / f64::from(RATE_HZ);
        let pitch_hz = 150.0 + 50.0 * (t * 1.3).sin();
        phase += std::f64::consts::TAU * pitch_hz / f64::from(RATE_HZ);
        let sample = (1..=6)
            .map(|h| (phase * f64::from(h)).sin() / f64::from(h))
            .sum::<f64>() as f32
            * 0.3;
        out.extend_from_slice(&[sample, sample]);
    }
    out
}

fn stretch(c: &mut Criterion) {
    let seconds = 10;
    let input = voice_like(seconds);
    let mut group = c.benchmark_group("stretch_10s_stereo");
    group.sample_size(10);
    group.throughput(Throughput::Elements(seconds as u64));
    for speed in [0.5, 1.5, 2.0, 3.0] {
        group.bench_function(format!("{speed}x"), |b| {
            b.iter(|| {
                let mut stretch = TimeStretch::new(RATE_HZ, speed);
                let mut out = Vec::with_capacity(input.len() * 2);
                for block in input.chunks(2 * 1024) {
                    stretch.push(block, 2);
                    while stretch.process_hop(&mut out) > 0 {}
                }
                stretch.finish_input();
                while stretch.process_hop(&mut out) > 0 {}
                black_box(out.len())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, stretch);
criterion_main!(benches);
