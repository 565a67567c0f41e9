#!/usr/bin/env python3
"""Detect tone onsets in an audio capture (for Readalong end-to-end sync tests).

An onset is the first sample whose absolute value (max over channels) exceeds
--threshold after at least --min-silence seconds in which every sample stayed
at or below --silence-threshold (near-silence, default -54 dBFS); samples
between the two levels in between (fade-in, MP3 pre-echo) are allowed. Times are
sample_index / rate, in seconds from the start of the capture, so the
resolution is one sample (22.7 us at 44.1 kHz).

Input is a WAV file (PCM 8/16/24/32-bit or 32-bit float, incl.
WAVE_FORMAT_EXTENSIBLE; format read from the header) or raw interleaved
little-endian samples described by --format/--rate/--channels. Standard
library only (Python 3.8+), so CI needs nothing extra.

Output (stdout) is JSON:
  {"path", "rate", "channels", "frames", "duration", "threshold", ...,
   "onsets": [seconds, ...],
   "details": [{"time", "sample", "peak", "freq_hz"}, ...],
   "comparison": {...}}          # only with --expect

With --expect FILE (a cues.json from make-sync-episode.sh, or a bare JSON list
of seconds) every expected start is matched with the nearest onset; a table is
printed to stderr and the exit status is 1 unless every expected start has an
onset within --tolerance and there are no extra onsets. --offset is added to
the expected times first (e.g. a known output latency).

Examples:
  scripts/onset.py out/truth.wav --expect out/cues.json
  scripts/onset.py capture.raw --format f32le --rate 48000 --channels 2
"""

import argparse
import array
import json
import math
import struct
import sys

WAVE_FORMAT_PCM = 0x0001
WAVE_FORMAT_IEEE_FLOAT = 0x0003
WAVE_FORMAT_EXTENSIBLE = 0xFFFE


