#!/usr/bin/env bash
# Build ResLens for Linux from a clean checkout: the PyInstaller bundle (dist/reslens/) and a .deb
# (dist/reslens_<version>_<arch>.deb) that installs it under /opt/reslens; with --lite, ResLens
# Lite (no torch: dist/reslens-lite/ with reslens-lite and reslens-lite-cli, and
# dist/reslens-lite_<version>_<arch>.deb under /opt/reslens-lite).
#
#   packaging/build-linux.sh                      # fresh build venv (build/venv), bundle + .deb
#   packaging/build-linux.sh --lite               # ResLens Lite from its own venv (build/venv-lite)
#   packaging/build-linux.sh --venv .venv         # use (and complete) an existing venv instead
#   packaging/build-linux.sh --bundle-only        # dist/reslens/ (or dist/reslens-lite/) only
#   packaging/build-linux.sh --deb-only           # package the bundle already built
#   packaging/build-linux.sh --torch-index https://download.pytorch.org/whl/cpu
#                                                 # full edition, CPU-only torch: a smaller bundle
#
# Needs python3 >= 3.10 with venv, and dpkg-deb for the package (Debian/Ubuntu). The bundle needs
# the model in assets/models/. Environment: DEB_MAINTAINER (Maintainer field), DEB_COMPRESS
# (zstd, xz, gzip) and DEB_LEVEL: full edition zstd -3 (xz would take ~30 min on 2 cores), Lite
# xz -6 (83 MB where zstd -3 made 114 MB of a bundle of about the same size; minutes, not hours).
# Lite's venv gets packaging/requirements-lite.txt and the project with --no-deps; a Lite build
# fails if packaging/bundle_rules.py finds any torch, CUDA or onnx file in the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="" torch_index="" do_bundle=1 do_deb=1 lite=0
while [ $# -gt 0 ]; do
  case "$1" in
    --lite) lite=1; shift ;;
    --venv) venv=$2; shift 2 ;;
    --torch-index) torch_index=$2; shift 2 ;;
    --bundle-only) do_deb=0; shift ;;
    --deb-only) do_bundle=0; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {print}' "$0"; exit 0 ;;
    *) echo "build-linux.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$lite" = 1 ] && [ -n "$torch_index" ]; then
  echo "build-linux.sh: --torch-index is for the full edition; Lite has no torch" >&2; exit 2
fi

if [ "$lite" = 1 ]; then
  app=reslens-lite spec=build-lite.spec default_venv=build/venv-lite
else
  app=reslens spec=build.spec default_venv=build/venv
fi

human() { du -sh --apparent-size "$1" | cut -f1; }
step_start=$SECONDS
step() { echo "== $* ($((SECONDS - step_start)) s so far)"; }

VERSION=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' core/__init__.py)
[ -n "$VERSION" ] || { echo "build-linux.sh: no __version__ in core/__init__.py" >&2; exit 1; }

# --- 1. build environment ---
if [ "$do_bundle" = 1 ]; then
  if [ -z "$venv" ]; then
    venv=$default_venv
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
  if [ "$lite" = 1 ]; then
    step "installing Lite's requirements and the project (--no-deps: no torch) into $venv"
    "$PY" -m pip install -q -r packaging/requirements-lite.txt
    "$PY" -m pip install -q --no-deps -e .
    if "$PY" -c 'import importlib.util as u, sys; sys.exit(not any(u.find_spec(m) for m in ("torch", "torchvision", "onnx")))'; then
      echo "build-linux.sh: $venv has torch, torchvision or onnx; Lite needs a venv without them" >&2
      exit 1
    fi
  else
    step "installing the project and PyInstaller into $venv"
    "$PY" -m pip install -q -e '.[packaging]'
  fi

  # --- 2. the bundle ---
  step "pyinstaller $spec"
  bundle_start=$SECONDS
  "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath "build/pyinstaller-$app" "$spec"
  bundle_s=$((SECONDS - bundle_start))
  echo "bundle: dist/$app, $(human "dist/$app") ($(du -sh --apparent-size "dist/$app/_internal/nvidia" 2>/dev/null | cut -f1 || echo 0) of it nvidia/), built in ${bundle_s} s"
