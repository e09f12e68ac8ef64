#!/usr/bin/env bash
# File-metadata ops, asys against its peers, back to back on one tree:
#   asys typed API on io_uring qd32 | on the worker engine qd32 | asys low-level ring qd32 |
#   asys typed statx in batches (Op.StatxAll, 2 requests of 16 paths in flight: 32 statx) |
#   asys jdk-sync | asys jdk-pool (2 threads) | C sync | C uring qd32
# for each of statx, openclose, mkdir-unlink. One warm-up round of every run first (short),
# then the measured round; prints a table of ops/s (and CPU µs per op) and keeps every
# JSON line in OUT (default bench/peers/build/meta-results.jsonl).
# Usage: meta-compare.sh [DIR] [FILES]    (default /var/tmp/asys-tree 100000; asys creates the tree)
# Env:   RUNTIME  seconds per measured run (default 5)
#        WARMUP   seconds per warm-up run (default 1)
#        ASYS     the asys command (default: the repo's ./asys launcher)
#        OPS      ops to run (default "statx openclose mkdir-unlink")
#        LABELS   runs to do (default: all eight; asys-batch runs statx only)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
DIR="${1:-/var/tmp/asys-tree}"
FILES="${2:-100000}"
RUNTIME="${RUNTIME:-5}"
WARMUP="${WARMUP:-1}"
OPS="${OPS:-statx openclose mkdir-unlink}"
OUT="${OUT:-$here/build/meta-results.jsonl}"
read -r -a ASYS <<<"${ASYS:-$root/asys}"
C="$here/build/meta_bench"

[ -x "$C" ] || { echo "meta-compare: $C missing: run bench/peers/setup.sh" >&2; exit 1; }
command -v jq >/dev/null || { echo "meta-compare: needs jq" >&2; exit 1; }
mkdir -p "$(dirname "$OUT")"

# The tree (created by asys when missing, with a note on stderr).
"${ASYS[@]}" bench --op statx --engine jdk-sync --dir "$DIR" --files "$FILES" --ops 1 --json >/dev/null

run() { # $1 op, $2 label, $3 seconds
  local op="$1" label="$2" s="$3"
  case "$label" in
    asys-typed) "${ASYS[@]}" bench --op "$op" --engine typed-uring --qd 32 --dir "$DIR" --files "$FILES" --seconds "$s" --json ;;
    asys-batch) "${ASYS[@]}" bench --op "$op" --engine typed-uring --qd 2 --batch 16 --dir "$DIR" --files "$FILES" --seconds "$s" --json ;;
    asys-workers) "${ASYS[@]}" bench --op "$op" --engine workers --qd 32 --dir "$DIR" --files "$FILES" --seconds "$s" --json ;;
    asys-uring) "${ASYS[@]}" bench --op "$op" --engine uring --qd 32 --dir "$DIR" --files "$FILES" --seconds "$s" --json ;;
    asys-jdk-sync) "${ASYS[@]}" bench --op "$op" --engine jdk-sync --dir "$DIR" --files "$FILES" --seconds "$s" --json ;;
    asys-jdk-pool) "${ASYS[@]}" bench --op "$op" --engine jdk-pool --threads 2 --dir "$DIR" --files "$FILES" --seconds "$s" --json ;;
    c-sync) "$C" --op "$op" --mode sync --dir "$DIR" --files "$FILES" --seconds "$s" ;;
    c-uring) "$C" --op "$op" --mode uring --qd 32 --dir "$DIR" --files "$FILES" --seconds "$s" ;;
  esac
}

labels="${LABELS:-asys-typed asys-batch asys-workers asys-uring asys-jdk-sync asys-jdk-pool c-sync c-uring}"
printf '%-13s' op; for l in $labels; do printf ' %18s' "$l"; done; echo
for op in $OPS; do
  applies() { { [ "$op" = statx ] || [ "$1" != asys-batch ]; } && { [ "$op" != mkdir-unlink ] || { [ "$1" != asys-typed ] && [ "$1" != asys-workers ]; }; }; }
  for l in $labels; do applies "$l" && run "$op" "$l" "$WARMUP" >/dev/null; done
  printf '%-13s' "$op"
  for l in $labels; do
    # The typed-API bench runs statx and openclose only.
    applies "$l" || { printf ' %18s' "n/a"; continue; }
    line="$(run "$op" "$l" "$RUNTIME")"
    echo "{\"run\":\"$l\",\"result\":$line}" >>"$OUT"
    printf ' %18s' "$(jq -r '"\(.iops | floor) (\(.cpu_us_per_op * 100 | floor / 100)us)"' <<<"$line")"
  done
  echo
done
echo "(ops/s, and CPU µs per op in parentheses; JSON in $OUT)"
