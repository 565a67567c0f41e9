#!/usr/bin/env bash
# Build a synthetic episode for end-to-end timing (A/V sync) tests.
#
# usage: scripts/make-sync-episode.sh OUT_DIR [SECONDS]     (SECONDS default 90)
#
# Every cue starts with a 30 ms, 1 kHz sine burst (-6 dBFS, starting at phase 0)
# whose first sample sits exactly on the cue start (rounded to the nearest
# 44.1 kHz sample, i.e. within 11 us), followed 50 ms later by espeak-ng
# saying "This is cue number N". Everything else is true digital silence
# (samples == 0). Cue starts are irregular (7-9 s apart, millisecond values)
# but fixed by a seeded generator, so the same SECONDS gives the same files.
#
# Writes:
#   OUT_DIR/truth.wav            44100 Hz, 16-bit, stereo (identical channels)
#   OUT_DIR/cues.vtt             WebVTT, cue starts exact to the millisecond
#   OUT_DIR/cues.json            {"starts": [seconds...], "cues": [...], ...}
#   OUT_DIR/cbr/episode.mp3      lame -b 128        (+ episode.vtt = cues.vtt)
#   OUT_DIR/vbr/episode.mp3      lame -V 5          (+ episode.vtt)
#   OUT_DIR/notag/episode.mp3    lame -V 5 -t       (no Xing/LAME tag, so no
#                                gapless info: decoders that don't know the
#                                encoder delay play everything ~1105 samples
#                                (~25 ms) late)     (+ episode.vtt)
#
# Requires: espeak-ng, sox, lame, python3 (stdlib only).
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 || "$1" == -h || "$1" == --help ]]; then
    echo "usage: $0 OUT_DIR [SECONDS]" >&2
    exit 2
fi
OUT="$1"
DURATION="${2:-90}"
if ! [[ "$DURATION" =~ ^[0-9]+$ ]] || (( DURATION < 12 )); then
    echo "make-sync-episode: SECONDS must be an integer >= 12 (got '$DURATION')" >&2
    exit 2
fi

for tool in espeak-ng sox lame python3; do
    command -v "$tool" >/dev/null || { echo "make-sync-episode: missing tool: $tool" >&2; exit 1; }
done

RATE=44100
VOICE="en-us"
SPEED=160

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT"/{cbr,vbr,notag}

# 1. Cue starts (integer milliseconds), deterministic.
python3 - "$DURATION" >"$WORK/starts.txt" <<'PY'
import sys
duration_ms = int(sys.argv[1]) * 1000
state = 0x5EED

def rnd():
    # Small LCG: deterministic across Python versions and platforms.
    global state
    state = (state * 1103515245 + 12345) % 2**31
    return state >> 8

t = 1000 + rnd() % 900                      # first cue 1.000-1.899 s
room_ms = 3000                              # tone + speech must fit before the end
while t + room_ms <= duration_ms:
    print(t)
    t += 7000 + rnd() % 2001                # next cue 7.000-9.000 s later
PY

# 2. Speech for each cue: espeak-ng -> 44.1 kHz mono, edge silence trimmed.
#    -D: no dither, so silence stays exactly zero.
n=0
while read -r start_ms; do
    n=$((n + 1))
    espeak-ng -v "$VOICE" -s "$SPEED" -w "$WORK/raw$n.wav" -- "This is cue number $n"
    sox -D "$WORK/raw$n.wav" -r "$RATE" -c 1 -b 16 "$WORK/speech$n.wav" \
        silence 1 0.001 0.1% reverse silence 1 0.001 0.1% reverse
done <"$WORK/starts.txt"
if (( n == 0 )); then
    echo "make-sync-episode: no cues fit in ${DURATION}s" >&2
    exit 1
fi

# 3. Assemble truth.wav, cues.vtt and cues.json sample-exactly.
python3 - "$WORK" "$OUT" "$DURATION" "$RATE" <<'PY'
import array, json, math, sys, wave

work, out, duration_s, rate = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
TONE_HZ, TONE_MS, TONE_AMP = 1000, 30, 0.5
SPEECH_GAP_MS = 50          # silence between tone end and speech (< 100 ms on purpose)

starts_ms = [int(l) for l in open(f"{work}/starts.txt") if l.strip()]
total = duration_s * rate
mono = array.array("h", bytes(2 * total))

tone_len = round(TONE_MS * rate / 1000)                 # 1323 samples
tone = [round(TONE_AMP * 32767 * math.sin(2 * math.pi * TONE_HZ * i / rate))
        for i in range(tone_len)]

def ts(ms):
    return "%02d:%02d:%02d.%03d" % (ms // 3600000, ms // 60000 % 60, ms // 1000 % 60, ms % 1000)

cues = []
for n, start_ms in enumerate(starts_ms, 1):
    s0 = (start_ms * rate + 500) // 1000                 # nearest sample
    mono[s0:s0 + tone_len] = array.array("h", tone)
    with wave.open(f"{work}/speech{n}.wav") as w:
        assert w.getframerate() == rate and w.getnchannels() == 1 and w.getsampwidth() == 2
        speech = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        speech.byteswap()
    p = s0 + tone_len + round(SPEECH_GAP_MS * rate / 1000)
    if p + len(speech) > total:
        sys.exit(f"cue {n} does not fit")
    mono[p:p + len(speech)] = speech
    end_ms = -(-(p + len(speech)) * 1000 // rate)         # ceil to ms
    cues.append({"index": n, "start": start_ms / 1000, "end": end_ms / 1000,
                 "start_ms": start_ms, "end_ms": end_ms, "start_sample": s0,
                 "text": f"This is cue number {n}"})

stereo = array.array("h", bytes(4 * total))
stereo[0::2] = mono
stereo[1::2] = mono
if sys.byteorder == "big":
    stereo.byteswap()
with wave.open(f"{out}/truth.wav", "wb") as w:
    w.setnchannels(2)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(stereo.tobytes())

with open(f"{out}/cues.vtt", "w", newline="\n") as f:
    f.write("WEBVTT\n\n")
    f.write("NOTE Generated by scripts/make-sync-episode.sh: each cue starts with a "
            f"{TONE_MS} ms {TONE_HZ} Hz tone exactly at its start time.\n\n")
    for c in cues:
        f.write(f"{c['index']}\n{ts(c['start_ms'])} --> {ts(c['end_ms'])}\n{c['text']}\n\n")

meta = {
    "generator": "scripts/make-sync-episode.sh",
    "duration": float(duration_s),
    "sample_rate": rate,
    "channels": 2,
    "tone": {"hz": TONE_HZ, "ms": TONE_MS, "amplitude": TONE_AMP, "phase": "sine from 0"},
    "starts": [c["start"] for c in cues],
    "cues": cues,
}
with open(f"{out}/cues.json", "w", newline="\n") as f:
    json.dump(meta, f, indent=2)
    f.write("\n")
print(f"{len(cues)} cues: " + ", ".join(f"{c['start']:.3f}" for c in cues))
PY

# 4. MP3 variants (lame is deterministic for identical input and options).
lame --quiet -b 128 "$OUT/truth.wav" "$OUT/cbr/episode.mp3"
lame --quiet -V 5 "$OUT/truth.wav" "$OUT/vbr/episode.mp3"
lame --quiet -V 5 -t "$OUT/truth.wav" "$OUT/notag/episode.mp3"
for d in cbr vbr notag; do
    cp -f "$OUT/cues.vtt" "$OUT/$d/episode.vtt"
done

echo "wrote $OUT/{truth.wav,cues.vtt,cues.json} and {cbr,vbr,notag}/episode.{mp3,vtt}"
