package org.samplingprivacy.jobs.epsilon;

import org.apache.commons.numbers.gamma.RegularizedBeta;
import org.apache.commons.numbers.rootfinder.BrentSolver;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * The one-run auditing lower bound of Steinke, Nasr and Jagielski ("Privacy auditing with one (1)
 * training run", NeurIPS 2023): m canaries, each included in the single training run independently
 * with probability ½; the attacker guesses r of them and gets v right. Under (ε, δ)-DP the number
 * right is dominated by Bin(r, q), q = e^ε/(1 + e^ε), up to a δ term; ε_lo is the largest ε whose
 * p-value is at most the significance level.
 *
 * <p>The f-DP variant (Mahloujifar, Melis and Chaudhuri, "Auditing f-Differential Privacy in One
 * Run", 2024) tests a whole trade-off curve instead of one (ε, δ) point: the claim that the
 * mechanism is μ-GDP, with μ the Gaussian mechanism's at (ε, δ), is rejected when the guesses are
 * more accurate than any μ-GDP mechanism allows at the significance level
 * (docs/design/epsilon-estimate.md §8). Its ε is a lower bound only under that Gaussian assumption,
 * like the GDP columns.
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
   * The p-value of v correct of r guesses among m canaries under (ε, δ)-DP: P[Bin(r, q) ≥ v], plus
   * for δ &gt; 0 the term 2mδ · max over 1 ≤ i ≤ v of (P[Bin(r, q) ≥ v − i] − P[Bin(r, q) ≥ v]) / i
   * (as in jax_privacy).
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
    return new BrentSolver(1e-10, 1e-12, 1e-15)
        .findRoot(e -> pValue(m, r, v, e, delta) - alpha, hi == 1 ? 0 : hi / 2, hi);
  }

  private static final NormalDistribution NORMAL = NormalDistribution.of(0, 1);

  /**
   * Whether k guesses with c correct among m canaries reject μ-GDP at significance α: the paper's
   * recursion over the number of correct guesses. It tracks r (a bound on the probability mass of
   * correct guesses) and h (of incorrect ones), starting from α·c/m and α·(k − c)/m; each step
   * lifts h to the least incorrect-guess mass the trade-off curve allows beside r, x ↦ Φ(Φ⁻¹(x) −
   * μ) (the inverse blow-up of the μ-GDP curve), and moves r by the share i/(k − i) of that lift.
   * The claim is rejected when r + h ends above k/m. The walk stops as soon as h stops changing
   * (nothing changes after that).
   */
  static boolean fdpRejects(long m, long k, long c, double mu, double alpha) {
    double r = alpha * c / m;
    double h = alpha * (k - c) / m;
    for (long i = c - 1; i >= 0; i--) {
      double lifted = Math.max(h, blowUpInverse(r, mu));
      if (lifted == h) {
        break;
      }
      r = Math.min(r + ((double) i / (k - i)) * (lifted - h), 1.0);
      h = lifted;
    }
    return r + h > (double) k / m;
  }

  private static double blowUpInverse(double x, double mu) {
    if (Double.isInfinite(mu)) {
      return x >= 1 ? 1 : 0;
    }
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    return NORMAL.cumulativeProbability(NORMAL.inverseCumulativeProbability(x) - mu);
  }

  /**
   * The one-run f-DP lower bound: the largest ε (to 1e-6) whose Gaussian-mechanism μ at δ is
   * rejected by {@link #fdpRejects}; 0 when even ε = 0 is not rejected. μ(ε, δ) solves δ(ε; μ) = δ
   * (at δ = 0 only μ = 0 claims nothing beyond ε = 0, so the bound is taken at μ from the smallest
   * positive δ the job accepts, 1e-300).
   */
  public static double fdpLowerBound(long m, long k, long c, double delta, double alpha) {
    if (!fdpRejects(m, k, c, muOf(0, delta), alpha)) {
      return 0;
    }
    double lo = 0;
    double hi = 1;
    while (fdpRejects(m, k, c, muOf(hi, delta), alpha)) {
      lo = hi;
      hi *= 2;
      if (hi > 1e3) {
        return Double.POSITIVE_INFINITY;
      }
    }
    while (hi - lo > 1e-6 * Math.max(1, hi)) {
      double mid = 0.5 * (lo + hi);
      if (fdpRejects(m, k, c, muOf(mid, delta), alpha)) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The μ of the Gaussian mechanism that is exactly (ε, δ)-DP: δ(ε; μ) increases in μ from 0. */
  static double muOf(double eps, double delta) {
    double d = Math.max(delta, 1e-300);
    double lo = 0;
    double hi = 1;
    while (GaussianDp.delta(eps, hi) < d) {
      lo = hi;
      hi *= 2;
      if (hi > 1e4) {
        return Double.POSITIVE_INFINITY;
      }
    }
    for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (GaussianDp.delta(eps, mid) < d) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }
}
