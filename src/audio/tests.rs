//! Tests of the MP3 index, sample-accurate seeking and gapless trimming on committed fixtures.
//!
//! Fixtures live in `tests/fixtures/audio` (regenerate with `generate.sh` there). The MP3s are
//! encoded from a 4 s, 44.1 kHz mono signal (176 400 samples) of low-level noise with tone
//! bursts starting abruptly at samples 66 150 and 136 710.

use std::path::PathBuf;
use std::time::Duration;

use super::mp3_index::{InfoTagKind, Mp3Index};
use super::source::{MediaSource, open_media};
use super::units::frames_to_duration;

/// Samples in the signal the MP3 fixtures were encoded from.
const SIGNAL_SAMPLES: u64 = 176_400;
/// Onsets of the tone bursts, in samples at 44.1 kHz.
const ONSETS_SAMPLES: [u64; 2] = [66_150, 136_710];
/// Audio frames (Xing/Info frame excluded) reported by `ffprobe -count_packets`.
const FFPROBE_FRAMES: usize = 155;

pub(crate) fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

fn index(name: &str) -> Mp3Index {
    index_path(&fixture(name))
}

fn index_path(path: &std::path::Path) -> Mp3Index {
    let mut file = std::fs::File::open(path).unwrap();
    Mp3Index::scan_file(&mut file, &mut |_| {}).unwrap()
}

fn decode_all(source: &mut MediaSource) -> Vec<f32> {
    let mut out = Vec::new();
    while source.read_frames(&mut out, 4096) > 0 {}
    out
}

/// First sample index (mono) at or after `from` whose magnitude exceeds `threshold`.
fn onset(samples: &[f32], from: usize, threshold: f32) -> Option<usize> {
    samples[from..]
        .iter()
        .position(|s| s.abs() > threshold)
        .map(|i| i + from)
}

#[test]
fn index_cbr_with_info_tag() {
    let idx = index("cbr.mp3");
    assert_eq!(idx.frame_offsets.len(), FFPROBE_FRAMES);
    assert_eq!(idx.info_tag, Some(InfoTagKind::Info));
    let lame = idx.lame.unwrap();
    assert_eq!(lame.encoder_delay_samples, 576);
    assert_eq!(idx.valid_samples(), SIGNAL_SAMPLES);
    assert!(!idx.variable_bitrate);
    assert_eq!(idx.description(), "MP3 44.1 kHz mono, CBR, LAME tag");
}

#[test]
fn index_vbr_with_xing_tag() {
    let idx = index("vbr.mp3");
    assert_eq!(idx.frame_offsets.len(), FFPROBE_FRAMES);
    assert_eq!(idx.info_tag, Some(InfoTagKind::Xing));
    assert!(idx.variable_bitrate);
    assert_eq!(idx.valid_samples(), SIGNAL_SAMPLES);
    assert_eq!(idx.duration(), Duration::from_secs(4));
}

#[test]
fn index_vbr_without_tag_is_exact() {
    let idx = index("vbr_notag.mp3");
    assert_eq!(idx.info_tag, None);
    assert_eq!(idx.lame, None);
    assert_eq!(idx.frame_offsets.len(), FFPROBE_FRAMES);
    // All frames counted (no estimate from the first frames' bitrate).
    assert_eq!(idx.decoded_samples(), FFPROBE_FRAMES as u64 * 1152);
    // LAME wrote its version string into unused frame bytes: its 576-sample encoder delay is
    // trimmed with the 529-sample decoder delay.
    assert!(idx.lame_marker);
    assert_eq!(
        idx.valid_samples(),
        FFPROBE_FRAMES as u64 * 1152 - 529 - 576
    );
    assert!(idx.description().contains("LAME delay assumed"));
}

