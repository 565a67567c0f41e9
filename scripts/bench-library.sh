#!/usr/bin/env bash
# Times a library's first scan (no cache), its second (cached), and a search across it, with the
# release binary, for libraries of 509 and 5,000 episodes built by make-library.py.
#   scripts/bench-library.sh [SAMPLES_DIR]
# With SAMPLES_DIR (e.g. ../shared/samples), transcripts are copies of its .vtt/.txt pairs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/readalong
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/config" XDG_CACHE_HOME="$work/home/cache" XDG_DATA_HOME="$work/home/data"
measure() { # label, command...
    local label=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" > /dev/null
    read -r secs kib < "$work/time"
    printf '| %s | %s s | %s MiB |\n' "$label" "$secs" "$((kib / 1024))"
}
echo "| Case | Wall time | Peak memory |"
echo "| --- | --- | --- |"
for episodes in 509 5000; do
    lib="$work/lib-$episodes"
    python3 scripts/make-library.py "$lib" "$episodes" "${1:-}"
    files=$(find "$lib" -type f | wc -l)
    mib=$(du -sm "$lib" | cut -f1)
    rm -rf "$XDG_CACHE_HOME"
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    measure "$episodes episodes ($files files, $mib MiB): first scan, \`info --json\`" "$bin" info --json "$lib"
    measure "$episodes episodes: second scan (cached), \`info --json\`" "$bin" info --json "$lib"
    measure "$episodes episodes: \`search\` \"durable execution\" (cached)" "$bin" search "$lib" "durable execution"
    cache=$(du -sm "$XDG_CACHE_HOME" | cut -f1)
    echo "| $episodes episodes: cache size | | $cache MiB on disk |"
    rm -rf "$lib"
done
