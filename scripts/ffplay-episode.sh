#!/usr/bin/env bash
# Plays an episode folder's audio with ffplay and no window, taking the app's arguments
# (EPISODE [--at SECONDS] [--speed X]), so `scripts/sync-check.py cpu --app scripts/ffplay-episode.sh`
# measures ffplay exactly as it measures Readalong. The speed is ignored (ffplay plays at 1x).
set -euo pipefail
episode=$1; shift
at=0
while [ $# -gt 0 ]; do
    case $1 in
        --at) at=$2; shift 2 ;;
        --speed) shift 2 ;;
        *) shift ;;
    esac
done
audio=$(find "$episode" -maxdepth 1 -type f \( -name '*.mp3' -o -name '*.m4a' -o -name '*.ogg' -o -name '*.opus' -o -name '*.flac' -o -name '*.wav' \) | sort | head -n 1)
# SDL would try PulseAudio first; the fake card is ALSA's default.
export SDL_AUDIODRIVER=${SDL_AUDIODRIVER:-alsa}
exec ffplay -nodisp -autoexit -loglevel error -ss "$at" "$audio"
