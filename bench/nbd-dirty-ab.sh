#!/bin/bash
# 1 MiB reads right after 4 KiB random writes have dirtied the file (the order of
# bench/nbd-compare.sh's jobs): two `asys nbd serve` on one file, A with AARGS (default
# --no-mapped-reads), B with BARGS (default: none, the default options). Each round dirties the
# file through a server for DIRTY seconds (default 10), then measures 1 MiB sequential reads at
# depth 8 on it for 4 s; with SYNC=1 a `sync` of everything starts as the reads start (they run
# during the writeback).
#   bench/nbd-dirty-ab.sh [rounds=4]
#   AARGS="--no-mapped-reads" BARGS="" DIRTY=10 SYNC=1 bench/nbd-dirty-ab.sh 4
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-env.sh"
. "$root/bench/nbd-common.sh"
rounds=${1:-4}
nbd_setup
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 ${AARGS---no-mapped-reads} >"$work/a.out" 2>&1 & pa=$!
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 ${BARGS:-} >"$work/b.out" 2>&1 & pb=$!
trap 'kill $pa $pb 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
wait_serving "$work/a.out" "$work/b.out"
porta=$(serving_port "$work/a.out"); portb=$(serving_port "$work/b.out")
one() { # pid port -> "IOPS cpu_us_per_read"
  fio_iops "$2" "--rw=randwrite --bs=4k --iodepth=32" "${DIRTY:-10}" >/dev/null
  local before after
  [ -n "${SYNC:-}" ] && { sync & }
  before=$(cpu_ticks "$1")
  set -- "$1" "$2" $(fio_iops "$2" "--rw=read --bs=1m --iodepth=8" 4)
  after=$(cpu_ticks "$1")
  wait
  echo "$3 $(us_per_io "$before" "$after" "$4")"
}
fio_iops "$porta" "--rw=read --bs=1m --iodepth=8" 6 >/dev/null; fio_iops "$portb" "--rw=read --bs=1m --iodepth=8" 6 >/dev/null  # warm-up
for i in $(seq 1 "$rounds"); do
  echo "round $i  A: $(one $pa "$porta")   B: $(one $pb "$portb")   (1 MiB read IOPS, server CPU µs per read; dirty now $(awk '/^Dirty:/{print $2}' /proc/meminfo) kB)"
done
