#!/usr/bin/env bash
# ambient-study benchmark: bench/ambient.sh [DIM]
#   A generated table of 130,000 vectors (DIM normal columns, default 8) becomes 105 mixes (sizes 1,000 to 100,000;
#   clean fractions 0, 0.1 and 1; sigma 0.1 to 2), then bench-ambient times the whole study (XD-EM and naive EM,
#   5 components, 2 restarts) and one MLlib GaussianMixture fit of the largest mix in the same session.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIM=${1:-8}
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/ambient}
rm -rf "$WORK" && mkdir -p "$WORK"
COLS=$(seq -s, -f 'c%g' 0 $((DIM - 1)))
"$ROOT/bin/spp" bench-generate --output "$WORK/source" --rows 130000 --columns "$DIM" --distribution normal \
  --partitions 4 --seed 1 > /dev/null
"$ROOT/bin/spp" ambient-mix --input "$WORK/source" --image-cols "$COLS" --clean-fraction 0,0.1,1 \
  --sigma 0.1,0.2,0.3,0.5,0.7,1,2 --sizes 1000,2000,5000,10000,20000,50000,100000 --holdout-fraction 0.2 \
  --output "$WORK/mixes" > /dev/null
"$ROOT/bin/spp" bench-ambient --mixes "$WORK/mixes" --components 5 --restarts 2 --output "$WORK/results"
