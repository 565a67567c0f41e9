#!/usr/bin/env python3
"""Builds a library shaped like a clone of the talk-python-transcripts repository, for benchmarks.

    python3 scripts/make-library.py OUT_DIR EPISODES [SAMPLES_DIR]

OUT_DIR/transcripts/NNN-slug.txt and NNN-slug.vtt for every episode, OUT_DIR/youtube_transcripts/
NNN-other-slug.vtt for two in five, and a README.txt that is not a transcript. The transcripts are
copies of the .vtt/.txt files in SAMPLES_DIR (cycled), or, without it, synthesized ones of about
the same size (900 cues of an hour).
"""

import os
import random
import sys

WORDS = ("python django flask async typing packaging pants build temporal durable execution "
         "data science nvidia rust tooling testing pytest web htmx fastapi database postgres "
         "cloud deploy docker kubernetes security performance memory profiling").split()


def synthesized(rng, vtt):
    lines = ["WEBVTT", ""] if vtt else []
    t = 0.0
    for _ in range(900):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(6, 16))).capitalize() + "."
        start, end = t, t + rng.uniform(2.0, 6.0)
        t = end + rng.choice((0.0, 0.0, 0.3, 1.2))
        if vtt:
            lines += [f"{stamp(start)} --> {stamp(end)}", text, ""]
        else:
            lines += [f"{stamp(start)[:8]} {text}", ""]
    return "\n".join(lines) + "\n"


def stamp(secs):
    h, rest = divmod(secs, 3600)
    m, s = divmod(rest, 60)
    return f"{int(h):02}:{int(m):02}:{s:06.3f}"


def main():
    out, count = sys.argv[1], int(sys.argv[2])
    samples = sys.argv[3] if len(sys.argv) > 3 else None
    rng = random.Random(518)
    pairs = []
    if samples:
        names = sorted(os.listdir(samples))
        stems = sorted({n[:-4] for n in names if n.endswith(".vtt") and n[:-4] + ".txt" in names})
        for s in stems:
            with open(os.path.join(samples, s + ".vtt"), encoding="utf-8") as f:
                vtt = f.read()
            with open(os.path.join(samples, s + ".txt"), encoding="utf-8") as f:
                txt = f.read()
            pairs.append((vtt, txt))
    if not pairs:
        pairs = [(synthesized(rng, True), synthesized(rng, False)) for _ in range(3)]
    os.makedirs(os.path.join(out, "transcripts"), exist_ok=True)
    os.makedirs(os.path.join(out, "youtube_transcripts"), exist_ok=True)
    for n in range(count):
        slug = "-".join(rng.sample(WORDS, rng.randint(2, 5)))
        vtt, txt = pairs[n % len(pairs)]
        base = os.path.join(out, "transcripts", f"{n:03}-{slug}")
        with open(base + ".vtt", "w", encoding="utf-8") as f:
            f.write(vtt)
        with open(base + ".txt", "w", encoding="utf-8") as f:
            f.write(txt)
        if n % 5 < 2:
            other = "-".join(rng.sample(WORDS, 3))
            with open(os.path.join(out, "youtube_transcripts", f"{n:03}-{other}.vtt"), "w",
                      encoding="utf-8") as f:
                f.write(vtt)
    with open(os.path.join(out, "README.txt"), "w", encoding="utf-8") as f:
        f.write("Transcripts of the show.\n")


if __name__ == "__main__":
    main()
