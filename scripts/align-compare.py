#!/usr/bin/env python3
"""Compare the Rust aligner (`readalong suggest-sync --json`) with the Python experiment's `dp`.

usage: python3 scripts/align-experiment.py --approaches dp --out DIR      # writes the episodes
       python3 scripts/align-compare.py --app target/release/readalong --out DIR

For every OUT/<variant>-NN episode (audio.mp3, transcript.vtt, truth.json) it runs the Rust
aligner and compares, per cue, its offset with the one the experiment found (OUT/results.json:
true offset + map error), and the blocks found (gap and length). It also scores the Rust result
as the experiment does (every block in its gap, length within 0.5 s, every cue within 0.5 s).
Prints one line per episode and a summary per variant. Standard library only.
"""

import argparse
import json
import os
import subprocess
import sys
import time

TOL_S = 0.5


def jumps(offsets):
    found = {i: offsets[i] - offsets[i - 1] for i in range(1, len(offsets)) if offsets[i] != offsets[i - 1]}
    if offsets[0] > TOL_S:
        found[0] = offsets[0]
    return found


def passes(offsets, truth):
    true = truth["true_offsets"]
    err = [f - t for f, t in zip(offsets, true)]
    got = jumps(offsets)
    for b in truth["blocks"]:
        j = b["before_cue"]
        if j not in got or abs(got[j] - b["length"]) > TOL_S:
            return False
        if (j > 0 and abs(err[j - 1]) > TOL_S) or abs(err[j]) > TOL_S:
            return False
    return max(abs(e) for e in err) <= TOL_S


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--app", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    results = json.load(open(os.path.join(args.out, "results.json")))
    for variant, data in results["variants"].items():
        eps = data["episodes"]["dp"]
        same_blocks = rust_pass = py_pass = 0
        diffs = []
        seconds = []
        for n, py in enumerate(eps):
            d = os.path.join(args.out, f"{variant}-{n:02d}")
            truth = json.load(open(os.path.join(d, "truth.json")))
            t0 = time.time()
            out = subprocess.run([args.app, "suggest-sync", os.path.join(d, "audio.mp3"),
                                  os.path.join(d, "transcript.vtt"), "--json"],
                                 capture_output=True, text=True)
            seconds.append(time.time() - t0)
            if out.returncode not in (0, 1):
                sys.exit(f"{d}: suggest-sync failed: {out.stderr}")
            rust = [round(x, 3) for x in json.loads(out.stdout)["offsets_secs"]]
            # The experiment's offsets: true offset + map error (stored to 0.1 ms).
            python = [round(t + e / 1000, 3) for t, e in zip(truth["true_offsets"], py["err_ms"])]
            dd = [abs(r - p) * 1000 for r, p in zip(rust, python)]
            diffs.extend(dd)
            rj, pj = jumps(rust), jumps(python)
            same = rj.keys() == pj.keys() and all(abs(rj[k] - pj[k]) <= 0.05 for k in rj)
            same_blocks += same
            rp, pp = passes(rust, truth), py["passed"]
            rust_pass += rp
            py_pass += pp
            fmt = lambda j: ", ".join(f"cue {k}: {v:.2f} s" for k, v in sorted(j.items())) or "none"
            print(f"{variant}-{n:02d}: {'same' if same else 'DIFFERENT'} blocks; "
                  f"rust [{fmt(rj)}] {'PASS' if rp else 'fail'}; python [{fmt(pj)}] "
                  f"{'PASS' if pp else 'fail'}; cue offsets differ by max {max(dd):.0f} ms; "
                  f"{seconds[-1]:.2f} s")
        diffs.sort()
        print(f"-- {variant}: same blocks in {same_blocks} of {len(eps)} episodes; passed: rust "
              f"{rust_pass}, python {py_pass} of {len(eps)}; |rust - python| cue offset median "
              f"{diffs[len(diffs) // 2]:.0f} ms, max {diffs[-1]:.0f} ms over {len(diffs)} cues; "
              f"suggest-sync {sum(seconds) / len(seconds):.2f} s per episode (decode + align)")


if __name__ == "__main__":
    main()
