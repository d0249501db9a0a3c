#!/usr/bin/env bash
# Installs every build and test dependency from Debian's packages (and npm where a
# JavaScript tool is needed). Safe to run twice: it installs only what is missing.
# Usage: scripts/setup.sh [core|all]   (default: all)
set -euo pipefail
group=${1:-all}

core_pkgs=(build-essential cmake ninja-build ccache pkg-config git
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  libsimdjson-dev nlohmann-json3-dev libcli11-dev zlib1g-dev libsqlite3-dev sqlite3
  libssl-dev openssl libboost-dev libboost-system-dev python3 clang-format)
# libopenblas0-openmp: LibTorch's BLAS (Debian's default is the slow reference BLAS).
extra_pkgs=(librdkafka-dev kcat libsystemd-dev systemd docker-compose default-jre-headless
  libtorch-dev libopenblas0-openmp python3-torch python3-numpy r-cran-prophet r-cran-codetools
  chromium)
# node and npm: the machine's own (Debian's npm conflicts with the newer node that ships here);
# fall back to Debian's when absent.
command -v npm >/dev/null 2>&1 || extra_pkgs+=(nodejs npm)

want=("${core_pkgs[@]}")
[[ $group == all ]] && want+=("${extra_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "setup: all Debian packages present" >&2
fi
