#!/usr/bin/env bash
# The core suites under AddressSanitizer + UndefinedBehaviorSanitizer (preset "asan").
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh core
cmake --preset asan >/dev/null
cmake --build --preset asan -j"$(nproc)" --target core_tests book_tests feed_tests window_tests \
  signal_tests strategy_tests risk_tests paper_tests engine_tests store_tests
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --preset asan "$@"
