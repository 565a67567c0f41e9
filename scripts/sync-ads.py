#!/usr/bin/env python3
"""End-to-end check of sync points: an episode whose audio has a 30 s block of other speech (an
inserted ad) that its transcript does not have, played by the real app into the paced fake card
of scripts/sync-check.py.

usage:
  xvfb-run -a -s "-screen 0 1280x800x24" scripts/sync-ads.py --app target/debug/readalong \\
      [--work DIR] [--json OUT]
  scripts/sync-ads.py --episode-only [--work DIR] [--json OUT]

It builds a make-sync-episode.sh episode (a 1 kHz tone exactly at every cue start), inserts the
block 1 s before cue 3's tone (so cue 3 onwards is heard 30 s later than the transcript says),
and plays the two cues after the block twice, each run with an empty HOME:
- unsynced: nothing remembered. `--at` (a transcript time) lands 30 s past the line heard.
- synced: the episode's state holds two sync points, cue 2 at its own time and cue 3 at its
  time + 30 s, as "This line is playing now" would leave them. `--at` is the transcript time
  of the same audio position.
With --episode-only it only builds the episode (WORK/ad/episode.{mp3,vtt}) and reports where
the block is and where each cue is heard (used by tests/suggest.rs, which needs no app run).
For every cue tone heard after the block it reports which cue the app had lit 150 ms after the
tone, and (synced) how far the app's highlight change was from the tone heard, corrected by the
fake card's calibrated hidden latency (see scripts/sync-check.py).

Needs espeak-ng, sox, lame, aplay and python3 (standard library only).
"""

import argparse
import array
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
BLOCK_SECONDS = 30
EPISODE_SECONDS = 50
AD_BEFORE_CUE = 2           # 0-based: the block goes 1 s before this cue's tone
AD_TEXT = (
    "And now a word from our sponsor. Are you tired of slow databases and lost transcripts? "
    "Try the new cloud notebook today, with unlimited storage for all your projects. "
    "Sign up before the end of the month and get three months free. Visit our web site to "
    "learn more, and use the code podcast at checkout. Terms and conditions apply. "
    "Offer valid in selected countries only, while stocks last, for new customers. "
    "Stay tuned after this message for a special offer from our friends."
)

_sc = None


def sync_check():
    """scripts/sync-check.py, imported as a module (its fake card, capture and analysis)."""
    global _sc
    if _sc is None:
        spec = importlib.util.spec_from_file_location("sync_check", os.path.join(HERE, "sync-check.py"))
        _sc = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_sc)
    return _sc


def log(msg):
    print(f"[sync-ads] {msg}", file=sys.stderr, flush=True)


def make_block(work, rate, seconds):
    """Exactly `seconds` of espeak-ng speech (no tones), mono 16-bit at `rate`: cut, or padded
    with silence when the speech is shorter."""
    raw, out = os.path.join(work, "ad-raw.wav"), os.path.join(work, "ad-block.wav")
    subprocess.run(["espeak-ng", "-v", "en-gb", "-s", "170", "-w", raw, "--", AD_TEXT], check=True)
    subprocess.run(["sox", "-D", raw, "-r", str(rate), "-c", "1", "-b", "16", out], check=True)
    with wave.open(out) as w:
        block = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        block.byteswap()
    block = block[:seconds * rate]
    if len(block) < seconds * rate:
        block.extend([0] * (seconds * rate - len(block)))
    return block


def make_ad_episode(base, out, work):
    """Writes out/episode.mp3 (base truth.wav with the block inserted) and out/episode.vtt (the
    base transcript, unchanged), and out/truth.wav. Returns (cues in audio time, insert time)."""
    with open(os.path.join(base, "cues.json")) as f:
        meta = json.load(f)
    cues = meta["cues"]
    with wave.open(os.path.join(base, "truth.wav")) as w:
        rate, ch = w.getframerate(), w.getnchannels()
        frames = array.array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        frames.byteswap()
    insert_ms = cues[AD_BEFORE_CUE]["start_ms"] - 1000
    at = insert_ms * rate // 1000
    block = make_block(work, rate, BLOCK_SECONDS)
    stereo = array.array("h", bytes(2 * ch * len(block)))
    for c in range(ch):
        stereo[c::ch] = block
    joined = frames[:at * ch] + stereo + frames[at * ch:]
    if sys.byteorder == "big":
        joined.byteswap()
    os.makedirs(out, exist_ok=True)
    truth = os.path.join(out, "truth.wav")
    with wave.open(truth, "wb") as w:
        w.setnchannels(ch)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(joined.tobytes())
    subprocess.run(["lame", "--quiet", "-b", "128", truth, os.path.join(out, "episode.mp3")], check=True)
    shutil.copyfile(os.path.join(base, "cues.vtt"), os.path.join(out, "episode.vtt"))
    shift_samples = BLOCK_SECONDS * rate
    heard = []
    for c in cues:
        c = dict(c)
        if c["start_sample"] >= at:
            c["start"] += BLOCK_SECONDS
            c["end"] += BLOCK_SECONDS
            c["start_sample"] += shift_samples
        heard.append(c)
    return heard, meta["cues"], insert_ms / 1000


def fresh_home(work, tag, state=None):
    """An empty HOME with XDG folders (and Readalong's state, when given) for one run."""
    home = os.path.join(work, f"home-{tag}")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(os.path.join(home, "config", "readalong"))
    if state is not None:
        with open(os.path.join(home, "config", "readalong", "state.json"), "w") as f:
            json.dump(state, f)
    os.environ.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, "config"),
                      XDG_CACHE_HOME=os.path.join(home, "cache"),
                      XDG_DATA_HOME=os.path.join(home, "data"))


