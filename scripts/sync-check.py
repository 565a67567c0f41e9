#!/usr/bin/env python3
"""End-to-end audio sync check for Readalong: play a synthetic episode through a paced fake
sound card and compare what was "heard" with what the app says it is playing.

usage:
  scripts/sync-check.py run --app target/debug/readalong [--work DIR] [--json OUT]
  scripts/sync-check.py cpu --app target/release/readalong --episode DIR [--at T] [--seconds S]
  scripts/sync-check.py capture --alsa-dir DIR --out PREFIX [--max-seconds S]   (internal)

`run` needs an X display (use `xvfb-run -a -s "-screen 0 1280x800x24" scripts/sync-check.py run ...`),
espeak-ng, sox, lame, aplay and python3 (standard library only). It prints a human summary to
stderr and writes the measurements as JSON (stdout, or --json).

The fake sound card (an asoundrc loaded with ALSA_CONFIG_PATH):

    pcm.!default = file plugin (format raw) -> slave "null"
    file = ALSA_DIR/cap-%f-%r-%c.fifo

ALSA expands %f/%r/%c to the format the client negotiated, so the file plugin writes exactly the
client's samples (no conversion in ALSA). FIFOs are pre-created for the likely formats; a client
that opens anything else makes a regular file appear instead, which is reported. The null slave
never blocks, so the only thing that paces the client is the FIFO: its buffer is shrunk to one
page (fcntl F_SETPIPE_SZ = 4096 bytes) and the `capture` reader (a separate process) reads it on
an absolute schedule of exactly `rate` frames per second, logging the wall-clock time of every
chunk. Capture frame k is "heard" at t(k) = t(chunk) + (k - k(chunk)) / rate.

What the fake card hides from the client (and so biases a perfect client's idea of "now
heard"): the null slave reports delay 0, but ALSA's file plugin keeps the newest buffer_size
frames in its own buffer before writing them, and the pipe holds up to one page. Both are
measured by `calibrate`: a cpal-like reference client (ctypes, same negotiation as cpal 0.18:
device's period, buffer = 2 periods, timestamps = callback instant + reported delay) plays tone
bursts and logs when it believes each is heard; the reader measures when it is. The difference
(the rig bias, ~15-20 ms at 48 kHz with 240-frame periods) is reported and added back to the
app's raw highlight error.
"""

import argparse
import array
import ctypes
import ctypes.util
import fcntl
import importlib.util
import json
import math
import os
import select
import signal
import stat
import statistics
import subprocess
import sys
import termios
import time
import wave

HERE = os.path.dirname(os.path.abspath(__file__))
F_SETPIPE_SZ = 1031
F_GETPIPE_SZ = 1032
PIPE_BYTES = 4096
CHUNK_SECONDS = float(os.environ.get("SYNC_CHUNK_SECONDS", "0.0025"))  # reader chunk (2.5 ms)
SLIP_TOLERANCE = 0.004          # a chunk later than this means the writer starved the reader
FORMATS = {                     # ALSA name -> (array typecode, bytes/sample, full scale)
    "FLOAT_LE": ("f", 4, 1.0),
    "S16_LE": ("h", 2, 32768.0),
    "S32_LE": ("i", 4, 2147483648.0),
}
RATES = (44100, 48000)
CHANNELS = (2, 1)

_onset = None


def onset_mod():
    """scripts/onset.py, imported as a module."""
    global _onset
    if _onset is None:
        spec = importlib.util.spec_from_file_location("onset", os.path.join(HERE, "onset.py"))
        _onset = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_onset)
    return _onset


