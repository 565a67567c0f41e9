#!/usr/bin/env bash
# Measures the app's CPU use while playing and while paused, under Xvfb (software rendering).
# Usage: scripts/cpu-usage.sh [BINARY] [EPISODE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/debug/readalong}
episode=${2:-assets/demo}
secs=${3:-10}
hz=$(getconf CLK_TCK)

# CPU seconds used by PID over the next $secs seconds, as a percentage of one core.
measure() {
    local pid=$1 before after
    before=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    sleep "$secs"
    after=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    awk -v a="$before" -v b="$after" -v hz="$hz" -v s="$secs" 'BEGIN { printf "%.1f", (b - a) / hz / s * 100 }'
}

run() {
    local label=$1; shift
    "$bin" "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep 5 # let the window open and settle
    echo "$label: $(measure "$pid")% of one core over ${secs}s"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

if [ -z "${DISPLAY:-}" ]; then
    exec xvfb-run -a -s "-screen 0 1280x800x24" "$0" "$@"
fi
run "playing (silent clock)" "$episode" --no-audio --at 0
run "paused" "$episode" --no-audio
