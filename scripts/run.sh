#!/usr/bin/env bash
# The main job: set up, then the default experiment: the exact information plane of the
# SZT network (tanh, 8 bits, 8000 epochs, exact MI every epoch, the paper's 50 repetitions
# on all cores). Extra arguments go to `infoplane run`, e.g. --repetitions 10 or --out DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec build/release/infoplane run experiments/szt-tanh-8bit.toml "$@"
