#!/usr/bin/env bash
# Installs what infoplane needs from Debian's packages (only what is missing) and builds it
# in Release mode into build/release. Safe to run again: it does only what is left to do.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build pkg-config git
          libeigen3-dev libfmt-dev nlohmann-json3-dev libcli11-dev libtomlplusplus-dev
          zlib1g-dev libgtest-dev libgmock-dev libbenchmark-dev gnuplot-nox)
source scripts/install-packages.sh
install_packages "${packages[@]}"

# CI builds with -Werror, so that a new warning fails it.
werror=OFF; [ "${CI:-}" = true ] && werror=ON
cmake --preset release -DINFOPLANE_WERROR="$werror" >/dev/null
cmake --build --preset release -j "$(nproc)"
