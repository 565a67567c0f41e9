#!/usr/bin/env python3
"""Playback under load: does Readalong's sound ever break, and how soon does Play sound?

usage:
  xvfb-run -a -s "-screen 0 1280x800x24" scripts/playback-load.py --app target/release/readalong \
      [--minutes 10] [--load cpu+vm|cpu|none] [--unprivileged] [--json OUT]

The real app plays a long episode of continuous pink noise (made with sox and lame, cached in the
work folder) into the paced fake ALSA card of scripts/sync-check.py (its docstring explains the
card: ALSA's file plugin into a one-page FIFO that a SCHED_FIFO reader drains at exactly the
sample rate, logging the wall time of every 2.5 ms chunk). While it plays, `stress-ng` runs two
CPU hogs and a 4 GB memory churner (`--load`).

Play and pause are pressed like a person does, with `xdotool key space` on the app's window:
Play at the start, then every `--segment` seconds Pause, wait 1.5 s, Play again. That gives one
"Play to first sound" sample per segment: the wall time of the key press to the wall time the
fake card played the first non-silent sample after it (the xdotool process start, ~5 ms, is
included; so is the fake card's own hidden latency, ~17 ms, see BENCHMARKS.md).

A gap is any break in the sound while the app should be playing (from the first sound after a
Play to the sound heard at the next Pause press), found two ways:
  - silence: a run of at least 1 ms of exact digital zeros in the capture (the source is pink
    noise, which never has even one zero sample in a row after MP3 decoding; the app writes
    zeros when its queue runs dry);
  - starvation: a fake-card chunk more than 4 ms late with the FIFO empty before it (the app did
    not write in time; on a real card this is an underrun, heard as a click or a gap of that
    length). The reader's own late wake-ups (FIFO not empty) are not counted.
Against the source: each segment's first and last 150 ms are located in the source by
cross-correlation, and the source time they span is compared with the capture time, so
dropped or repeated audio shows up as "missing_ms" even when no silence marks it.

--unprivileged runs the app without CAP_SYS_NICE (capsh --drop), as an ordinary user runs it:
the app cannot raise its threads' priority then.

Needs xvfb-run (or a DISPLAY), xdotool, stress-ng, sox, lame, capsh (for --unprivileged) and
python3 (standard library only).
"""

import argparse
import array
import importlib.util
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RATE_SOURCE = 44100
SILENCE_MIN_MS = 1.0
GAP_REPORT_MS = 20.0