def lit_at(trace, t_unix):
    """The cue the app had lit at wall time t_unix (from its trace)."""
    cue = None
    for e in sorted(trace, key=lambda e: e["t_unix"]):
        if e["t_unix"] > t_unix:
            break
        if e.get("event") in ("highlight", "seek"):
            cue = e.get("cue")
    return cue


def measure(sc, args, episode, at, listen, truth, rate, heard_cues, guess, alsa, work, tag):
    alsa_dir, alsa_conf = alsa
    data, trace, t_play = sc.run_app(args.app, episode, at, listen, alsa_dir, alsa_conf, work, tag)
    run = sc.analyze_run(data, trace, t_play, at, truth, rate, heard_cues, "before-cue", guess)
    rows = []
    for t in run["tones"]:
        # Only the cue tones, heard where the audio has them (speech can look like a tone).
        if abs(t["source_error_ms"]) > 20 or t["after_play_s"] < 0.3:
            continue
        t["lit_150ms_after"] = lit_at(trace, t["heard_unix"] + 0.15)
        rows.append(t)
    run["tones"] = rows
    return run, (data.meta["format"], data.rate, data.meta["channels"])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--app", help="the readalong binary (required unless --episode-only)")
    ap.add_argument("--episode-only", action="store_true",
                    help="build the episode, report it and stop (no app run, no sound card)")
    ap.add_argument("--work", default="target/sync-ads", help="work folder")
    ap.add_argument("--json", help="also write the result here")
    args = ap.parse_args(argv)
    if not args.episode_only and not args.app:
        ap.error("--app is required unless --episode-only")
    sc = sync_check()
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    t0 = time.time()
    base = os.path.join(work, "base")
    subprocess.run(["bash", os.path.join(HERE, "make-sync-episode.sh"), base, str(EPISODE_SECONDS)],
                   check=True, stdout=subprocess.DEVNULL, timeout=120)
    episode = os.path.join(work, "ad")
    heard_cues, transcript_cues, insert_s = make_ad_episode(base, episode, work)
    log(f"episode ready in {time.time() - t0:.1f} s: {BLOCK_SECONDS} s block at {insert_s:.3f} s")
    if args.episode_only:
        result = {"block_seconds": BLOCK_SECONDS, "insert_s": insert_s, "before_cue": AD_BEFORE_CUE,
                  "audio": os.path.join(episode, "episode.mp3"),
                  "transcript": os.path.join(episode, "episode.vtt"),
                  "transcript_cue_starts": [c["start"] for c in transcript_cues],
                  "heard_cue_starts": [c["start"] for c in heard_cues]}
        text = json.dumps(result, indent=1)
        if args.json:
            with open(args.json, "w") as f:
                f.write(text + "\n")
        print(text)
        return 0
    truth, rate = sc.read_truth(os.path.join(episode, "truth.wav"))
    alsa_dir = os.path.join(work, "alsa")
    alsa = (alsa_dir, sc.write_alsa_dir(alsa_dir))

    first_after = AD_BEFORE_CUE + 1
    start_audio = heard_cues[first_after]["start"] - 0.7
    guess = heard_cues[first_after]["start"]
    # Three cue changes after the block: 0.7 s, about 8 s and about 16 s after play.
    listen = heard_cues[min(first_after + 2, len(heard_cues) - 1)]["start"] - start_audio + 1.0
    k = AD_BEFORE_CUE
    points = [
        {"transcript_secs": transcript_cues[k - 1]["start"], "audio_secs": transcript_cues[k - 1]["start"]},
        {"transcript_secs": transcript_cues[k]["start"], "audio_secs": heard_cues[k]["start"]},
    ]
    key = os.path.join(os.path.realpath(episode), "episode.mp3")
    result = {"block_seconds": BLOCK_SECONDS, "insert_s": insert_s, "sync_points": points,
              "heard_cue_starts": [c["start"] for c in heard_cues]}
    formats = set()

    fresh_home(work, "unsynced")
    log(f"unsynced: --at {start_audio:.3f}")
    run, fmt = measure(sc, args, episode, start_audio, 2.0, truth, rate, heard_cues, guess, alsa,
                       work, "unsynced")
    formats.add(fmt)
    result["unsynced"] = run
    log(f"unsynced: {json.dumps(run['tones'])}")

    fresh_home(work, "synced", {"episodes": {key: {"position_secs": 0.0, "sync_points": points}}})
    at = start_audio - BLOCK_SECONDS
    log(f"synced: --at {at:.3f} (the transcript's time of audio {start_audio:.3f})")
    run, fmt = measure(sc, args, episode, at, listen, truth, rate, heard_cues, guess, alsa,
                       work, "synced")
    formats.add(fmt)
    result["synced"] = run
    log(f"synced: {json.dumps(run['tones'])}")

    result["calibration"] = [sc.calibrate(alsa_dir, alsa[1], f, r, c, work) for f, r, c in sorted(formats)]
    cal = result["calibration"][0] if len(result["calibration"]) == 1 else None
    bias = cal["bias_ms_median"] if cal else None
    result["rig_bias_ms"] = bias
    for t in result["synced"]["tones"]:
        if "highlight_error_ms" in t and bias is not None:
            t["highlight_error_ms_corrected"] = round(t["highlight_error_ms"] + bias, 2)
    result["seconds"] = round(time.time() - t0, 1)
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    log(f"rig bias {bias} ms; done in {result['seconds']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
