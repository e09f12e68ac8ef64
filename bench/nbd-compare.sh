#!/usr/bin/env bash
# asys nbd serve against nbdkit's file plugin, serving the same file in the same run, driven by
# fio's nbd engine (libnbd): 4 KiB random reads and writes at depth 32, 1 MiB sequential reads
# and writes. Prints IOPS, MiB/s, the server's CPU time and context switches per I/O, side by side.
#
#   bench/nbd-compare.sh [--file F] [--size 1g] [--seconds 10] [--engine auto|uring|workers] [--direct] [--rings N]
#                        [--jobs randread-4k-qd32,randwrite-4k-qd32,read-1m-qd8,write-1m-qd8] [--nbdkit-first] [--warmup S]
#                        [--pin] [--no-pin-writes]
#
# The file is created (filled, not sparse) if missing. Without --direct both servers go
# through the page cache; with it asys uses O_DIRECT and nbdkit its cache=none mode.
# --nbdkit-first runs nbdkit before asys in each job (alternate runs to even out drift in load).
# --warmup S (default 10) first runs each job unmeasured for S seconds on each server, so the JVM's
# compilation of that job's code paths is not counted in asys's CPU per I/O (0 to count it). A
# fresh server's compiler threads work for about 12 s (1.5 s of CPU; docs/nbd.md): with 3 s, the
# default before session 7, part of it fell into the measured runs, asys's or nbdkit's.
# --pin serves with `asys nbd serve --pin` (the network engine and its io_uring workers on one CPU).
# --no-pin-writes serves without the default pinning while large writes arrive (docs/nbd.md).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
file=/var/tmp/asys-nbd-bench.img
size=1g
seconds=10
engine=auto
direct=0
only=""
rings=3
first=asys
pin=0
pin_writes=1
warmup=10
while [ $# -gt 0 ]; do
  case "$1" in
    --file) file="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --engine) engine="$2"; shift 2 ;;
    --direct) direct=1; shift ;;
    --jobs) only="$2"; shift 2 ;;
    --rings) rings="$2"; shift 2 ;;
    --nbdkit-first) first=nbdkit; shift ;;
    --pin) pin=1; shift ;;
    --no-pin-writes) pin_writes=0; shift ;;
    --warmup) warmup="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
export PATH="/usr/bin:/bin:/usr/sbin:/sbin:$PATH"
"$here/peers/nbd-setup.sh" >&2
fio --enghelp 2>/dev/null | grep -qw nbd || { echo "this fio has no nbd engine" >&2; exit 1; }

bytes=$(numfmt --from=iec "${size^^}")
if [ ! -f "$file" ] || [ "$(stat -c %s "$file")" -ne "$bytes" ]; then
  echo "creating $file ($size)" >&2
  head -c "$bytes" /dev/urandom > "$file"
fi
# Both servers serve from the page cache: read the file in first, or whichever runs first pays
# the disk (a fio O_DIRECT job elsewhere may have dropped it).
cat "$file" > /dev/null

work="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -n "${KEEP_WORK:-}" ] && trap - EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

asys_args=(nbd serve "$file" --port 0 --engine "$engine" --rings "$rings")
[ "$direct" -eq 1 ] && asys_args+=(--direct)
[ "$pin" -eq 1 ] && asys_args+=(--pin)
[ "$pin_writes" -eq 0 ] && asys_args+=(--no-pin-writes)
"$root/asys" --version >/dev/null  # builds the tool first if its sources changed
"$root/asys" "${asys_args[@]}" >"$work/asys.out" 2>"$work/asys.err" &
asys_pid=$!
pids+=("$asys_pid")
for _ in $(seq 1 1200); do
  grep -q ', engine ' "$work/asys.out" 2>/dev/null && break
  kill -0 "$asys_pid" 2>/dev/null || { cat "$work/asys.err" >&2; exit 1; }
  sleep 0.1
