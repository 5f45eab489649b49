#!/usr/bin/env bash
# Make dupfinder double-clickable from a Linux desktop: installs the launcher and icons for the current user.
# Usage: packaging/linux/install-desktop-entry.sh [PATH_TO_DUPFINDER_EXECUTABLE]
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
exe=${1:-$(command -v dupfinder || true)}
[ -n "$exe" ] || { echo "dupfinder is not on PATH; pass the path of the executable" >&2; exit 1; }
data=${XDG_DATA_HOME:-$HOME/.local/share}
mkdir -p "$data/applications"
sed "s|^Exec=.*|Exec=$exe %F|" "$here/resources/dupfinder.desktop" > "$data/applications/dupfinder.desktop"
for png in "$here"/resources/icons/dupfinder-*.png; do
  size=$(basename "$png" .png); size=${size#dupfinder-}
  mkdir -p "$data/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$data/icons/hicolor/${size}x${size}/apps/dupfinder.png"
done
mkdir -p "$data/icons/hicolor/scalable/apps"
cp "$here/resources/dupfinder.svg" "$data/icons/hicolor/scalable/apps/dupfinder.svg"
command -v update-desktop-database >/dev/null && update-desktop-database "$data/applications" || true
echo "Installed: $data/applications/dupfinder.desktop"
