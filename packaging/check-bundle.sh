#!/usr/bin/env bash
# Build the frozen app (unless dist/reslens/ exists) and run its self-test the way a user's
# machine would: no venv, no source tree, a bare environment, another working directory.
#
#   packaging/check-bundle.sh              # reuse dist/reslens/ if present, else build it
#   packaging/check-bundle.sh --rebuild    # always rebuild the bundle first
#   packaging/check-bundle.sh --lite [--rebuild]   # the same for ResLens Lite (dist/reslens-lite/)
#
# Builds the full edition with the venv in $RESLENS_VENV (default .venv; PyInstaller is added to
# it), Lite with its own torch-free venv (build/venv-lite; build-linux.sh --lite). Exits 0 only
# when the bundle prints {"ok": true, ...}, and for Lite also "torch_imported": false. Prints how
# long the build and the check took.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
rebuild=0 lite=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    --lite) lite=1 ;;
    *) echo "check-bundle.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ "$lite" = 1 ]; then
  app=reslens-lite build=(packaging/build-linux.sh --lite --bundle-only)
else
  app=reslens build=(packaging/build-linux.sh --venv "${RESLENS_VENV:-.venv}" --bundle-only)
fi

start=$SECONDS
build_s=0
if [ "$rebuild" = 1 ] || [ ! -x "dist/$app/$app" ]; then
  "${build[@]}"
  build_s=$((SECONDS - start))
fi

# A bare environment in a scratch directory: nothing from this checkout or its venv can leak in.
# No DISPLAY, so the window opens offscreen.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check_start=$SECONDS
set +e
(cd "$work" && env -i PATH=/usr/bin:/bin HOME="$HOME" \
  timeout 600 "$ROOT/dist/$app/$app" --self-test) >"$work/out" 2>"$work/err"
status=$?
set -e
check_s=$((SECONDS - check_start))

line=$(grep '^{' "$work/out" | tail -n 1 || true)
echo "self-test: ${line:-<no JSON line>}"
echo "exit status $status; bundle build ${build_s} s, self-test ${check_s} s, total $((SECONDS - start)) s"
failed=0
if [ "$status" != 0 ] || ! printf '%s' "$line" | grep -q '"ok": true'; then
  failed=1
elif [ "$lite" = 1 ] && ! printf '%s' "$line" | grep -q '"torch_imported": false'; then
  failed=1
fi
if [ "$failed" = 1 ]; then
  echo "check-bundle: FAILED; the app's stderr ends with:" >&2
  tail -n 30 "$work/err" >&2
  exit 1
fi
echo "check-bundle: ok"
