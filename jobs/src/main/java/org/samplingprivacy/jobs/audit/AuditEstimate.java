package org.samplingprivacy.jobs.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.samplingprivacy.jobs.epsilon.AttackCounts;
import org.samplingprivacy.jobs.epsilon.EpsilonEstimate;
import org.samplingprivacy.jobs.epsilon.GaussianDp;

/**
 * What an audit's trials demonstrate, by epsilon-estimate's own estimators (so the trial table fed
 * to {@code epsilon-estimate --thresholds ... --selection bonferroni} gives the same bounds): per
 * threshold the Bayesian and Clopper–Pearson lower bounds on ε at α/K, the selected threshold
 * (greatest Bayesian lower bound), for a white-box audit the two-sided GDP μ interval at the
 * pre-declared threshold 0 (FPR ½ under D), and the verdict. Two kinds of evidence are kept apart
 * (docs/design/privacy-audit.md §5): the assumption-free lower bound on ε, and μ, which assumes a
 * Gaussian trade-off curve.
 */
record AuditEstimate(
    List<Row> rows,
    int selected,
    double muLo,
    double muHi,
    double claimedEpsilon,
    double claimedMu,
    boolean whiteBox,
    boolean oneRun) {
  /** One threshold's counts and estimate. */
  record Row(double threshold, AttackCounts counts, EpsilonEstimate estimate) {}

  static AuditEstimate of(
      double[] thresholds,
      AttackCounts[] counts,
      AttackCounts atZero,
      double alpha,
      double delta,
      double claimedEpsilon,
      double claimedMu,
      boolean whiteBox,
      boolean oneRun) {
    int k = thresholds.length;
    double level = k > 1 ? alpha / k : alpha;
    EpsilonEstimate.Settings settings =
        new EpsilonEstimate.Settings(delta, 0.5, claimedEpsilon, oneRun);
    List<Row> rows = new ArrayList<>();
    int best = 0;
    for (int i = 0; i < k; i++) {
      rows.add(new Row(thresholds[i], counts[i], EpsilonEstimate.of(counts[i], level, settings)));
      if (rows.get(i).estimate().bayesLowerBound() > rows.get(best).estimate().bayesLowerBound()) {
        best = i;
      }
    }
    double lo = Double.NaN;
    double hi = Double.NaN;
    if (whiteBox) {
      GaussianDp.Posterior mu = new GaussianDp.Posterior(atZero, 0.5);
      lo = mu.quantile(alpha / 2);
      hi = mu.quantile(1 - alpha / 2);
    }
    return new AuditEstimate(
        List.copyOf(rows), best, lo, hi, claimedEpsilon, claimedMu, whiteBox, oneRun);
  }

  EpsilonEstimate best() {
    return rows.get(selected).estimate();
  }

  /**
   * The assumption-free lower bound on ε: the greatest Bayesian or Clopper–Pearson bound over the
   * thresholds, which treat trials as independent releases; for a one-run audit, whose canaries
   * share one release, only the one-run bound is valid.
   */
  double epsilonLowerBound() {
    double m = 0;
    for (Row r : rows) {
      double b =
          oneRun
              ? r.estimate().oneRunEps()
              : Math.max(r.estimate().bayesLowerBound(), r.estimate().cpLowerBound());
      if (Double.isFinite(b)) {
        m = Math.max(m, b);
      }
    }
    return m;
  }

  boolean epsilonViolation() {
    return epsilonLowerBound() > claimedEpsilon;
  }

  boolean muViolation() {
    return whiteBox && muLo > claimedMu;
  }

  String verdict() {
    List<String> why = new ArrayList<>();
    if (epsilonViolation()) {
      why.add(
          String.format(
              Locale.ROOT,
              "the attack demonstrates epsilon >= %.4g, above the claimed %.4g",
              epsilonLowerBound(),
              claimedEpsilon));
    }
    if (muViolation()) {
      why.add(
          String.format(
              Locale.ROOT,
              "the GDP mu interval [%.4f, %.4f] lies wholly above the claimed mu %.4f",
              muLo,
              muHi,
              claimedMu));
    }
    return why.isEmpty() ? "consistent with the claim" : "VIOLATION: " + String.join("; ", why);
  }
}
