#!/usr/bin/env bash
# Interleaved A/B rounds between builds of the benchmarks jar (e.g. before and after a change) on a noisy machine:
# every round runs the same JMH selection once with each jar, so the machine's drift hits every jar alike.
#
# usage: benchmarks/scripts/ab_rounds.sh ROUNDS OUT_DIR JAR... -- JMH_ARGS...
#   e.g. benchmarks/scripts/ab_rounds.sh 3 /tmp/ab /tmp/bench-before.jar benchmarks/target/benchmarks.jar -- \
#          'FanOutBenchmark.(spindleGroup|raw)$' -p backend=threads,forkjoin -f 1 -wi 3 -w 1s -i 3 -r 1s
# Writes OUT_DIR/<jar name>-<round>.json; summarise with benchmarks/scripts/ab_summary.py OUT_DIR.
# JAVA selects the JDK (default: the newest Temurin under /usr/lib/jvm, else java on the PATH).
set -euo pipefail
rounds=$1 out=$2
shift 2
jars=()
while [[ $# -gt 0 && $1 != -- ]]; do jars+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
JAVA=${JAVA:-$(ls -d /usr/lib/jvm/temurin-2[5-9]*/bin/java 2>/dev/null | tail -1)}
JAVA=${JAVA:-java}
mkdir -p "$out"
for ((r = 1; r <= rounds; r++)); do
  for jar in "${jars[@]}"; do
    name=$(basename "$jar" .jar)
    echo "round $r: $name" >&2
    "$JAVA" -jar "$jar" "$@" -rf json -rff "$out/$name-$r.json" > "$out/$name-$r.log" 2>&1
  done
done