def log(msg):
    print(f"[sync-check] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# The fake sound card


def write_alsa_dir(alsa_dir):
    """Creates ALSA_DIR/asoundrc and the capture FIFOs; returns the asoundrc path."""
    os.makedirs(alsa_dir, exist_ok=True)
    for name in os.listdir(alsa_dir):
        if name.startswith("cap-"):
            os.unlink(os.path.join(alsa_dir, name))
    for fmt in FORMATS:
        for rate in RATES:
            for ch in CHANNELS:
                os.mkfifo(os.path.join(alsa_dir, f"cap-{fmt}-{rate}-{ch}.fifo"))
    path = os.path.join(alsa_dir, "asoundrc")
    with open(path, "w") as f:
        f.write("# Readalong sync check: the default PCM writes raw samples into a FIFO that\n"
                "# scripts/sync-check.py reads at exactly the sample rate (see its docstring).\n"
                "</usr/share/alsa/alsa.conf>\n"
                "pcm.!default {\n"
                "    type file\n"
                "    slave.pcm \"null\"\n"
                f"    file \"{alsa_dir}/cap-%f-%r-%c.fifo\"\n"
                "    format \"raw\"\n"
                "}\n")
    return path


class Stop(Exception):
    pass


def _raise_stop(*_):
    raise Stop()


def capture_main(args):
    """The paced reader. Writes PREFIX.raw and PREFIX.json."""
    signal.signal(signal.SIGTERM, _raise_stop)
    signal.signal(signal.SIGINT, _raise_stop)
    # The reader is the clock of the fake card: real-time priority if allowed, with RLIMIT_RTTIME
    # as a safety net (an RT task that runs 0.2 s without blocking gets SIGXCPU/SIGKILL, so a
    # bug here can never starve the machine); otherwise a better nice value.
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_RTTIME, (200_000, 400_000))
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        rt = "SCHED_FIFO"
    except (OSError, AttributeError, ValueError, ImportError):
        try:
            os.nice(-5)
            rt = "nice -5"
        except OSError:
            rt = None
    fds = {}
    for name in sorted(os.listdir(args.alsa_dir)):
        if name.endswith(".fifo"):
            fd = os.open(os.path.join(args.alsa_dir, name), os.O_RDONLY | os.O_NONBLOCK)
            try:
                fcntl.fcntl(fd, F_SETPIPE_SZ, args.pipe_bytes)
            except OSError:
                pass
            fds[fd] = name
    meta = {"priority": rt, "error": None}
    data = bytearray()
    chunks = []          # [frame index, t_unix after the read, bytes queued in the pipe before it]
    slips = []
    deadline_open = time.time() + args.open_timeout
    fd = None
    try:
        poller = select.poll()
        for f in fds:
            poller.register(f, select.POLLIN)
        while fd is None:
            if time.time() > deadline_open:
                meta["error"] = f"no client wrote to the fake sound card within {args.open_timeout} s"
                break
            events = poller.poll(20)
            for f, ev in events:
                if ev & select.POLLIN:
                    fd = f
                    break
                if ev & (select.POLLHUP | select.POLLERR):
                    # a client opened this format and closed it without writing (a probe)
                    poller.unregister(f)
                    meta.setdefault("probed", []).append(fds[f])
            if events and fd is None:
                time.sleep(0.005)
        if fd is not None:
            name = fds[fd]
            _, fmt, rate, ch = name[:-len(".fifo")].split("-")
            rate, ch = int(rate), int(ch)
            frame_bytes = FORMATS[fmt][1] * ch
            meta.update(fifo=name, format=fmt, rate=rate, channels=ch,
                        pipe_bytes=fcntl.fcntl(fd, F_GETPIPE_SZ))
            fl = fcntl.fcntl(fd, fcntl.F_GETFL)
            fcntl.fcntl(fd, fcntl.F_SETFL, fl & ~os.O_NONBLOCK)
            chunk_frames = max(1, int(rate * CHUNK_SECONDS))
            chunk = chunk_frames * frame_bytes
            meta["chunk_frames"] = chunk_frames
            anchor = None
            k = 0
            fion = array.array("i", [0])
            stop_at = None
            while True:
                if anchor is not None:
                    if stop_at is None:
                        stop_at = anchor + args.max_seconds
                    target = anchor + k / rate
                    if target >= stop_at:
                        break
                    dt = target - time.time()
                    if dt > 0:
                        time.sleep(dt)
                fcntl.ioctl(fd, termios.FIONREAD, fion, True)
                queued = fion[0]
                got = bytearray()
                while len(got) < chunk:
                    b = os.read(fd, chunk - len(got))
                    if not b:
                        break
                    got += b
                t = time.time()
                n = len(got) // frame_bytes
                if n == 0:
                    meta["eof"] = True
                    break
                if anchor is None:
                    anchor = t
                else:
                    late = t - (anchor + k / rate)
                    if late > SLIP_TOLERANCE:
                        slips.append([k, round(late, 6)])
                        anchor = t - k / rate
                data += got[:n * frame_bytes]
                chunks.append([k, t, queued])
                k += n
                if len(got) < chunk:
                    meta["eof"] = True
                    break
    except Stop:
        meta["stopped"] = True
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        for f in fds:
            os.close(f)
        with open(args.out + ".raw", "wb") as f:
            f.write(data)
        meta.update(chunks=chunks, slips=slips, frames=len(data) // max(1, meta.get("channels", 1) *
                                                                       FORMATS.get(meta.get("format"), ("", 1))[1]))
        stray = [n for n in os.listdir(args.alsa_dir)
                 if n.startswith("cap-") and not stat.S_ISFIFO(os.stat(os.path.join(args.alsa_dir, n)).st_mode)]
        if stray:
            meta["error"] = f"a client opened an unexpected format (regular file written): {stray}"
        with open(args.out + ".json", "w") as f:
            json.dump(meta, f)
    return 0


class Capture:
    """Runs the reader process; load() gives samples and the frame -> wall-clock mapping."""

    def __init__(self, alsa_dir, prefix, max_seconds, open_timeout=20.0):
        self.prefix = prefix
        for ext in (".raw", ".json"):
            if os.path.exists(prefix + ext):
                os.unlink(prefix + ext)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "capture",
                                      "--alsa-dir", alsa_dir, "--out", prefix,
                                      "--max-seconds", str(max_seconds),
                                      "--open-timeout", str(open_timeout),
                                      "--pipe-bytes", str(PIPE_BYTES)])
        time.sleep(0.3)   # let it open the FIFOs before a client opens the card

    def stop(self, timeout=5.0, grace=1.0):
        """Lets the reader finish (EOF after the client closed), else tells it to stop."""
        try:
            self.proc.wait(grace)
        except subprocess.TimeoutExpired:
            pass
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def wait(self, timeout):
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.stop()

    def load(self):
        with open(self.prefix + ".json") as f:
            meta = json.load(f)
        if meta.get("error"):
            raise RuntimeError(meta["error"])
        if not meta.get("chunks"):
            raise RuntimeError("the capture is empty")
        code, width, full = FORMATS[meta["format"]]
        a = array.array(code)
        with open(self.prefix + ".raw", "rb") as f:
            a.frombytes(f.read())
        if sys.byteorder == "big":
            a.byteswap()
        ch = meta["channels"]
        left = array.array("d", (v / full for v in a[0::ch]))
        return CaptureData(meta, left)


