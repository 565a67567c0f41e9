#!/usr/bin/env bash
# Builds the .deb with cargo-deb, installs it with dpkg, and checks that the installed
# `readalong --version` runs and the desktop entry, icon and demo episode are in place.
# Run as root (CI) or with sudo rights; it installs the package system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."

jobs="${CARGO_BUILD_JOBS:-1}"
if ! cargo deb --version >/dev/null 2>&1; then
    echo "== cargo install cargo-deb"
    cargo install cargo-deb --locked -j "$jobs"
fi

echo "== cargo deb"
deb="$(cargo deb -- -j "$jobs" | tail -n 1)"
echo "built $deb"

echo "== dpkg -i"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
# The package's own dependencies ($auto) come from apt when dpkg finds them missing.
"${sudo_cmd[@]}" dpkg -i "$deb" || {
    "${sudo_cmd[@]}" apt-get install -y -f --no-install-recommends
    "${sudo_cmd[@]}" dpkg -i "$deb"
}
dpkg-deb --field "$deb" Depends

echo "== installed"
/usr/bin/readalong --version
for f in /usr/share/applications/readalong.desktop \
         /usr/share/icons/hicolor/256x256/apps/readalong.png \
         /usr/share/readalong/demo/demo.mp3 /usr/share/readalong/demo/demo.vtt; do
    test -f "$f" || { echo "missing after install: $f" >&2; exit 1; }
done
if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate /usr/share/applications/readalong.desktop
fi
/usr/bin/readalong info /usr/share/readalong/demo >/dev/null
echo "the .deb installs and runs"