fi
[ -x "dist/$app/$app" ] || { echo "build-linux.sh: dist/$app/$app missing; build the bundle first" >&2; exit 1; }
if [ "$lite" = 1 ]; then
  # Before any .deb is made, even with --deb-only: a Lite package with torch inside is a bug.
  python3 packaging/bundle_rules.py "dist/$app"
fi

# --- 3. the .deb ---
# make_deb PACKAGE COMMAND...: dist/PACKAGE/ -> dist/PACKAGE_<version>_<arch>.deb, installed under
# /opt/PACKAGE, each COMMAND linked in /usr/bin, packaging/linux/PACKAGE.desktop in the menu, the
# icon as PACKAGE.png (the full and Lite packages own different files: both can be installed).
make_deb() {
  local pkg=$1 cmd size installed_kb deb_start=$SECONDS
  shift
  local stage=build/deb/${pkg}_${VERSION}_${ARCH}
  local deb=dist/${pkg}_${VERSION}_${ARCH}.deb
  step "staging $stage"
  rm -rf "$stage" "$deb"
  mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/doc/$pkg"
  # Hard links when dist/ and build/ share a file system (no 4 GB copy), else a copy; -a keeps
  # the bundle's symlinks (libraries at the top of _internal/ point into nvidia/, torch/ ...).
  cp -al "dist/$pkg" "$stage/opt/$pkg" 2>/dev/null || { rm -rf "$stage/opt/$pkg"; cp -a "dist/$pkg" "$stage/opt/$pkg"; }
  chmod -R u+rwX,go+rX,go-w "$stage/opt/$pkg"  # files written 0600 (e.g. safetensors) readable by all
  for cmd in "$@"; do
    ln -s "/opt/$pkg/$cmd" "$stage/usr/bin/$cmd"
  done
  install -m 644 "packaging/linux/$pkg.desktop" "$stage/usr/share/applications/$pkg.desktop"
  for size in 16 32 48 64 128 256 512; do
    install -D -m 644 "assets/icons/reslens-$size.png" "$stage/usr/share/icons/hicolor/${size}x${size}/apps/$pkg.png"
  done
  install -D -m 644 assets/icons/reslens.svg "$stage/usr/share/icons/hicolor/scalable/apps/$pkg.svg"
  printf 'ResLens %s\nLicense: MIT. The bundle under /opt/%s includes %s under their own licenses.\n' \
    "$VERSION" "$pkg" "$BUNDLED" > "$stage/usr/share/doc/$pkg/copyright"
  install -m 755 packaging/linux/postinst packaging/linux/postrm "$stage/DEBIAN/"
  installed_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
  sed -e "s/@PACKAGE@/$pkg/" -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" \
    -e "s/@INSTALLED_SIZE@/$installed_kb/" \
    -e "s/@MAINTAINER@/${DEB_MAINTAINER:-ResLens developers <reslens@example.org>}/" \
    packaging/linux/control.in > "$stage/DEBIAN/control"
  cat "packaging/linux/description-$pkg.txt" >> "$stage/DEBIAN/control"
  (cd "$stage" && find opt usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  step "dpkg-deb (${DEB_COMPRESS:-zstd} -${DEB_LEVEL:-3})"
  dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-zstd}" -z"${DEB_LEVEL:-3}" --build "$stage" "$deb"
  rm -rf "$stage"
  echo "deb: $deb, $(human "$deb") (installed: $((installed_kb / 1024)) MiB), packaged in $((SECONDS - deb_start)) s"
}

if [ "$do_deb" = 1 ]; then
  command -v dpkg-deb >/dev/null || { echo "build-linux.sh: dpkg-deb not found (Debian/Ubuntu only)" >&2; exit 1; }
  ARCH=$(dpkg --print-architecture)
  if [ "$lite" = 1 ]; then
    DEB_COMPRESS=${DEB_COMPRESS:-xz} DEB_LEVEL=${DEB_LEVEL:-6}
    BUNDLED="Python, ONNX Runtime, numpy, Pillow and Qt for Python (LGPLv3)"
    make_deb reslens-lite reslens-lite reslens-lite-cli
  else
    BUNDLED="Python, PyTorch, torchvision, Qt for Python (LGPLv3) and NVIDIA CUDA libraries"
    make_deb reslens reslens
  fi
fi
echo "build-linux.sh: done in $((SECONDS - step_start)) s"
