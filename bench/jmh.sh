#!/usr/bin/env bash
# Builds the JMH benchmarks and runs them on a JDK 25+; arguments go to JMH
# (e.g. bench/jmh.sh NopRoundTrip -prof gc).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$ROOT/scripts/java-env.sh"
(cd "$ROOT" && ./mvnw -B -q -pl jmh -am package -DskipTests)
exec "$JAVA_HOME/bin/java" -jar "$ROOT/jmh/target/asys-jmh.jar" "$@"
