#!/usr/bin/env bash
# Side-by-side run of the foundation benchmarks: asys against liburing (C) and fio on the same
# machine, in one run, each pair back to back. Prints one line per job and the ratio asys/peer.
# Usage: bench/compare-foundation.sh [SECONDS]   (peers are built by bench/peers/setup.sh)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_PER_JOB="${1:-5}"
FILE="${ASYS_BENCH_FILE:-/var/tmp/asys-bench.dat}"
PEERS="$ROOT/bench/peers/build"
[ -x "$PEERS/nop_uring" ] && command -v fio >/dev/null || "$ROOT/bench/peers/setup.sh"

field() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(d$1)"; }
fio_iops() { python3 -c "import json,sys; d=json.load(sys.stdin); print(d['jobs'][0]['read']['iops'])"; }
fio_cpu() { python3 -c "
import json,sys; d=json.load(sys.stdin); j=d['jobs'][0]
print((j['usr_cpu']+j['sys_cpu'])/100*j['job_runtime']*1000/max(1,j['read']['total_ios']))"; }
row() { printf '%-34s %14.0f %14.0f %7.1f%%\n' "$1" "$2" "$3" "$(python3 -c "print(100*$2/$3)")"; }

"$ROOT/asys" bench --op randread --bs 4k --qd 32 --ops 1000 --file "$FILE" --json >/dev/null  # build, create file
printf '%-34s %14s %14s %8s\n' job asys peer ratio
for b in 1 32 128; do
    a=$("$ROOT/asys" bench --op nop --batch "$b" --seconds "$SECONDS_PER_JOB" --json | field "['iops']")
    p=$("$PEERS/nop_uring" --batch "$b" --seconds "$SECONDS_PER_JOB" --flags tuned | field "['iops']")
    row "nop batch $b (vs liburing)" "$a" "$p"
done

common=(--filename="$FILE" --rw=randread --bs=4k --size=1g --runtime="$SECONDS_PER_JOB" --time_based --output-format=json)
out=$("$ROOT/asys" bench --op randread --bs 4k --qd 32 --direct --seconds "$SECONDS_PER_JOB" --file "$FILE" --json)
fio_out=$(fio --name=d "${common[@]}" --ioengine=io_uring --direct=1 --iodepth=32)
row "randread 4k qd32 direct (vs fio)" "$(echo "$out" | field "['iops']")" "$(echo "$fio_out" | fio_iops)"
printf '%-34s %14.2f %14.2f   (CPU us per I/O)\n' "" "$(echo "$out" | field "['cpu_us_per_op']")" "$(echo "$fio_out" | fio_cpu)"

cat "$FILE" >/dev/null
out=$("$ROOT/asys" bench --op randread --bs 4k --qd 32 --seconds "$SECONDS_PER_JOB" --file "$FILE" --json)
psync=$(fio --name=p "${common[@]}" --ioengine=psync --invalidate=0 | fio_iops)
uring=$(fio --name=u "${common[@]}" --ioengine=io_uring --invalidate=0 --iodepth=32 --iodepth_batch_submit=16 \
    --iodepth_batch_complete_min=8 --fixedbufs --registerfiles | fio_iops)
a=$(echo "$out" | field "['iops']")
row "randread 4k cached (vs fio psync)" "$a" "$psync"
row "randread 4k cached (vs fio uring)" "$a" "$uring"