/// `vbr_notag.mp3` with LAME's version strings overwritten (they sit in unused frame bytes,
/// so the audio is unchanged): an untagged file from an unknown encoder.
fn unknown_encoder_copy(dir: &std::path::Path) -> PathBuf {
    let mut bytes = std::fs::read(fixture("vbr_notag.mp3")).unwrap();
    for i in 0..bytes.len().saturating_sub(4) {
        if &bytes[i..i + 4] == b"LAME" {
            bytes[i..i + 4].copy_from_slice(b"XXXX");
        }
    }
    let path = dir.join("unknown_encoder.mp3");
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn index_without_tag_or_marker_trims_the_decoder_delay_only() {
    let dir = tempfile::tempdir().unwrap();
    let idx = index_path(&unknown_encoder_copy(dir.path()));
    assert!(!idx.lame_marker);
    assert_eq!(idx.valid_samples(), FFPROBE_FRAMES as u64 * 1152 - 529);
    assert!(idx.description().ends_with("no gapless tag"));
}

#[test]
fn index_mpeg2_lsf() {
    let idx = index("mpeg2.mp3");
    assert_eq!(idx.sample_rate_hz, 22_050);
    assert_eq!(idx.samples_per_frame, 576);
    assert_eq!(idx.frame_offsets.len(), 156);
    assert_eq!(idx.valid_samples(), SIGNAL_SAMPLES / 2);
}

#[test]
fn index_skips_id3v2_garbage_and_id3v1() {
    let original = std::fs::read(fixture("vbr.mp3")).unwrap();
    let mut data = Vec::new();
    // ID3v2.4 tag with a 300-byte body (syncsafe size), full of 0xFF to tempt false syncs.
    data.extend_from_slice(b"ID3\x04\x00\x00\x00\x00\x02\x2C");
    data.extend(std::iter::repeat_n(0xFFu8, 300));
    let reference = index("vbr.mp3");
    let cut = reference.frame_offsets[50] as usize;
    data.extend_from_slice(&original[..cut]);
    // Garbage between frames, including a fake sync word.
    data.extend_from_slice(&[0x00, 0xFF, 0xFB, 0x12, 0x34, 0xFF, 0xE0, 0x00, 0x55]);
    data.extend_from_slice(&original[cut..]);
    let mut v1 = b"TAG".to_vec();
    v1.resize(128, 0xFF);
    data.extend_from_slice(&v1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tagged.mp3");
    std::fs::write(&path, &data).unwrap();
    let idx = index_path(&path);
    assert_eq!(idx.frame_offsets.len(), FFPROBE_FRAMES);
    assert_eq!(idx.valid_samples(), SIGNAL_SAMPLES);
    assert_eq!(idx.garbage_bytes, 9);
}

/// An ID3v2 tag of `body_bytes` (version `major`, footer if `footer`), whose body is an APIC-like
/// frame of pseudo-random bytes full of MPEG sync patterns, like the cover art of a real file.
fn id3v2_tag(major: u8, body_bytes: usize, footer: bool) -> Vec<u8> {
    let syncsafe = |n: usize| {
        [
            ((n >> 21) & 0x7F) as u8,
            ((n >> 14) & 0x7F) as u8,
            ((n >> 7) & 0x7F) as u8,
            (n & 0x7F) as u8,
        ]
    };
    let flags = if footer { 0x10 } else { 0 };
    let mut tag = vec![b'I', b'D', b'3', major, 0, flags];
    tag.extend_from_slice(&syncsafe(body_bytes));
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..body_bytes {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        // Every 700th byte starts a valid-looking MPEG 1 Layer III header.
        let byte = match i % 700 {
            0 => 0xFF,
            1 => 0xFB,
            2 => 0x90,
            _ => state as u8,
        };
        tag.push(byte);
    }
    if footer {
        tag.extend_from_slice(&[b'3', b'D', b'I', major, 0, flags]);
        tag.extend_from_slice(&syncsafe(body_bytes));
    }
    tag
}

/// `vbr.mp3` behind `tags` (and followed by `tail`), written to `dir`.
fn tagged_copy(dir: &std::path::Path, tags: &[Vec<u8>], tail: &[u8]) -> PathBuf {
    let mut data: Vec<u8> = tags.concat();
    data.extend_from_slice(&std::fs::read(fixture("vbr.mp3")).unwrap());
    data.extend_from_slice(tail);
    let path = dir.join("tagged.mp3");
    std::fs::write(&path, &data).unwrap();
    path
}

/// The same frames (shifted by the tags), the LAME tag and the exact duration as the untagged
/// file, decoded to the same samples.
fn assert_same_as_untagged(path: &std::path::Path, tags_bytes: u64) {
    let reference = index("vbr.mp3");
    let idx = index_path(path);
    let shifted: Vec<u64> = reference
        .frame_offsets
        .iter()
        .map(|o| o + tags_bytes)
        .collect();
    assert_eq!(idx.frame_offsets, shifted);
    assert_eq!(idx.info_tag, Some(InfoTagKind::Xing));
    assert_eq!(idx.lame, reference.lame);
    assert!(idx.lame.is_some());
    assert_eq!(idx.garbage_bytes, 0);
    assert_eq!(idx.duration(), reference.duration());
    assert_eq!(idx.duration(), Duration::from_secs(4));
    let mut tagged = open_media(path, &mut |_| {}).unwrap();
    let mut plain = open_media(&fixture("vbr.mp3"), &mut |_| {}).unwrap();
    assert_eq!(tagged.duration, plain.duration);
    assert_eq!(tagged.description, plain.description);
    assert_eq!(
        decode_all(&mut tagged.source),
        decode_all(&mut plain.source)
    );
}

#[test]
fn index_skips_an_id3v2_tag_of_4_mib() {
    let dir = tempfile::tempdir().unwrap();
    let tag = id3v2_tag(3, 4 << 20, false);
    let path = tagged_copy(dir.path(), std::slice::from_ref(&tag), &[]);
    assert_same_as_untagged(&path, tag.len() as u64);
}

#[test]
fn index_skips_several_id3v2_tags_and_footers() {
    let dir = tempfile::tempdir().unwrap();
    // A 2.4 tag with a footer, a 2.3 tag whose (meaningless) footer bit must be ignored, and a
    // 2.4 tag without footer; then a 2.4 tag with footer appended at the end.
    let mut v23 = id3v2_tag(3, 1500, false);
    v23[5] = 0x10;
    let tags = vec![id3v2_tag(4, 3 << 20, true), v23, id3v2_tag(4, 700, false)];
    let bytes: u64 = tags.iter().map(|t| t.len() as u64).sum();
    let path = tagged_copy(dir.path(), &tags, &id3v2_tag(4, 5000, true));
    assert_same_as_untagged(&path, bytes);
}

#[test]
fn not_an_mp3_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("noise.mp3");
    std::fs::write(&path, vec![0x41u8; 10_000]).unwrap();
    let mut file = std::fs::File::open(&path).unwrap();
    assert!(Mp3Index::scan_file(&mut file, &mut |_| {}).is_err());
    assert!(open_media(&path, &mut |_| {}).is_err());
}

/// Full decode length, onset alignment (gapless trim) and seek-vs-full-decode equality.
fn check_mp3(name: &str, expected_onset_error_samples: i64) {
    check_mp3_at(&fixture(name), expected_onset_error_samples);
}

fn check_mp3_at(path: &std::path::Path, expected_onset_error_samples: i64) {
    let name = path.file_name().unwrap().to_string_lossy();
    let mut opened = open_media(path, &mut |_| {}).unwrap();
    let full = decode_all(&mut opened.source);
    let rate = opened.source.sample_rate_hz();
    assert_eq!(
        full.len() as u64,
        opened.source.total_frames(),
        "{name}: decoded length"
    );
    assert_eq!(opened.duration, frames_to_duration(full.len() as u64, rate));

    for &onset_samples in &ONSETS_SAMPLES {
        let from = onset_samples as usize - 2000;
        let found = onset(&full, from, 0.25).unwrap();
        let error = found as i64 - onset_samples as i64;
        eprintln!(
            "{name}: full decode onset error {error} samples ({:.2} ms)",
            error as f64 * 1000.0 / f64::from(rate)
        );
        assert!(
            (error - expected_onset_error_samples).abs() <= 8,
            "{name}: onset at {found}, expected {onset_samples} + {expected_onset_error_samples}"
        );

        // Seek to a point before the onset and find it again.
        let seek_to = onset_samples - 1234;
        opened.source.seek_to_frame(seek_to).unwrap();
        assert_eq!(opened.source.position_frames(), seek_to);
        let mut after = Vec::new();
        opened.source.read_frames(&mut after, 4096);
        let found_after = onset(&after, 0, 0.25).unwrap() as u64 + seek_to;
        let seek_error = found_after as i64 - onset_samples as i64;
        eprintln!(
            "{name}: onset after seek error {seek_error} samples ({:.2} ms)",
            seek_error as f64 * 1000.0 / f64::from(rate)
        );
        assert_eq!(
            found_after as usize, found,
            "{name}: seek changed the onset"
        );
    }

    // Seek-vs-full comparison at many targets (frame boundaries, odd offsets, start, end).
    let total = full.len() as u64;
    let mut max_diff = 0.0f32;
    for target in [
        0,
        1,
        575,
        576,
        1151,
        1152,
        1153,
        12_345,
        66_149,
        100_000,
        total - 3000,
        total - 1,
    ] {
        opened.source.seek_to_frame(target).unwrap();
        let mut got = Vec::new();
        opened.source.read_frames(&mut got, 2048);
        let want = &full[target as usize..(target as usize + 2048).min(full.len())];
        assert_eq!(
            got.len(),
            want.len(),
            "{name}: length after seek to {target}"
        );
        for (a, b) in got.iter().zip(want) {
            max_diff = max_diff.max((a - b).abs());
        }
    }
    eprintln!("{name}: max |seeked - full| = {max_diff:e}");
    assert!(max_diff < 1e-4, "{name}: seek output differs by {max_diff}");
}

#[test]
fn mp3_cbr_gapless_and_seek() {
    check_mp3("cbr.mp3", 0);
}

#[test]
fn mp3_vbr_gapless_and_seek() {
    check_mp3("vbr.mp3", 0);
}

#[test]
fn mp3_untagged_lame_file_is_trimmed_by_its_marker() {
    check_mp3("vbr_notag.mp3", 0);
}

#[test]
fn mp3_untagged_unknown_encoder_keeps_encoder_delay() {
    // Without a tag or a LAME marker only the 529-sample decoder delay is removed; the
    // encoder's delay (here LAME's 576 samples) remains: 13.1 ms late at 44.1 kHz.
    let dir = tempfile::tempdir().unwrap();
    check_mp3_at(&unknown_encoder_copy(dir.path()), 576);
}

#[test]
fn other_formats_have_exact_duration_and_seek() {
    // small.wav is 1 s of 16 kHz mono with a burst at 0.5 s; Opus decodes it at 48 kHz.
    for (name, rate) in [
        ("small.flac", 16_000),
        ("small.wav", 16_000),
        ("small.ogg", 16_000),
        ("small.m4a", 16_000),
        ("small.opus", 48_000),
    ] {
        let mut opened = open_media(&fixture(name), &mut |_| {}).unwrap();
        // All are mono; for M4A the channel count comes from the MP4 sample entry.
        assert_eq!(opened.source.channel_count(), 1, "{name}");
        assert_eq!(opened.source.sample_rate_hz(), rate, "{name}");
        assert_eq!(opened.duration, Duration::from_secs(1), "{name}");
        let full = decode_all(&mut opened.source);
        eprintln!(
            "{name}: {} duration {:?}, decoded {} frames",
            opened.description,
            opened.duration,
            full.len()
        );
        assert_eq!(full.len() as u64, opened.source.total_frames(), "{name}");
        let burst = rate as i64 / 2;
        let found = onset(&full, 0, 0.25).unwrap();
        let error = found as i64 - burst;
        eprintln!(
            "{name}: onset error {error} samples ({:.2} ms)",
            error as f64 * 1000.0 / f64::from(rate)
        );
        // Within 0.2 ms (the lossy codecs smear the burst's first samples).
        assert!(
            error.abs() * 5000 <= i64::from(rate),
            "{name}: onset error {error}"
        );
        let seek_to = burst as u64 - rate as u64 / 16;
        opened.source.seek_to_frame(seek_to).unwrap();
        let mut after = Vec::new();
        opened.source.read_frames(&mut after, rate as usize / 4);
        let found_after = onset(&after, 0, 0.25).unwrap() + seek_to as usize;
        eprintln!("{name}: onset after seek {found_after} (full decode {found})");
        assert!((found_after as i64 - found as i64).abs() <= 1, "{name}");
    }
}

mod player {
    use std::time::{Duration, Instant};

    use super::super::{Player, PlayerEvent};
    use super::fixture;

    /// Polls until `pred` accepts an event or `timeout` passes; returns all events seen.
    fn poll_until(
        player: &mut Player,
        timeout: Duration,
        pred: impl Fn(&PlayerEvent) -> bool,
    ) -> Vec<PlayerEvent> {
        let deadline = Instant::now() + timeout;
        let mut seen = Vec::new();
        while Instant::now() < deadline {
            let events = player.poll();
            let done = events.iter().any(&pred);
            seen.extend(events);
            if done {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        panic!("timed out; events: {seen:?}");
    }

    #[test]
    fn silent_clock_without_file() {
        let mut player = Player::silent("test");
        assert!(!player.is_loaded());
        assert_eq!(player.duration(), None);
        assert_eq!(player.heard_position(), Duration::ZERO);
        let target = Duration::new(12, 345_678_901);
        player.seek(target);
        assert_eq!(player.heard_position(), target);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(
            player.heard_position(),
            target,
            "paused clock must not move"
        );
        player.set_speed(2.0);
        player.play();
        std::thread::sleep(Duration::from_millis(100));
        let moved = player.heard_position() - target;
        assert!(
            moved >= Duration::from_millis(190) && moved < Duration::from_millis(400),
            "{moved:?}"
        );
        player.pause();
        let paused_at = player.heard_position();
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(player.heard_position(), paused_at);
        player.close();
        assert_eq!(player.heard_position(), Duration::ZERO);
    }

    #[test]
    fn open_indexes_without_device_and_ends_once() {
        let mut player = Player::silent("test");
        let request = player.open(&fixture("vbr_notag.mp3"));
        let events = poll_until(&mut player, Duration::from_secs(10), |e| {
            matches!(e, PlayerEvent::Loaded { .. })
        });
        let Some(PlayerEvent::Loaded {
            request: r,
            duration,
            description,
        }) = events
            .iter()
            .find(|e| matches!(e, PlayerEvent::Loaded { .. }))
            .cloned()
        else {
            unreachable!()
        };
        assert_eq!(r, request);
        assert_eq!(
            duration,
            super::frames_to_duration(155 * 1152 - 529 - 576, 44_100)
        );
        assert_eq!(
            description,
            "MP3 44.1 kHz mono, VBR, no gapless tag, LAME delay assumed"
        );
        assert!(player.is_loaded());
        assert_eq!(player.duration(), Some(duration));

        // Seek close to the end and play at 3x: EndOfTrack once, paused at the end.
        player.seek(duration - Duration::from_millis(150));
        player.set_speed(3.0);
        player.play();
        poll_until(&mut player, Duration::from_secs(2), |e| {
            *e == PlayerEvent::EndOfTrack
        });
        assert!(!player.is_playing());
        assert_eq!(player.heard_position(), duration);
        std::thread::sleep(Duration::from_millis(30));
        assert!(player.poll().is_empty());
        // Seeking past the end clamps to the duration.
        player.seek(duration + Duration::from_secs(5));
        assert_eq!(player.heard_position(), duration);
    }

    #[test]
    fn superseded_open_is_dropped_and_failures_reported() {
        let mut player = Player::silent("test");
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.ogg");
        std::fs::write(&broken, b"OggS but not really an Ogg stream").unwrap();
        let first = player.open(&fixture("cbr.mp3"));
        let second = player.open(&broken);
        assert_ne!(first, second);
        let events = poll_until(&mut player, Duration::from_secs(10), |e| {
            matches!(e, PlayerEvent::Failed { .. })
        });
        for event in &events {
            match event {
                PlayerEvent::IndexProgress { request, .. }
                | PlayerEvent::Loaded { request, .. } => {
                    assert_eq!(
                        *request, second,
                        "late result of request {first} leaked: {event:?}"
                    )
                }
                PlayerEvent::Failed { request, error } => {
                    assert_eq!(*request, second);
                    assert!(error.contains("unrecognised audio format"), "{error}");
                }
                PlayerEvent::EndOfTrack => panic!("unexpected end"),
            }
        }
        assert!(!player.is_loaded());
        // Give the first request time to finish; its result must not load.
        std::thread::sleep(Duration::from_millis(200));
        let late = player.poll();
        assert!(late.is_empty(), "unexpected {late:?}");
        assert!(!player.is_loaded());
        let missing = player.open(std::path::Path::new("/nonexistent/file.mp3"));
        let events = poll_until(&mut player, Duration::from_secs(5), |e| {
            matches!(e, PlayerEvent::Failed { .. })
        });
        assert!(
            events
                .iter()
                .any(|e| matches!(e, PlayerEvent::Failed { request, .. } if *request == missing))
        );
    }

    #[test]
    fn nothing_blocks() {
        // Every call must return quickly even while a file is being opened and with no device.
        let mut player = Player::silent("test");
        let started = Instant::now();
        player.open(&fixture("vbr.mp3"));
        for i in 0..200 {
            player.seek(Duration::from_millis(i * 10));
            player.play();
            let _ = player.heard_position();
            let _ = player.poll();
            player.set_speed(0.5 + (i % 5) as f32 * 0.5);
            player.set_volume(0.5);
            player.pause();
        }
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{:?}",
            started.elapsed()
        );
    }
}

/// Documents (and pins) what symphonia 0.5's own MP3 reader does, which is why MP3s go
/// through our index: gapless trimming works only with a LAME tag, and without a Xing header
/// the duration is an estimate at which decoding stops.
#[test]
fn symphonia_mp3_reader_behaviour() {
    use symphonia::core::audio::SampleBuffer;
    use symphonia::core::codecs::DecoderOptions;
    use symphonia::core::formats::FormatOptions;
    use symphonia::core::io::MediaSourceStream;
    use symphonia::core::meta::MetadataOptions;
    use symphonia::core::probe::Hint;

    fn run(name: &str, gapless: bool) -> (Option<u64>, u64) {
        let file = std::fs::File::open(fixture(name)).unwrap();
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let opts = FormatOptions {
            enable_gapless: gapless,
            ..Default::default()
        };
        let mut probed = symphonia::default::get_probe()
            .format(&Hint::new(), mss, &opts, &MetadataOptions::default())
            .unwrap();
        let params = probed.format.default_track().unwrap().codec_params.clone();
        let mut decoder = symphonia::default::get_codecs()
            .make(&params, &DecoderOptions::default())
            .unwrap();
        let mut frames = 0u64;
        while let Ok(packet) = probed.format.next_packet() {
            let decoded = decoder.decode(&packet).unwrap();
            let mut buf = SampleBuffer::<f32>::new(decoded.capacity() as u64, *decoded.spec());
            buf.copy_interleaved_ref(decoded);
            frames += (buf.samples().len() / params.channels.unwrap().count()) as u64;
        }
        (params.n_frames, frames)
    }
    let tagged_gapless = run("vbr.mp3", true);
    let tagged_plain = run("vbr.mp3", false);
    let untagged = run("vbr_notag.mp3", true);
    eprintln!(
        "symphonia vbr.mp3 gapless: n_frames {:?}, decoded {}",
        tagged_gapless.0, tagged_gapless.1
    );
    eprintln!(
        "symphonia vbr.mp3 no gapless: n_frames {:?}, decoded {}",
        tagged_plain.0, tagged_plain.1
    );
    eprintln!(
        "symphonia vbr_notag.mp3: n_frames {:?}, decoded {}",
        untagged.0, untagged.1
    );
    // With a LAME tag and enable_gapless symphonia trims delay + 529 and padding exactly.
    assert_eq!(tagged_gapless, (Some(SIGNAL_SAMPLES), SIGNAL_SAMPLES));
    // Without gapless it decodes every frame (Info frame excluded) untrimmed.
    assert_eq!(tagged_plain.1, FFPROBE_FRAMES as u64 * 1152);
    // Without a tag: the length is estimated from the first frames' bitrate (154 368 of the
    // real 178 560 samples here), and the reader stops delivering packets at that estimate:
    // the tail of the file is lost. No decoder-delay trimming either.
    let real = FFPROBE_FRAMES as u64 * 1152;
    assert!(untagged.0.is_some_and(|n| n != real), "{untagged:?}");
    assert!(untagged.1 < real, "{untagged:?}");
}

/// Index speed on a long file: `READALONG_LONG_MP3=/path/long.mp3 cargo test --release
/// index_long_file -- --ignored --nocapture`.
#[test]
#[ignore = "needs a long MP3 named by READALONG_LONG_MP3"]
fn index_long_file() {
    let path = PathBuf::from(std::env::var_os("READALONG_LONG_MP3").unwrap());
    let started = std::time::Instant::now();
    let idx = index_path(&path);
    let elapsed = started.elapsed();
    let bytes = std::fs::metadata(&path).unwrap().len();
    eprintln!(
        "indexed {} frames ({:.1} MB, {:?}, {}) in {elapsed:?}",
        idx.frame_offsets.len(),
        bytes as f64 / 1e6,
        idx.duration(),
        idx.description()
    );
    assert!(elapsed < Duration::from_secs(1));
}

mod errors {
    use std::path::Path;
    use std::sync::mpsc;
    use std::time::Duration;

    use super::super::error::AudioError;
    use super::super::{Player, PlayerEvent};
    use super::{fixture, open_media};

    /// The message `open_media` fails with, from a thread so that a hang fails the test.
    fn message(path: &Path) -> String {
        let (tx, rx) = mpsc::channel();
        let owned = path.to_path_buf();
        std::thread::spawn(move || {
            let _ = tx.send(open_media(&owned, &mut |_| {}).err().map(|e| e.to_string()));
        });
        let message = rx
            .recv_timeout(Duration::from_secs(5))
            .expect("opening must not hang")
            .expect("opening must fail");
        assert!(!message.contains("os error"), "{message}");
        message
    }

    #[test]
    fn each_failure_says_what_is_wrong_in_words() {
        let dir = tempfile::tempdir().unwrap();
        let at = |name: &str| dir.path().join(name);
        std::fs::write(at("cover.mp3"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10").unwrap();
        std::fs::write(at("notes.mp3"), b"these are my notes about the episode\n").unwrap();
        std::fs::write(at("empty.mp3"), b"").unwrap();
        std::fs::write(at("doc.m4a"), b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n").unwrap();
        std::fs::create_dir(at("folder.mp3")).unwrap();
        let cases: &[(&str, &str)] = &[
            ("missing.mp3", "not found"),
            ("cover.mp3", "not audio (it looks like a PNG image)"),
            ("doc.m4a", "not audio (it looks like a PDF document)"),
            ("notes.mp3", "unrecognised audio format"),
            ("empty.mp3", "unrecognised audio format"),
            ("folder.mp3", "not a regular file (it is a folder)"),
        ];
        for (name, want) in cases {
            let path = at(name);
            assert_eq!(
                message(&path),
                format!("{}: {want}", path.display()),
                "{name}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_or_a_device_fails_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("episode.mp3");
        let c_path = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: mkfifo reads a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        let want = format!(
            "{}: not a regular file (it is a named pipe (FIFO))",
            fifo.display()
        );
        assert_eq!(message(&fifo), want);
        let zero = dir.path().join("zero.mp3");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(message(&zero).ends_with("not a regular file (it is a device)"));

        // The player reports it as a failed open, with the same words.
        let mut player = Player::silent("test");
        let request = player.open(&fifo);
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let events = player.poll();
            if let Some(PlayerEvent::Failed { request: r, error }) = events
                .into_iter()
                .find(|e| matches!(e, PlayerEvent::Failed { .. }))
            {
                assert_eq!(r, request);
                assert_eq!(error, want);
                break;
            }
            assert!(std::time::Instant::now() < deadline, "no Failed event");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[cfg(unix)]
    #[test]
    fn an_unreadable_file_says_permission_denied() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("locked.mp3");
        std::fs::copy(fixture("cbr.mp3"), &path).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        let want = format!("{}: cannot be read (permission denied)", path.display());
        if std::fs::read(&path).is_err() {
            assert_eq!(message(&path), want);
        }
        // As root permissions do not apply; the words are the same either way.
        let denied = std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        assert_eq!(AudioError::io(&path, &denied).to_string(), want);
    }

    #[test]
    fn device_errors_are_in_words() {
        let cases = [
            (AudioError::NoDevice, "no audio output device"),
            (
                AudioError::DeviceTimeout(Duration::from_secs(2)),
                "opening the audio device took longer than 2 s",
            ),
            (
                AudioError::thread(
                    "audio-decode",
                    &std::io::Error::from(std::io::ErrorKind::OutOfMemory),
                ),
                "could not start the audio-decode thread (out of memory)",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), want);
        }
    }
}

/// What playing through a rodio `Source` would cost against our engine, per output callback:
/// `cargo test --release --lib rodio_source_against_engine -- --ignored --nocapture`.
///
/// Both turn 60 s of 44.1 kHz mono into 48 kHz stereo in 240-frame callbacks (what cpal asks
/// for on the fake card). The rodio path is what its stream callback runs for one source:
/// mixer, then `UniformSourceIterator` (channels and rate), then `amplify` for the volume,
/// pulled one sample at a time; its `Player` would add pausing, speed and a 5 ms periodic
/// access that locks its controls' mutexes in the callback.
#[test]
#[ignore = "a measurement; run in release"]
fn rodio_source_against_engine() {
    use std::num::NonZero;
    use std::time::Instant;

    use rodio::Source;

    struct Samples {
        samples: Vec<f32>,
        pos: usize,
    }
    impl Iterator for Samples {
        type Item = f32;
        fn next(&mut self) -> Option<f32> {
            let sample = self.samples.get(self.pos).copied();
            self.pos += 1;
            sample
        }
    }
    impl rodio::Source for Samples {
        fn current_span_len(&self) -> Option<usize> {
            None
        }
        fn channels(&self) -> rodio::ChannelCount {
            NonZero::<u16>::MIN
        }
        fn sample_rate(&self) -> rodio::SampleRate {
            NonZero::new(44_100).unwrap()
        }
        fn total_duration(&self) -> Option<Duration> {
            None
        }
    }

    let mut opened = open_media(&fixture("cbr.mp3"), &mut |_| {}).unwrap();
    let four_secs = decode_all(&mut opened.source);
    let signal: Vec<f32> = four_secs
        .iter()
        .copied()
        .cycle()
        .take(60 * 44_100)
        .collect();
    const CALLBACK_SAMPLES: usize = 480;

    let engine_nanos = super::output::measure_engine(&signal, 44_100, CALLBACK_SAMPLES);

    let (mixer, mut mixed) =
        rodio::mixer::mixer(NonZero::new(2).unwrap(), NonZero::new(48_000).unwrap());
    let uniform = rodio::source::UniformSourceIterator::new(
        Samples {
            samples: signal.clone(),
            pos: 0,
        },
        NonZero::new(2).unwrap(),
        NonZero::new(48_000).unwrap(),
    );
    mixer.add(uniform.amplify(1.0));
    let mut out = vec![0.0f32; CALLBACK_SAMPLES];
    let started = Instant::now();
    let mut callbacks = 0u64;
    let mut produced = 0usize;
    loop {
        let mut any = false;
        for sample in out.iter_mut() {
            *sample = match mixed.next() {
                Some(s) => {
                    any = true;
                    produced += 1;
                    s
                }
                None => 0.0,
            };
        }
        if !any {
            break;
        }
        callbacks += 1;
    }
    let rodio_nanos = started.elapsed().as_nanos() as f64 / callbacks as f64;
    eprintln!(
        "per 240-frame callback (5 ms): engine {:.1} us, rodio source chain {:.1} us ({produced} samples)",
        engine_nanos / 1000.0,
        rodio_nanos / 1000.0
    );
}
