#!/usr/bin/env bash
# Build ResLens for Linux from a clean checkout: the PyInstaller bundle (dist/reslens/) and a .deb
# (dist/reslens_<version>_<arch>.deb) that installs it under /opt/reslens.
#
#   packaging/build-linux.sh                      # fresh build venv (build/venv), bundle + .deb
#   packaging/build-linux.sh --venv .venv         # use (and complete) an existing venv instead
#   packaging/build-linux.sh --bundle-only        # dist/reslens/ only
#   packaging/build-linux.sh --deb-only           # package the dist/reslens/ already built
#   packaging/build-linux.sh --torch-index https://download.pytorch.org/whl/cpu
#                                                 # CPU-only torch/torchvision: a much smaller bundle
#
# Needs python3 >= 3.10 with venv, and dpkg-deb for the package (Debian/Ubuntu). The bundle needs
# the model in assets/models/. Environment: DEB_MAINTAINER (Maintainer field), DEB_COMPRESS
# (zstd, xz, gzip; default zstd) and DEB_LEVEL (default 3: xz would take ~30 min on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

venv="" torch_index="" do_bundle=1 do_deb=1
while [ $# -gt 0 ]; do
  case "$1" in
    --venv) venv=$2; shift 2 ;;
    --torch-index) torch_index=$2; shift 2 ;;
    --bundle-only) do_deb=0; shift ;;
    --deb-only) do_bundle=0; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) echo "build-linux.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

human() { du -sh --apparent-size "$1" | cut -f1; }
step_start=$SECONDS
step() { echo "== $* ($((SECONDS - step_start)) s so far)"; }

VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' core/__init__.py)
[ -n "$VERSION" ] || { echo "build-linux.sh: no __version__ in core/__init__.py" >&2; exit 1; }

# --- 1. build environment ---
if [ "$do_bundle" = 1 ]; then
  if [ -z "$venv" ]; then
    venv=build/venv
    if [ ! -x "$venv/bin/python" ]; then
      step "creating $venv"
      python3 -m venv "$venv"
    fi
  fi
  PY=$venv/bin/python
  [ -x "$PY" ] || { echo "build-linux.sh: $PY not found" >&2; exit 1; }
  if [ -n "$torch_index" ]; then
    step "installing torch + torchvision from $torch_index"
    "$PY" -m pip install -q torch torchvision --index-url "$torch_index"
  fi
  step "installing the project and PyInstaller into $venv"
  "$PY" -m pip install -q -e '.[packaging]'

  # --- 2. the bundle ---
  step "pyinstaller build.spec"
  bundle_start=$SECONDS
  "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller build.spec
  bundle_s=$((SECONDS - bundle_start))
  echo "bundle: dist/reslens, $(human dist/reslens) ($(du -sh --apparent-size dist/reslens/_internal/nvidia 2>/dev/null | cut -f1 || echo 0) of it nvidia/), built in ${bundle_s} s"
fi
[ -x dist/reslens/reslens ] || { echo "build-linux.sh: dist/reslens/reslens missing; build the bundle first" >&2; exit 1; }

# --- 3. the .deb ---
if [ "$do_deb" = 1 ]; then
  command -v dpkg-deb >/dev/null || { echo "build-linux.sh: dpkg-deb not found (Debian/Ubuntu only)" >&2; exit 1; }
  deb_start=$SECONDS
  ARCH=$(dpkg --print-architecture)
  stage=build/deb/reslens_${VERSION}_${ARCH}
  deb=dist/reslens_${VERSION}_${ARCH}.deb
  step "staging $stage"
  rm -rf "$stage" "$deb"
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/doc/reslens"
  # Hard links when dist/ and build/ share a file system (no 4 GB copy), else a copy; -a keeps
  # the bundle's symlinks (libraries at the top of _internal/ point into nvidia/, torch/ ...).
  cp -al dist/reslens "$stage/opt/reslens" 2>/dev/null || { rm -rf "$stage/opt/reslens"; cp -a dist/reslens "$stage/opt/reslens"; }
  chmod -R u+rwX,go+rX,go-w "$stage/opt/reslens"  # files written 0600 (e.g. safetensors) readable by all
  ln -s /opt/reslens/reslens "$stage/usr/bin/reslens"
  install -m 644 packaging/linux/reslens.desktop "$stage/usr/share/applications/reslens.desktop"
  for size in 16 32 48 64 128 256 512; do
    install -D -m 644 "assets/icons/reslens-$size.png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/reslens.png"
  done
  install -D -m 644 assets/icons/reslens.svg "$stage/usr/share/icons/hicolor/scalable/apps/reslens.svg"
  printf 'ResLens %s\nLicense: MIT. The bundle under /opt/reslens includes Python, PyTorch, torchvision,\nQt for Python (LGPLv3) and NVIDIA CUDA libraries under their own licenses.\n' \
    "$VERSION" > "$stage/usr/share/doc/reslens/copyright"
  install -m 755 packaging/linux/postinst packaging/linux/postrm "$stage/DEBIAN/"
  installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$installed_kb/" \
    -e "s/@MAINTAINER@/${DEB_MAINTAINER:-ResLens developers <reslens@example.org>}/" \
    packaging/linux/control.in > "$stage/DEBIAN/control"
  (cd "$stage" && find opt usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  step "dpkg-deb (${DEB_COMPRESS:-zstd} -${DEB_LEVEL:-3})"
  dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-zstd}" -z"${DEB_LEVEL:-3}" --build "$stage" "$deb"
  rm -rf "$stage"
  deb_s=$((SECONDS - deb_start))
  echo "deb: $deb, $(human "$deb") (installed: $((installed_kb / 1024)) MiB), packaged in ${deb_s} s"
fi
echo "build-linux.sh: done in $((SECONDS - step_start)) s"
