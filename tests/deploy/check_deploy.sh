#!/usr/bin/env bash
# ctest LABEL deploy: docker-compose.yml and config/rtcrypto.service are valid.
# Usage: check_deploy.sh SOURCE_DIR RTCRYPTO_BINARY   (exit 77 = skipped: no tool available)
set -euo pipefail
src=$1
bin=$2
checked=0

if command -v docker-compose >/dev/null 2>&1; then
  # The example .env supplies the mandatory passwords the file refuses to run without.
  docker-compose --project-directory "$src" --env-file "$src/.env.example" \
    -f "$src/docker-compose.yml" config -q
  echo "docker-compose config -q: ok"
  checked=$((checked + 1))
else
  echo "docker-compose not installed: skipping the compose check"
fi

if command -v systemd-analyze >/dev/null 2>&1; then
  if [[ ! -x $bin ]]; then
    echo "rtcrypto binary $bin not built: skipping systemd-analyze verify"
  else
    # verify needs ExecStart's binary to exist: check a copy pointing at the built one.
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    sed "s|/usr/local/bin/rtcrypto|$bin|g" "$src/config/rtcrypto.service" > "$tmp/rtcrypto.service"
    out=$(systemd-analyze verify "$tmp/rtcrypto.service" 2>&1) || { echo "$out"; exit 1; }
    # verify reports some problems as warnings only; unknown keys and bad values are fatal here.
    if grep -E "Unknown (key|section)|Failed to parse|Invalid|is not executable" <<<"$out"; then exit 1; fi
    echo "systemd-analyze verify: ok"
    checked=$((checked + 1))
  fi
else
  echo "systemd-analyze not installed: skipping the unit check"
fi

((checked > 0)) || exit 77
