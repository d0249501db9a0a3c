#!/usr/bin/env bash
# The main job on a fresh machine: install dependencies, build, and run rtcrypto.
# With no arguments it runs the offline demo when this build has it, otherwise a replay of
# the recorded Gemini frames through the whole core. With arguments, they go to rtcrypto.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh all
scripts/build.sh
if (($#)); then exec build/rtcrypto "$@"; fi
if build/rtcrypto demo --help >/dev/null 2>&1; then exec build/rtcrypto demo; fi
data=../shared/data/gemini/v2-marketdata-frames-with-recv-ts.tsv
mkdir -p out
exec build/rtcrypto run --mode paper --source "replay:$data" --symbols BTCUSD --window 5 \
  --store out/rt.db --out-jsonl out/rt.jsonl --run-id demo
