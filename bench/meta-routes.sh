#!/usr/bin/env bash
# One metadata op on a warm tree, back to back in one run, for same-run comparisons of asys's
# routes against the peers: each argument is a run, printed as ops/s and CPU µs per op.
#   ENGINE[:JAVA_OPTS]  the asys bench through ENGINE (typed-uring, workers, uring) at --qd 32,
#                       with JAVA_OPTS (e.g. typed-uring:-Dasys.statx=uring)
#   jdk-sync | jdk-pool the JDK's Files calls on 1 / 2 threads
#   c-sync | c-uring    bench/peers/build/meta_bench, plain calls / liburing at qd 32
# Usage: bench/meta-routes.sh OP SECONDS RUN...   (OP: statx or openclose; tree /var/tmp/asys-tree)
# Example: bench/meta-routes.sh statx 3 typed-uring typed-uring:-Dasys.statx=uring jdk-pool c-sync c-uring
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
op="$1"; S="$2"; shift 2
T="${ASYS_BENCH_TREE:-/var/tmp/asys-tree}"
C="$ROOT/bench/peers/build/meta_bench"
[ -x "$C" ] || "$ROOT/bench/peers/setup.sh"
line() { python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); c=d.get('cpu_us_per_op'); print('%9d' % int(d['iops']) + ('  %5.2f us/op' % c if c else ''))"; }
a() { local opts="$1"; shift; ASYS_JAVA_OPTS="$opts" "$ROOT/asys" bench --op "$op" --dir "$T" --files 100000 --seconds "$S" --json "$@" 2>/dev/null | line; }
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in "$@"; do
    case "$run" in
        c-sync) r="$("$C" --op "$op" --mode sync --dir "$T" --files 100000 --seconds "$S" | line)" ;;
        c-uring) r="$("$C" --op "$op" --mode uring --qd 32 --dir "$T" --files 100000 --seconds "$S" | line)" ;;
        jdk-sync) r="$(a "" --engine jdk-sync)" ;;
        jdk-pool) r="$(a "" --engine jdk-pool --threads 2)" ;;
        *:*) r="$(a "${run#*:}" --engine "${run%%:*}" --qd 32)" ;;
        *) r="$(a "" --engine "$run" --qd 32)" ;;
    esac
    printf '%-50s %s\n' "$run" "$r"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
