# Sourced by every project script: finds a JDK 25 or newer and exports JAVA_HOME.
# Order: JAVA_HOME if it is new enough, else the newest JDK under /usr/lib/jvm.

asys_java_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 \
        | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p'
}

asys_find_jdk() {
    local required=25 candidate major
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
        major=$(asys_java_major "$JAVA_HOME")
        if [ "${major:-0}" -ge "$required" ]; then
            return 0
        fi
    fi
    for candidate in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do
        candidate=${candidate%/}
        [ -x "$candidate/bin/javac" ] || continue
        major=$(asys_java_major "$candidate")
        if [ "${major:-0}" -ge "$required" ]; then
            export JAVA_HOME="$candidate"
            return 0
        fi
    done
    echo "asys: needs a JDK $required or newer (javac included)." >&2
    echo "      Set JAVA_HOME to one, or install one under /usr/lib/jvm" >&2
    echo "      (for example: apt-get install openjdk-25-jdk, or a Temurin 25 package)." >&2
    return 1
}

asys_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
