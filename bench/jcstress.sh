#!/usr/bin/env bash
# Builds and runs the jcstress tests of the lock-free parts. Default mode "quick"; pass jcstress
# options to change it (e.g. bench/jcstress.sh -m default).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-env.sh"
(cd "$ROOT" && ./mvnw -B -q -pl jcstress -am package -DskipTests)
cd "$ROOT/jcstress/target"
args=("$@")
[ ${#args[@]} -eq 0 ] && args=(-m quick)
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar asys-jcstress.jar "${args[@]}"
