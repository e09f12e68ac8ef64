#!/usr/bin/env bash
# Peer baselines for file reads: three fio 4 KiB random-read jobs, each 10 s.
#   uring-direct-qd32   io_uring, O_DIRECT, iodepth 32            (device path)
#   psync-cached-qd1    pread(2), page-cache hits, iodepth 1       (syscall-per-I/O baseline)
#   uring-cached-qd32   io_uring, page-cache hits, iodepth 32, batched submit/complete,
#                       fixed buffers + registered files           (best-case io_uring)
# Usage: fio-jobs.sh [FILE]   (default /var/tmp/asys-bench.dat; created as 1 GiB by fio if missing)
# Env:   OUT_DIR  where the raw fio JSON goes (default bench/peers/build/fio-results)
#        RUNTIME  seconds per job (default 10)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
FILE="${1:-/var/tmp/asys-bench.dat}"
OUT_DIR="${OUT_DIR:-$here/build/fio-results}"
RUNTIME="${RUNTIME:-10}"
mkdir -p "$OUT_DIR"

command -v fio >/dev/null || { echo "fio not found: run bench/peers/setup.sh" >&2; exit 1; }

SIZE_BYTES=$((1024 * 1024 * 1024))
if [ ! -f "$FILE" ] || [ "$(stat -c %s "$FILE")" -lt "$SIZE_BYTES" ]; then
  echo "fio-jobs: laying out $FILE (1 GiB) with fio"
  # create_only=1: fio runs only its setup phase, i.e. writes the file in its own layout.
  fio --name=layout --filename="$FILE" --size=1g --rw=read --bs=1m --create_only=1 >/dev/null
fi

common=(--rw=randread --bs=4k --size=1g --runtime="$RUNTIME" --time_based
        --filename="$FILE" --output-format=json)

# CPU µs per I/O:
#   fio reports usr_cpu and sys_cpu as percentages of one CPU over the job's run
#   (from getrusage of the job process, so io_uring kernel work done in the task,
#   and any io-wq worker threads of that process, are included).
#   CPU seconds used = (usr_cpu + sys_cpu) / 100 * runtime_s
#   µs per I/O       = CPU seconds * 1e6 / total_ios
#                    = (usr_cpu + sys_cpu) / 100 * runtime_ms * 1000 / total_ios
summarize() { # $1 = json file
  if command -v jq >/dev/null; then
    jq -r '.jobs[0] as $j
      | ($j.usr_cpu + $j.sys_cpu) as $cpu
      | "\($j.jobname)\tIOPS=\($j.read.iops | floor)\tcpu_us_per_io=\(($cpu / 100 * $j.read.runtime * 1000 / $j.read.total_ios) * 1000 | round / 1000)\tusr%=\($j.usr_cpu * 100 | round / 100)\tsys%=\($j.sys_cpu * 100 | round / 100)\tclat_p50_ns=\($j.read.clat_ns.percentile["50.000000"] // "n/a")"' "$1"
  else
    python3 - "$1" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jobs"][0]
r = j["read"]
cpu = j["usr_cpu"] + j["sys_cpu"]
us = cpu / 100 * r["runtime"] * 1000 / r["total_ios"]
p50 = r.get("clat_ns", {}).get("percentile", {}).get("50.000000", "n/a")
print(f'{j["jobname"]}\tIOPS={int(r["iops"])}\tcpu_us_per_io={us:.3f}\tusr%={j["usr_cpu"]:.2f}\tsys%={j["sys_cpu"]:.2f}\tclat_p50_ns={p50}')
PY
  fi
}

run_job() { # $1 = job name, rest = fio args
  local name="$1"; shift
  local out="$OUT_DIR/$name.json"
  fio --name="$name" "${common[@]}" "$@" --output="$out"
  summarize "$out"
}

run_job uring-direct-qd32 --ioengine=io_uring --direct=1 --iodepth=32

# Warm the page cache for the buffered jobs.
cat "$FILE" >/dev/null

run_job psync-cached-qd1 --ioengine=psync --direct=0 --invalidate=0 --iodepth=1

run_job uring-cached-qd32 --ioengine=io_uring --direct=0 --invalidate=0 --iodepth=32 \
  --iodepth_batch_submit=16 --iodepth_batch_complete_min=8 --fixedbufs --registerfiles

echo "fio-jobs: raw JSON in $OUT_DIR"
