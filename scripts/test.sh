#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite (the README's test command).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh all
scripts/build.sh
ctest --preset release "$@"
