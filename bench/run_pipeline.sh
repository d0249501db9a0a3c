#!/usr/bin/env bash
# Runs bench_pipeline (C++: parse -> book -> window -> strategy -> paper, one core) and
# bench/python_baseline.py (the obvious Python job) on the same recorded frames in the same
# run, prints both rates and the ratio, and PASS/FAIL against the targets: at least
# 2,000,000 level changes/s and at least 30x the Python script. Builds nothing.
#
# Usage: bench/run_pipeline.sh [BUILD_DIR] [PAIRS]
#   BUILD_DIR  where bench/bench_pipeline was built (default: build)
#   PAIRS      C++/Python runs, alternated (default 3); best of each is compared
# Env: RTCRYPTO_SHARED_DATA (default ../shared/data beside the project), PYTHON (python3).
# Exit: 0 PASS, 1 FAIL (or a failed determinism check), 2 missing binary or data.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${1:-build}
pairs=${2:-3}
[[ $build = /* ]] || build="$root/$build"
bin="$build/bench/bench_pipeline"
data=${RTCRYPTO_SHARED_DATA:-$root/../shared/data}
tsv="$data/gemini/v2-marketdata-frames-with-recv-ts.tsv"
py=${PYTHON:-python3}
window=5
min_rate=2000000
min_ratio=30

[[ -x $bin ]] || { echo "run_pipeline: $bin not built (cmake --build $build --target bench_pipeline)" >&2; exit 2; }
[[ -r $tsv ]] || { echo "run_pipeline: no input $tsv" >&2; exit 2; }

field() { sed -n "s/.*[[:space:]]$1=\([^[:space:]]*\).*/\1/p" <<<"$2" | head -n1; }

best_cpp=0 best_py=0 checks=ok
for ((i = 1; i <= pairs; ++i)); do
  cpp_out=$("$bin" --file "$tsv" --window "$window" --loops 100 --rounds 3) || checks=failed
  py_out=$("$py" "$here/python_baseline.py" "$tsv" 3 "$window" 3)  # 3 rounds, as the C++ side
  echo "--- run $i"
  echo "$cpp_out"
  echo "$py_out"
  grep -q '^CHECK OK' <<<"$cpp_out" || checks=failed
  c=$(field changes_per_sec "$(grep '^cpp_pipeline ' <<<"$cpp_out")")
  p=$(field changes_per_sec "$py_out")
  awk -v c="$c" -v p="$p" 'BEGIN { printf "run ratio: %.1fx\n", c / p }'
  best_cpp=$(awk -v a="$best_cpp" -v b="$c" 'BEGIN { print (b > a ? b : a) }')
  best_py=$(awk -v a="$best_py" -v b="$p" 'BEGIN { print (b > a ? b : a) }')
done

echo "==="
awk -v c="$best_cpp" -v p="$best_py" -v r="$min_rate" -v x="$min_ratio" -v ok="$checks" 'BEGIN {
  ratio = c / p
  rate_ok = (c >= r) ? "yes" : "no"
  ratio_ok = (ratio >= x) ? "yes" : "no"
  pass = (rate_ok == "yes" && ratio_ok == "yes" && ok == "ok")
  printf "C++ pipeline (best): %.0f changes/s\n", c
  printf "Python baseline (best): %.0f changes/s\n", p
  printf "ratio: %.1fx\n", ratio
  printf "%s: >= %d changes/s: %s; >= %dx Python: %s; determinism checks: %s\n", (pass ? "PASS" : "FAIL"), r, rate_ok, x, ratio_ok, ok
  if (pass) exit 0
  exit 1
}'
