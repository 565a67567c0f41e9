#!/usr/bin/env python3
"""A one-hour input for timing "Suggest sync points": joins align-experiment episodes end to end.

usage: python3 scripts/align-experiment.py --approaches dp --out DIR      # the episodes
       python3 scripts/align-hour.py --out DIR [--minutes 60]
       /usr/bin/time -v target/release/readalong suggest-sync DIR/hour/audio.mp3 DIR/hour/transcript.vtt

Takes normal-NN then hard-NN episodes of DIR until their audio lasts --minutes, decodes each
audio.mp3 (`lame --decode`), joins them, encodes DIR/hour/audio.mp3 (`lame -V 5`), and writes
DIR/hour/transcript.vtt (each episode's cues moved by the ad-free length of those before it) and
DIR/hour/truth.json (true offset per cue, blocks). Then, with --app, runs suggest-sync and scores
it as the experiment does. Needs lame and python3 (standard library only).
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import wave


def read_vtt(path):
    cues = []
    for m in re.finditer(r"(\d+):(\d+):(\d+)\.(\d+) --> (\d+):(\d+):(\d+)\.(\d+)\n(.*)", open(path).read()):
        g = m.groups()
        t = lambda h, mi, s, ms: int(h) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000
        cues.append((t(*g[0:4]), t(*g[4:8]), g[8]))
    return cues


def vtt_time(s):
    ms = int(round(s * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--app", help="also run `APP suggest-sync` and score it")
    args = ap.parse_args()
    names = sorted(d for d in os.listdir(args.out) if re.fullmatch(r"normal-\d+", d))
    names += sorted(d for d in os.listdir(args.out) if re.fullmatch(r"hard-\d+", d))
    hour = os.path.join(args.out, "hour")
    os.makedirs(hour, exist_ok=True)
    frames = []
    rate = None
    t_shift = a_shift = 0.0
    cues, offsets, blocks = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            if a_shift >= args.minutes * 60:
                break
            d = os.path.join(args.out, name)
            truth = json.load(open(os.path.join(d, "truth.json")))
            wav = os.path.join(tmp, "dec.wav")
            subprocess.run(["lame", "--quiet", "--decode", os.path.join(d, "audio.mp3"), wav], check=True)
            with wave.open(wav) as w:
                rate = w.getframerate()
                data = w.readframes(w.getnframes())
                seconds = w.getnframes() / rate
            frames.append(data)
            for (s, e, text), off in zip(read_vtt(os.path.join(d, "transcript.vtt")), truth["true_offsets"]):
                cues.append((s + t_shift, e + t_shift, text))
                offsets.append(off + a_shift - t_shift)
            for b in truth["blocks"]:
                blocks.append({"before_cue": b["before_cue"] + len(cues) - truth["cues"], "length": b["length"]})
            t_shift += truth["transcript_seconds"]
            # The next episode starts where this one's audio ends.
            a_shift += seconds
        joined = os.path.join(tmp, "hour.wav")
        with wave.open(joined, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(rate)
            for data in frames:
                w.writeframes(data)
        subprocess.run(["lame", "--quiet", "-V", "5", joined, os.path.join(hour, "audio.mp3")], check=True)
    with open(os.path.join(hour, "transcript.vtt"), "w") as f:
        f.write("WEBVTT\n\n")
        for s, e, text in cues:
            f.write(f"{vtt_time(s)} --> {vtt_time(e)}\n{text}\n\n")
    json.dump({"cues": len(cues), "true_offsets": offsets, "blocks": blocks, "audio_seconds": a_shift,
               "transcript_seconds": t_shift}, open(os.path.join(hour, "truth.json"), "w"), indent=1)
    print(f"{hour}: {len(cues)} cues, {len(blocks)} blocks, audio {a_shift / 60:.1f} min, "
          f"transcript {t_shift / 60:.1f} min")
    if args.app:
        out = subprocess.run([args.app, "suggest-sync", os.path.join(hour, "audio.mp3"),
                              os.path.join(hour, "transcript.vtt"), "--json"], capture_output=True, text=True)
        found = json.loads(out.stdout)
        err = [abs(f - t) for f, t in zip(found["offsets_secs"], offsets)]
        got = {b["before_cue"]: b["length_secs"] for b in found["blocks"]}
        ok = sum(1 for b in blocks if b["before_cue"] in got and abs(got[b["before_cue"]] - b["length"]) <= 0.5)
        spurious = sorted(set(got) - {b["before_cue"] for b in blocks})
        print(f"suggest-sync: {ok} of {len(blocks)} blocks within 0.5 s, {len(spurious)} spurious "
              f"(before cues {spurious}); cues within 0.5 s: {sum(e <= 0.5 for e in err)} of {len(err)}")


if __name__ == "__main__":
    sys.exit(main())
