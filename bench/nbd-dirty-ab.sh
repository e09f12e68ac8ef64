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
rounds=${1:-4}
jar="$root/cli/target/asys-cli.jar"
file=${FILE:-/var/tmp/asys-nbd-bench.img}
[ -f "$jar" ] || "$root/asys" --version >/dev/null
[ -f "$file" ] || head -c $((1 << 30)) /dev/urandom > "$file"
java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
work=$(mktemp -d)
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 >"$work/a.out" 2>&1 & pa=$!
"${java[@]}" -jar "$jar" nbd serve "$file" --port 0 ${BARGS:---mapped-reads} >"$work/b.out" 2>&1 & pb=$!
trap 'kill $pa $pb 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do
  grep -q ', engine ' "$work/a.out" && grep -q ', engine ' "$work/b.out" && break
  sleep 0.1
done
port() { sed -n 's/.*:\([0-9]*\), engine.*/\1/p' "$1"; }
porta=$(port "$work/a.out"); portb=$(port "$work/b.out")
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
job() { # port "fio args" seconds -> "IOPS total_ios"
  fio --name=d --ioengine=nbd --uri="nbd://127.0.0.1:$1/" --size=1g $2 --time_based --runtime="$3" --output-format=json 2>/dev/null \
    | python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]; io=j["read"] if j["read"]["total_ios"] else j["write"]; print("%.0f %d" % (io["iops"], io["total_ios"]))'
}
one() { # pid port -> "IOPS cpu_us_per_read"
  job "$2" "--rw=randwrite --bs=4k --iodepth=32" "${DIRTY:-10}" >/dev/null
  local before after
  before=$(ticks "$1"); set -- "$1" "$2" $(job "$2" "--rw=read --bs=1m --iodepth=8" 4); after=$(ticks "$1")
  echo "$3 $(python3 -c "print('%.0f' % (($after - $before) * 1e6 / $(getconf CLK_TCK) / max($4, 1)))")"
}
job "$porta" "--rw=read --bs=1m --iodepth=8" 6 >/dev/null; job "$portb" "--rw=read --bs=1m --iodepth=8" 6 >/dev/null  # warm-up
for i in $(seq 1 "$rounds"); do
  echo "round $i  A: $(one $pa "$porta")   B: $(one $pb "$portb")   (1 MiB read IOPS, server CPU µs per read; dirty now $(awk '/^Dirty:/{print $2}' /proc/meminfo) kB)"
done
