package org.samplingprivacy.jobs.epsilon;

import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.apache.commons.numbers.rootfinder.BrentSolver;

/**
 * The one-run auditing lower bound of Steinke, Nasr and Jagielski ("Privacy auditing with one (1) training run",
 * NeurIPS 2023): m canaries, each included in the single training run independently with probability ½; the attacker
 * guesses r of them and gets v right. Under (ε, δ)-DP the number right is dominated by Bin(r, q), q = e^ε/(1 + e^ε),
 * up to a δ term; ε_lo is the largest ε whose p-value is at most the significance level.
 */
public final class OneRunAudit {
  private OneRunAudit() {}

  /** P[Bin(r, q) ≥ v] = I_q(v, r − v + 1). */
  static double binomialTail(long r, double q, long v) {
    if (v <= 0) {
      return 1;
    }
    if (v > r) {
      return 0;
    }
    return RegularizedBeta.value(q, v, r - v + 1);
  }

  /**
   * The p-value of v correct of r guesses among m canaries under (ε, δ)-DP: P[Bin(r, q) ≥ v], plus for δ &gt; 0 the
   * term 2mδ · max over 1 ≤ i ≤ v of (P[Bin(r, q) ≥ v − i] − P[Bin(r, q) ≥ v]) / i (as in jax_privacy).
   */
  public static double pValue(long m, long r, long v, double eps, double delta) {
    double q = 1 / (1 + Math.exp(-eps));
    double p = binomialTail(r, q, v);
    if (delta > 0) {
      double worst = 0;
      for (long i = 1; i <= v; i++) {
        worst = Math.max(worst, (binomialTail(r, q, v - i) - p) / i);
      }
      p += 2 * m * delta * worst;
    }
    return Math.min(1, p);
  }

  /** The largest ε with p-value ≤ α (0 if even ε = 0 is not rejected). */
  public static double lowerBound(long m, long r, long v, double delta, double alpha) {
    if (pValue(m, r, v, 0, delta) > alpha) {
      return 0;
    }
    double hi = 1;
    while (pValue(m, r, v, hi, delta) <= alpha) {
      hi *= 2;
      if (hi > 1e4) {
        return Double.POSITIVE_INFINITY;
      }
    }
    return new BrentSolver(1e-10, 1e-12, 1e-15).findRoot(e -> pValue(m, r, v, e, delta) - alpha, hi == 1 ? 0 : hi / 2, hi);
  }
}
