#!/bin/bash
# Issue 6's comparison: blocking 4 KiB O_DIRECT reads on N virtual threads through asys's facade
# (vt), through the JDK's FileChannel with asys's drop-in provider (provider), and through the
# JDK's own FileChannel (jdk-vt), in rotations whose order changes each round, so each ratio
# compares jobs run seconds apart. Prints one line per job: time, N, job, IOPS, os_threads_max,
# CPU µs per read.
#   bench/vt-compare.sh [--threads "1000 10000"] [--rounds 3] [--seconds 4] [--cached]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="1000 10000"; rounds=3; seconds=4; direct=--direct
while [ $# -gt 0 ]; do
  case "$1" in
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --cached) direct=""; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
provider=-Djava.nio.file.spi.DefaultFileSystemProvider=io.asys.nio.AsysFileSystemProvider
run() { # job n
  local job=$1 n=$2 engine=$1 opts=""
  if [ "$job" = provider ]; then engine=jdk-vt; opts=$provider; fi
  printf '%s N=%s %s ' "$(date +%T)" "$n" "$job"
  ASYS_JAVA_OPTS="$opts" "$root/asys" bench --engine "$engine" --threads "$n" --op randread $direct \
      --file /var/tmp/asys-bench.dat --seconds "$seconds" --warmup 1 --json 2>/dev/null | tail -1 \
    | python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.0f %d %.1f" % (d["iops"], d["os_threads_max"], d["cpu_us_per_op"]))'
}
jobs=(vt provider jdk-vt)
for n in $threads; do
  for r in $(seq 0 $((rounds - 1))); do
    for k in 0 1 2; do run "${jobs[$(((r + k) % 3))]}" "$n"; done
  done
done
