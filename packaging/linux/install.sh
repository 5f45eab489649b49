#!/usr/bin/env bash
# Install the app bundle for the desktop: the bundle, a `dupfinder` command, the menu entry, the AppStream metainfo
# and the hicolor icons. For the current user by default; --prefix /usr/local (as root) for everyone.
#   packaging/linux/install.sh [--prefix DIR] [BUNDLE_DIR]   install (BUNDLE_DIR: default dist/dupfinder)
#   dupfinder/install.sh [--prefix DIR]                      the same, from the unpacked download (a copy of this
#                                                            script is at the top of every bundle)
#   packaging/linux/install.sh [--prefix DIR] --exec EXE     only the menu entry, metainfo and icons, for a dupfinder
#                                                            installed with pip (EXE: e.g. .venv/bin/dupfinder)
#   packaging/linux/install.sh [--prefix DIR] --uninstall    remove exactly what install put there
# Layout, with PREFIX = ~/.local by default:
#   PREFIX/opt/dupfinder/                                     the bundle (replaced on reinstall), with install.sh
#   PREFIX/bin/dupfinder                                      link to the bundle's executable (CLI and app)
#   PREFIX/share/applications/dupfinder.desktop               Exec= points at the bundle
#   PREFIX/share/metainfo/io.github.dupfinder.metainfo.xml
#   PREFIX/share/icons/hicolor/{16..512}x{16..512}/apps/dupfinder.png (9 sizes), scalable/apps/dupfinder.svg
set -euo pipefail
prefix=$HOME/.local
uninstall=0
bundle=""
exe=""
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
    --uninstall) uninstall=1; shift ;;
    --exec) exe=$(realpath "${2:?--exec needs the dupfinder executable}"); shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option: $1" >&2; exit 2 ;;
    *) bundle=$1; shift ;;
  esac
done
prefix=$(realpath -m "$prefix")
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/dupfinder" ] && [ -d "$here/_internal/dupfinder/resources" ]; then  # the copy inside a bundle
  default_bundle=$here
  source_resources=$here/_internal/dupfinder/resources
else  # packaging/linux/ of the source tree
  default_bundle=$(cd "$here/../.." && pwd)/dist/dupfinder
  source_resources=$(cd "$here/../.." && pwd)/resources
fi
opt=$prefix/opt/dupfinder
share=$prefix/share
# Data goes where the desktop looks: XDG_DATA_HOME for the default per-user prefix, PREFIX/share otherwise.
[ "$prefix" = "$(realpath -m "$HOME/.local")" ] && share=${XDG_DATA_HOME:-$HOME/.local/share}
desktop=$share/applications/dupfinder.desktop
metainfo=$share/metainfo/io.github.dupfinder.metainfo.xml
icons=$share/icons/hicolor
sizes=(16 24 32 48 64 96 128 256 512)

refresh() {
  command -v update-desktop-database >/dev/null && update-desktop-database -q "$share/applications" || true
  # Only a theme that has an icon cache already (a system prefix); a new cache in ~/.local would go stale for others.
  if [ -f "$icons/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null; then
    gtk-update-icon-cache -q "$icons" || true
  fi
}

if [ "$uninstall" = 1 ]; then
  rm -f "$desktop" "$metainfo" "$icons/scalable/apps/dupfinder.svg"
  for size in "${sizes[@]}"; do rm -f "$icons/${size}x${size}/apps/dupfinder.png"; done
  [ -L "$prefix/bin/dupfinder" ] && [ "$(readlink "$prefix/bin/dupfinder")" = "$opt/dupfinder" ] && rm -f "$prefix/bin/dupfinder"
  [ -x "$opt/dupfinder" ] && [ -d "$opt/_internal/dupfinder" ] && rm -rf "$opt"
  refresh
  echo "Uninstalled dupfinder from $prefix (settings, cache and the cleanup journal are kept in your home folder)"
  exit 0
fi

if [ -n "$exe" ]; then  # a pip install: the launcher runs EXE, the files come from this source tree
  [ -x "$exe" ] || { echo "not an executable: $exe" >&2; exit 1; }
  resources=$source_resources
else
  [ -n "$bundle" ] || bundle=$default_bundle
  bundle=$(realpath "$bundle")
  [ -x "$bundle/dupfinder" ] && [ -d "$bundle/_internal/dupfinder/resources" ] ||
    { echo "not a dupfinder bundle: $bundle (build one with packaging/build-bundle.sh)" >&2; exit 1; }
  if [ "$bundle" != "$opt" ]; then
    mkdir -p "$prefix/opt"
    rm -rf "$opt.new" && cp -a "$bundle" "$opt.new"
    [ ! -e "$opt" ] || [ -d "$opt/_internal/dupfinder" ] || { echo "$opt exists and is not a dupfinder bundle" >&2; exit 1; }
    rm -rf "$opt" && mv "$opt.new" "$opt"
  fi
  exe=$opt/dupfinder
  resources=$opt/_internal/dupfinder/resources
  mkdir -p "$prefix/bin"
  ln -sfn "$exe" "$prefix/bin/dupfinder"
fi
mkdir -p "$share/applications" "$share/metainfo" "$icons/scalable/apps"
# Exec= must be a path the desktop can run whatever its PATH; quoted as the Desktop Entry spec says.
sed "s|^Exec=.*|Exec=\"$exe\" %F|" "$resources/dupfinder.desktop" >"$desktop.new"
mv "$desktop.new" "$desktop"
cp "$resources/io.github.dupfinder.metainfo.xml" "$metainfo"
for size in "${sizes[@]}"; do
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$resources/icons/dupfinder-$size.png" "$icons/${size}x${size}/apps/dupfinder.png"
done
cp "$resources/dupfinder.svg" "$icons/scalable/apps/dupfinder.svg"
refresh
echo "Installed $("$exe" --version 2>/dev/null || echo dupfinder): $exe"
echo "  menu entry: $desktop"
if [ -L "$prefix/bin/dupfinder" ]; then
  case ":$PATH:" in *":$prefix/bin:"*) note="" ;; *) note="  ($prefix/bin is not on your PATH)" ;; esac
  echo "  command:    $prefix/bin/dupfinder$note"
fi
uninstaller=$0
[ -x "$opt/install.sh" ] && [ "$exe" = "$opt/dupfinder" ] && uninstaller=$opt/install.sh
echo "  uninstall:  $uninstaller --uninstall$( [ "$prefix" = "$(realpath -m "$HOME/.local")" ] || echo " --prefix $prefix")"
