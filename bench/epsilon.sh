#!/usr/bin/env bash
# epsilon-estimate benchmarks: bench/epsilon.sh [ROWS]
#  1. Bayesian epsilon intervals and epsilon(delta) curves per second on one core, against Clopper-Pearson in the
#     same JVM.
#  2. The whole command over a generated score table (ROWS rows, default 10,000,000; a label column c1 and a score
#     column c0) against a full scan of that table, in one Spark session.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=${1:-10000000}
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/epsilon}
mkdir -p "$WORK"
"$ROOT/bin/spp" bench-epsilon --intervals 1000 --curves 20
"$ROOT/bin/spp" bench-generate --output "$WORK/scores" --rows "$ROWS" --columns 2 --distribution normal,bit \
  --partitions 8 --seed 1 > /dev/null
"$ROOT/bin/spp" bench-compare --input "$WORK/scores" --repeat 3 --report-dir "$WORK/report" -- \
  epsilon-estimate --input "$WORK/scores" --member-col c1 --score-col c0 --thresholds 0,0.5,1,1.5,2 \
  --delta 1e-5 --output "$WORK/estimates"
