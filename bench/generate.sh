#!/usr/bin/env bash
# Generates a synthetic Parquet table: bench/generate.sh OUT [ROWS] [COLUMNS] [DISTRIBUTIONS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT=${1:?usage: bench/generate.sh OUT [ROWS] [COLUMNS] [DISTRIBUTIONS]}
exec "$ROOT/bin/spp" bench-generate --output "$OUT" --rows "${2:-1000000}" --columns "${3:-8}" \
  --distribution "${4:-normal,uniform,lognormal,int100}" --partitions 8 --seed 1