class CaptureData:
    def __init__(self, meta, left):
        self.meta = meta
        self.rate = meta["rate"]
        self.x = left
        self.chunk_k = [c[0] for c in meta["chunks"]]
        self.chunk_t = [c[1] for c in meta["chunks"]]

    def heard(self, k):
        """Wall-clock time at which capture frame k left the pipe (was "heard")."""
        import bisect
        i = max(0, bisect.bisect_right(self.chunk_k, k) - 1)
        return self.chunk_t[i] + (k - self.chunk_k[i]) / self.rate

    def pacing(self):
        """Frames/second (least squares pooled over the stretches between slips), jitter of the
        chunk times around that line, and the slips: a chunk more than SLIP_TOLERANCE late.
        A slip with the pipe empty before the read is the client not delivering in time
        ("writer"); with data queued it is the reader waking late ("reader")."""
        idx = {k: i for i, k in enumerate(self.chunk_k)}
        cuts = sorted({0, len(self.chunk_k)} | {idx[k] for k, _ in self.meta["slips"] if k in idx})
        sxy = sxx = 0.0
        segs = []
        for a, b in zip(cuts, cuts[1:]):
            ks, ts = self.chunk_k[a:b], self.chunk_t[a:b]
            if len(ks) < 4:
                continue
            mk, mt = statistics.fmean(ks), statistics.fmean(ts)
            sxy += sum((k - mk) * (t - mt) for k, t in zip(ks, ts))
            sxx += sum((k - mk) ** 2 for k in ks)
            segs.append((ks, ts, mk, mt))
        chunk_bytes = self.meta.get("chunk_frames", 0) * self.meta.get("channels", 2) * \
            FORMATS[self.meta["format"]][1]
        queued = {c[0]: c[2] for c in self.meta["chunks"]}
        out = {"nominal_rate": self.rate, "slips": len(self.meta["slips"]),
               "slips_writer": sum(1 for k, _ in self.meta["slips"] if queued.get(k, 0) < chunk_bytes),
               "slip_ms_max": max((round(l * 1000, 1) for _, l in self.meta["slips"]), default=0),
               "slip_ms_total": round(sum(l for _, l in self.meta["slips"]) * 1000, 1),
               "seconds": round(self.chunk_t[-1] - self.chunk_t[0], 3),
               "pipe_queued_bytes_max": max(c[2] for c in self.meta["chunks"])}
        if sxx > 0:
            slope = sxy / sxx
            resid = sorted(abs(t - (mt + (k - mk) * slope))
                           for ks, ts, mk, mt in segs for k, t in zip(ks, ts))
            out.update(measured_rate=round(1 / slope, 2),
                       rate_error_ppm=round((1 / slope / self.rate - 1) * 1e6, 1),
                       jitter_ms_max=round(resid[-1] * 1000, 3),
                       jitter_ms_p99=round(resid[int(0.99 * (len(resid) - 1))] * 1000, 3))
        return out

    def onsets(self, tone_hz=1000.0, min_silence=0.1):
        """Tone onsets (capture frame indices), like scripts/onset.py with --tone-hz."""
        om = onset_mod()
        env = array.array("d", map(abs, self.x))
        idx = om.find_onsets(env, self.rate, 0.05, 0.002, min_silence, True)
        out = []
        for i in idx:
            f = om.estimate_freq(self.x, 1, self.rate, i, 0.02)
            if f is not None and abs(f - tone_hz) <= 0.15 * tone_hz:
                out.append(i)
        return out

    def first_above(self, level, start=0):
        for i in range(start, len(self.x)):
            if abs(self.x[i]) > level:
                return i
        return None


# --------------------------------------------------------------------------------------------
# Truth and alignment


def read_truth(path):
    om = onset_mod()
    samples, full, rate, ch = om.read_wav(path)
    return array.array("d", (v / full for v in samples[0::ch])), rate


def first_truth_above(truth, rate, t, level):
    i = int(round(t * rate))
    while i < len(truth) and abs(truth[i]) <= level:
        i += 1
    return i / rate


