#!/usr/bin/env bash
# Build the one-folder app bundle dist/dupfinder/ (PyInstaller) and its download, dist/dupfinder-VERSION-linux-ARCH.tar.gz.
# Usage: packaging/build-bundle.sh          (from anywhere; needs python3 >= 3.10 with venv, and the network for pip)
# The build venv is build/bundle-venv (kept between builds; DUPFINDER_BUNDLE_VENV overrides it). Check the result
# with packaging/check-bundle.sh; install it for the desktop with packaging/linux/install.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=${DUPFINDER_BUNDLE_VENV:-$root/build/bundle-venv}

[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
# The project's dependencies plus the bundle extra (PyInstaller, OpenCV); the spec bundles the source tree itself.
"$venv/bin/python" -m pip install -q ".[bundle]"

rm -rf dist/dupfinder
"$venv/bin/pyinstaller" --noconfirm --clean --log-level WARN \
  --distpath "$root/dist" --workpath "$root/build/pyinstaller" packaging/dupfinder.spec

install -m 755 packaging/linux/install.sh dist/dupfinder/install.sh  # desktop install from the unpacked download
version=$("$venv/bin/python" -c 'import runpy; print(runpy.run_path("dupfinder/__init__.py")["__version__"])')
archive=dist/dupfinder-$version-linux-$(uname -m).tar.gz
tar -C dist -czf "$archive" dupfinder
echo "bundle:  dist/dupfinder  $(du -sh dist/dupfinder | cut -f1)  ($(du -sb dist/dupfinder | cut -f1) bytes)"
echo "archive: $archive  $(du -sh "$archive" | cut -f1)"
echo "run it:  dist/dupfinder/dupfinder   (check it: packaging/check-bundle.sh)"
