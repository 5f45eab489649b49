#!/usr/bin/env bash
# Check a built bundle as a fresh desktop would run it: no PATH, no PYTHONPATH, no Python of the system (env -i).
# Usage: packaging/check-bundle.sh [BUNDLE_DIR] [SCREENSHOT.png]   (default: dist/dupfinder, build/bundle-check.png;
#        the window after its scan goes to SCREENSHOT-scanned.png; DUPFINDER_CHECK_SCALE=2 runs the window at 200 %)
# Needs: Xvfb, xdotool, xwininfo, ImageMagick (apt-get install xvfb xdotool x11-utils imagemagick), and the build
# venv of packaging/build-bundle.sh, whose Python only makes the test images and reads the JSON report.
#  1. dupfinder-selftest: HEIC, scipy, OpenCV, Qt plugins/translations load, every module from the bundle
#  2. dupfinder --version
#  3. dupfinder scan on four generated images (JPEG, resized PNG, HEIC of one picture + one other): one group of 3
#  4. the window under Xvfb: it appears (polled, bounded) with WM_CLASS dupfinder and a multi-size icon, is painted
#     and screenshotted, scans the folder (F5) and shows the group (second screenshot), quits on Ctrl+Q with exit 0
#  5. with weston installed: the selftest's Qt part again on a headless Wayland compositor
#  6. the bundle's install.sh into a scratch prefix: the installed .desktop and metainfo validate, its Exec= runs,
#     --uninstall removes it all
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bundle=$(realpath "${1:-$root/dist/dupfinder}")
shot=$(realpath -m "${2:-$root/build/bundle-check.png}")
venv=${DUPFINDER_BUNDLE_VENV:-$root/build/bundle-venv}
timeout_s=${DUPFINDER_CHECK_TIMEOUT:-60}
scale=${DUPFINDER_CHECK_SCALE:-1}  # 2: the window at 200 % (QT_SCALE_FACTOR) on a screen twice the size
[[ $scale =~ ^[1-3]$ ]] || { echo "DUPFINDER_CHECK_SCALE must be 1, 2 or 3" >&2; exit 2; }
[ -x "$bundle/dupfinder" ] || { echo "no bundle at $bundle (build it: packaging/build-bundle.sh)" >&2; exit 2; }
for tool in Xvfb xdotool xwininfo xprop import identify; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xvfb xdotool x11-utils imagemagick)" >&2; exit 2; }
done