def locate(cap, k0, truth, truth_rate, guess, search=0.2, win=0.15):
    """Source time (s) of capture frame k0, by normalized cross-correlation of
    cap[k0 : k0+win] against truth around guess +- search. Returns (time, ncc)."""
    rc = cap.rate
    n = int(win * rc)
    x = cap.x[k0:k0 + n]
    if len(x) < n:
        raise RuntimeError("capture too short to locate the first sound")
    # truth resampled (linear) onto the capture's grid, starting at s0
    s0 = guess - search - 0.005
    m = n + int((2 * search + 0.01) * rc)
    step = truth_rate / rc
    base = s0 * truth_rate
    tr = array.array("d", bytes(8 * m))
    for j in range(m):
        p = base + j * step
        i = int(math.floor(p))
        if 0 <= i < len(truth) - 1:
            f = p - i
            tr[j] = truth[i] * (1 - f) + truth[i + 1] * f
    # coarse: 1 ms block envelopes
    blk = max(1, rc // 1000)
    xb = [sum(map(abs, x[i:i + blk])) for i in range(0, n - blk + 1, blk)]
    tb = [sum(map(abs, tr[i:i + blk])) for i in range(0, m - blk + 1, blk)]
    best, best_l = -1.0, 0
    nx = math.sqrt(sum(v * v for v in xb)) or 1.0
    for lag in range(0, len(tb) - len(xb) + 1):
        seg = tb[lag:lag + len(xb)]
        ns = math.sqrt(sum(v * v for v in seg)) or 1.0
        c = sum(a * b for a, b in zip(xb, seg)) / (nx * ns)
        if c > best:
            best, best_l = c, lag
    # fine: sample lags +-3 ms around the coarse peak
    import operator
    sq = array.array("d", [0.0]) * (m + 1)
    acc = 0.0
    for j in range(m):
        acc += tr[j] * tr[j]
        sq[j + 1] = acc
    nxx = math.sqrt(sum(v * v for v in x)) or 1.0
    lo = max(0, best_l * blk - 3 * blk)
    hi = min(m - n, best_l * blk + 3 * blk)
    scores = {}
    for lag in range(lo, hi + 1):
        e = sq[lag + n] - sq[lag]
        scores[lag] = sum(map(operator.mul, x, tr[lag:lag + n])) / (nxx * (math.sqrt(e) if e > 0 else 1.0))
    lag = max(scores, key=scores.get)
    frac = 0.0
    if lag - 1 in scores and lag + 1 in scores:
        a, b, c = scores[lag - 1], scores[lag], scores[lag + 1]
        d = a - 2 * b + c
        if d < 0:
            frac = 0.5 * (a - c) / d
    return s0 + (lag + frac) / rc, scores[lag]


# --------------------------------------------------------------------------------------------
# Reference client: a cpal-like ALSA player (calibrates the fake card's hidden latency)


def reference_play(alsa_conf, fmt, rate, channels, bursts, seconds):
    """Plays tone bursts (at stream frames `bursts`) like cpal 0.18 does, returning for each burst
    the wall-clock time the client believes it is heard (callback instant + reported delay)."""
    os.environ["ALSA_CONFIG_PATH"] = alsa_conf
    a = ctypes.CDLL(ctypes.util.find_library("asound") or "libasound.so.2")
    a.snd_pcm_writei.restype = ctypes.c_long
    a.snd_pcm_writei.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong]
    pcm = ctypes.c_void_p()
    if a.snd_pcm_open(ctypes.byref(pcm), b"default", 0, 0) < 0:
        raise RuntimeError("reference client: snd_pcm_open failed")
    fmt_code = {"S16_LE": 2, "S32_LE": 10, "FLOAT_LE": 14}[fmt]

    def init():
        hw = ctypes.c_void_p()
        a.snd_pcm_hw_params_malloc(ctypes.byref(hw))
        a.snd_pcm_hw_params_any(pcm, hw)
        a.snd_pcm_hw_params_set_access(pcm, hw, 3)   # RW_INTERLEAVED
        a.snd_pcm_hw_params_set_format(pcm, hw, fmt_code)
        r = ctypes.c_uint(rate)
        a.snd_pcm_hw_params_set_rate_near(pcm, hw, ctypes.byref(r), None)
        a.snd_pcm_hw_params_set_channels(pcm, hw, channels)
        return hw

    hw = init()
    if a.snd_pcm_hw_params(pcm, hw) < 0:
        raise RuntimeError("reference client: hw_params failed")
    period, d = ctypes.c_ulong(), ctypes.c_int()
    a.snd_pcm_hw_params_get_period_size(hw, ctypes.byref(period), ctypes.byref(d))
    hw = init()
    a.snd_pcm_hw_params_set_period_size_near(pcm, hw, ctypes.byref(period), ctypes.byref(d))
    buf = ctypes.c_ulong(2 * period.value)
    a.snd_pcm_hw_params_set_buffer_size_near(pcm, hw, ctypes.byref(buf))
    if a.snd_pcm_hw_params(pcm, hw) < 0:
        raise RuntimeError("reference client: second hw_params failed")
    a.snd_pcm_hw_params_get_period_size(hw, ctypes.byref(period), ctypes.byref(d))
    a.snd_pcm_hw_params_get_buffer_size(hw, ctypes.byref(buf))
    sw = ctypes.c_void_p()
    a.snd_pcm_sw_params_malloc(ctypes.byref(sw))
    a.snd_pcm_sw_params_current(pcm, sw)
    a.snd_pcm_sw_params_set_start_threshold(pcm, sw, ctypes.c_ulong(2 * period.value))
    a.snd_pcm_sw_params_set_avail_min(pcm, sw, ctypes.c_ulong(period.value))
    a.snd_pcm_sw_params(pcm, sw)
    p = period.value
    code, width, full = FORMATS[fmt]
    tone_len = int(0.010 * rate)
    believed = {}
    frame = 0
    total = int(seconds * rate)
    avail, delay = ctypes.c_long(), ctypes.c_long()
    while frame < total:
        a.snd_pcm_avail_delay(pcm, ctypes.byref(avail), ctypes.byref(delay))
        t_cb = time.time()
        heard0 = t_cb + max(0, delay.value) / rate
        samples = [0.0] * p
        for b in bursts:
            if b + tone_len > frame and b < frame + p:
                if frame <= b < frame + p:
                    believed[b] = heard0 + (b - frame) / rate
                for j in range(max(b, frame), min(b + tone_len, frame + p)):
                    samples[j - frame] = 0.5 * math.sin(2 * math.pi * 1000 * (j - b) / rate)
        inter = array.array(code, [s if code == "f" else int(s * (full - 1))
                                   for s in samples for _ in range(channels)])
        n = a.snd_pcm_writei(pcm, inter.buffer_info()[0], p)
        if n < 0:
            a.snd_pcm_prepare(pcm)
            continue
        frame += n
    a.snd_pcm_close(pcm)
    return believed, {"period_frames": p, "buffer_frames": buf.value}


