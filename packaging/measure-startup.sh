#!/usr/bin/env bash
# Time from launching the app to its main window being on screen, under a virtual X server.
#
#   packaging/measure-startup.sh [APP] [RUNS]     # APP: dist/reslens/reslens (default), or reslens
#
# Needs Debian's xvfb and x11-utils (xwininfo). Each run starts the app in a bare environment with
# an empty HOME (default settings, bundled model), polls the X server every 20 ms until a window
# titled "ResLens" is mapped, then ends the app. Prints each run and the median.
set -euo pipefail
app=${1:-dist/reslens/reslens}
runs=${2:-5}
[ -x "$app" ] || app=$(command -v "$app") || { echo "measure-startup.sh: no app $1" >&2; exit 1; }
app=$(readlink -f "$app")
case "${RESLENS_IN_XVFB:-}" in
  "") exec env RESLENS_IN_XVFB=1 xvfb-run -a -s "-screen 0 1600x1000x24" "$0" "$app" "$runs" ;;
esac

times=()
for _ in $(seq "$runs"); do
  home=$(mktemp -d)
  start=$(date +%s.%N)
  (cd "$home" && exec env -i PATH=/usr/bin:/bin HOME="$home" DISPLAY="$DISPLAY" XAUTHORITY="${XAUTHORITY:-}" LANG=C.UTF-8 "$app") \
    >/dev/null 2>&1 &
  pid=$!
  shown=""
  for _ in $(seq 3000); do  # at most 60 s
    if xwininfo -root -tree 2>/dev/null | grep -q '"ResLens'; then
      shown=$(date +%s.%N)
      break
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$home"
  [ -n "$shown" ] || { echo "measure-startup.sh: no window appeared" >&2; exit 1; }
  t=$(echo "$shown - $start" | bc)
  times+=("$t")
  printf 'launch to window: %.2f s\n' "$t"
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "median of %d: %.2f s\n", NR, a[int((NR+1)/2)]}'