work=$(mktemp -d)
xvfb_pid="" app_pid="" window_pid="" weston_pid=""
cleanup() {
  [ -n "$weston_pid" ] && kill "$weston_pid" 2>/dev/null || true
  # The bundle's launcher runs the app as its child: end both, by their ids.
  [ -n "$window_pid" ] && kill "$window_pid" 2>/dev/null || true
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/run" "$work/photos/sub" && chmod 700 "$work/run"
fail() { echo "FAIL: $*" >&2; exit 1; }
# The bundle runs with nothing from this shell but a private HOME (cache, settings, trash stay in $work).
run_bundled=(env -i HOME="$work/home" XDG_RUNTIME_DIR="$work/run" LANG=C.UTF-8)

echo "== images"
"$venv/bin/python" - "$work/photos" <<'PY'
import sys
from pathlib import Path

import pillow_heif
from PIL import Image, ImageDraw

pillow_heif.register_heif_opener()
folder = Path(sys.argv[1])
picture = Image.new("RGB", (640, 480), (40, 90, 160))
draw = ImageDraw.Draw(picture)
for i in range(12):
    draw.ellipse((i * 50, 40 + i * 25, i * 50 + 140, 180 + i * 25), fill=(25 * i % 256, 200 - 10 * i, 60 + 15 * i))
draw.rectangle((380, 60, 600, 200), fill=(240, 220, 40))
picture.save(folder / "original.jpg", quality=92)
picture.resize((320, 240)).save(folder / "sub" / "small-copy.png")
picture.save(folder / "sub" / "phone-copy.heic", quality=80)
other = Image.new("RGB", (640, 480), (250, 250, 250))
ImageDraw.Draw(other).polygon([(0, 480), (320, 0), (640, 480)], fill=(10, 10, 10))
other.save(folder / "other.jpg")
PY
ls -R "$work/photos"

echo "== dupfinder-selftest (no display)"
"${run_bundled[@]}" "$bundle/dupfinder-selftest" || fail "selftest"

echo "== dupfinder --version"
version=$("${run_bundled[@]}" "$bundle/dupfinder" --version) || fail "--version"
echo "$version"
[[ $version =~ ^dupfinder\ [0-9] ]] || fail "unexpected --version output: $version"

echo "== dupfinder scan"
"${run_bundled[@]}" "$bundle/dupfinder" scan "$work/photos" --no-progress --json "$work/report.json" || fail "scan"
"$venv/bin/python" - "$work/report.json" "$work/photos" <<'PY' || fail "scan report"
import json
import sys
from pathlib import Path

report = json.loads(Path(sys.argv[1]).read_text())
folder = Path(sys.argv[2])
groups = [sorted(Path(m["path"]).relative_to(folder).as_posix() for m in g["members"]) for g in report["groups"]]
expected = [["original.jpg", "sub/phone-copy.heic", "sub/small-copy.png"]]
assert report["summary"]["images_fingerprinted"] == 4, report["summary"]
assert groups == expected, f"groups {groups}, expected {expected}; problems: {report['problems']}"
print(f"ok: one group of 3 (JPEG, PNG, HEIC); 'other.jpg' alone; {report['tool']}")
PY

echo "== window under Xvfb"
mkfifo "$work/displayfd" && exec 3<>"$work/displayfd"  # Xvfb writes its display number here once it is ready
Xvfb -displayfd 3 -screen 0 "$((1600 * scale))x$((1000 * scale))x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
read -r -t "$timeout_s" display_number <&3 || fail "Xvfb did not start: $(cat "$work/xvfb.log")"
export DISPLAY=":$display_number"
run_bundled+=(DISPLAY="$DISPLAY")
[ "$scale" = 1 ] || run_bundled+=(QT_SCALE_FACTOR="$scale")
echo "Xvfb on $DISPLAY"

echo "-- dupfinder-selftest (with the display: Qt plugins, SVG icon, qtbase zh_CN/ru)"
"${run_bundled[@]}" "$bundle/dupfinder-selftest" || fail "selftest with a display"

"${run_bundled[@]}" "$bundle/dupfinder" "$work/photos" >"$work/app.log" 2>&1 &
app_pid=$!
deadline=$((SECONDS + timeout_s))
window=""
until window=$(xdotool search --onlyvisible --class '^dupfinder$' 2>/dev/null | head -n1) && [ -n "$window" ]; do  # by WM_CLASS: the title is translated
  kill -0 "$app_pid" 2>/dev/null || fail "the app exited before showing its window: $(cat "$work/app.log")"
  [ "$SECONDS" -lt "$deadline" ] || fail "no window within ${timeout_s}s: $(cat "$work/app.log")"
  sleep 0.2
done
window_pid=$(xdotool getwindowpid "$window" 2>/dev/null || true)
echo "window $window: \"$(xdotool getwindowname "$window")\", $(xwininfo -id "$window" | awk '/Width|Height/ {printf "%s%s ", $1, $2}')"
# What the desktop matches the window against: WM_CLASS = the .desktop's StartupWMClass, and the window icon sizes.
wm_class=$(xprop -id "$window" WM_CLASS)
[[ $wm_class == *'"dupfinder"'* ]] || fail "WM_CLASS is not dupfinder (the .desktop's StartupWMClass): $wm_class"
icon_sizes=$(xprop -id "$window" _NET_WM_ICON | grep -o 'Icon ([0-9]* x [0-9]*)' | grep -o '^Icon ([0-9]*' | tr -dc '0-9\n' | tr '\n' ' ')
for size in 16 32 48 64 128; do
  [[ " $icon_sizes " == *" $size "* ]] || fail "the window icon has no ${size}px image (has: $icon_sizes)"
done
echo "WM_CLASS ${wm_class#*= }; window icon sizes: $icon_sizes"
mkdir -p "$(dirname "$shot")"
# Painted once the screen has more than a few colours (a blank or half-mapped window has one or two).
until import -window root "$shot" 2>/dev/null && [ "$(identify -format %k "$shot")" -gt 64 ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the window was not painted within ${timeout_s}s"
  sleep 0.2
done
echo "screenshot: $shot ($(identify -format '%wx%h, %k colours' "$shot"))"
# Scan from the window (F5) and wait for the group's thumbnails: the screen gains the photos' many colours.
colours=$(identify -format %k "$shot")
scanned=${shot%.png}-scanned.png
xdotool windowfocus --sync "$window" key --clearmodifiers F5
until import -window root "$scanned" 2>/dev/null && [ "$(identify -format %k "$scanned")" -gt $((colours + 500)) ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "no scan results in the window within ${timeout_s}s (see $scanned)"
  sleep 0.2
done
echo "after Scan: $scanned ($(identify -format '%wx%h, %k colours' "$scanned"))"
xdotool windowfocus --sync "$window" key --clearmodifiers ctrl+q
status=""
while kill -0 "$app_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the app did not quit on Ctrl+Q within ${timeout_s}s"
  sleep 0.2
done
wait "$app_pid" && status=0 || status=$?
app_pid=""
while [ -n "$window_pid" ] && kill -0 "$window_pid" 2>/dev/null; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the app's process $window_pid outlived its launcher"
  sleep 0.2
done
window_pid=""
[ "$status" = 0 ] || fail "the app exited with $status: $(cat "$work/app.log")"
if grep -v '^$' "$work/app.log" >/dev/null; then echo "app output:"; sed 's/^/  /' "$work/app.log"; fi
echo "== Wayland (headless weston)"
if command -v weston >/dev/null; then
  XDG_RUNTIME_DIR="$work/run" weston --backend=headless-backend.so --socket=dupfinder-check --idle-time=0 \
    >"$work/weston.log" 2>&1 &
  weston_pid=$!
  until [ -S "$work/run/dupfinder-check" ]; do
    kill -0 "$weston_pid" 2>/dev/null || fail "weston did not start: $(cat "$work/weston.log")"
    [ "$SECONDS" -lt "$deadline" ] || fail "weston did not start within ${timeout_s}s"
    sleep 0.2
  done
  out=$(env -i HOME="$work/home" XDG_RUNTIME_DIR="$work/run" LANG=C.UTF-8 WAYLAND_DISPLAY=dupfinder-check \
    QT_QPA_PLATFORM=wayland "$bundle/dupfinder-selftest" 2>&1) || fail "selftest on Wayland: $out"
  grep '^ok   qt: .* on wayland ' <<<"$out" || fail "Qt did not run on Wayland: $out"
  kill "$weston_pid" && wait "$weston_pid" 2>/dev/null || true
  weston_pid=""
else
  echo "skipped: no weston (apt-get install weston)"
fi

echo "== install.sh into a scratch prefix"
prefix=$work/prefix
HOME="$work/home" "$bundle/install.sh" --prefix "$prefix" >/dev/null || fail "install.sh"
entry=$prefix/share/applications/dupfinder.desktop
metainfo=$prefix/share/metainfo/io.github.dupfinder.metainfo.xml
[ -f "$entry" ] && [ -f "$metainfo" ] && [ -x "$prefix/opt/dupfinder/dupfinder" ] || fail "install.sh left out files"
if command -v desktop-file-validate >/dev/null; then desktop-file-validate "$entry" || fail "installed .desktop"; fi
if command -v appstreamcli >/dev/null; then appstreamcli validate --no-net "$metainfo" >/dev/null || fail "metainfo"; fi
exec_line=$(grep '^Exec=' "$entry")
installed_exe=$(sed -E 's/^Exec="([^"]+)" %F$/\1/' <<<"$exec_line")
"${run_bundled[@]}" "$installed_exe" --version >/dev/null || fail "the installed Exec= does not run: $exec_line"
echo "installed: $exec_line; $(find "$prefix/share/icons" -name 'dupfinder.*' | wc -l) icons"
HOME="$work/home" "$prefix/opt/dupfinder/install.sh" --prefix "$prefix" --uninstall >/dev/null || fail "--uninstall"
left=$(find "$prefix" \( -type f -o -type l \) ! -name mimeinfo.cache)
[ -z "$left" ] || fail "--uninstall left: $left"
echo "uninstalled: nothing left but the desktop's mimeinfo.cache"
echo "OK: $bundle ($(du -sh "$bundle" | cut -f1)) passed every check"