def sync_check():
    """scripts/sync-check.py as a module (fake card, capture, correlation)."""
    spec = importlib.util.spec_from_file_location("sync_check", os.path.join(HERE, "sync-check.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SC = sync_check()


def log(msg):
    print(f"[playback-load] {msg}", file=sys.stderr, flush=True)


def make_episode(work, seconds):
    """A folder with `noise.mp3` (pink noise, VBR, LAME tag), `noise.vtt` and `truth.wav`."""
    folder = os.path.join(work, f"noise-{seconds}s")
    mp3 = os.path.join(folder, "noise.mp3")
    if os.path.exists(mp3):
        return folder
    os.makedirs(folder, exist_ok=True)
    wav = os.path.join(folder, "truth.wav")
    subprocess.run(["sox", "-n", "-r", str(RATE_SOURCE), "-c", "2", "-b", "16", wav, "synth",
                    str(seconds), "pinknoise", "vol", "0.3"], check=True)
    subprocess.run(["lame", "--quiet", "-V", "5", wav, mp3 + ".part"], check=True)
    os.rename(mp3 + ".part", mp3)
    with open(os.path.join(folder, "noise.vtt"), "w") as f:
        f.write("WEBVTT\n\n")
        for i in range(0, seconds, 30):
            f.write(f"{i // 3600:02}:{i // 60 % 60:02}:{i % 60:02}.000 --> "
                    f"{(i + 30) // 3600:02}:{(i + 30) // 60 % 60:02}:{(i + 30) % 60:02}.000\n"
                    f"Noise from {i} seconds.\n\n")
    return folder


def start_load(kind, seconds):
    if kind == "none":
        return None
    cmd = ["stress-ng", "--cpu", "2", "--timeout", f"{int(seconds)}s", "--quiet"]
    if kind == "cpu+vm":
        cmd += ["--vm", "1", "--vm-bytes", "4G"]
    return subprocess.Popen(cmd, start_new_session=True, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def stop_load(proc):
    if proc is None or proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def find_window(timeout=30.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        out = subprocess.run(["xdotool", "search", "--name", "Readalong$"], capture_output=True,
                             text=True).stdout.split()
        if out:
            return out[-1]
        time.sleep(0.2)
    raise RuntimeError("the app's window did not appear")


def press_space(window):
    """Presses Space in the app's window (focused first; there is no window manager under
    Xvfb, and winit ignores keys sent to a window with XSendEvent); returns the wall time just
    before the press."""
    subprocess.run(["xdotool", "windowfocus", window], check=True, stderr=subprocess.DEVNULL)
    t = time.time()
    subprocess.run(["xdotool", "key", "space"], check=True, stderr=subprocess.DEVNULL)
    return t


def capture_main(args):
    """The paced reader, like sync-check's but for long runs: samples go straight to a file and
    the chunk log into flat arrays, so the real-time reader never copies a growing buffer (a
    copy of hundreds of MB under memory pressure outlasts RLIMIT_RTTIME and kills it)."""
    import fcntl
    import resource
    import select
    import termios
    signal.signal(signal.SIGTERM, SC._raise_stop)
    signal.signal(signal.SIGINT, SC._raise_stop)
    try:
        resource.setrlimit(resource.RLIMIT_RTTIME, (1_000_000, 2_000_000))
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(10))
        priority = "SCHED_FIFO"
    except (OSError, AttributeError, ValueError):
        priority = None
    fds = {}
    for name in sorted(os.listdir(args.alsa_dir)):
        if name.endswith(".fifo"):
            fd = os.open(os.path.join(args.alsa_dir, name), os.O_RDONLY | os.O_NONBLOCK)
            try:
                fcntl.fcntl(fd, SC.F_SETPIPE_SZ, SC.PIPE_BYTES)
            except OSError:
                pass
            fds[fd] = name
    meta = {"priority": priority, "error": None}
    ks, ts, queued_log = array.array("q"), array.array("d"), array.array("q")
    slips = []
    out = open(args.out + ".raw", "wb")
    try:
        poller = select.poll()
        for f in fds:
            poller.register(f, select.POLLIN)
        fd = None
        deadline = time.time() + args.open_timeout
        while fd is None and time.time() < deadline:
            for f, ev in poller.poll(20):
                if ev & select.POLLIN:
                    fd = f
                    break
                if ev & (select.POLLHUP | select.POLLERR):
                    poller.unregister(f)
        if fd is None:
            meta["error"] = "no client wrote to the fake sound card"
            return 0
        _, fmt, rate, ch = fds[fd][:-len(".fifo")].split("-")
        rate, ch = int(rate), int(ch)
        frame_bytes = SC.FORMATS[fmt][1] * ch
        chunk_frames = max(1, int(rate * SC.CHUNK_SECONDS))
        chunk = chunk_frames * frame_bytes
        meta.update(format=fmt, rate=rate, channels=ch, chunk_frames=chunk_frames)
        fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
        anchor_t, k = None, 0
        fion = array.array("i", [0])
        while True:
            if anchor_t is not None:
                target = anchor_t + k / rate
                if target >= anchor_t_first + args.max_seconds:
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
                break
            if anchor_t is None:
                anchor_t = anchor_t_first = t
            elif t - (anchor_t + k / rate) > SC.SLIP_TOLERANCE:
                slips.append([k, round(t - (anchor_t + k / rate), 6)])
                anchor_t = t - k / rate
            out.write(got[:n * frame_bytes])
            ks.append(k)
            ts.append(t)
            queued_log.append(queued)
            k += n
            if len(got) < chunk:
                break
    except SC.Stop:
        meta["stopped"] = True
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        out.close()
        for f in fds:
            os.close(f)
        with open(args.out + ".chunks", "wb") as f:
            ks.tofile(f)
            ts.tofile(f)
            queued_log.tofile(f)
        meta.update(slips=slips, chunk_count=len(ks))
        with open(args.out + ".json", "w") as f:
            json.dump(meta, f)
    return 0


class Capture:
    """Runs the streaming reader (`capture_main`) as a separate process."""

    def __init__(self, alsa_dir, prefix, max_seconds, open_timeout=60.0):
        self.prefix = prefix
        for ext in (".raw", ".json", ".chunks"):
            if os.path.exists(prefix + ext):
                os.unlink(prefix + ext)
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "capture",
                                      "--alsa-dir", alsa_dir, "--out", prefix,
                                      "--max-seconds", str(max_seconds),
                                      "--open-timeout", str(open_timeout)])
        time.sleep(0.3)

    def stop(self):
        try:
            self.proc.wait(1.0)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Raw:
    """The capture, kept as bytes: 10 minutes of 48 kHz stereo float is 230 MB."""

    def __init__(self, prefix):
        with open(prefix + ".json") as f:
            self.meta = json.load(f)
        if self.meta.get("error"):
            raise RuntimeError(self.meta["error"])
        with open(prefix + ".raw", "rb") as f:
            self.raw = f.read()
        code, self.width, self.full = SC.FORMATS[self.meta["format"]]
        self.code = code
        self.rate = self.meta["rate"]
        self.channels = self.meta["channels"]
        self.frame_bytes = self.width * self.channels
        self.frames = len(self.raw) // self.frame_bytes
        n = self.meta["chunk_count"]
        ks, ts, qs = array.array("q"), array.array("d"), array.array("q")
        with open(prefix + ".chunks", "rb") as f:
            ks.fromfile(f, n)
            ts.fromfile(f, n)
            qs.fromfile(f, n)
        self.chunk_k, self.chunk_t = ks, ts
        self.queued = dict(zip(ks, qs))

    def heard(self, k):
        import bisect
        i = max(0, bisect.bisect_right(self.chunk_k, k) - 1)
        return self.chunk_t[i] + (k - self.chunk_k[i]) / self.rate

    def frame_at(self, t):
        """The first capture frame heard at or after wall time t."""
        import bisect
        i = max(0, bisect.bisect_right(self.chunk_t, t) - 1)
        k = self.chunk_k[i] + max(0, int((t - self.chunk_t[i]) * self.rate))
        return min(k, self.frames)

    def left(self, k0, k1):
        a = array.array(self.code)
        a.frombytes(self.raw[k0 * self.frame_bytes:k1 * self.frame_bytes])
        if sys.byteorder == "big":
            a.byteswap()
        return array.array("d", (v / self.full for v in a[0::self.channels]))

    def first_sound(self, k0, level=0.001, step=4800):
        while k0 < self.frames:
            x = self.left(k0, min(self.frames, k0 + step))
            for i, v in enumerate(x):
                if abs(v) > level:
                    return k0 + i
            k0 += step
        return None

    def zero_runs(self, k0, k1, min_frames):
        """(start, length) of every run of >= min_frames all-zero frames in [k0, k1)."""
        zero = b"\0" * (self.frame_bytes * min_frames)
        runs = []
        pos = k0 * self.frame_bytes
        end = k1 * self.frame_bytes
        fb = self.frame_bytes
        while True:
            i = self.raw.find(zero, pos, end)
            if i < 0:
                return runs
            start = i - (i % fb)
            if start < i:   # not frame-aligned: move to the next frame
                pos = start + fb
                continue
            while start - fb >= k0 * fb and self.raw[start - fb:start] == b"\0" * fb:
                start -= fb
            stop = i + len(zero)
            while stop + fb <= end and self.raw[stop:stop + fb] == b"\0" * fb:
                stop += fb
            runs.append((start // fb, (stop - start) // fb))
            pos = stop


class Truth:
    """truth.wav (left channel) in the shape sync-check's `locate` wants."""

    def __init__(self, path):
        self.x, self.rate = SC.read_truth(path)


class Window:
    """A stretch of the capture as sync-check's CaptureData (for `locate`)."""

    def __init__(self, raw, k0, k1):
        self.rate = raw.rate
        self.x = raw.left(k0, k1)


def locate(raw, truth, k, guess, search=0.5):
    """Source seconds of capture frame k (150 ms window cross-correlated around `guess`)."""
    win = Window(raw, k, min(raw.frames, k + int(0.2 * raw.rate)))
    s, ncc = SC.locate(win, 0, truth.x, truth.rate, guess, search=search)
    return s, ncc


def analyze(raw, truth, presses, trace, segment_secs):
    plays = [p for p in presses if p["key"] == "play"]
    pauses = [p for p in presses if p["key"] == "pause"]
    trace_plays = [e for e in trace if e.get("event") == "play"]
    rows = []
    silence_all, starve_all = [], []
    slips = {s[0]: s[1] for s in raw.meta["slips"]}
    queued = raw.queued
    chunk_bytes = raw.meta.get("chunk_frames", 0) * raw.frame_bytes
    for n, play in enumerate(plays):
        k_press = raw.frame_at(play["t"])
        k_first = raw.first_sound(k_press)
        if k_first is None:
            rows.append({"play": n, "error": "no sound after Play"})
            continue
        row = {"play": n, "play_to_sound_ms": round((raw.heard(k_first) - play["t"]) * 1000, 1)}
        ui = [e["t_unix"] for e in trace_plays if e["t_unix"] >= play["t"] - 0.01]
        if ui:
            row["key_to_app_play_ms"] = round((min(ui) - play["t"]) * 1000, 1)
        pause = next((p for p in pauses if p["t"] > play["t"]), None)
        k_end = raw.frame_at(pause["t"]) if pause else raw.frames
        k_end = min(k_end, raw.frames)
        runs = raw.zero_runs(k_first, k_end, max(1, int(raw.rate * SILENCE_MIN_MS / 1000)))
        silence = [round(length * 1000 / raw.rate, 1) for _, length in runs]
        starve = [round(late * 1000, 1) for k, late in slips.items()
                  if k_first < k < k_end and queued.get(k, 0) < chunk_bytes]
        reader_late = [round(late * 1000, 1) for k, late in slips.items()
                       if k_first < k < k_end and queued.get(k, 0) >= chunk_bytes]
        row.update(seconds=round((k_end - k_first) / raw.rate, 2),
                   silence_ms=silence, starved_ms=starve, reader_late_ms=reader_late)
        # Against the source: source time spanned vs capture time (plus starvation time).
        pos = None
        if trace_plays:
            ev = [e for e in trace_plays if e["t_unix"] >= play["t"] - 0.01]
            if ev and isinstance(ev[0].get("pos_secs"), (int, float)):
                pos = ev[0]["pos_secs"]
        if pos is not None and k_end - k_first > 2 * raw.rate:
            try:
                s0, c0 = locate(raw, truth, k_first, pos)
                k_last = k_end - int(0.3 * raw.rate)
                cap_secs = (k_last - k_first) / raw.rate
                s1, c1 = locate(raw, truth, k_last, s0 + cap_secs)
                silent_secs = sum(length for _, length in runs) / raw.rate
                row.update(source_start_s=round(s0, 4), correlation=[round(c0, 3), round(c1, 3)],
                           missing_ms=round((s1 - s0 - (cap_secs - silent_secs)) * 1000, 2))
            except RuntimeError as err:
                row["locate_error"] = str(err)
        silence_all += silence
        starve_all += starve
        rows.append(row)
    gaps = silence_all + starve_all
    p2s = [r["play_to_sound_ms"] for r in rows if "play_to_sound_ms" in r]
    return {
        "segments": rows,
        "played_seconds": round(sum(r.get("seconds", 0) for r in rows), 1),
        "gaps_over_20ms": sum(1 for g in gaps if g > GAP_REPORT_MS),
        "gaps_over_5ms": sum(1 for g in gaps if g > 5.0),
        "silence_runs": len(silence_all),
        "silence_ms_max": max(silence_all, default=0.0),
        "starved_chunks": len(starve_all),
        "starved_ms_max": max(starve_all, default=0.0),
        "starved_ms_total": round(sum(starve_all), 1),
        "missing_ms": [r["missing_ms"] for r in rows if "missing_ms" in r],
        "play_to_sound_ms": p2s,
        "play_to_sound_ms_median": round(statistics.median(p2s), 1) if p2s else None,
        "play_to_sound_ms_max": max(p2s, default=None),
    }


def run(args):
    work = os.path.abspath(args.work)
    os.makedirs(work, exist_ok=True)
    for tool in ["xdotool", "stress-ng", "sox", "lame"] + (["capsh"] if args.unprivileged else []):
        if not shutil.which(tool):
            raise RuntimeError(f"{tool} is missing")
    total_secs = int(args.minutes * 60)
    episode = make_episode(work, total_secs + 60)
    truth = Truth(os.path.join(episode, "truth.wav"))
    alsa_dir = os.path.join(work, "alsa")
    alsa_conf = SC.write_alsa_dir(alsa_dir)
    home = tempfile.mkdtemp(prefix="home-", dir=work)
    trace_path = os.path.join(work, "trace.jsonl")
    if os.path.exists(trace_path):
        os.unlink(trace_path)
    env = dict(os.environ, ALSA_CONFIG_PATH=alsa_conf, READALONG_TRACE=trace_path, HOME=home,
               XDG_CONFIG_HOME=os.path.join(home, "config"),
               XDG_DATA_HOME=os.path.join(home, "data"),
               XDG_STATE_HOME=os.path.join(home, "state"),
               XDG_CACHE_HOME=os.path.join(home, "cache"))
    env.setdefault("RUST_LOG", "readalong=debug")
    load = None
    cmd = [os.path.abspath(args.app), episode]
    if args.control_aplay:
        # The control: aplay at real-time priority plays the source through the same card, to
        # tell the rig's and the kernel's breaks from the app's.
        return run_control(args, work, episode, truth, alsa_dir, env, total_secs)
    cap = Capture(alsa_dir, os.path.join(work, "cap"), max_seconds=total_secs + 60)
    if args.unprivileged:
        cmd = ["capsh", "--drop=cap_sys_nice", "--", "-c", 'exec "$0" "$@"'] + cmd
    applog = open(os.path.join(work, "app.log"), "w")
    proc = subprocess.Popen(cmd, env=env, stdout=applog, stderr=subprocess.STDOUT)
    presses = []
    try:
        window = find_window()
        # The load starts once the window is up: Xvfb and the app's start-up are not measured.
        load = start_load(args.load, total_secs + 120)
        time.sleep(args.settle)
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early with code {proc.returncode}")
        log(f"load {args.load}; playing {args.minutes} min in {args.segment} s segments")
        t_end = time.time() + total_secs
        while True:
            presses.append({"key": "play", "t": press_space(window)})
            left = t_end - time.time()
            time.sleep(max(0.0, min(args.segment, left)))
            if time.time() >= t_end - 0.5 or proc.poll() is not None:
                break
            presses.append({"key": "pause", "t": press_space(window)})
            time.sleep(1.5)
        presses.append({"key": "pause", "t": press_space(window)})
        time.sleep(0.5)
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited early with code {proc.returncode}")
    finally:
        stop_load(load)
        SC.stop_app(proc, applog, cap)
        shutil.rmtree(home, ignore_errors=True)
    raw = Raw(os.path.join(work, "cap"))
    trace = SC.read_trace(trace_path)
    result = {"app": args.app, "load": args.load, "unprivileged": args.unprivileged,
              "minutes": args.minutes, "format": raw.meta["format"], "rate": raw.rate,
              "reader_priority": raw.meta.get("priority"),
              **analyze(raw, truth, presses, trace, args.segment)}
    with open(os.path.join(work, "app.log")) as f:
        app_log = f.read().splitlines()
    result["app_priority_log"] = [line.strip() for line in app_log if "priority" in line][:4]
    if any("silent clock" in line for line in app_log):
        raise RuntimeError("the app played without a sound device (see app.log)")
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    keys = ("played_seconds", "gaps_over_20ms", "gaps_over_5ms", "silence_ms_max",
            "starved_ms_max", "starved_ms_total", "missing_ms", "play_to_sound_ms_median",
            "play_to_sound_ms_max")
    log("summary: " + json.dumps({k: result[k] for k in keys}))
    return 0


def run_control(args, work, episode, truth, alsa_dir, env, total_secs):
    cap = Capture(alsa_dir, os.path.join(work, "cap"), max_seconds=total_secs + 30)
    load = start_load(args.load, total_secs + 60)
    time.sleep(args.settle)
    applog = open(os.path.join(work, "aplay.log"), "w")
    t_play = time.time()
    proc = subprocess.Popen(["chrt", "-f", "10", "aplay", "-q", os.path.join(episode, "truth.wav")],
                            env=env, stdout=applog, stderr=subprocess.STDOUT)
    try:
        time.sleep(total_secs)
        t_stop = time.time()
    finally:
        stop_load(load)
        SC.stop_app(proc, applog, cap)
    raw = Raw(os.path.join(work, "cap"))
    presses = [{"key": "play", "t": t_play}, {"key": "pause", "t": t_stop}]
    result = {"control": "chrt -f 10 aplay", "load": args.load, "minutes": args.minutes,
              "format": raw.meta["format"], "rate": raw.rate,
              **analyze(raw, truth, presses, [], args.segment)}
    text = json.dumps(result, indent=1)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")
    print(text)
    keys = ("played_seconds", "gaps_over_20ms", "gaps_over_5ms", "starved_ms_max",
            "starved_ms_total")
    log("control summary: " + json.dumps({k: result[k] for k in keys}))
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["capture"]:
        c = argparse.ArgumentParser(prog="playback-load.py capture")
        c.add_argument("--alsa-dir", required=True)
        c.add_argument("--out", required=True)
        c.add_argument("--max-seconds", type=float, required=True)
        c.add_argument("--open-timeout", type=float, default=60.0)
        return capture_main(c.parse_args(argv[1:]))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--app", required=True, help="the readalong binary")
    ap.add_argument("--minutes", type=float, default=10.0, help="playback time (default 10)")
    ap.add_argument("--segment", type=float, default=60.0,
                    help="seconds between Pause/Play presses (default 60)")
    ap.add_argument("--load", choices=["cpu+vm", "cpu", "none"], default="cpu+vm")
    ap.add_argument("--unprivileged", action="store_true",
                    help="run the app without CAP_SYS_NICE (no priority raise)")
    ap.add_argument("--control-aplay", action="store_true",
                    help="play the source with aplay at real-time priority instead of the app")
    ap.add_argument("--settle", type=float, default=4.0, help="seconds before the first Play")
    ap.add_argument("--work", default="target/playback-load", help="work folder")
    ap.add_argument("--json", help="also write the result here")
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
