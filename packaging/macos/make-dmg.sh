#!/usr/bin/env bash
# Make dist/ResLens-<version>.dmg from dist/ResLens.app (built on macOS by
# `pyinstaller --noconfirm build.spec`, whose BUNDLE section makes the .app with the icon).
#
#   packaging/macos/make-dmg.sh           # dist/ResLens.app -> dist/ResLens-<version>.dmg
#   packaging/macos/make-dmg.sh --lite    # dist/ResLens Lite.app -> dist/ResLens-Lite-<version>.dmg
#
# ResLens Lite: in a venv made with `pip install -r packaging/requirements-lite.txt` and
# `pip install --no-deps -e .` (no torch), `pyinstaller --noconfirm build-lite.spec` makes
# "dist/ResLens Lite.app"; its command line is "ResLens Lite.app/Contents/MacOS/reslens-lite-cli".
#
# macOS only (hdiutil). Not run in the project's CI. For distribution outside your own Macs,
# sign and notarize first, e.g.:
#   codesign --deep --force --options runtime --sign "Developer ID Application: ..." dist/ResLens.app
#   xcrun notarytool submit dist/ResLens-<version>.dmg --keychain-profile ... --wait
#   xcrun stapler staple dist/ResLens-<version>.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."

title=ResLens spec=build.spec
if [ "${1:-}" = "--lite" ]; then
  title="ResLens Lite" spec=build-lite.spec
fi
app="dist/$title.app"
[ -d "$app" ] || { echo "make-dmg.sh: $app missing; run pyinstaller --noconfirm $spec on macOS" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' core/__init__.py)
dmg="dist/${title// /-}-$version.dmg"

# The disk image shows the app beside a link to /Applications: drag one onto the other.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "$title $version" -srcfolder "$staging" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "make-dmg.sh: $dmg ($(du -h "$dmg" | cut -f1))"
