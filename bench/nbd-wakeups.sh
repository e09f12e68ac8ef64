#!/usr/bin/env bash
# Where an NBD job's time goes besides the servers' own CPU: asys nbd serve and nbdkit's file
# plugin on one file, fio's nbd engine on each in turn, and per I/O of each run: rescheduling and
# function-call IPIs (/proc/interrupts RES + CAL, all CPUs), the server's context switches (its
# threads alive at the end; nbdkit's per-connection threads are gone by then, so read 0), the
# server's CPU, fio's own CPU and context switches, and the share of all CPUs left idle.
# A wake-up of a sleeping thread on another CPU is an IPI, in a VM an exit; the client pays for
# waking the server (docs/nbd.md, "Where the 4 KiB read job's swings come from").
#   bench/nbd-wakeups.sh [--job "--rw=randread --bs=4k --iodepth=32"] [--seconds 4] [--rounds 3] [--asys-args "..."]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/java-env.sh"
job="--rw=randread --bs=4k --iodepth=32"; seconds=4; rounds=3; asys_args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --job) job="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --asys-args) asys_args="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
file=${FILE:-/var/tmp/asys-nbd-bench.img}
"$root/bench/peers/nbd-setup.sh" >&2
[ -f "$file" ] || head -c $((1 << 30)) /dev/urandom > "$file"
"$root/asys" --version >/dev/null  # builds the tool first if its sources changed
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pa_port=$(free_port); pb_port=$(free_port)
work=$(mktemp -d)
# shellcheck disable=SC2086
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$root/cli/target/asys-cli.jar" \
  nbd serve "$file" --port "$pa_port" $asys_args >"$work/asys.out" 2>&1 & pa=$!
nbdkit -f -i 127.0.0.1 -p "$pb_port" file "$file" 2>"$work/nbdkit.err" & pb=$!
trap 'kill $pa $pb 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 600); do grep -q ', engine ' "$work/asys.out" && break; sleep 0.1; done
ipis() { awk '/^ *(RES|CAL):/{for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) s += $i} END{print s}' /proc/interrupts; }
idle() { awk '/^cpu /{print $5 + $6}' /proc/stat; }
switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/ctxt_switches/{s += $2} END{print s + 0}'; }
ticks() { awk '{print $14 + $15}' /proc/"$1"/stat; }
one() { # name pid port seconds
  local i0 s0 t0 d0 out
  i0=$(ipis); s0=$(switches "$2"); t0=$(ticks "$2"); d0=$(idle)
  # shellcheck disable=SC2086
  out=$(fio --name=w --ioengine=nbd --uri="nbd://127.0.0.1:$3/" --size=1g $job --time_based --runtime="$4" \
      --output-format=json 2>/dev/null | python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]
io=j["read"] if j["read"]["total_ios"] else j["write"]
print("%.0f %d %d %.3f" % (io["iops"], io["total_ios"], j["ctx"], (j["usr_cpu"] + j["sys_cpu"]) / 100 * j["job_runtime"] / 1000))')
  python3 - "$1" $out "$i0" "$(ipis)" "$s0" "$(switches "$2")" "$t0" "$(ticks "$2")" "$d0" "$(idle)" "$4" "$(nproc)" "$(getconf CLK_TCK)" <<'PY'
import sys
name, iops, n, fctx, fcpu, i0, i1, s0, s1, t0, t1, d0, d1, secs, cpus, tck = sys.argv[1:]
n = max(int(n), 1); tck = float(tck)
print("%-6s IOPS %6s  IPIs/io %.2f  server switches/io %.2f  server CPU µs/io %.1f  fio switches/io %.2f  fio CPU µs/io %.1f  idle %.0f%%" % (
    name, iops, (int(i1) - int(i0)) / n, (int(s1) - int(s0)) / n, (int(t1) - int(t0)) / tck * 1e6 / n,
    int(fctx) / n, float(fcpu) * 1e6 / n, (int(d1) - int(d0)) / tck / int(cpus) / float(secs) * 100))
PY
}
one asys "$pa" "$pa_port" 2 >/dev/null; one nbdkit "$pb" "$pb_port" 2 >/dev/null  # warm-up
for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then one asys "$pa" "$pa_port" "$seconds"; one nbdkit "$pb" "$pb_port" "$seconds"
  else one nbdkit "$pb" "$pb_port" "$seconds"; one asys "$pa" "$pa_port" "$seconds"; fi
done
