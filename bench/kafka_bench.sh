#!/usr/bin/env bash
# Runs bench_kafka against the local Kafka 0.9 broker (started here unless already running,
# and stopped again if started here).  usage: bench/kafka_bench.sh [BUILD_DIR] [PASSES]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
passes="${2:-3}"
bin="$build/bench/bench_kafka"
[[ -x "$bin" ]] || { echo "build bench_kafka first: cmake --build $build --target bench_kafka" >&2; exit 1; }
started=0
if ! "$root/scripts/kafka.sh" status >/dev/null 2>&1; then
  "$root/scripts/kafka.sh" start >/dev/null
  started=1
fi
trap '[[ $started == 1 ]] && "$root/scripts/kafka.sh" stop' EXIT
"$bin" "$("$root/scripts/kafka.sh" address)" --passes "$passes" \
  -X api.version.request=false -X broker.version.fallback=0.9.0.1 -X enable.idempotence=false
