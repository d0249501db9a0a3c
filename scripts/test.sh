#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh all
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
ctest --preset release "$@"
