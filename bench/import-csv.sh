#!/usr/bin/env bash
# import-csv against a full scan of the same CSV, in one Spark session: bench/import-csv.sh [ROWS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROWS=${1:-2000000}
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/import-csv}
mkdir -p "$WORK"
"$ROOT/bin/spp" bench-generate --output "$WORK/table" --rows "$ROWS" --columns 8 \
  --distribution normal,uniform,lognormal,int100 --partitions 8 --seed 1 > /dev/null
"$ROOT/bin/spp" export --input "$WORK/table" --output "$WORK/table-csv" --output-format csv > /dev/null
printf 'id BIGINT NOT NULL, c0 DOUBLE, c1 DOUBLE, c2 DOUBLE, c3 INT, c4 DOUBLE, c5 DOUBLE, c6 DOUBLE, c7 INT\n' \
  > "$WORK/schema.ddl"
"$ROOT/bin/spp" bench-compare --input "$WORK/table-csv" --repeat 3 --report-dir "$WORK/report" -- \
  import-csv --input "$WORK/table-csv" --format csv \
  --schema "$WORK/schema.ddl" \
  --output "$WORK/imported"
