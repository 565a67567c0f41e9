#!/usr/bin/env bash
# Draw the Readalong application icon: a rounded dark-blue tile holding
# "transcript" lines, one of them highlighted in amber (the current cue),
# with a small play triangle beside it.
#
# Output: assets/icon.png (256x256 RGBA). Idempotent and deterministic.
# Requires: ImageMagick 6 (`convert`) or 7 (`magick`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="$ROOT/assets/icon.png"

if command -v magick >/dev/null; then IM=(magick); else IM=(convert); fi

BG_TOP="#1f4e8c"
BG_BOTTOM="#0f2a52"
LINE="#ffffff"
DIM="#9fb6d6"
AMBER="#ffb020"
AMBER_TEXT="#3a2500"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Background: vertical gradient clipped to a rounded square, with a hairline border.
"${IM[@]}" -size 256x256 gradient:"$BG_TOP"-"$BG_BOTTOM" "$WORK/grad.png"
"${IM[@]}" -size 256x256 xc:none -fill white -draw "roundrectangle 8,8 247,247 44,44" "$WORK/mask.png"
"${IM[@]}" "$WORK/grad.png" "$WORK/mask.png" -alpha off -compose CopyOpacity -composite "$WORK/tile.png"

# Transcript lines: already-read lines dimmed, current line amber with a play
# triangle, upcoming lines white.
"${IM[@]}" "$WORK/tile.png" \
    -stroke "#3c6fb0" -strokewidth 2 -fill none -draw "roundrectangle 9,9 246,246 43,43" \
    -stroke none \
    -fill "$DIM"   -draw "roundrectangle 52,56 196,70 7,7" \
    -fill "$DIM"   -draw "roundrectangle 52,86 168,100 7,7" \
    -fill "$AMBER" -draw "roundrectangle 36,112 220,144 12,12" \
    -fill "$AMBER_TEXT" -draw "polygon 50,118 50,138 66,128" \
    -fill "$AMBER_TEXT" -draw "roundrectangle 76,122 200,134 6,6" \
    -fill "$LINE"  -draw "roundrectangle 52,158 204,172 7,7" \
    -fill "$LINE"  -draw "roundrectangle 52,188 150,202 7,7" \
    -define png:exclude-chunks=date,time \
    "PNG32:$OUT.tmp"

mv -f "$OUT.tmp" "$OUT"
echo "wrote $OUT"
