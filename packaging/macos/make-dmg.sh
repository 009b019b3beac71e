#!/usr/bin/env bash
# Make dist/ResLens-<version>.dmg from dist/ResLens.app (built on macOS by
# `pyinstaller --noconfirm build.spec`, whose BUNDLE section makes the .app with the icon).
#
#   packaging/macos/make-dmg.sh
#
# macOS only (hdiutil). Not run in the project's CI. For distribution outside your own Macs,
# sign and notarize first, e.g.:
#   codesign --deep --force --options runtime --sign "Developer ID Application: ..." dist/ResLens.app
#   xcrun notarytool submit dist/ResLens-<version>.dmg --keychain-profile ... --wait
#   xcrun stapler staple dist/ResLens-<version>.dmg
set -euo pipefail
cd "$(dirname "$0")/../.."

app=dist/ResLens.app
[ -d "$app" ] || { echo "make-dmg.sh: $app missing; run pyinstaller --noconfirm build.spec on macOS" >&2; exit 1; }
version=$(sed -n 's/^__version__ = "\(.*\)"/\1/p' core/__init__.py)
dmg=dist/ResLens-$version.dmg

# The disk image shows the app beside a link to /Applications: drag one onto the other.
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"
rm -f "$dmg"
hdiutil create -volname "ResLens $version" -srcfolder "$staging" -fs HFS+ -format UDZO \
  -imagekey zlib-level=9 -ov "$dmg"
hdiutil verify "$dmg"
echo "make-dmg.sh: $dmg ($(du -h "$dmg" | cut -f1))"
