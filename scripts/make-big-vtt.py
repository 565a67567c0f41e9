#!/usr/bin/env python3
"""Writes a large, deterministic WebVTT transcript for testing how Readalong copes with big files.

The default is the file from the issue: 590,000 cues, about 62.6 MB. Each cue has 10-16 words of
podcast-like text (some sentences end, some carry on into the next cue), about one cue in six
starts with a `<v Speaker>` voice tag (six speakers), and times always increase (gaps of 0-0.8 s,
cues of 1.5-6 s, so hours run past 99: `123:45:06.789`, which WebVTT allows).

The same arguments always give the same bytes (the random generator is seeded).

Usage:
    scripts/make-big-vtt.py OUT.vtt                  # 590,000 cues, about 62.6 MB
    scripts/make-big-vtt.py OUT.vtt --cues 20000     # fewer cues (about 2.1 MB)
    scripts/make-big-vtt.py OUT.vtt --bytes 150e6    # stop before the file would pass 150 MB
    scripts/make-big-vtt.py OUT.vtt --seed 7         # other text, same shape

With --bytes the cue count is not limited; the file ends at the last whole cue that fits.
Prints the number of cues and bytes written. Python 3 standard library only.
"""

import argparse
import random
import sys

# Everyday words, picked most of the time, and the longer words of a tech podcast.
COMMON_WORDS = (
    "the be to of and a in that have it for not on with he as you do at this but his by from "
    "they we say her she or an will my one all would there their what so up out if about who "
    "get which go me when make can like time no just him know take people into year your good "
    "some could them see other than then now look only come its over think also back after use "
    "two how our work first well way even new want because any these give day most us really "
    "kind of sort pretty much okay yeah right maybe wrote"
).split()
TOPIC_WORDS = (
    "actually python code library database server async framework workflow function package "
    "testing deploy production performance memory thread process cloud container data science "
    "notebook model training pipeline compiler runtime interpreter version release community "
    "open source project developer engineer team company customer problem solution question "
    "interesting important different example something everything probably basically "
    "exactly absolutely definitely started building learned shipped migrated rewrote measured "
    "noticed realized decided explained"
).split()
TOPIC_SHARE = 0.195

SPEAKERS = (
    "Michael Kennedy",
    "Mason Egger",
    "Ben Zaitlin",
    "Sarah Chen",
    "Dr. Amara Okafor",
    "José García",
)

DEFAULT_CUES = 590_000


def clock(ms):
    """`H+:MM:SS.mmm`, hours at least two digits."""
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    seconds, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{ms:03d}"


def cue_text(rng, state):
    """10-16 words; capitalises after a full stop, ends some cues with one."""
    n = rng.randint(10, 16)
    out = []
    for _ in range(n):
        word = rng.choice(TOPIC_WORDS if rng.random() < TOPIC_SHARE else COMMON_WORDS)
        if state["sentence_start"]:
            word = word[:1].upper() + word[1:]
            state["sentence_start"] = False
        roll = rng.random()
        if roll < 0.06:
            word += ","
        elif roll < 0.11:
            word += "."
            state["sentence_start"] = True
        out.append(word)
    if rng.random() < 0.4 and not state["sentence_start"]:
        out[-1] = out[-1].rstrip(",") + rng.choice(".?")
        state["sentence_start"] = True
    return " ".join(out)


def cue_blocks(rng):
    """Endless cue blocks (each ends with a blank line), times increasing."""
    start_ms = 20
    speaker = 0
    state = {"sentence_start": True}
    while True:
        length_ms = rng.randint(1500, 6000)
        text = cue_text(rng, state)
        if rng.random() < 1 / 6:
            speaker = (speaker + rng.randint(1, len(SPEAKERS) - 1)) % len(SPEAKERS)
            text = f"<v {SPEAKERS[speaker]}>{text}"
        yield f"{clock(start_ms)} --> {clock(start_ms + length_ms)}\n{text}\n\n"
        start_ms += length_ms + rng.randint(0, 800)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("out", help="the file to write")
    parser.add_argument(
        "--cues", type=int, default=None, help=f"number of cues (default {DEFAULT_CUES})"
    )
    parser.add_argument(
        "--bytes",
        type=float,
        default=None,
        help="size limit in bytes instead of a cue count (e.g. 150e6)",
    )
    parser.add_argument("--seed", type=int, default=515, help="random seed (default 515)")
    args = parser.parse_args()
    if args.cues is not None and args.bytes is not None:
        parser.error("give --cues or --bytes, not both")
    max_cues = args.cues if args.cues is not None else (None if args.bytes else DEFAULT_CUES)
    max_bytes = int(args.bytes) if args.bytes is not None else None

    rng = random.Random(args.seed)
    header = "WEBVTT - Readalong large-file test\n\n"
    written = len(header.encode())
    cues = 0
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(header)
        for block in cue_blocks(rng):
            if max_cues is not None and cues >= max_cues:
                break
            size = len(block.encode())
            if max_bytes is not None and written + size > max_bytes:
                break
            f.write(block)
            written += size
            cues += 1
    print(f"{args.out}: {cues} cues, {written} bytes ({written / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
