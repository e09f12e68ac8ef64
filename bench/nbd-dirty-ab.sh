#!/bin/bash
# 1 MiB reads right after 4 KiB random writes have dirtied the file (the order of
# bench/nbd-compare.sh's jobs): two `asys nbd serve` on one file, A with the default options, B
# with BARGS (default --mapped-reads). Each round dirties the file through a server for DIRTY
# seconds (default 10), then measures 1 MiB sequential reads at depth 8 on it for 4 s.
#   bench/nbd-dirty-ab.sh [rounds=4]
#   BARGS="--mapped-reads" DIRTY=10 bench/nbd-dirty-ab.sh 4
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-env.sh"
. "$root/bench/nbd-common.sh"
rounds=${1:-4}
nbd_setup
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 >"$work/a.out" 2>&1 & pa=$!
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 ${BARGS:---mapped-reads} >"$work/b.out" 2>&1 & pb=$!
trap 'kill $pa $pb 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
wait_serving "$work/a.out" "$work/b.out"
porta=$(serving_port "$work/a.out"); portb=$(serving_port "$work/b.out")
one() { # pid port -> "IOPS cpu_us_per_read"
  fio_iops "$2" "--rw=randwrite --bs=4k --iodepth=32" "${DIRTY:-10}" >/dev/null
  local before after
  before=$(cpu_ticks "$1")
  set -- "$1" "$2" $(fio_iops "$2" "--rw=read --bs=1m --iodepth=8" 4)
  after=$(cpu_ticks "$1")
  echo "$3 $(us_per_io "$before" "$after" "$4")"
}
fio_iops "$porta" "--rw=read --bs=1m --iodepth=8" 6 >/dev/null; fio_iops "$portb" "--rw=read --bs=1m --iodepth=8" 6 >/dev/null  # warm-up
for i in $(seq 1 "$rounds"); do
  echo "round $i  A: $(one $pa "$porta")   B: $(one $pb "$portb")   (1 MiB read IOPS, server CPU µs per read; dirty now $(awk '/^Dirty:/{print $2}' /proc/meminfo) kB)"
done
