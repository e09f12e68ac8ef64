#!/usr/bin/env bash
# The same jobs on asys's two engines, the JDK and C peers, back to back in one run: cached and
# O_DIRECT 4 KiB random reads (fio psync / io_uring as peers), statx and open+close on a warm
# tree (jdk-sync and a plain C syscall loop as peers). Prints ops/s per job and engine.
# The asys and JDK runs first run the job --warmup seconds uncounted (JIT; ASYS_WARMUP, default 1);
# fio and the C loop need none.
# Usage: bench/compare-engines.sh [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
S="${1:-5}"
FILE="${ASYS_BENCH_FILE:-/var/tmp/asys-bench.dat}"
TREE="${ASYS_BENCH_TREE:-/var/tmp/asys-tree}"
PEERS="$ROOT/bench/peers/build"
[ -x "$PEERS/meta_bench" ] && command -v fio >/dev/null || "$ROOT/bench/peers/setup.sh"
iops() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); print(int(d['iops']))"; }
fio_iops() { python3 -c "import json,sys; d=json.load(sys.stdin); print(int(d['jobs'][0]['read']['iops']))"; }
W="${ASYS_WARMUP:-1}"
asys() { "$ROOT/asys" bench "$@" --seconds "$S" --warmup "$W" --json | iops; }
"$ROOT/asys" bench --op statx --dir "$TREE" --ops 100 --json >/dev/null
"$ROOT/asys" bench --op randread --file "$FILE" --ops 100 --json >/dev/null
common=(--filename="$FILE" --rw=randread --bs=4k --size=1g --runtime="$S" --time_based --output-format=json)

# Read into the page cache right before each cached job: another job's fio run on the same file
# (O_DIRECT, or without --invalidate=0) drops its cache at any time.
warm() { cat "$FILE" >/dev/null; }
printf '%-28s %10s %10s %10s\n' "cached randread 4k qd32" uring workers "fio psync"
printf '%-28s %10s %10s %10s\n' "" "$(warm; asys --op randread --qd 32 --file "$FILE")" \
    "$(warm; asys --op randread --qd 32 --engine workers --file "$FILE")" \
    "$(warm; fio --name=p "${common[@]}" --ioengine=psync --invalidate=0 | fio_iops)"
printf '%-28s %10s %10s %10s\n' "direct randread 4k qd32" uring workers "fio uring"
printf '%-28s %10s %10s %10s\n' "" "$(asys --op randread --qd 32 --direct --file "$FILE")" \
    "$(asys --op randread --qd 32 --direct --engine workers --file "$FILE")" \
    "$(fio --name=d "${common[@]}" --ioengine=io_uring --direct=1 --iodepth=32 | fio_iops)"
for op in statx openclose; do
    printf '%-28s %10s %10s %10s %10s %10s\n' "$op (warm tree)" typed-uring uring workers jdk-sync "C sync"
    printf '%-28s %10s %10s %10s %10s %10s\n' "" "$(asys --op $op --engine typed-uring --qd 32 --dir "$TREE")" \
        "$(asys --op $op --qd 32 --dir "$TREE")" \
        "$(asys --op $op --qd 32 --engine workers --dir "$TREE")" \
        "$(asys --op $op --engine jdk-sync --dir "$TREE")" \
        "$("$PEERS/meta_bench" --op $op --mode sync --dir "$TREE" --files 100000 --seconds "$S" | iops)"
done
