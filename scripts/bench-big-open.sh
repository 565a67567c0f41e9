#!/usr/bin/env bash
# Measures how soon Readalong's window shows a big transcript, and the memory it takes.
#
# Usage:
#   scripts/bench-big-open.sh TRANSCRIPT [APP] [SHOT.png]
#     TRANSCRIPT  the file to open (make one with scripts/make-big-vtt.py)
#     APP         the binary (default target/release/readalong)
#     SHOT.png    if given, a screenshot of the screen taken once the lines show
#
# It starts the app under Xvfb (`xvfb-run -a -s "-screen 0 1280x800x24"`) with --no-audio, an empty HOME and
# empty XDG config/cache/data folders (so nothing remembered from another run changes what it shows), and
# READALONG_TRACE pointing at a temporary file. It waits for the trace's `shown` event (written on the first
# frame whose transcript view drew rows), reads the app's peak resident memory (VmHWM in /proc/PID/status)
# then, again after 5 s of idling, and kills the app. Times are from just before the app is started.
# Prints one line of `key=value` results.

set -euo pipefail

if [[ "${BENCH_BIG_OPEN_INNER:-}" != 1 ]]; then
    export BENCH_BIG_OPEN_INNER=1
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi

transcript=${1:?usage: bench-big-open.sh TRANSCRIPT [APP] [SHOT.png]}
app=${2:-target/release/readalong}
shot=${3:-}
idle_secs=5
timeout_secs=120

work=$(mktemp -d)
pid=
cleanup() {
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/config" "$work/cache" "$work/data"
trace="$work/trace.jsonl"

# Field `key` (a kB figure) of /proc/PID/status, in MB.
status_mb() {
    awk -v key="$1:" '$1 == key { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"
}

# The t_unix of the first trace event named $1, or nothing.
event_time() {
    grep -m1 "\"event\":\"$1\"" "$trace" 2>/dev/null | sed -E 's/.*"t_unix":([0-9.]+).*/\1/' || true
}

t0=$(date +%s.%N)
HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_CACHE_HOME="$work/cache" XDG_DATA_HOME="$work/data" \
    READALONG_TRACE="$trace" "$app" --no-audio "$transcript" >"$work/app.log" 2>&1 &
pid=$!

shown=
deadline=$(($(date +%s) + timeout_secs))
while [[ -z "$shown" ]]; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "the app exited before showing lines:" >&2
        cat "$work/app.log" >&2
        exit 1
    fi
    if (($(date +%s) > deadline)); then
        echo "no shown event within ${timeout_secs} s" >&2
        exit 1
    fi
    sleep 0.02
    shown=$(event_time shown)
done
hwm_shown=$(status_mb VmHWM)
rss_shown=$(status_mb VmRSS)
opened=$(event_time open)

if [[ -n "$shot" ]]; then
    # The shown event is written while the frame is built; give it a moment to reach the screen.
    sleep 1
    import -window root "$shot"
fi
sleep "$idle_secs"
hwm_idle=$(status_mb VmHWM)
rss_idle=$(status_mb VmRSS)

awk -v t0="$t0" -v opened="${opened:-$t0}" -v shown="$shown" \
    -v hs="$hwm_shown" -v rs="$rss_shown" -v hi="$hwm_idle" -v ri="$rss_idle" -v idle="$idle_secs" 'BEGIN {
    printf "open_event_s=%.2f shown_s=%.2f peak_rss_at_shown_mb=%s rss_at_shown_mb=%s peak_rss_after_%ss_mb=%s rss_after_%ss_mb=%s\n",
        opened - t0, shown - t0, hs, rs, idle, hi, idle, ri
}'
