package org.samplingprivacy.jobs.epsilon;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The attack's ROC summaries (docs/design/epsilon-estimate.md §6): the AUROC with a confidence
 * interval, and the TPR at given FPR targets with Clopper–Pearson intervals, as jax_privacy's
 * {@code attack_auroc} and {@code tpr_at_given_fpr} report them.
 *
 * <p>From a score histogram over ascending thresholds (bin j holds the scores with exactly j
 * thresholds ≤ them; exact when every distinct score has its own threshold): AUROC = P[member score
 * &gt; non-member score] + ½ P[tie], the Mann–Whitney statistic, with DeLong's variance (DeLong,
 * DeLong and Clarke-Pearson 1988) from the placement values V₁₀ = (non-members below + ½ tied)/N
 * per member and V₀₁ likewise per non-member: Var = S₁₀/P + S₀₁/N; a Wald interval clipped to [0,
 * 1]. From ROC points that are not nested (pooled counts whose thresholds do not order them), the
 * trapezoidal AUROC with Hanley and McNeil's (1982) variance. TPR at FPR τ: the point with the
 * greatest TPR among those with FPR ≤ τ (the all-negative classifier if none), its TPR's two-sided
 * CP interval at significance α.
 */
public final class RocSummary implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  /**
   * TPR at one FPR target; threshold null for the all-negative classifier (nothing guessed member).
   */
  public record TprAtFpr(
      double fprTarget, Double threshold, double fpr, double tpr, double tprLo, double tprHi)
      implements Serializable {}

  /** One ROC point: guess member iff score ≥ threshold. */
  public record RocPoint(Double threshold, long tp, long fp) implements Serializable {}

  private final double auroc;
  private final double aurocLo;
  private final double aurocHi;
  private final String aurocMethod;
  private final List<TprAtFpr> tprAtFpr;
  private final List<RocPoint> points;
  private final long members;
  private final long nonMembers;

  private RocSummary(
      double auroc,
      double se,
      String method,
      List<RocPoint> points,
      long p,
      long n,
      double[] fprTargets,
      double alpha) {
    double z = NORMAL.inverseSurvivalProbability(alpha / 2);
    this.auroc = auroc;
    this.aurocLo = Math.max(0, auroc - z * se);
    this.aurocHi = Math.min(1, auroc + z * se);
    this.aurocMethod = method;
    this.points = points;
    this.members = p;
    this.nonMembers = n;
    List<TprAtFpr> t = new ArrayList<>();
    for (double target : fprTargets) {
      RocPoint best = null;
      for (RocPoint pt : points) {
        if ((double) pt.fp() / n <= target && (best == null || pt.tp() > best.tp())) {
          best = pt;
        }
      }
      long tp = best == null ? 0 : best.tp();
      long fp = best == null ? 0 : best.fp();
      t.add(
          new TprAtFpr(
              target,
              best == null ? null : best.threshold(),
              (double) fp / n,
              (double) tp / p,
              ClopperPearson.lower(tp, p, alpha / 2),
              ClopperPearson.upper(tp, p, alpha / 2)));
    }
    this.tprAtFpr = List.copyOf(t);
  }

  /**
   * From a histogram h[label][j], label 1 = member, j = 0..k, over the ascending thresholds t₁ &lt;
   * … &lt; t_k (display values, one per bin boundary).
   */
  public static RocSummary fromHistogram(
      long[][] h, Double[] thresholds, double[] fprTargets, double alpha) {
    int k = thresholds.length;
    long p = 0;
    long n = 0;
    for (int j = 0; j <= k; j++) {
      p += h[1][j];
      n += h[0][j];
    }
    // Mann–Whitney with ties as ½, and DeLong's placement values per bin.
    double[] v10 = new double[k + 1];
    double[] v01 = new double[k + 1];
    long below = 0;
    for (int j = 0; j <= k; j++) {
      v10[j] = (below + 0.5 * h[0][j]) / n;
      below += h[0][j];
    }
    long above = 0;
    for (int j = k; j >= 0; j--) {
      v01[j] = (above + 0.5 * h[1][j]) / p;
      above += h[1][j];
    }
    double auc = 0;
    for (int j = 0; j <= k; j++) {
      auc += h[1][j] * v10[j];
    }
    auc /= p;
    double s10 = 0;
    double s01 = 0;
    for (int j = 0; j <= k; j++) {
      s10 += h[1][j] * (v10[j] - auc) * (v10[j] - auc);
      s01 += h[0][j] * (v01[j] - auc) * (v01[j] - auc);
    }
    s10 /= Math.max(1, p - 1);
    s01 /= Math.max(1, n - 1);
    double se = Math.sqrt(s10 / p + s01 / n);
    List<RocPoint> pts = new ArrayList<>();
    long tp = 0;
    long fp = 0;
    for (int j = k; j >= 1; j--) {
      tp += h[1][j];
      fp += h[0][j];
      pts.add(new RocPoint(thresholds[j - 1], tp, fp));
    }
    return new RocSummary(auc, se, "delong", pts, p, n, fprTargets, alpha);
  }

  /**
   * From ROC points of P members and N non-members: a histogram when the points are nested (TP and
   * FP both non-increasing in the threshold), else the trapezoid with Hanley–McNeil's variance.
   * {@code negated}: the thresholds were negated to order them (a lower score means member); they
   * are reported negated back.
   */
  public static RocSummary fromPoints(
      List<RocPoint> rocPoints,
      long p,
      long n,
      double[] fprTargets,
      double alpha,
      boolean negated) {
    List<RocPoint> byThreshold = new ArrayList<>(rocPoints);
    byThreshold.sort(
        Comparator.comparing(RocPoint::threshold, Comparator.nullsLast(Comparator.naturalOrder())));
    int k = byThreshold.size();
    long[][] h = new long[2][k + 1];
    boolean nested = true;
    for (int j = 0; j <= k; j++) {
      long tpHere = j == 0 ? p : byThreshold.get(j - 1).tp();
      long fpHere = j == 0 ? n : byThreshold.get(j - 1).fp();
      long tpNext = j == k ? 0 : byThreshold.get(j).tp();
      long fpNext = j == k ? 0 : byThreshold.get(j).fp();
      h[1][j] = tpHere - tpNext;
      h[0][j] = fpHere - fpNext;
      nested &= h[1][j] >= 0 && h[0][j] >= 0;
    }
    // One threshold-free point (guesses) is a two-bin histogram; several need thresholds to be
    // ordered.
    if (nested && (k == 1 || byThreshold.stream().allMatch(r -> r.threshold() != null))) {
      return fromHistogram(
          h,
          byThreshold.stream()
              .map(r -> r.threshold() == null ? null : negated ? -r.threshold() : r.threshold())
              .toArray(Double[]::new),
          fprTargets,
          alpha);
    }
    List<RocPoint> byFpr = new ArrayList<>(rocPoints);
    byFpr.sort(Comparator.comparingLong(RocPoint::fp).thenComparingLong(RocPoint::tp));
    double auc = 0;
    double x0 = 0;
    double y0 = 0;
    for (RocPoint r : byFpr) {
      double x = (double) r.fp() / n;
      double y = (double) r.tp() / p;
      auc += (x - x0) * (y + y0) / 2;
      x0 = x;
      y0 = y;
    }
    auc += (1 - x0) * (1 + y0) / 2;
    double q1 = auc / (2 - auc);
    double q2 = 2 * auc * auc / (1 + auc);
    double var =
        (auc * (1 - auc) + (p - 1) * (q1 - auc * auc) + (n - 1) * (q2 - auc * auc))
            / ((double) p * n);
    List<RocPoint> shown =
        rocPoints.stream()
            .map(
                r ->
                    negated && r.threshold() != null
                        ? new RocPoint(-r.threshold(), r.tp(), r.fp())
                        : r)
            .toList();
    return new RocSummary(
        auc, Math.sqrt(Math.max(0, var)), "hanley-mcneil", shown, p, n, fprTargets, alpha);
  }

  public double auroc() {
    return auroc;
  }

  public double aurocLo() {
    return aurocLo;
  }

  public double aurocHi() {
    return aurocHi;
  }

  public String aurocMethod() {
    return aurocMethod;
  }

  public List<TprAtFpr> tprAtFpr() {
    return tprAtFpr;
  }

  /** The ROC as (FPR, TPR) from (0, 0) to (1, 1), sorted by FPR. */
  public double[][] curve() {
    List<RocPoint> sorted = new ArrayList<>(points);
    sorted.sort(Comparator.comparingLong(RocPoint::fp).thenComparingLong(RocPoint::tp));
    double[] x = new double[sorted.size() + 2];
    double[] y = new double[sorted.size() + 2];
    for (int i = 0; i < sorted.size(); i++) {
      x[i + 1] = (double) sorted.get(i).fp() / nonMembers;
      y[i + 1] = (double) sorted.get(i).tp() / members;
    }
    x[x.length - 1] = 1;
    y[y.length - 1] = 1;
    return new double[][] {x, y};
  }
}
