#!/usr/bin/env bash
# SDIM benchmarks (bench/README.md): every ratio comes from bin/spp bench-sdim, which times sdim-features against
# its baselines in one JVM and Spark session. Steps (STEPS, default "floor sql flat skew"):
#   floor  L = 10^4 (100 users x up to 10^4 behaviours, 200 impressions each): sdim-features against its I/O floor
#          (read, join, shuffle by user, sort, write one row per impression, no features) and target attention.
#   sql    L = 10^3 (SQL_USERS users, default 1,000, 20 impressions each): against the Spark SQL a user would write
#          (impressions joined to earlier behaviours, signatures exploded, summed, normalised), O(B.L.K.d) rows.
#   flat   L in {10^3, 10^4, 10^5} at FLAT_ROWS behaviour rows in all (default 10^7; users draw lengths in
#          [L/2, L]) and one impression per 50 behaviours (20 and 200 per user), but 1,000 per user at L = 10^5
#          (the paper's many candidates per history), where target attention is timed too: sdim-features time
#          per behaviour row.
#   skew   1,000 users x up to 10^3 plus one user with 5x10^5, then 2x10^6 behaviours and 10^4 impressions, with a
#          1 GiB JVM (local mode: the executors' heap): bench-sdim's peak heap, and sdim-bse's maximum RSS.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/sdim}
STEPS=${STEPS:-floor sql flat skew}
FLAT_ROWS=${FLAT_ROWS:-10000000}
SQL_USERS=${SQL_USERS:-1000}
SPP="$ROOT/bin/spp"
mkdir -p "$WORK"
quiet() { grep -v "INFO\|WARN\|^  - \|^bench-sdim\|^sdim-generate\|^sdim-signatures" || true; }
data() { # dir users length impressions [generator options]
  local d=$1 users=$2 len=$3 imp=$4; shift 4
  rm -rf "$d" && mkdir -p "$d"
  "$SPP" sdim-generate --users "$users" --length "$len" --impressions-per-user "$imp" --seed 7 "$@" \
    --output "$d/gen" > /dev/null
  "$SPP" sdim-signatures --items "$d/gen/items" --num-hashes 32 --bits 2 --seed 3 --output "$d/sig" > /dev/null
}
bench() { # dir [bench-sdim options]
  local d=$1; shift
  "$SPP" bench-sdim --impressions "$d/gen/impressions" --behaviors "$d/gen/behaviors" --signatures "$d/sig" \
    --output "$d/bench" "$@" | quiet
}
for step in $STEPS; do
  case $step in
    floor) echo "## floor: L = 10^4"; data "$WORK/floor" 100 10000 200; bench "$WORK/floor" --attention --repeat 3 ;;
    sql) echo "## sql: L = 10^3, $SQL_USERS users"; data "$WORK/sql" "$SQL_USERS" 1000 20; bench "$WORK/sql" --sql ;;
    flat)
      for len in 1000 10000 100000; do
        users=$((FLAT_ROWS * 4 / 3 / len)); imp=$((len / 50)); extra=()
        if [ "$len" = 100000 ]; then imp=1000; extra=(--attention); fi
        echo "## flat: L = $len, $users users, $imp impressions each"
        data "$WORK/flat-$len" "$users" "$len" "$imp"; bench "$WORK/flat-$len" --repeat 3
        if [ ${#extra[@]} -gt 0 ]; then bench "$WORK/flat-$len" "${extra[@]}"; fi
      done ;;
    skew)
      for heavy in 500000 2000000; do
        echo "## skew: one user with $heavy behaviours and 10^4 impressions, 1 GiB"
        data "$WORK/skew-$heavy" 1000 1000 20 --heavy-length "$heavy" --heavy-impressions 10000
        SPP_DRIVER_MEMORY=1g bench "$WORK/skew-$heavy"
        SPP_DRIVER_MEMORY=1g /usr/bin/time -v "$SPP" sdim-bse --behaviors "$WORK/skew-$heavy/gen/behaviors" \
          --signatures "$WORK/skew-$heavy/sig" --output "$WORK/skew-$heavy/bse" 2>&1 \
          | grep -E "Maximum resident|Elapsed \(wall" | sed 's/^\s*/  sdim-bse: /'
      done ;;
    *) echo "bench/sdim.sh: unknown step '$step' (floor, sql, flat, skew)" >&2; exit 2 ;;
  esac
done
