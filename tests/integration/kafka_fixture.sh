#!/usr/bin/env bash
# ctest fixture for LABEL kafka: starts / stops the local Kafka 0.9 broker (scripts/kafka.sh).
# Never fails for a missing tool: the tests then skip with the reason written here.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
marker="${TMPDIR:-/tmp}/rtcrypto-kafka-unavailable"
case "$1" in
  start)
    rm -f "$marker"
    for tool in java npm kcat; do
      if ! command -v "$tool" >/dev/null; then
        echo "kafka tests skipped: $tool is not installed" | tee "$marker"
        exit 0
      fi
    done
    if ! "$root/scripts/kafka.sh" start; then
      echo "kafka tests skipped: scripts/kafka.sh start failed (no network for npm?)" | tee "$marker"
      exit 0
    fi
    ;;
  stop) "$root/scripts/kafka.sh" stop ;;
esac
