#!/bin/bash
# Same-run A/B of two `asys nbd serve` builds on one file: A is the built tool
# (cli/target/asys-cli.jar), B the same jar with the classes in CLASSES_DIR first on the class
# path (compile a changed file with: javac --release 25 -cp cli/target/asys-cli.jar -d DIR File.java),
# or the same classes with other server options in BARGS, or other JVM options in BJAVA_OPTS.
# fio's nbd engine runs each job on A and B alternately (the first of each round alternates too); one line per round: IOPS and the
# server's CPU µs per I/O (all its threads, from /proc/PID/stat).
#   bench/nbd-ab.sh CLASSES_DIR "--rw=write --bs=1m --iodepth=8" [rounds=4] [seconds=4]
#   BARGS="--rings 2" bench/nbd-ab.sh /nonexistent "--rw=read --bs=1m --iodepth=8"
#   bench/nbd-ab.sh nbdkit "--rw=write --bs=1m --iodepth=8"     # B is nbdkit's file plugin
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-env.sh"
. "$root/bench/nbd-common.sh"
bdir=$1; job=$2; rounds=${3:-4}; seconds=${4:-4}
nbd_setup
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 >"$work/a.out" 2>&1 & pa=$!
if [ "$bdir" = nbdkit ]; then
  portb=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  nbdkit -f -i 127.0.0.1 -p "$portb" file "$file" 2>"$work/b.err" & pb=$!
  echo "nbdkit serving on 127.0.0.1:$portb, engine nbdkit" >"$work/b.out"
else
  "${java[@]}" ${BJAVA_OPTS:-} -cp "$bdir:$jar" io.asys.cli.Main nbd serve "$file" --port 0 ${BARGS:-} >"$work/b.out" 2>&1 & pb=$!
fi
trap 'kill $pa $pb 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
wait_serving "$work/a.out" "$work/b.out"
porta=$(serving_port "$work/a.out"); portb=$(serving_port "$work/b.out")
run() { # pid port seconds
  local before after
  before=$(cpu_ticks "$1")
  set -- "$1" "$2" "$3" $(fio_iops "$2" "$job" "$3")
  after=$(cpu_ticks "$1")
  echo "$4 $(us_per_io "$before" "$after" "$5")"
}
run "$pa" "$porta" 2 >/dev/null; run "$pb" "$portb" 2 >/dev/null  # warm-up: the JIT compiles the job's paths
for i in $(seq 1 "$rounds"); do
  if [ $((i % 2)) = 1 ]; then a=$(run "$pa" "$porta" "$seconds"); b=$(run "$pb" "$portb" "$seconds")
  else b=$(run "$pb" "$portb" "$seconds"); a=$(run "$pa" "$porta" "$seconds"); fi
  echo "round $i  A: $a   B: $b   (IOPS, CPU µs per I/O)"
done