def calibrate(alsa_dir, alsa_conf, fmt, rate, channels, work):
    bursts = [int(rate * (0.4 + 0.25 * i)) + 37 * i for i in range(6)]
    cap = Capture(alsa_dir, os.path.join(work, f"calib-{fmt}-{rate}"), max_seconds=4.0)
    try:
        env = dict(os.environ, ALSA_CONFIG_PATH=alsa_conf)
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "reference",
                               "--alsa-conf", alsa_conf, "--format", fmt, "--rate", str(rate),
                               "--channels", str(channels), "--bursts", ",".join(map(str, bursts)),
                               "--seconds", "2.2"],
                              env=env, capture_output=True, text=True, timeout=30)
        if proc.returncode != 0:
            raise RuntimeError(f"reference client failed: {proc.stderr.strip()[-500:]}")
        ref = json.loads(proc.stdout)
    finally:
        cap.stop()
    data = cap.load()
    ons = data.onsets()
    rows = []
    for b in bursts:
        near = [k for k in ons if abs(k - b) <= 2]
        if not near or str(b) not in ref["believed"]:
            rows.append({"frame": b, "found": False})
            continue
        k = near[0]
        heard = data.heard(k) - (k - b) / rate
        rows.append({"frame": b, "found": True, "stream_error_frames": k - b,
                     "bias_ms": round((heard - ref["believed"][str(b)]) * 1000, 3)})
    biases = [r["bias_ms"] for r in rows if r["found"]]
    return {"format": fmt, "rate": rate, "channels": channels, **ref["setup"],
            "bursts_found": len(biases), "bursts": len(bursts), "rows": rows,
            "bias_ms_median": round(statistics.median(biases), 3) if biases else None,
            "bias_ms_min": min(biases, default=None), "bias_ms_max": max(biases, default=None),
            "pacing": data.pacing()}


def reference_main(args):
    bursts = [int(b) for b in args.bursts.split(",")]
    believed, setup = reference_play(args.alsa_conf, args.format, args.rate, args.channels,
                                     bursts, args.seconds)
    json.dump({"believed": {str(k): v for k, v in believed.items()}, "setup": setup}, sys.stdout)
    return 0


# --------------------------------------------------------------------------------------------
# Rig check with aplay


def aplay_check(alsa_dir, alsa_conf, truth_path, cues, work):
    """Plays 4 x 0.8 s snippets of truth.wav (each with a cue tone) through the fake card with
    aplay: the captured onsets must be exactly where they are in the file, paced at real time."""
    with wave.open(truth_path) as w:
        rate, ch, width = w.getframerate(), w.getnchannels(), w.getsampwidth()
        pieces, expected, pos = [], [], 0
        for c in cues[:4]:
            s0 = c["start_sample"] - int(0.3 * rate)
            w.setpos(s0)
            frames = w.readframes(int(0.8 * rate))
            pieces.append(frames)
            expected.append(pos + int(0.3 * rate))
            pos += len(frames) // (ch * width)
    excerpt = os.path.join(work, "aplay-excerpt.wav")
    with wave.open(excerpt, "wb") as w:
        w.setnchannels(ch)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(b"".join(pieces))
    cap = Capture(alsa_dir, os.path.join(work, "aplay"), max_seconds=10.0)
    t0 = time.time()
    try:
        proc = subprocess.run(["aplay", "-q", excerpt], env=dict(os.environ, ALSA_CONFIG_PATH=alsa_conf),
                              capture_output=True, text=True, timeout=30)
        elapsed = time.time() - t0
        if proc.returncode != 0:
            raise RuntimeError(f"aplay through the fake card failed: {proc.stderr.strip()}")
        cap.wait(5)
    finally:
        cap.stop()
    data = cap.load()
    ons = data.onsets()
    errs = []
    for e in expected:
        near = min(ons, key=lambda k: abs(k - e), default=None)
        errs.append(None if near is None else round((near - e) / rate * 1000, 4))
    return {"format": data.meta["format"], "rate": rate, "frames_captured": len(data.x),
            "frames_played": pos, "onset_errors_ms": errs, "extra_onsets": max(0, len(ons) - len(expected)),
            "aplay_wall_seconds": round(elapsed, 3), "audio_seconds": round(pos / rate, 3),
            "pacing": data.pacing(),
            "ok": all(e is not None and abs(e) <= 1.0 for e in errs) and len(ons) == len(expected)}


# --------------------------------------------------------------------------------------------
# App runs


def read_trace(path):
    out = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line:
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
    return out


