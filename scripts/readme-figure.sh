#!/usr/bin/env bash
# Regenerates the information plane shown in the README: the default experiment (SZT,
# tanh, 8 bits, 8000 epochs, 10 repetitions), drawn into docs/images/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out=runs/readme-$(date +%Y%m%d-%H%M%S)
build/release/infoplane run experiments/szt-tanh-8bit.toml --out "$out" --no-plot
build/release/infoplane plot "$out" --what plane,mi,accuracy --out docs/images --no-summary
rm -f docs/images/*.dat docs/images/*.gp docs/images/*.caption.txt
echo "docs/images/{plane,mi,accuracy}.png regenerated from $out"
