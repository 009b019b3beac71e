#!/usr/bin/env bash
# Render the app icon's PNG/ICO/ICNS sizes from assets/icons/reslens.svg (the hand-written source).
# Needs Debian's librsvg2-bin (rsvg-convert), icoutils (icotool) and icnsutils (png2icns):
#   apt-get install librsvg2-bin icoutils icnsutils
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
sizes=(16 32 48 64 128 256 512)
for s in "${sizes[@]}"; do
  rsvg-convert -w "$s" -h "$s" reslens.svg -o "reslens-$s.png"
done
# Windows: sizes up to 256, the 256 one stored as PNG (-r) to keep the file small.
icotool -c -o reslens.ico reslens-16.png reslens-32.png reslens-48.png reslens-64.png \
  reslens-128.png -r reslens-256.png
# macOS: png2icns picks the icns element type from each PNG's size.
png2icns reslens.icns reslens-16.png reslens-32.png reslens-48.png reslens-128.png \
  reslens-256.png reslens-512.png >/dev/null
ls -l reslens.*