def choose_speech_point(truth, rate, cue, level=0.002):
    """A millisecond T inside the cue's speech where the audio is never near-silent (> level at
    least every 0.5 ms) from 40 ms before to 5 ms after, and clearly non-zero at T itself, so that
    the first captured sound shows where playback really started, early or late."""
    t_ms = int(round((cue["start"] + 0.45) * 1000))
    end_ms = int(cue["end"] * 1000) - 100
    while t_ms < end_ms:
        i = int(round(t_ms / 1000 * rate))
        seg = truth[i - int(0.04 * rate): i + int(0.005 * rate)]
        loud = [j for j, v in enumerate(seg) if abs(v) > level]
        if abs(truth[i]) > 5 * level and loud and loud[0] == 0 and \
                max(b - a for a, b in zip(loud, loud[1:] + [len(seg) - 1])) <= rate // 2000:
            return t_ms / 1000
        t_ms += 1
    return cue["start"] + 0.5


def run_app(app, episode_dir, at, listen_after_play, alsa_dir, alsa_conf, work, tag):
    trace = os.path.join(work, f"trace-{tag}.jsonl")
    if os.path.exists(trace):
        os.unlink(trace)
    cap = Capture(alsa_dir, os.path.join(work, f"cap-{tag}"), max_seconds=listen_after_play + 25)
    env = dict(os.environ, ALSA_CONFIG_PATH=alsa_conf, READALONG_TRACE=trace)
    env.setdefault("RUST_LOG", "warn")
    applog = open(os.path.join(work, f"app-{tag}.log"), "w")
    proc = subprocess.Popen([app, episode_dir, "--at", f"{at:.3f}"], env=env,
                            stdout=applog, stderr=subprocess.STDOUT)
    t_play = None
    try:
        deadline = time.time() + 20
        while time.time() < deadline and proc.poll() is None:
            ev = [e for e in read_trace(trace) if e.get("event") in ("play", "seek")]
            if ev:
                t_play = min(e["t_unix"] for e in ev)
                break
            time.sleep(0.05)
        if t_play is None:
            raise RuntimeError(f"{tag}: the app wrote no play/seek event within 20 s "
                               f"(exit code {proc.poll()}, see {applog.name})")
        end = t_play + listen_after_play
        while time.time() < end and proc.poll() is None:
            time.sleep(0.05)
        if proc.poll() is not None:
            raise RuntimeError(f"{tag}: the app exited early with code {proc.returncode}")
    finally:
        stop_app(proc, applog, cap)
    return cap.load(), read_trace(trace), t_play


