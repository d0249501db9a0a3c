#!/usr/bin/env bash
# Runs bench_pipeline (C++: parse -> book -> window -> strategy -> paper, one core) and
# bench/python_baseline.py (the obvious Python job) on the same recorded frames in the same
# run, prints both rates and the ratio, and PASS/FAIL against the targets: at least
# 2,000,000 level changes/s and at least 30x the Python script. Builds nothing.
#
# Both are measured with 60 s windows (the product's default, as a trader runs it: this is
# what PASS/FAIL judges) and with 5 s windows (twelve times the window closes, each a
# decision with its records: reported beside it, as the harder case).
#
# Usage: bench/run_pipeline.sh [BUILD_DIR] [PAIRS]
#   BUILD_DIR  where bench/bench_pipeline was built (default: build)
#   PAIRS      C++/Python runs per window length, alternated (default 5); best of each counts
# Env: RTCRYPTO_SHARED_DATA (default ../shared/data beside the project), PYTHON (python3).
# Exit: 0 PASS, 1 FAIL (or a failed determinism check), 2 missing binary or data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build}
pairs=${2:-5}
[[ $build = /* ]] || build="$root/$build"
bin="$build/bench/bench_pipeline"
data=${RTCRYPTO_SHARED_DATA:-$root/../shared/data}
tsv="$data/gemini/v2-marketdata-frames-with-recv-ts.tsv"
py=${PYTHON:-python3}
judged_window=60
windows="60 5"
min_rate=2000000
min_ratio=30

[[ -x $bin ]] || { echo "run_pipeline: $bin not built (cmake --build $build --target bench_pipeline)" >&2; exit 2; }
[[ -r $tsv ]] || { echo "run_pipeline: no input $tsv" >&2; exit 2; }

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | head -n1; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'; }

declare -A best_cpp best_py
for w in $windows; do best_cpp[$w]=0 best_py[$w]=0; done
checks=ok
for ((i = 1; i <= pairs; ++i)); do
  for w in $windows; do
    # Ten rounds of ~45 ms on each side (30 C++ loops, one Python loop), the fastest of each
    # counts: short rounds on both sides, so a noisy host's quiet moments reach both.
    # Neither side is pinned to a core: a pinned C++ run cannot leave a core another
    # process is using, where the Python one can.
    cpp_out=$("$bin" --file "$tsv" --window "$w" --loops 30 --rounds 10 --no-pin) || checks=failed
    py_out=$("$py" "$here/python_baseline.py" "$tsv" 1 "$w" 10)
    echo "--- run $i, ${w} s windows"
    echo "$cpp_out"
    echo "$py_out"
    grep -q '^CHECK OK' <<<"$cpp_out" || checks=failed
    c=$(field changes_per_sec "$(grep '^cpp_pipeline ' <<<"$cpp_out")")
    p=$(field changes_per_sec "$py_out")
    awk -v c="$c" -v p="$p" 'BEGIN { printf "run ratio: %.1fx\n", c / p }'
    best_cpp[$w]=$(max "${best_cpp[$w]}" "$c")
    best_py[$w]=$(max "${best_py[$w]}" "$p")
  done
done

echo "==="
for w in $windows; do
  awk -v w="$w" -v c="${best_cpp[$w]}" -v p="${best_py[$w]}" -v j="$judged_window" 'BEGIN {
    printf "%2d s windows%s: C++ pipeline (best) %.0f changes/s, Python (best) %.0f changes/s, ratio %.1fx\n", w, (w == j ? " (judged)" : ""), c, p, c / p
  }'
done
awk -v c="${best_cpp[$judged_window]}" -v p="${best_py[$judged_window]}" -v r="$min_rate" \
    -v x="$min_ratio" -v ok="$checks" -v w="$judged_window" 'BEGIN {
  ratio = c / p
  rate_ok = (c >= r) ? "yes" : "no"
  ratio_ok = (ratio >= x) ? "yes" : "no"
  pass = (rate_ok == "yes" && ratio_ok == "yes" && ok == "ok")
  printf "%s (%d s windows): >= %d changes/s: %s; >= %dx Python: %s; determinism checks: %s\n", (pass ? "PASS" : "FAIL"), w, r, rate_ok, x, ratio_ok, ok
  if (pass) exit 0
  exit 1
}'
