#!/usr/bin/env bash
# Configures and builds the release tree (build/). Quiet unless something fails.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset release >/dev/null
cmake --build --preset release -j"$(nproc)"
