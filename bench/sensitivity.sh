#!/usr/bin/env bash
# sensitivity-sample against a full scan of the same generated table, in one Spark session:
#   bench/sensitivity.sh [ROWS] [COLUMNS]      (defaults 10,000,000 x 20, the issue's table)
# Prints the ratio for leverage sampling (p = 2: one Gram pass, then the scoring/sampling pass) and for Lewis-weight
# sampling at p = 1 (the Gram pass caches the matrix in executor memory, then one pass over it per Cohen-Peng
# iteration). Driver state is O(d^2) in both. Each timed run writes a new output table (--fresh-output). The driver
# (here also the executor) gets 8 GiB so the 10M x 21 matrix (1.7 GB of doubles) stays in memory; SPP_DRIVER_MEMORY
# overrides it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=${1:-10000000}
COLS=${2:-20}
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/sensitivity}
export SPP_DRIVER_MEMORY=${SPP_DRIVER_MEMORY:-8g}
mkdir -p "$WORK"
"$ROOT/bin/spp" bench-generate --output "$WORK/table" --rows "$ROWS" --columns "$COLS" \
  --distribution normal,lognormal,pareto,uniform --partitions 16 --seed 1 > /dev/null
FEATURES=$(seq -s, 0 $((COLS - 2)) | sed 's/\([0-9]\+\)/c\1/g')
for METHOD in "leverage --p 2" "lewis --p 1"; do
  OUT="$WORK/sample-${METHOD%% *}"
  "$ROOT/bin/spp" bench-compare --input "$WORK/table" --repeat 3 --fresh-output "$OUT" -- \
    sensitivity-sample --input "$WORK/table" --features "$FEATURES" --target "c$((COLS - 1))" --intercept --key id \
    --method $METHOD --size 10000 --output "$OUT"
done
