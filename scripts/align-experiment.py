#!/usr/bin/env python3
"""Automatic alignment experiment: find where ads were inserted, from the audio alone.

usage: python3 scripts/align-experiment.py [--episodes 10] [--out DIR] [--seed 1]
           [--variant normal|hard|coarse|all] [--approaches global,silences,dp,dp-webrtc]

Question: given a listener's audio (with ad blocks inserted dynamically) and the
transcript's cue times (timed against the edition without the ads), can the map
"transcript time -> audio time" be recovered with no user input, to within 0.5 s?

1. Episodes. For each of N episodes (seeded: the same arguments give the same
   files and numbers) the script writes a transcript of 40-80 cues: invented
   sentences of 3-24 words, two speakers (espeak-ng voices en-us and en-us+f3,
   speed 150-175), separated by pauses of 0.2-0.6 s (65 %), 0.6-1.0 s (20 %) or
   1.0-2.5 s (15 %). Each cue is spoken to a WAV (espeak-ng | sox, 16 kHz mono,
   leading/trailing silence trimmed) and placed at its cue start; cue end = start
   + spoken length. This is the "transcript edition" of the audio (3-7 minutes).
   Then 1-3 blocks of 15-60 s of other speech are inserted, each at a random point
   inside a randomly chosen cue gap (the gap before cue 0 counts: a pre-roll).
     normal: ad voices (en-gb+m3, en-gb-x-rp+f2, en-us+m7; speed 180-200), ad
             words, short pauses 0.1-0.35 s, 0.2-0.6 s of silence at each end,
             3 dB louder than the show;
     hard:   the show's own two voices, words, speeds and pause distribution
             (including pauses > 1 s), same loudness; it starts with speech:
             the inserted block looks like more of the episode;
     coarse: as normal, but the transcript's times are less exact (below).
   Background noise (white at about -60 dBFS plus a 50 Hz hum at -54 dBFS) is
   added, the result is encoded with `lame -V 5` and decoded with `lame --decode`;
   the aligner reads only that decoded audio. The transcript's cue start and end
   times each get independent timing noise, uniform +-0.1 s (coarse: +-0.3 s), and
   are rounded to the millisecond. The true map is known exactly:
   audio(t) = t + sum of the lengths of the blocks inserted at or before t.

2. Alignment ("dp"; uses only the decoded audio and the cue start/end times).
   a) Voice activity, 10 ms frames: frame energy in dB; threshold = 10th
      percentile + 0.3 * (90th - 10th percentile); then pauses shorter than
      120 ms are filled and speech runs shorter than 50 ms dropped. v[k] in {0,1}.
   b) Frame scores (log-likelihood ratios, natural log), with m = mean(v) and
      e = VAD_ERR = 0.03: a frame predicted to be speech scores ln((1-e)/m) if
      v = 1, ln(e/(1-m)) if v = 0; a frame predicted to be pause scores ln(e/m)
      if v = 1, ln((1-e)/(1-m)) if v = 0.
   c) Per cue i and candidate offset d (frames, -2 s .. audio length - last cue
      end + 2 s), with GUARD = 0.1 s (frames this close to a cue edge are not
      scored) and each cue owning the half of the gap next to it on each side,
      at most GAP_WIN = 0.5 s (the first cue's "gap before" and the last cue's
      "gap after" count as 2 s):
        P_i(d) = speech score over [start_i + GUARD, end_i - GUARD)  + d
        B_i(d) = pause score over [start_i - min(gap_before/2, GAP_WIN), start_i - GUARD) + d
        A_i(d) = pause score over [end_i + GUARD, end_i + min(gap_after/2, GAP_WIN)) + d
        Bs_i(d) = max(0, best sum over a suffix of B's frames (those next to the cue))
        Ap_i(d) = max(0, best sum over a prefix of A's frames)
      All sums for all d at once from cumulative sums (frames outside the audio
      score 0); Bs/Ap by a running sum over the <= 40 window frames.
      Bs/Ap are what a gap holding an insertion can still promise: silence only
      between the cue and the (unknown) insertion point.
   d) Dynamic programming over cues, offsets never decrease (inserted audio only
      pushes later cues later):
        V_0(d) = P_0(d) + Bs_0(d)
        V_i(d) = P_i(d) + max( V_{i-1}(d) + A_{i-1}(d) + B_i(d),              same offset
                              max_{d' <= d - MIN_JUMP} [V_{i-1}(d') + Ap_{i-1}(d')]
                              - JUMP_PENALTY + Bs_i(d) )                  insertion
      answer: argmax_d V_{n-1}(d) + Ap_{n-1}(d), then back-pointers. MIN_JUMP =
      3 s, JUMP_PENALTY = 80 nats. O(cues x offsets) with a running maximum.
   e) Refinement: the guard band makes the evidence flat over a few frames; for
      each run of cues with one offset, sum P + B + A over the run at offsets
      within 0.3 s and take the middle of the offsets within 1 nat of the best.
   f) Result: an offset per cue; each increase between cue i-1 and cue i is a
      found block of that length, in that gap. The sync points to suggest are the
      cue before and the cue after each block.
   Parameters were chosen on other seeds (--seed 1000, 10+10 episodes; checked on
   --seed 2000, 20+20 episodes), never on the reported seed.
   Approaches compared: "global" (one constant offset: the DP with no insertions),
   "silences" (the same DP with only pauses longer than 1 s as evidence: anchors
   on long silences), "dp" (above) and "dp-webrtc" (dp with the webrtcvad package,
   mode 2, in place of the energy detector).

3. Score. Map error at each cue = found offset - true offset, measured at every
   cue start. A block is recovered when the found map has a jump in the same gap,
   its length is within 0.5 s of the truth, and the map error at the cues before
   and after it is within 0.5 s. An episode passes when every block is recovered
   and no cue's map error exceeds 0.5 s (so no spurious jumps either). Printed per
   episode and approach, then "recovered every inserted block within 0.5 s in K of
   N episodes" and the median / 90th percentile / max map error in ms over all cue
   starts of all episodes. Also written: OUT/results.json, and per episode
   OUT/<variant>-NN/{audio.mp3, transcript.vtt, truth.json}.

Requires: espeak-ng, sox, lame, python3 with numpy (pip install numpy); for
dp-webrtc the webrtcvad package (pip install webrtcvad-wheels), else it is skipped.
A run of all three variants takes about 3 minutes on one core.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import wave

import numpy as np

RATE = 16000
HOP = 160  # samples per 10 ms frame
FPS = RATE // HOP

# Alignment parameters: chosen on --seed 1000, checked on --seed 2000 --episodes 20,
# never tuned on the reported seed (1).
VAD_ERR = 0.03       # assumed VAD error rate in the score
GUARD_S = 0.1        # frames this close to a cue edge count only GUARD_WEIGHT
GUARD_WEIGHT = 0.0   # (0.25 and 0.5 were tried: worse)
JUMP_PENALTY = 80.0  # evidence (nats) an insertion must buy
MIN_JUMP_S = 3.0     # smallest insertion considered
GAP_WIN_S = 0.5      # at most this much of a gap is scored on each side of a cue
FILL_SILENCE_S = 0.12
DROP_SPEECH_S = 0.05
ENERGY_FRAC = 0.3
REFINE_S = 0.3       # plateau search around each run's offset
TOL_S = 0.5

SHOW_WORDS = """
the a and to of in that it is was for on with as at by this we you they he she
people time year way day thing man world life hand part child eye woman place work
week case point number group problem fact question system program story river
music garden kitchen window market engine signal water mountain history science
think know want said make go see come take look find give tell ask seem feel try
leave call keep begin start show hear play run move live believe bring happen
write provide sit stand lose pay meet include continue learn change lead understand
good new first last long great little own other old right big high different small
large next early young important few public bad same able really actually maybe
probably certainly because although however therefore meanwhile anyway honestly
interesting remember episode listener question answer problem solution compiler
memory thread server client browser database network library framework version
""".split()

AD_WORDS = """
today offer discount code save percent free trial visit sponsor brought
mattress coffee subscription delivery exclusive limited bonus shipping plan
premium account download app secure private fast easy simple signup deal month
annual price guarantee money back members special listeners promo checkout
""".split()

SHOW_VOICES = [("en-us", 50), ("en-us+f3", 60)]
AD_VOICES = [("en-gb+m3", 40), ("en-gb-x-rp+f2", 70), ("en-us+m7", 30)]


# ---------------------------------------------------------------- audio i/o

def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getsampwidth() == 2, path
        n = w.getnframes()
        ch = w.getnchannels()
        rate = w.getframerate()
        x = np.frombuffer(w.readframes(n), dtype="<i2").astype(np.float32) / 32768.0
    if ch > 1:
        x = x.reshape(-1, ch).mean(axis=1)
    assert rate == RATE, (path, rate)
    return x


def write_wav(path, x):
    y = np.clip(np.round(x * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(y.tobytes())


def speak(text, voice, speed, pitch, tmpdir, cache):
    key = (text, voice, speed, pitch)
    if key in cache:
        return cache[key]
    path = os.path.join(tmpdir, "s.wav")
    esp = subprocess.Popen(
        ["espeak-ng", "-v", voice, "-s", str(speed), "-p", str(pitch), "--stdout", text],
        stdout=subprocess.PIPE)
    subprocess.run(
        ["sox", "-t", "wav", "-", "-r", str(RATE), "-c", "1", "-b", "16", path,
         "silence", "1", "0.02", "-45d", "reverse", "silence", "1", "0.02", "-45d", "reverse"],
        stdin=esp.stdout, check=True)
    esp.stdout.close()
    if esp.wait() != 0:
        raise RuntimeError("espeak-ng failed")
    x = read_wav(path)
    cache[key] = x
    return x


def silence(seconds):
    return np.zeros(int(round(seconds * RATE)), dtype=np.float32)


# ---------------------------------------------------------------- episodes

def sentence(rng, words, lo, hi):
    n = rng.randint(lo, hi)
    w = [rng.choice(words) for _ in range(n)]
    return " ".join(w).capitalize() + "."


def show_pause(rng):
    r = rng.random()
    if r < 0.65:
        return rng.uniform(0.2, 0.6)
    if r < 0.85:
        return rng.uniform(0.6, 1.0)
    return rng.uniform(1.0, 2.5)


def make_block(rng, variant, target_s, tmpdir, cache):
    """Other speech, about target_s long (15-60 s). Returns samples."""
    parts = []
    total = 0.0
    if variant != "hard":
        voice, pitch = rng.choice(AD_VOICES)
        speed = rng.randint(180, 200)
        lead = silence(rng.uniform(0.2, 0.6))
        parts.append(lead)
        total += len(lead) / RATE
        while total < target_s - 1.0:
            x = speak(sentence(rng, AD_WORDS + SHOW_WORDS[:40], 4, 16), voice, speed, pitch, tmpdir, cache)
            parts.append(x * 1.41)  # +3 dB
            parts.append(silence(rng.uniform(0.1, 0.35)))
            total += len(x) / RATE + len(parts[-1]) / RATE
        parts[-1] = silence(rng.uniform(0.2, 0.6))
    else:
        speeds = [rng.randint(150, 175) for _ in SHOW_VOICES]
        while total < target_s - 1.0:
            k = rng.randrange(len(SHOW_VOICES))
            voice, pitch = SHOW_VOICES[k]
            x = speak(sentence(rng, SHOW_WORDS, 3, 24), voice, speeds[k], pitch, tmpdir, cache)
            parts.append(x)
            parts.append(silence(show_pause(rng)))
            total += len(x) / RATE + len(parts[-1]) / RATE
    return np.concatenate(parts)


def make_episode(rng, variant, outdir, tmpdir, cache):
    n = rng.randint(40, 80)
    speeds = [rng.randint(150, 175) for _ in SHOW_VOICES]
    # 1. Transcript edition.
    pieces = [silence(1.0)]
    t = 1.0
    starts, ends, texts = [], [], []
    gaps = []  # (gap_start, gap_end) before cue i in transcript time
    prev_end = 0.0
    speaker = 0
    for i in range(n):
        if i > 0:
            p = show_pause(rng)
            pieces.append(silence(p))
            t += p
        if rng.random() < 0.3:
            speaker = 1 - speaker
        voice, pitch = SHOW_VOICES[speaker]
        text = sentence(rng, SHOW_WORDS, 3, 24)
        x = speak(text, voice, speeds[speaker], pitch, tmpdir, cache)
        gaps.append((prev_end, t))
        starts.append(t)
        pieces.append(x)
        t += len(x) / RATE
        ends.append(t)
        texts.append(text)
        prev_end = t
    pieces.append(silence(1.0))
    base = np.concatenate(pieces)
    # Cue positions in samples are exact: recompute from the pieces.
    # 2. Insertions.
    k = rng.randint(1, 3)
    where = sorted(rng.sample(range(n), k))  # block before cue j
    blocks = []
    for j in where:
        g0, g1 = gaps[j]
        lo = g0 + 0.05 if j > 0 else 0.0
        hi = g1 - 0.05
        t_ins = rng.uniform(lo, hi)
        length_target = rng.uniform(15.0, 60.0)
        blocks.append({"before_cue": j, "t_ins": t_ins, "target": length_target})
    out = []
    cursor = 0
    shift = 0.0
    for b in blocks:
        s = int(round(b["t_ins"] * RATE))
        out.append(base[cursor:s])
        cursor = s
        y = make_block(rng, variant, b["target"], tmpdir, cache)
        b["length"] = len(y) / RATE
        b["audio_start"] = s / RATE + shift
        shift += b["length"]
        out.append(y)
        del b["target"]
    out.append(base[cursor:])
    audio = np.concatenate(out)
    # 3. Noise, MP3 round trip.
    nrng = np.random.default_rng(rng.randrange(2**32))
    audio = audio + 0.001 * nrng.standard_normal(len(audio)).astype(np.float32)
    audio = audio + 0.002 * np.sin(2 * np.pi * 50 * np.arange(len(audio)) / RATE).astype(np.float32)
    os.makedirs(outdir, exist_ok=True)
    wav = os.path.join(tmpdir, "ep.wav")
    mp3 = os.path.join(outdir, "audio.mp3")
    dec = os.path.join(tmpdir, "dec.wav")
    write_wav(wav, audio)
    subprocess.run(["lame", "--quiet", "-V", "5", wav, mp3], check=True)
    subprocess.run(["lame", "--quiet", "--decode", mp3, dec], check=True)
    heard = read_wav(dec)
    # 4. Transcript with timing noise.
    jitter = 0.3 if variant == "coarse" else 0.1
    cues = []
    for s, e, text in zip(starts, ends, texts):
        s2 = round(max(0.0, s + rng.uniform(-jitter, jitter)), 3)
        e2 = round(max(s2 + 0.1, e + rng.uniform(-jitter, jitter)), 3)
        cues.append({"start": s2, "end": e2, "text": text})
    true_offsets = []
    for s in starts:
        true_offsets.append(sum(b["length"] for b in blocks if b["t_ins"] <= s))
    truth = {"variant": variant, "cues": len(cues), "true_starts": starts,
             "true_offsets": true_offsets, "blocks": blocks,
             "transcript_seconds": len(base) / RATE, "audio_seconds": len(heard) / RATE}
    with open(os.path.join(outdir, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
    with open(os.path.join(outdir, "transcript.vtt"), "w") as f:
        f.write("WEBVTT\n\n")
        for c in cues:
            f.write(f"{vtt_time(c['start'])} --> {vtt_time(c['end'])}\n{c['text']}\n\n")
    return heard, cues, truth


def vtt_time(s):
    ms = int(round(s * 1000))
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


# ---------------------------------------------------------------- alignment

def smooth(v):
    """Fill silences < FILL_SILENCE_S, then drop speech runs < DROP_SPEECH_S."""
    v = v.copy()
    for value, max_len in ((0, int(FILL_SILENCE_S * FPS)), (1, int(DROP_SPEECH_S * FPS))):
        n = len(v)
        i = 0
        while i < n:
            if v[i] == value:
                j = i
                while j < n and v[j] == value:
                    j += 1
                if i > 0 and j < n and j - i < max_len:
                    v[i:j] = 1 - value
                i = j
            else:
                i += 1
    return v


def vad_energy(x):
    n = len(x) // HOP
    fr = x[: n * HOP].reshape(n, HOP)
    db = 10 * np.log10(np.mean(fr.astype(np.float64) ** 2, axis=1) + 1e-12)
    floor = np.percentile(db, 10)
    peak = np.percentile(db, 90)
    thr = floor + ENERGY_FRAC * (peak - floor)
    return smooth((db > thr).astype(np.int8))


def vad_webrtc(x):
    import webrtcvad
    vad = webrtcvad.Vad(2)
    n = len(x) // HOP
    pcm = np.clip(np.round(x[: n * HOP] * 32767), -32768, 32767).astype("<i2").tobytes()
    v = np.fromiter((vad.is_speech(pcm[k * HOP * 2:(k + 1) * HOP * 2], RATE) for k in range(n)),
                    dtype=np.int8, count=n)
    return smooth(v)


def cue_scores(v, cues, mode):
    """Evidence (log-likelihood ratios, nats) for each cue at each offset d (frames).

    A frame predicted to be speech (inside a cue) or pause (between cues) scores
    log P(detected | aligned) / P(detected | not aligned), with P(speech detected |
    cue) = P(pause detected | gap) = 1 - VAD_ERR and "not aligned" = the audio's
    overall speech fraction. Frames within GUARD_S of a cue edge are not scored
    (transcript times are not exact). Each cue owns the part of the gap next to it
    on either side: half the gap, at most GAP_WIN_S.

    Returns dmin and arrays [cue, offset]:
      P  speech frames of the cue
      B  the gap window before the cue;  Bs: its best suffix (>= 0)
      A  the gap window after the cue;   Ap: its best prefix (>= 0)
    Bs/Ap are used when an insertion is placed in that gap: then only the silence
    between the cue and the (unknown) insertion point is expected."""
    n_audio = len(v)
    m = float(np.clip(v.mean(), 0.05, 0.95))
    e = VAD_ERR
    in_cue = np.where(v == 1, np.log((1 - e) / m), np.log(e / (1 - m)))
    in_gap = np.where(v == 1, np.log(e / m), np.log((1 - e) / (1 - m)))
    g = int(round(GUARD_S * FPS))
    n = len(cues)
    st = np.array([int(round(c["start"] * FPS)) for c in cues])
    en = np.array([int(round(c["end"] * FPS)) for c in cues])
    gap_before = np.concatenate(([2 * FPS], st[1:] - en[:-1]))
    gap_after = np.concatenate((st[1:] - en[:-1], [2 * FPS]))
    win = int(round(GAP_WIN_S * FPS)) if mode != "silences" else 10**9
    pre0 = st - np.minimum(gap_before // 2, win)
    post1 = en + np.minimum(gap_after // 2, win)
    dmin = -2 * FPS
    dmax = n_audio - en[-1] + 2 * FPS
    pad_lo = -min(dmin + pre0.min(), 0)
    pad_hi = max(post1.max() + dmax - n_audio, 0)
    d = np.arange(dmin, dmax + 1)

    def padded(x):
        return np.concatenate((np.zeros(pad_lo), x, np.zeros(pad_hi + 1)))
    gap_p = padded(in_gap)
    C_cue = np.concatenate(([0.0], np.cumsum(padded(in_cue))))
    C_gap = np.concatenate(([0.0], np.cumsum(gap_p)))

    def span(C, x0, x1):
        if x1 <= x0:
            return np.zeros(len(d))
        return C[x1 + d + pad_lo] - C[x0 + d + pad_lo]

    def best_run(frames, guard_lo, guard_hi):
        """max(0, best partial sum of the gap scores over the frames, in order);
        frames within the guard band of the cue edge count GUARD_WEIGHT."""
        run = np.zeros(len(d))
        best = np.zeros(len(d))
        for k in frames:
            w = GUARD_WEIGHT if guard_lo <= k < guard_hi else 1.0
            run += w * gap_p[k + d + pad_lo]
            np.maximum(best, run, out=best)
        return best

    def guarded(C, x0, x1, inner0, inner1):
        return GUARD_WEIGHT * span(C, x0, x1) + (1 - GUARD_WEIGHT) * span(C, inner0, inner1)
    shape = (n, len(d))
    P, A, B, Ap, Bs = (np.zeros(shape, dtype=np.float32) for _ in range(5))
    for i in range(n):
        use_before = use_after = True
        if mode == "silences":
            # only the pauses longer than 1 s, and no speech evidence
            use_before = gap_before[i] > FPS and i > 0
            use_after = gap_after[i] > FPS and i < n - 1
        else:
            P[i] = guarded(C_cue, st[i], en[i], st[i] + g, en[i] - g)
        if use_before:
            B[i] = guarded(C_gap, pre0[i], st[i], pre0[i], st[i] - g)
            Bs[i] = best_run(range(st[i] - 1, pre0[i] - 1, -1), st[i] - g, st[i])
        if use_after:
            A[i] = guarded(C_gap, en[i], post1[i], en[i] + g, post1[i])
            Ap[i] = best_run(range(en[i], post1[i]), en[i], en[i] + g)
    return {"P": P, "A": A, "B": B, "Ap": Ap, "Bs": Bs}, dmin


def dp_align(sc, jumps_allowed=True):
    """Offsets per cue (indices into the offset axis) maximising the evidence.

    V_i(d) = P_i(d) + max( V_{i-1}(d) + A_{i-1}(d) + B_i(d),                    no insertion
                          max_{d' <= d - MIN_JUMP} [V_{i-1}(d') + Ap_{i-1}(d')]
                          - JUMP_PENALTY + Bs_i(d) )                         insertion
    V_0(d) = P_0(d) + Bs_0(d); the answer maximises V_{n-1}(d) + Ap_{n-1}(d)."""
    P, A, B, Ap, Bs = sc["P"], sc["A"], sc["B"], sc["Ap"], sc["Bs"]
    n, D = P.shape
    mj = int(MIN_JUMP_S * FPS)
    back = np.zeros((n, D), dtype=np.int32)
    V = (P[0] + Bs[0]).astype(np.float64)
    idx = np.arange(D)
    for i in range(1, n):
        stay = V + A[i - 1] + B[i]
        best = stay
        arg = idx
        if jumps_allowed:
            W = V + Ap[i - 1]
            run = np.maximum.accumulate(W)
            runarg = np.maximum.accumulate(np.where(W >= run, idx, 0))
            jump = np.full(D, -np.inf)
            jump[mj:] = run[:-mj] - JUMP_PENALTY + Bs[i][mj:]
            take = jump > stay
            best = np.where(take, jump, stay)
            arg = np.where(take, np.concatenate((np.zeros(mj, dtype=np.int64), runarg[:-mj])), idx)
        back[i] = arg
        V = best + P[i]
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(np.argmax(V + Ap[-1]))
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def align(audio, cues, approach, vad_cache):
    vad_name = "webrtc" if approach == "dp-webrtc" else "energy"
    if vad_name not in vad_cache:
        vad_cache[vad_name] = vad_webrtc(audio) if vad_name == "webrtc" else vad_energy(audio)
    v = vad_cache[vad_name]
    mode = "silences" if approach == "silences" else "full"
    sc, dmin = cue_scores(v, cues, mode)
    path = dp_align(sc, jumps_allowed=(approach != "global"))
    return [(p + dmin) / FPS for p in refine(sc, path)]


def refine(sc, path):
    """Centre each run of equal offsets on its plateau.

    The guard band makes the evidence flat over a few frames around the best
    offset; the DP takes one end of that plateau. For each run of cues with the
    same offset, sum P + B + A over the run for offsets within REFINE_S, and take
    the middle of the offsets within 1 nat of the best."""
    path = path.copy()
    tot = sc["P"] + sc["B"] + sc["A"]
    r = int(round(REFINE_S * FPS))
    D = tot.shape[1]
    i = 0
    while i < len(path):
        j = i
        while j < len(path) and path[j] == path[i]:
            j += 1
        lo, hi = max(0, path[i] - r), min(D, path[i] + r + 1)
        curve = tot[i:j, lo:hi].sum(axis=0)
        k = int(np.argmax(curve))
        a = b = k
        while a > 0 and curve[a - 1] >= curve[k] - 1.0:
            a -= 1
        while b < len(curve) - 1 and curve[b + 1] >= curve[k] - 1.0:
            b += 1
        path[i:j] = lo + (a + b) // 2
        i = j
    return path


# ---------------------------------------------------------------- scoring

def score(found, truth):
    true = truth["true_offsets"]
    err = [f - t for f, t in zip(found, true)]
    n = len(found)
    found_jumps = {i: found[i] - found[i - 1] for i in range(1, n) if found[i] != found[i - 1]}
    if found[0] > TOL_S:
        found_jumps[0] = found[0]
    blocks = []
    for b in truth["blocks"]:
        j = b["before_cue"]
        got = found_jumps.get(j)
        before_ok = j == 0 or abs(err[j - 1]) <= TOL_S
        after_ok = abs(err[j]) <= TOL_S
        ok = got is not None and abs(got - b["length"]) <= TOL_S and before_ok and after_ok
        blocks.append({"before_cue": j, "true_s": round(b["length"], 3),
                       "found_s": None if got is None else round(got, 3), "ok": ok})
    max_err = max(abs(e) for e in err)
    passed = all(b["ok"] for b in blocks) and max_err <= TOL_S
    return {"passed": passed, "blocks": blocks, "err_ms": [round(e * 1000, 1) for e in err],
            "max_err_ms": round(max_err * 1000, 1),
            "spurious": sorted(set(found_jumps) - {b["before_cue"] for b in truth["blocks"]})}


# ---------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--episodes", type=int, default=10)
    ap.add_argument("--out", default="target/align-experiment")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--variant", choices=["normal", "hard", "coarse", "all"], default="all")
    ap.add_argument("--approaches", default="global,silences,dp,dp-webrtc")
    args = ap.parse_args()
    for tool in ("espeak-ng", "sox", "lame"):
        if shutil.which(tool) is None:
            sys.exit(f"align-experiment: missing tool: {tool}")
    approaches = args.approaches.split(",")
    if "dp-webrtc" in approaches:
        try:
            import webrtcvad  # noqa: F401
        except ImportError:
            print("webrtcvad not installed: skipping dp-webrtc", file=sys.stderr)
            approaches.remove("dp-webrtc")
    variants = ["normal", "hard", "coarse"] if args.variant == "all" else [args.variant]
    os.makedirs(args.out, exist_ok=True)
    results = {"seed": args.seed, "episodes": args.episodes, "variants": {}}
    t0 = time.time()
    cache = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        for variant in variants:
            rng = random.Random(f"{args.seed}-{variant}")
            per_approach = {a: [] for a in approaches}
            print(f"== variant {variant}")
            for e in range(args.episodes):
                outdir = os.path.join(args.out, f"{variant}-{e:02d}")
                audio, cues, truth = make_episode(rng, variant, outdir, tmpdir, cache)
                desc = ", ".join(f"+{b['length']:.1f} s before cue {b['before_cue']}" for b in truth["blocks"])
                print(f"episode {e}: {truth['cues']} cues, transcript {truth['transcript_seconds']:.0f} s, "
                      f"audio {truth['audio_seconds']:.0f} s; blocks {desc}")
                vad_cache = {}
                for a in approaches:
                    found = align(audio, cues, a, vad_cache)
                    r = score(found, truth)
                    per_approach[a].append(r)
                    bl = "; ".join(
                        f"cue {b['before_cue']}: {'-' if b['found_s'] is None else format(b['found_s'], '.2f')}"
                        f" {'ok' if b['ok'] else 'MISS'}" for b in r["blocks"])
                    sp = f", spurious jumps before cues {r['spurious']}" if r["spurious"] else ""
                    print(f"  {a:10s} {'PASS' if r['passed'] else 'fail'}  max map error "
                          f"{r['max_err_ms']:.0f} ms  [{bl}]{sp}")
            summary = {}
            for a in approaches:
                rs = per_approach[a]
                k = sum(r["passed"] for r in rs)
                errs = np.abs(np.concatenate([r["err_ms"] for r in rs]))
                nb = sum(len(r["blocks"]) for r in rs)
                kb = sum(b["ok"] for r in rs for b in r["blocks"])
                summary[a] = {"passed": k, "episodes": len(rs), "blocks_ok": kb, "blocks": nb,
                              "median_ms": float(np.median(errs)), "p90_ms": float(np.percentile(errs, 90)),
                              "max_ms": float(errs.max()), "cue_starts": int(len(errs)),
                              "within_0_5s": int(np.sum(errs <= TOL_S * 1000))}
            results["variants"][variant] = {"summary": summary, "episodes": per_approach}
            print(f"-- variant {variant}: map error at every cue start (|found - true|)")
            for a in approaches:
                s = summary[a]
                print(f"  {a:10s} recovered every inserted block within 0.5 s in {s['passed']} of "
                      f"{s['episodes']} episodes ({s['blocks_ok']} of {s['blocks']} blocks); "
                      f"median {s['median_ms']:.0f} ms, p90 {s['p90_ms']:.0f} ms, max {s['max_ms']:.0f} ms "
                      f"over {s['cue_starts']} cue starts ({s['within_0_5s']} within 0.5 s)")
    results["seconds"] = round(time.time() - t0, 1)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1, default=lambda o: o.item())
    print(f"done in {results['seconds']:.0f} s; details in {os.path.join(args.out, 'results.json')}")


if __name__ == "__main__":
    main()