def stop_app(proc, applog, cap):
    """Ends the app (politely, then not), closes its log and lets the capture finish."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(3)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    applog.close()
    cap.stop()


def analyze_run(data, trace, t_play, at, truth, truth_rate, cues, kind, guess):
    """kind: "cue-start" (T on a cue's tone), "mid-speech" (T inside speech) or "before-cue"
    (T in silence shortly before a cue: only the highlight of that cue is measured)."""
    res = {"at": at, "kind": kind, "format": data.meta["format"], "rate": data.rate,
           "pacing": data.pacing()}
    # the first sound after the play command
    k_play = 0
    while k_play < len(data.x) and data.heard(k_play) < t_play - 0.05:
        k_play += 1
    # "first sound": above -54 dBFS; on a tone that starts from digital silence above -26 dBFS
    # instead, so that MP3 pre-echo before the tone does not count as an early start.
    level = 0.002 if kind == "mid-speech" else 0.05
    k_any = data.first_above(0.002, k_play)
    k1 = data.first_above(level, k_play)
    if k1 is None or k_any is None:
        raise RuntimeError(f"{kind} at {at}: no sound captured after play")
    s1, ncc = locate(data, k1, truth, truth_rate, guess)
    res["correlation"] = round(ncc, 4)
    res["first_sound_source_s"] = round(s1, 6)
    if kind != "before-cue":
        res["click_to_sound_ms"] = round((data.heard(k_any) - t_play) * 1000, 2)
        ref = first_truth_above(truth, truth_rate, at, level)
        res["seek_error_ms"] = round((s1 - ref) * 1000, 3)
    # tone onsets -> highlight error
    rows = []
    hl = [e for e in trace if e.get("event") == "highlight"]
    for k in data.onsets():
        if k < k1:
            continue
        src = s1 + (k - k1) / data.rate
        cue_i = min(range(len(cues)), key=lambda i: abs(cues[i]["start"] - src))
        src_err = (src - cues[cue_i]["start"]) * 1000
        heard = data.heard(k) - src_err / 1000     # back to the tone's first sample
        ev = [e for e in hl if e.get("cue") == cue_i]
        row = {"cue": cue_i, "heard_unix": round(heard, 4), "source_error_ms": round(src_err, 3),
               "after_play_s": round(heard - t_play, 3)}
        if ev:
            e = min(ev, key=lambda e: abs(e["t_unix"] - heard))
            row["highlight_error_ms"] = round((e["t_unix"] - heard) * 1000, 2)
            if isinstance(e.get("pos_secs"), (int, float)):
                # how far past the cue start the app's own clock was when it lit the line
                row["app_pos_past_cue_ms"] = round((e["pos_secs"] - cues[cue_i]["start"]) * 1000, 2)
            # a change during playback, not the one the seek itself made
            row["natural"] = heard - t_play > 0.3 and e["t_unix"] - t_play > 0.2
        rows.append(row)
    res["tones"] = rows
    return res


def run_main(args):
    global PIPE_BYTES
    PIPE_BYTES = args.pipe_bytes
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        log("warning: no DISPLAY; run under xvfb-run")
    episode = os.path.abspath(args.episode) if args.episode else os.path.join(work, "episode")
    t0 = time.time()
    if not args.episode:
        subprocess.run(["bash", os.path.join(HERE, "make-sync-episode.sh"), episode, str(args.seconds)],
                       check=True, stdout=subprocess.DEVNULL, timeout=120)
    with open(os.path.join(episode, "cues.json")) as f:
        meta = json.load(f)
    cues = meta["cues"]
    if len(cues) < 8:
        raise RuntimeError("the episode needs at least 8 cues (use >= 64 seconds)")
    truth, truth_rate = read_truth(os.path.join(episode, "truth.wav"))
    alsa_dir = os.path.join(work, "alsa")
    alsa_conf = write_alsa_dir(alsa_dir)
    result = {"episode_seconds": meta["duration"], "cues": len(cues), "pipe_bytes": PIPE_BYTES}
    log(f"episode ready ({time.time() - t0:.1f} s); checking the fake card with aplay")
    result["aplay_check"] = aplay_check(alsa_dir, alsa_conf, os.path.join(episode, "truth.wav"), cues, work)
    log(f"aplay check: {json.dumps(result['aplay_check'])}")

    # cue-start: the 4th cue's start (as a click on its line does).
    # mid-speech: inside the speech of a cue past the middle, so the first captured sample shows
    #   where playback really started (early or late); chosen so the next cue's tone comes soon,
    #   giving one natural highlight change.
    # before-cue: 0.7 s before the 2nd and the middle cue: two more natural highlight changes.
    t1 = cues[3]["start"]
    later = [i for i in range(len(cues) - 1) if cues[i]["start"] > meta["duration"] / 2]
    m = min(later, key=lambda i: cues[i + 1]["start"] - cues[i]["end"])
    t2 = choose_speech_point(truth, truth_rate, cues[m])
    plan = [("cue-start", t1, 1.0, t1),
            ("mid-speech", t2, cues[m + 1]["start"] - t2 + 1.0, t2)]
    for j in sorted({1, len(cues) // 2} - {3, m, m + 1}):
        plan.append(("before-cue", round(cues[j]["start"] - 0.7, 3), 1.2, cues[j]["start"]))
    result["runs"] = {}
    formats = set()
    for enc in args.encodings.split(","):
        runs = []
        for n, (kind, at, listen, guess) in enumerate(plan):
            tag = f"{enc}-{kind}-{n}"
            log(f"{tag}: readalong --at {at:.3f}, listening {listen:.1f} s")
            data, trace, t_play = run_app(args.app, os.path.join(episode, enc), at, listen,
                                          alsa_dir, alsa_conf, work, tag)
            formats.add((data.meta["format"], data.rate, data.meta["channels"]))
            r = analyze_run(data, trace, t_play, at, truth, truth_rate, cues, kind, guess)
            log(f"{tag}: {json.dumps(r)}")
            runs.append(r)
        result["runs"][enc] = runs
    result["calibration"] = [calibrate(alsa_dir, alsa_conf, f, r, c, work) for f, r, c in sorted(formats)]
    log(f"calibration: {json.dumps(result['calibration'])}")
    cal = result["calibration"][0] if len(result["calibration"]) == 1 else None
    bias = cal["bias_ms_median"] if cal else None
    summary = {}
    for enc, runs in result["runs"].items():
        tones = [t for r in runs for t in r["tones"] if t.get("natural") and "highlight_error_ms" in t]
        hl = [t["highlight_error_ms"] for t in tones]
        ui = [t["app_pos_past_cue_ms"] for t in tones if "app_pos_past_cue_ms" in t]
        row = {
            "seek_error_ms": {r["kind"]: r["seek_error_ms"] for r in runs if "seek_error_ms" in r},
            "click_to_sound_ms": {r["kind"]: r["click_to_sound_ms"] for r in runs if "click_to_sound_ms" in r},
            "highlight_error_ms_raw": hl,
            "highlight_error_ms_median_raw": round(statistics.median(hl), 2) if hl else None,
            "highlight_error_ms_median": round(statistics.median(hl) + bias, 2)
            if hl and bias is not None else None,
            # the app's clock vs what was heard (rig bias removed, UI frame delay removed)
            "app_pos_past_cue_ms": ui,
            "clock_error_ms": [round(h + bias - u, 2) for h, u in zip(hl, ui)]
            if bias is not None and len(ui) == len(hl) else None,
            "slips": sum(r["pacing"]["slips"] for r in runs if r["pacing"]),
        }
        summary[enc] = row
    result["rig_bias_ms"] = bias
    result["summary"] = summary
    result["seconds"] = round(time.time() - t0, 1)
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    log("summary: " + json.dumps(summary))
    log(f"rig bias {bias} ms; done in {result['seconds']} s")
    return 0


def thread_ticks(pid):
    """{thread name: utime + stime in clock ticks} of every thread of `pid` (same names summed)."""
    ticks = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                stat_line = f.read()
        except OSError:
            continue  # the thread ended
        name = stat_line[stat_line.index("(") + 1:stat_line.rindex(")")]
        fields = stat_line[stat_line.rindex(")") + 2:].split()
        ticks[name] = ticks.get(name, 0) + int(fields[11]) + int(fields[12])
    return ticks


def hide_window(pid):
    """Marks the app's windows minimized the way a window manager does (Xvfb has none):
    `_NET_WM_STATE_HIDDEN` on each, which winit reads as `is_minimized`."""
    ids = subprocess.run(["xdotool", "search", "--pid", str(pid)], capture_output=True,
                         text=True).stdout.split()
    if not ids:
        raise RuntimeError("no window of the app to hide (needs xdotool)")
    for wid in ids:
        subprocess.run(["xprop", "-id", wid, "-f", "_NET_WM_STATE", "32a", "-set", "_NET_WM_STATE",
                        "_NET_WM_STATE_HIDDEN"], check=True)


def cpu_main(args):
    """CPU of the app while it plays an episode through the paced fake card (real decoding and
    output callback at real-time pace, plus the UI), per thread, as % of one core."""
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    alsa_dir = os.path.join(work, "alsa")
    alsa_conf = write_alsa_dir(alsa_dir)
    cap = Capture(alsa_dir, os.path.join(work, "cap-cpu"), max_seconds=args.settle + args.seconds + 10)
    env = dict(os.environ, ALSA_CONFIG_PATH=alsa_conf)
    env.setdefault("RUST_LOG", "warn")
    hz = os.sysconf("SC_CLK_TCK")
    cmd = [args.app, os.path.abspath(args.episode)]
    if not args.paused:
        cmd += ["--at", f"{args.at:.3f}"]
    if args.speed:
        cmd += ["--speed", str(args.speed)]
    applog = open(os.path.join(work, "app-cpu.log"), "w")
    proc = subprocess.Popen(cmd, env=env, stdout=applog, stderr=subprocess.STDOUT)
    try:
        if args.hide:
            time.sleep(args.settle / 2)
            hide_window(proc.pid)
            time.sleep(args.settle / 2)
        else:
            time.sleep(args.settle)
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early with code {proc.returncode}")
        before, t0 = thread_ticks(proc.pid), time.time()
        time.sleep(args.seconds)
        after, t1 = thread_ticks(proc.pid), time.time()
    finally:
        stop_app(proc, applog, cap)
    data = cap.load()
    wall = t1 - t0
    threads = {name: round(100.0 * (after[name] - before.get(name, 0)) / hz / wall, 2)
               for name in after if after[name] - before.get(name, 0) > 0}
    result = {
        "episode": args.episode, "at": None if args.paused else args.at, "seconds": round(wall, 2),
        "speed": args.speed,
        "captured_seconds": round(len(data.x) / data.rate, 2),
        # 1 kHz tone onsets in the capture (a tone whose pitch moved is not counted).
        "tone_onsets_s": [round(i / data.rate, 3) for i in data.onsets()],
        "cpu_percent": round(sum(threads.values()), 2),
        "threads_percent": dict(sorted(threads.items(), key=lambda kv: -kv[1])),
    }
    print(json.dumps(result, indent=1))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="the whole check")
    r.add_argument("--app", required=True, help="the readalong binary")
    r.add_argument("--work", default="target/sync-check", help="work folder (default target/sync-check)")
    r.add_argument("--episode", help="an existing make-sync-episode.sh folder (default: generate one)")
    r.add_argument("--seconds", type=int, default=90, help="episode length when generating (default 90)")
    r.add_argument("--encodings", default="cbr,vbr,notag")
    r.add_argument("--json", help="also write the result here")
    r.add_argument("--pipe-bytes", type=int, default=PIPE_BYTES,
                   help=f"FIFO size (F_SETPIPE_SZ), default {PIPE_BYTES}")
    u = sub.add_parser("cpu", help="CPU use while playing through the paced fake card")
    u.add_argument("--app", required=True, help="the readalong binary")
    u.add_argument("--episode", required=True, help="an episode folder (audio + transcript)")
    u.add_argument("--at", type=float, default=0.0, help="start position in seconds")
    u.add_argument("--paused", action="store_true", help="open the episode without playing it")
    u.add_argument("--speed", type=float, help="playback speed (passed to the app)")
    u.add_argument("--seconds", type=float, default=20.0, help="measured time (default 20)")
    u.add_argument("--settle", type=float, default=5.0, help="time before measuring (default 5)")
    u.add_argument("--hide", action="store_true",
                   help="mark the window minimized halfway through the settle time (xdotool, xprop)")
    u.add_argument("--work", default="target/sync-check", help="work folder (default target/sync-check)")
    c = sub.add_parser("capture", help="internal: the paced FIFO reader")
    c.add_argument("--alsa-dir", required=True)
    c.add_argument("--out", required=True)
    c.add_argument("--max-seconds", type=float, default=30.0)
    c.add_argument("--open-timeout", type=float, default=20.0)
    c.add_argument("--pipe-bytes", type=int, default=PIPE_BYTES)
    f = sub.add_parser("reference", help="internal: the cpal-like reference client")
    f.add_argument("--alsa-conf", required=True)
    f.add_argument("--format", required=True)
    f.add_argument("--rate", type=int, required=True)
    f.add_argument("--channels", type=int, required=True)
    f.add_argument("--bursts", required=True)
    f.add_argument("--seconds", type=float, required=True)
    args = ap.parse_args(argv)
    commands = {"run": run_main, "cpu": cpu_main, "capture": capture_main, "reference": reference_main}
    return commands[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
