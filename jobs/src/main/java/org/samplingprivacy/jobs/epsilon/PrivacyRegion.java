package org.samplingprivacy.jobs.epsilon;

/**
 * The (ε, δ)-DP privacy region in the hypothesis-testing view (Kairouz, Oh, Viswanath 2015): every
 * test of a mechanism has (FPR a, FNR b) with a + e^ε b ≥ 1 − δ, e^ε a + b ≥ 1 − δ, and the two
 * reflected inequalities. For fixed b the region is the band {@link #lower} ≤ a ≤ {@link #upper};
 * {@link #epsilon} is the smallest ε whose region holds (a, b), the ε an attack with those rates
 * demonstrates (Zanella-Béguelin et al., ICML 2023; docs/design/epsilon-estimate.md §2).
 */
public final class PrivacyRegion {
  private PrivacyRegion() {}

  /**
   * ε(a, b) = max{0, ln((1−δ−a)/b), ln((1−δ−b)/a), ln((a−δ)/(1−b)), ln((b−δ)/(1−a))}, in the
   * reference code's form: reflect above the anti-diagonal, then 0 inside the δ band, +∞ for a zero
   * rate, else ln((1−δ−hi)/lo).
   */
  public static double epsilon(double a, double b, double delta) {
    if (a + b > 1) {
      double reflectedA = 1 - b;
      b = 1 - a;
      a = reflectedA;
    }
    double lo = Math.min(a, b);
    double hi = Math.max(a, b);
    if (lo + hi >= 1 - delta) {
      return 0;
    }
    if (lo <= 0) {
      return Double.POSITIVE_INFINITY;
    }
    return Math.max(0, Math.log((1 - delta - hi) / lo));
  }

  /**
   * L_e(b) = max(0, 1 − δ − e^e b, (1 − δ − b) e^{−e}): the least FPR an (e, δ)-DP mechanism allows
   * at FNR b.
   */
  public static double lower(double e, double b, double delta) {
    double ee = Math.exp(e);
    return Math.max(0, Math.max(1 - delta - ee * b, (1 - delta - b) / ee));
  }

  /** U_e(b) = 1 − L_e(1 − b): the greatest FPR an (e, δ)-DP mechanism allows at FNR b. */
  public static double upper(double e, double b, double delta) {
    return 1 - lower(e, 1 - b, delta);
  }

  /** The b at which L_e or U_e changes piece, within (0, 1): quadrature over b splits there. */
  static double[] kinks(double e, double delta) {
    double ee = Math.exp(e);
    double k1 = (1 - delta) / (1 + ee);
    double k2 = (1 - delta) / ee;
    return new double[] {k1, k2, 1 - delta, 1 - k1, 1 - k2, delta};
  }
}