done
[ -s "$work/asys.out" ] || { echo "asys nbd serve did not start in 120 s" >&2; cat "$work/asys.err" >&2; exit 1; }
asys_port=$(sed -n 's/.*:\([0-9]*\), engine.*/\1/p' "$work/asys.out")
# The launcher execs java: the pid is the server's.
nbdkit_port=$(free_port)
nbdkit_args=(-f -i 127.0.0.1 -p "$nbdkit_port" file "$file")
[ "$direct" -eq 1 ] && nbdkit_args+=(cache=none)
nbdkit "${nbdkit_args[@]}" 2>"$work/nbdkit.err" &
nbdkit_pid=$!
pids+=("$nbdkit_pid")
sleep 1
echo "asys:   $(cat "$work/asys.out")" >&2
echo "nbdkit: $(nbdkit --version), file plugin, port $nbdkit_port, pid $nbdkit_pid" >&2

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# Context switches of the server's threads during a run (perf stat follows threads that start
# during the run, such as nbdkit's per-connection threads and io_uring's io-wq workers): each one
# a hand-off between threads, a cost that CPU time alone hides on a loaded machine. -1 without perf.
have_perf=0
perf stat -e context-switches -- true >/dev/null 2>&1 && have_perf=1
hz=$(getconf CLK_TCK)

# job name, fio arguments
jobs=(
  "randread-4k-qd32|--rw=randread --bs=4k --iodepth=32"
  "randwrite-4k-qd32|--rw=randwrite --bs=4k --iodepth=32"
  "read-1m-qd8|--rw=read --bs=1m --iodepth=8"
  "write-1m-qd8|--rw=write --bs=1m --iodepth=8"
)

warm_fio() { # port job-name args: an unmeasured run
  [ "$warmup" -gt 0 ] || return 0
  # shellcheck disable=SC2086
  fio --name="$2" --ioengine=nbd --uri="nbd://127.0.0.1:$1/" --size="$size" $3 \
      --time_based --runtime="$warmup" --output-format=json >/dev/null 2>&1 || true
}

run_fio() { # server-name port pid job-name args
  local name="$1" port="$2" pid="$3" job="$4" args="$5" before after perf_pid="" switches=-1
  before=$(cpu_ticks "$pid")
  if [ "$have_perf" -eq 1 ]; then
    perf stat -e context-switches -x, -o "$work/$name-$job.perf" -p "$pid" >/dev/null 2>&1 &
    perf_pid=$!
    pids+=("$perf_pid")
  fi
  # shellcheck disable=SC2086
  fio --name="$job" --ioengine=nbd --uri="nbd://127.0.0.1:$port/" --size="$size" $args \
      --time_based --runtime="$seconds" --ramp_time=1 --output-format=json >"$work/$name-$job.json" 2>"$work/$name-$job.err" \
    || { cat "$work/$name-$job.err" >&2; exit 1; }
  after=$(cpu_ticks "$pid")
  if [ -n "$perf_pid" ]; then
    kill -INT "$perf_pid" 2>/dev/null || true
    wait "$perf_pid" 2>/dev/null || true
    switches=$(awk -F, '/context-switches/ {print ($1 ~ /^[0-9]+$/) ? $1 : -1}' "$work/$name-$job.perf")
  fi
  python3 - "$work/$name-$job.json" "$((after - before))" "$hz" "$name" "$job" "${switches:--1}" <<'PY'
import json, sys
path, ticks, hz, name, job, switches = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], sys.argv[5], int(sys.argv[6])
text = open(path).read()
j = json.loads(text[text.index("{"):])["jobs"][0]  # fio's nbd engine prints a line before the JSON
io = j["read"] if j["read"]["io_bytes"] > 0 else j["write"]
ops = io["total_ios"]
cpu = ticks / hz
print(f"{job}\t{name}\t{io['iops']:.0f}\t{io['bw_bytes'] / 2**20:.1f}\t{cpu * 1e6 / max(ops, 1):.1f}\t{switches / max(ops, 1) if switches >= 0 else -1:.2f}\t{io['clat_ns']['mean'] / 1000:.0f}")
PY
}

printf 'job\tserver\tIOPS\tMiB/s\tserver_cpu_us_per_io\tserver_switches_per_io\tmean_lat_us\n'
for entry in "${jobs[@]}"; do
  job="${entry%%|*}"
  args="${entry#*|}"
  if [ -n "$only" ] && [[ ",$only," != *",$job,"* ]]; then continue; fi
  warm_fio "$asys_port" "$job" "$args"
  warm_fio "$nbdkit_port" "$job" "$args"
  if [ "$first" = asys ]; then
    run_fio asys "$asys_port" "$asys_pid" "$job" "$args"
    run_fio nbdkit "$nbdkit_port" "$nbdkit_pid" "$job" "$args"
  else
    run_fio nbdkit "$nbdkit_port" "$nbdkit_pid" "$job" "$args"
    run_fio asys "$asys_port" "$asys_pid" "$job" "$args"
  fi
done
