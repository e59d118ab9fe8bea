#!/usr/bin/env bash
# privacy-audit benchmarks: bench/audit.sh [TRIALS]
#  1. White-box: trials per second on this machine's cores, and the tightness 10^6 trials per hypothesis reach, on
#     the bundled adult table at epsilon 1, delta 1/n^2, 3-way marginals over the Private-GSD test's 7 columns (35
#     workloads): the mu interval's lower end over the claimed mu = sqrt(2 rho) (goal >= 0.95), and the
#     assumption-free epsilon lower bound (<= 1 for a correct release).
#  2. Black-box: whole releases per minute (one per Spark task), on 100 rows of PUMS, 4 columns, 2-way marginals,
#     N' = 100 rows, up to 3,000 generations.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/audit}
TRIALS=${1:-1000000}
COLUMNS='workclass,education-num,marital-status,relationship,race,sex,income>50K'
rm -rf "$WORK" && mkdir -p "$WORK"
"$ROOT/bin/spp" privacy-audit --input "$ROOT/data/adult/adult.csv" --domain "$ROOT/data/adult/adult-domain.json" \
  --columns "$COLUMNS" --epsilon 1 --delta 4.1919e-10 --workload marginals:3 --trials "$TRIALS" --seed 1 \
  --output "$WORK/white/trials" --report-dir "$WORK/white/report" > "$WORK/white.log"
head -n 101 "$ROOT/data/pums/PUMS.csv" > "$WORK/pums100.csv"
"$ROOT/bin/spp" privacy-audit --audit black-box --input "$WORK/pums100.csv" \
  --domain "$ROOT/data/pums/pums-domain.json" --columns sex,educ,race,married --epsilon 1 --delta 1e-4 \
  --workload marginals:2 --rows 100 --generations 3000 --trials 100 --seed 1 \
  --output "$WORK/black/trials" --report-dir "$WORK/black/report" > "$WORK/black.log"
python3 - "$WORK" <<'PY'
import json, sys
w = json.load(open(sys.argv[1] + "/white/report/report.json"))["metrics"]
b = json.load(open(sys.argv[1] + "/black/report/report.json"))["metrics"]
print("white-box, adult 3-way marginals: %d trials per hypothesis, %.3g trials/s (goal >= 1e5); mu interval "
      "[%.4f, %.4f] vs claimed %.4f: lower end %.3f of it (goal >= 0.95); epsilon lower bound %.3f (claimed 1); %s"
      % (w["trials_per_hypothesis"], w["trials_per_second"], w["mu_lo"], w["mu_hi"], w["mu_claimed"],
         w["mu_lo_over_claimed"], w["epsilon_lower_bound"], w["verdict"]))
print("black-box, PUMS 100 rows: %d releases in %.1f s = %.0f releases/minute; %s"
      % (2 * b["trials_per_hypothesis"], b["trial_seconds"], b["releases_per_minute"], b["verdict"]))
PY
