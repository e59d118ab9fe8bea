package org.samplingprivacy.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.epsilon.AttackCounts;

/**
 * The audit's decision thresholds and the outcome counts at each (docs/design/privacy-audit.md §5):
 * white-box thresholds are fixed in advance, the others are quantiles of the pooled scores; the
 * counts of every threshold come from one aggregation over the written trial table.
 */
final class TrialOutcomes {
  /**
   * White-box thresholds: the score's N(0, 1) quantiles under D at these false-positive rates,
   * fixed in advance.
   */
  private static final double[] WHITE_BOX_FPR = {0.5, 0.1, 1e-2, 1e-3, 1e-4, 1e-5};

  private static final int SWEEP = 8;

  private TrialOutcomes() {}

  /** The thresholds of an audit: fixed normal quantiles (white-box) or score quantiles. */
  static double[] thresholds(Dataset<Row> trials, boolean whiteBox) {
    return whiteBox
        ? Arrays.stream(WHITE_BOX_FPR)
            .map(f -> NormalDistribution.of(0, 1).inverseSurvivalProbability(f))
            .toArray()
        : sweep(trials);
  }

  /**
   * {@value #SWEEP} distinct score quantiles of the pooled trials (as epsilon-estimate's
   * --threshold-sweep); the black-box and one-run tables hold one row per release or canary, so
   * their scores fit on the driver.
   */
  static double[] sweep(Dataset<Row> trials) {
    double[] s =
        trials.select("score").collectAsList().stream()
            .mapToDouble(r -> r.getDouble(0))
            .sorted()
            .toArray();
    java.util.TreeSet<Double> t = new java.util.TreeSet<>();
    for (int j = 1; j <= SWEEP; j++) {
      t.add(s[(int) Math.min(s.length - 1, Math.floor((double) j / (SWEEP + 1) * s.length))]);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** TP, FN, TN, FP at each threshold ("member" iff score ≥ threshold), in one aggregation. */
  static AttackCounts[] counts(Dataset<Row> trials, double[] thresholds) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(sum(col("is_member")));
    aggs.add(sum(lit(1).minus(col("is_member"))));
    for (double t : thresholds) {
      aggs.add(sum(when(col("score").geq(t).and(col("is_member").equalTo(1)), 1).otherwise(0)));
      aggs.add(sum(when(col("score").geq(t).and(col("is_member").equalTo(0)), 1).otherwise(0)));
    }
    Row r = trials.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long members = r.getLong(0);
    long nonMembers = r.getLong(1);
    AttackCounts[] out = new AttackCounts[thresholds.length];
    for (int i = 0; i < thresholds.length; i++) {
      long tp = r.getLong(2 + 2 * i);
      long fp = r.getLong(3 + 2 * i);
      out[i] = new AttackCounts(tp, members - tp, nonMembers - fp, fp);
    }
    return out;
  }
}
