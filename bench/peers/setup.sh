#!/usr/bin/env bash
# Installs the peer benchmark tools (fio, liburing-dev, hyperfine) and builds
# the C peers into bench/peers/build/. Idempotent: safe to run repeatedly.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
build="$here/build"
pkgs=(fio liburing-dev hyperfine gcc)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  log="$(mktemp)"; trap 'rm -f "$log"' EXIT
  # Only refresh the package lists when apt cannot find a candidate for a missing package.
  need_update=0
  for p in "${missing[@]}"; do
    cand="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2}')"
    if [ -z "$cand" ] || [ "$cand" = "(none)" ]; then need_update=1; fi
  done
  if [ "$need_update" -eq 1 ]; then
    echo "setup: apt-get update"
    $SUDO apt-get update -qq >"$log" 2>&1 || { cat "$log" >&2; exit 1; }
  fi
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$log" 2>&1 \
    || { cat "$log" >&2; exit 1; }
else
  echo "setup: packages present (${pkgs[*]})"
fi

mkdir -p "$build"
for src in "$here"/*.c; do
  [ -e "$src" ] || continue
  name="$(basename "$src" .c)"
  out="$build/$name"
  if [ ! -x "$out" ] || [ "$src" -nt "$out" ]; then
    echo "setup: compiling $name"
    gcc -O2 -Wall -Wextra -o "$out" "$src" -luring
  else
    echo "setup: $name up to date"
  fi
done
echo "setup: done ($build)"
