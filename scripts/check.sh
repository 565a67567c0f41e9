#!/usr/bin/env bash
# What CI runs: formatting, lints, the transcript core's boundary, tests and docs.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== fmt"
cargo fmt --all -- --check

echo "== boundary: src/transcript names no UI, audio or file I/O"
if grep -rnE '\b(egui|eframe|rodio|cpal|symphonia|rfd)\b|std::fs|File::open' src/transcript; then
    echo "src/transcript must stay pure (no UI, audio or file I/O)" >&2
    exit 1
fi
echo "== boundary: src/library names no UI"
if grep -rnE '\b(egui|eframe|rfd)\b' src/library; then
    echo "src/library must not name the UI" >&2
    exit 1
fi
echo "== boundary: only src/audio names rodio, cpal or symphonia"
if grep -rnlE '\b(rodio|cpal|symphonia)::' src --include=*.rs | grep -v '^src/audio/'; then
    echo "only src/audio may name rodio, cpal or symphonia" >&2
    exit 1
fi

echo "== clippy"
cargo clippy --all-targets -- -D warnings

echo "== tests"
cargo test --all-targets

echo "== doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps
