# Sourced by bench/nbd-ab.sh and bench/nbd-dirty-ab.sh (after setting $root): the tool, the file
# and a work folder; waiting for servers, their ports, their CPU, and one fio run against one.

# Sets jar (built if missing), file ($FILE, default a 1 GiB file of random bytes, made if
# missing), the java command line, and work (a fresh temporary folder).
nbd_setup() {
  jar="$root/cli/target/asys-cli.jar"
  file=${FILE:-/var/tmp/asys-nbd-bench.img}
  [ -f "$jar" ] || "$root/asys" --version >/dev/null
  [ -f "$file" ] || head -c $((1 << 30)) /dev/urandom > "$file"
  java=("$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED)
  work=$(mktemp -d)
}

# Waits (up to 60 s) until every given server log has its "serving ... engine" line.
wait_serving() {
  for _ in $(seq 1 600); do
    local all=1 f
    for f in "$@"; do grep -q ', engine ' "$f" || all=0; done
    [ "$all" = 1 ] && return 0
    sleep 0.1
  done
  echo "a server did not start: $(cat "$@")" >&2
  return 1
}

# The port in a server log's "serving ... on ADDR:PORT, engine E" line.
serving_port() { sed -n 's/.*:\([0-9]*\), engine.*/\1/p' "$1"; }

# User plus system CPU of a process so far, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# fio's nbd engine against 127.0.0.1:PORT: "IOPS total_ios" of the job's reads or writes.
fio_iops() { # port "fio job args" seconds
  fio --name=ab --ioengine=nbd --uri="nbd://127.0.0.1:$1/" --size=1g $2 --time_based --runtime="$3" \
      --output-format=json 2>/dev/null | python3 -c 'import json,sys; t=sys.stdin.read(); j=json.loads(t[t.index("{"):])["jobs"][0]; io=j["read"] if j["read"]["total_ios"] else j["write"]; print("%.0f %d" % (io["iops"], io["total_ios"]))'
}

# CPU µs per I/O from two tick counts and an I/O count.
us_per_io() { python3 -c "print('%.1f' % (($2 - $1) * 1e6 / $(getconf CLK_TCK) / max($3, 1)))"; }
