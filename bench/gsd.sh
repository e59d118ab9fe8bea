#!/usr/bin/env bash
# gsd-synthesize benchmarks: bench/gsd.sh
#  1. Child evaluations per second of the genetic algorithm on adult's 3-way marginals over 7 columns (35 workloads,
#     8,453 queries, 2,000 synthetic rows): incremental fitness on 1 thread and on all cores, against the same GA
#     recounting every query per child, in one JVM (bench-gsd prints the ratios).
#  2. Exact discrete Gaussian samples per second on one core for sigma in {0.5, 10, 1e3, 1e5}, from the HMAC_DRBG
#     (seeded releases), the OS CSPRNG (default releases) and SplitMix64 bits (simulations), beside the former
#     floating-point sampler in the same JVM (bench-noise).
#  3. Wall time of a whole release on adult at epsilon 1, delta 1/n^2 (n = 48,842) and its mean workload error
#     against the true answers (--non-private-evaluation: a benchmark, not a release), beside the
#     independent-marginals baseline at the same budget.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/gsd}
COLUMNS='workclass,education-num,marital-status,relationship,race,sex,income>50K'
rm -rf "$WORK" && mkdir -p "$WORK"
"$ROOT/bin/spp" bench-gsd --input "$ROOT/data/adult/adult.csv" --domain "$ROOT/data/adult/adult-domain.json" \
  --columns "$COLUMNS" --workload marginals:3 --rows 2000 --generations 50000
"$ROOT/bin/spp" bench-noise --sigmas 0.5,10,1000,100000 --samples 2000000
start=$(date +%s.%N)
"$ROOT/bin/spp" gsd-synthesize --input "$ROOT/data/adult/adult.csv" --domain "$ROOT/data/adult/adult-domain.json" \
  --columns "$COLUMNS" --epsilon 1 --delta 4.1919e-10 --workload marginals:3 --rows 2000 --seed 1 \
  --ledger "$WORK/ledger" --dataset-id adult-bench --output "$WORK/synthetic" --report-dir "$WORK/report" \
  --non-private-evaluation > "$WORK/run.log"
end=$(date +%s.%N)
python3 - "$WORK/report/report.json" "$start" "$end" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))["metrics"]
t = m["error_vs_true_NOT_PRIVATE"]
print("release on adult (epsilon 1): wall %.1f s for the whole command, %d generations, %.3g child evaluations/s"
      % (float(sys.argv[3]) - float(sys.argv[2]), m["generations"], m["child_evaluations_per_second"]))
print("mean error vs true answers: Private-GSD %.3g, independent marginals %.3g (ratio %.1f), uniform %.3g"
      % (t["Private-GSD"]["all"]["mean"], t["independent marginals"]["all"]["mean"],
         t["independent marginals"]["all"]["mean"] / t["Private-GSD"]["all"]["mean"], t["uniform"]["all"]["mean"]))
PY
