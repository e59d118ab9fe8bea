#!/usr/bin/env bash
# The whole adult release of bench/gsd.sh (epsilon 1, delta 1/n^2, 3-way marginals over 7 columns, 2,000 rows), timed
# for this checkout and for an earlier revision built in a temporary git worktree, alternating, RUNS times each, in
# one session; prints each wall time and the ratio of the means. A fresh ledger and output per run.
#   bench/gsd-vs-revision.sh 20bc916 [RUNS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REV=${1:?usage: bench/gsd-vs-revision.sh REVISION [RUNS]}
RUNS=${2:-3}
WORK=${SPP_BENCH_DIR:-$ROOT/target/bench/gsd-vs-revision}
OLD="$WORK/worktree"
COLUMNS='workclass,education-num,marital-status,relationship,race,sex,income>50K'
rm -rf "$WORK" && mkdir -p "$WORK"
git -C "$ROOT" worktree add -f -q "$OLD" "$REV"
trap 'git -C "$ROOT" worktree remove --force "$OLD"' EXIT
(cd "$OLD" && mvn -B -q -DskipTests package) >&2
"$ROOT/bin/spp" --version >/dev/null # builds this checkout's jar if it is stale, outside the timings
run() { # root tag i -> seconds
  local root=$1 tag=$2 i=$3
  local w="$WORK/$tag-$i"
  mkdir -p "$w"
  local s e
  s=$(date +%s.%N)
  SPP_NO_BUILD=1 "$root/bin/spp" gsd-synthesize --input "$ROOT/data/adult/adult.csv" \
    --domain "$ROOT/data/adult/adult-domain.json" --columns "$COLUMNS" --epsilon 1 --delta 4.1919e-10 \
    --workload marginals:3 --rows 2000 --seed 1 --ledger "$w/ledger" --dataset-id adult-bench \
    --output "$w/synthetic" > "$w/out.log" 2> "$w/err.log"
  e=$(date +%s.%N)
  python3 -c "print('%.2f' % ($e - $s))"
}
old=(); new=()
for i in $(seq "$RUNS"); do
  old+=("$(run "$OLD" old "$i")")
  new+=("$(run "$ROOT" new "$i")")
done
python3 - "$REV" "${old[*]}" "${new[*]}" <<'PY'
import sys
rev, old, new = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
mo, mn = sum(old) / len(old), sum(new) / len(new)
print("whole release on adult: %s %s s (mean %.1f); this checkout %s s (mean %.1f); ratio %.2f"
      % (rev, " ".join("%.1f" % x for x in old), mo, " ".join("%.1f" % x for x in new), mn, mn / mo))
PY
