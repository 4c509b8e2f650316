#!/usr/bin/env bash
# Set up, then run every test (GoogleTest through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
ctest --preset release -j "$(nproc)"
bash scripts/slurm-test.sh
