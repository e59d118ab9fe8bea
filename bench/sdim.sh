#!/usr/bin/env bash
# SDIM benchmark: bench/sdim.sh
#   Throughput of sdim-features against target-attention-features (exact softmax attention) over the same
#   behaviours, at L = 1,000 (1,000 users) and L = 10,000 (100 users) behaviours per user, IMPRESSIONS impressions
#   per user (default 200: a ranking log scores many candidates per history state, as the paper's B ~ 10^3),
#   dimension 16, 32 signatures x 2 bits; each command timed by bench-compare in one session (after a warm-up),
#   and the ratio TA time / SDIM time printed. At L = 1,000 also the AUC of both features (ctr-eval).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/sdim}
rm -rf "$WORK" && mkdir -p "$WORK"
SPP="$ROOT/bin/spp"
IMPRESSIONS=${IMPRESSIONS:-200}
for cfg in "1000 1000" "100 10000"; do
  set -- $cfg
  users=$1; len=$2; D="$WORK/L$len"
  "$SPP" sdim-generate --users "$users" --length "$len" --impressions-per-user "$IMPRESSIONS" --seed 7 \
    --output "$D/gen" > /dev/null
  "$SPP" sdim-signatures --items "$D/gen/items" --num-hashes 32 --bits 2 --seed 3 --output "$D/sig" > /dev/null
  args="--impressions $D/gen/impressions --behaviors $D/gen/behaviors --signatures $D/sig"
  sdim=$("$SPP" bench-compare --input "$D/gen/behaviors" --repeat 1 -- sdim-features $args --output "$D/sdim" \
    | awk '/^command/ {print $(NF-3)}')
  ta=$("$SPP" bench-compare --input "$D/gen/behaviors" --repeat 1 -- target-attention-features $args \
    --output "$D/ta" | awk '/^command/ {print $(NF-3)}')
  echo "L=$len, $IMPRESSIONS impressions/user: sdim-features $sdim s, target-attention-features $ta s, ratio TA/SDIM $(python3 -c "print(round($ta/$sdim, 2))")"
done
"$SPP" ctr-eval --features "$WORK/L1000/sdim,$WORK/L1000/ta" --output "$WORK/L1000/eval" | grep AUC
