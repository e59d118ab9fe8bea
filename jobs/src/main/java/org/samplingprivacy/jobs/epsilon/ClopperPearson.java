package org.samplingprivacy.jobs.epsilon;

import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * The Clopper–Pearson baseline (as in the reference code's {@code binomial_proportion.py}): exact
 * binomial confidence bounds on FPR and FNR, combined into an ε interval by a union bound over the
 * rectangle they span.
 */
final class ClopperPearson {
  private ClopperPearson() {}

  /**
   * Lower confidence bound at level 1 − γ for k successes of n: B⁻¹(γ; k, n − k + 1), 0 at k = 0.
   */
  public static double lower(long k, long n, double gamma) {
    return k == 0 ? 0 : BetaDistribution.of(k, n - k + 1).inverseCumulativeProbability(gamma);
  }

  /** Upper confidence bound at level 1 − γ: B⁻¹(1 − γ; k + 1, n − k), 1 at k = n. */
  public static double upper(long k, long n, double gamma) {
    return k == n ? 1 : BetaDistribution.of(k + 1, n - k).inverseSurvivalProbability(gamma);
  }

  /**
   * The two-sided ε interval at significance α: each rate gets a two-sided interval at α/2 (α/4 per
   * tail), the rectangle covers (FPR, FNR) with probability ≥ 1 − α, and ε ranges over it between
   * the corners ε(fpr_lo, fnr_lo) and ε(fpr_hi, fnr_hi); the lower end is 0 when the rectangle
   * straddles the anti-diagonal.
   */
  public static double[] interval(AttackCounts c, double alpha, double delta) {
    double g = alpha / 4;
    double fprLo = lower(c.fp(), c.nonMembers(), g);
    double fprHi = upper(c.fp(), c.nonMembers(), g);
    double fnrLo = lower(c.fn(), c.members(), g);
    double fnrHi = upper(c.fn(), c.members(), g);
    double e1 = PrivacyRegion.epsilon(fprLo, fnrLo, delta);
    double e2 = PrivacyRegion.epsilon(fprHi, fnrHi, delta);
    double lo = Math.min(e1, e2);
    double hi = Math.max(e1, e2);
    if ((fnrHi > 1 - fprHi) != (fnrLo > 1 - fprLo)) {
      lo = 0;
    }
    return new double[] {lo, hi};
  }

  /** The one-sided lower bound at α: the lower end of the two-sided interval at 2α. */
  public static double lowerBound(AttackCounts c, double alpha, double delta) {
    return interval(c, 2 * alpha, delta)[0];
  }

  /** The one-sided upper bound at α: the upper end of the two-sided interval at 2α. */
  public static double upperBound(AttackCounts c, double alpha, double delta) {
    return interval(c, 2 * alpha, delta)[1];
  }
}