def read_wav(path):
    """Return (samples, full_scale, rate, channels); see decode()."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 12 or data[0:4] not in (b"RIFF", b"RF64") or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a RIFF/WAVE file")
    pos = 12
    fmt = None
    payload = None
    while pos + 8 <= len(data):
        cid = data[pos:pos + 4]
        size = struct.unpack_from("<I", data, pos + 4)[0]
        body = pos + 8
        if cid == b"fmt ":
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", data, body)
            if tag == WAVE_FORMAT_EXTENSIBLE and size >= 40:
                tag = struct.unpack_from("<H", data, body + 24)[0]  # SubFormat GUID's first 2 bytes
            fmt = (tag, channels, rate, bits)
        elif cid == b"data":
            if size == 0xFFFFFFFF or body + size > len(data):  # streaming / RF64 / truncated
                size = len(data) - body
            payload = data[body:body + size]
            break
        pos = body + size + (size & 1)
    if fmt is None or payload is None:
        raise ValueError(f"{path}: missing fmt or data chunk")
    tag, channels, rate, bits = fmt
    if tag == WAVE_FORMAT_IEEE_FLOAT and bits == 32:
        kind = "f32le"
    elif tag == WAVE_FORMAT_IEEE_FLOAT and bits == 64:
        kind = "f64le"
    elif tag == WAVE_FORMAT_PCM and bits in (8, 16, 24, 32):
        kind = {8: "u8", 16: "s16le", 24: "s24le", 32: "s32le"}[bits]
    else:
        raise ValueError(f"{path}: unsupported WAV format tag {tag:#x} / {bits} bits")
    samples, full_scale = decode(payload, kind)
    return samples, full_scale, rate, channels


def decode(raw, kind):
    """Decode little-endian sample bytes.

    Returns (array of raw sample values, full-scale value); the values are
    signed (u8 is re-centred), so |value| / full_scale is in [0, 1].
    """
    if kind == "u8":
        raw = bytes(b ^ 0x80 for b in raw)  # unsigned -> signed 8-bit
        kind = "s8"
    if kind == "s24le":
        raw = raw[: len(raw) - len(raw) % 3]
        # widen to 32-bit by prepending a zero low byte
        wide = bytearray(len(raw) // 3 * 4)
        wide[1::4] = raw[0::3]
        wide[2::4] = raw[1::3]
        wide[3::4] = raw[2::3]
        raw, kind = bytes(wide), "s32le"
    code, full_scale = {
        "s8": ("b", 128.0),
        "s16le": ("h", 32768.0),
        "s32le": ("i", 2147483648.0),
        "f32le": ("f", 1.0),
        "f64le": ("d", 1.0),
    }[kind]
    a = array.array(code)
    a.frombytes(raw[: len(raw) - len(raw) % a.itemsize])
    if sys.byteorder == "big" and a.itemsize > 1:
        a.byteswap()
    return a, full_scale


def envelope(samples, channels):
    """Per-frame max |sample| over channels, as a compact array."""
    code = "d" if samples.typecode in "fd" else "q"
    if channels == 1:
        return array.array(code, map(abs, samples))
    frames = len(samples) // channels
    chans = [map(abs, samples[c:frames * channels:channels]) for c in range(channels)]
    return array.array(code, map(max, *chans))


def find_onsets(env, rate, threshold, silence_threshold, min_silence, start_silent):
    """Indices of the first sample > threshold after a run of >= min_silence
    seconds of samples <= silence_threshold (thresholds in env's units).

    Samples between the two thresholds (e.g. the start of a fade-in or MP3
    pre-echo) neither trigger an onset nor cancel the preceding silence.
    """
    need = max(1, int(math.ceil(min_silence * rate)))
    onsets = []
    quiet = need if start_silent else 0
    armed = start_silent
    for i, v in enumerate(env):
        if v <= silence_threshold:
            quiet += 1
            if quiet >= need:
                armed = True
            continue
        quiet = 0
        if v > threshold:
            if armed:
                onsets.append(i)
            armed = False
    return onsets


def channel_mix(samples, channels, start, count):
    """Sum of channels for frames [start, start+count)."""
    seg = samples[start * channels:(start + count) * channels]
    if channels == 1:
        return list(seg)
    return [sum(seg[i:i + channels]) for i in range(0, len(seg) - channels + 1, channels)]


def estimate_freq(samples, channels, rate, start, window):
    """Rough dominant frequency from zero crossings over `window` seconds."""
    n = int(window * rate)
    x = channel_mix(samples, channels, start, n)
    if len(x) < 4:
        return None
    crossings = [i for i in range(1, len(x)) if (x[i - 1] < 0) != (x[i] < 0) and x[i] != x[i - 1]]
    if len(crossings) < 3:
        return None
    half_periods = (crossings[-1] - crossings[0]) / (len(crossings) - 1)
    return rate / (2.0 * half_periods)


def load_expected(path):
    with open(path) as f:
        doc = json.load(f)
    if isinstance(doc, dict):
        doc = doc.get("starts", doc.get("cue_starts"))
    if not isinstance(doc, list):
        raise ValueError(f"{path}: expected a list of seconds or an object with 'starts'")
    return [float(x) for x in doc]


def compare(expected, onsets, tolerance, offset):
    rows = []
    used = set()
    for i, e in enumerate(expected):
        target = e + offset
        best = min(range(len(onsets)), key=lambda j: abs(onsets[j] - target), default=None)
        if best is None:
            rows.append({"cue": i + 1, "expected": target, "onset": None, "error_ms": None, "ok": False})
            continue
        err = onsets[best] - target
        ok = abs(err) <= tolerance and best not in used
        used.add(best)
        rows.append({"cue": i + 1, "expected": round(target, 6), "onset": round(onsets[best], 6),
                     "error_ms": round(err * 1000, 4), "ok": ok})
    extra = [round(t, 6) for j, t in enumerate(onsets) if j not in used]
    errs = [abs(r["error_ms"]) for r in rows if r["error_ms"] is not None]
    return {
        "tolerance_ms": tolerance * 1000,
        "offset": offset,
        "matched": sum(r["ok"] for r in rows),
        "expected": len(expected),
        "extra_onsets": extra,
        "max_abs_error_ms": round(max(errs), 4) if errs else None,
        "mean_error_ms": round(sum(r["error_ms"] for r in rows if r["error_ms"] is not None) / len(errs), 4)
        if errs else None,
        "ok": all(r["ok"] for r in rows) and not extra,
        "rows": rows,
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("path", help="WAV file or raw capture ('-' reads raw samples from stdin)")
    ap.add_argument("--format", choices=["s16le", "s32le", "f32le", "f64le", "u8"],
                    help="raw sample format (default s16le; ignored for WAV input)")
    ap.add_argument("--rate", type=int, help="raw sample rate in Hz (default 44100)")
    ap.add_argument("--channels", type=int, help="raw channel count (default 2)")
    ap.add_argument("--threshold", type=float, default=0.05,
                    help="onset level, fraction of full scale (default 0.05 = -26 dBFS)")
    ap.add_argument("--silence-threshold", type=float, default=0.002,
                    help="max level counted as near-silence, fraction of full scale "
                         "(default 0.002 = -54 dBFS; capped at --threshold)")
    ap.add_argument("--min-silence", type=float, default=0.100,
                    help="near-silence needed before an onset, seconds (default 0.1)")
    ap.add_argument("--start-silent", action="store_true",
                    help="treat the time before the capture start as silence")
    ap.add_argument("--tone-hz", type=float,
                    help="keep only onsets whose first --tone-window looks like this frequency (+-15%%)")
    ap.add_argument("--tone-window", type=float, default=0.020,
                    help="seconds analysed for the frequency estimate (default 0.02)")
    ap.add_argument("--expect", help="cues.json (or JSON list of seconds) to compare against")
    ap.add_argument("--tolerance", type=float, default=0.001,
                    help="max |onset - expected| in seconds for --expect (default 0.001)")
    ap.add_argument("--offset", type=float, default=0.0,
                    help="seconds added to expected times before comparing (default 0)")
    args = ap.parse_args(argv)

    if args.path == "-":
        raw = sys.stdin.buffer.read()
        is_wav = raw[:4] in (b"RIFF", b"RF64") and raw[8:12] == b"WAVE"
    else:
        with open(args.path, "rb") as f:
            head = f.read(12)
        is_wav = head[:4] in (b"RIFF", b"RF64") and head[8:12] == b"WAVE"
        raw = None
    if is_wav:
        if raw is not None:
            import tempfile, os
            with tempfile.NamedTemporaryFile(delete=False, suffix=".wav") as t:
                t.write(raw)
            try:
                samples, full_scale, rate, channels = read_wav(t.name)
            finally:
                os.unlink(t.name)
        else:
            samples, full_scale, rate, channels = read_wav(args.path)
        fmt = "wav"
    else:
        if raw is None:
            with open(args.path, "rb") as f:
                raw = f.read()
        fmt = args.format or "s16le"
        rate = args.rate or 44100
        channels = args.channels or 2
        samples, full_scale = decode(raw, fmt)
    if channels < 1 or rate < 1:
        ap.error("bad rate/channels")

    env = envelope(samples, channels)
    frames = len(env)
    silence_threshold = min(args.silence_threshold, args.threshold)
    idx = find_onsets(env, rate, args.threshold * full_scale, silence_threshold * full_scale,
                      args.min_silence, args.start_silent)

    details = []
    for i in idx:
        freq = estimate_freq(samples, channels, rate, i, args.tone_window)
        if args.tone_hz and (freq is None or abs(freq - args.tone_hz) > 0.15 * args.tone_hz):
            continue
        peak_end = min(frames, i + int(args.tone_window * rate))
        peak = max(env[i:peak_end]) if peak_end > i else env[i]
        details.append({"time": round(i / rate, 6), "sample": i, "peak": round(peak / full_scale, 4),
                        "freq_hz": round(freq, 1) if freq else None})
    onsets = [d["time"] for d in details]

    result = {
        "path": args.path,
        "input": fmt,
        "rate": rate,
        "channels": channels,
        "frames": frames,
        "duration": round(frames / rate, 6),
        "threshold": args.threshold,
        "silence_threshold": silence_threshold,
        "min_silence": args.min_silence,
        "onsets": onsets,
        "details": details,
    }
    status = 0
    if args.expect:
        cmp_ = compare(load_expected(args.expect), [d["sample"] / rate for d in details],
                       args.tolerance, args.offset)
        result["comparison"] = cmp_
        print(f"{'cue':>4} {'expected s':>12} {'onset s':>12} {'error ms':>10}  ok", file=sys.stderr)
        for r in cmp_["rows"]:
            onset = "-" if r["onset"] is None else f"{r['onset']:.6f}"
            err = "-" if r["error_ms"] is None else f"{r['error_ms']:+.4f}"
            print(f"{r['cue']:>4} {r['expected']:>12.6f} {onset:>12} {err:>10}  {'yes' if r['ok'] else 'NO'}",
                  file=sys.stderr)
        print(f"matched {cmp_['matched']}/{cmp_['expected']} within {cmp_['tolerance_ms']:g} ms, "
              f"max |error| {cmp_['max_abs_error_ms']} ms, extra onsets: {cmp_['extra_onsets'] or 'none'} "
              f"-> {'PASS' if cmp_['ok'] else 'FAIL'}", file=sys.stderr)
        status = 0 if cmp_["ok"] else 1

    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
