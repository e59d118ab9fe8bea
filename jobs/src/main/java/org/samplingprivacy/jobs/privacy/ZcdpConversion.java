package org.samplingprivacy.jobs.privacy;

import org.samplingprivacy.jobs.validate.InputException;

/**
 * The tight conversions between ρ-zCDP and (ε, δ)-DP of Canonne, Kamath &amp; Steinke (NeurIPS
 * 2020, Prop. 12 / Cor. 13), as Private-GSD (Liu et al., ICML 2023) uses them: δ(ρ, ε) = min over α
 * &gt; 1 of exp((α−1)(αρ−ε) + α·ln(1−1/α)) / (α−1). Each bisection returns the end of its bracket
 * on the safe side: a ρ that is not above the budget an (ε, δ) target allows, an ε that is not
 * below what a ρ implies.
 */
public final class ZcdpConversion {
  private ZcdpConversion() {}

  /** The smallest δ at which ρ-zCDP implies (ε, δ)-DP. */
  public static double delta(double rho, double eps) {
    requireNonNegative("rho", rho);
    requireNonNegative("epsilon", eps);
    if (rho == 0) {
      return 0;
    }
    // The exponent is convex in alpha; its derivative (2α−1)ρ − ε + ln(1−1/α) has one root, found
    // by bisection.
    double lo = 1.0 + 1e-9;
    double hi = (eps + 1) / (2 * rho) + 2;
    for (int i = 0; i < 400 && hi - lo > 1e-15 * hi; i++) {
      double a = 0.5 * (lo + hi);
      double derivative = (2 * a - 1) * rho - eps + Math.log1p(-1.0 / a);
      if (derivative < 0) {
        lo = a;
      } else {
        hi = a;
      }
    }
    double a = 0.5 * (lo + hi);
    double d = Math.exp((a - 1) * (a * rho - eps) + a * Math.log1p(-1.0 / a)) / (a - 1);
    return Math.min(d, 1.0);
  }

  /** The largest ρ whose (ε, δ) conversion stays within δ: the zCDP budget of an (ε, δ) target. */
  public static double rho(double eps, double delta) {
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new InputException("--epsilon must be positive and finite, got " + eps);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new InputException("--delta must be in (0, 1), got " + delta);
    }
    double lo = 0;
    double hi = eps + 1;
    for (int i = 0; i < 400 && hi - lo > 1e-15 * hi; i++) {
      double r = 0.5 * (lo + hi);
      if (delta(r, eps) <= delta) {
        lo = r;
      } else {
        hi = r;
      }
    }
    return lo;
  }

  /** The smallest ε with (ε, δ)-DP implied by ρ-zCDP. */
  public static double epsilon(double rho, double delta) {
    requireNonNegative("rho", rho);
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    if (rho == 0) {
      return 0;
    }
    double lo = 0;
    double hi = rho + 2 * Math.sqrt(rho * Math.log(1 / delta)) + 1e-12;
    for (int i = 0; i < 400 && hi - lo > 1e-15 * hi; i++) {
      double e = 0.5 * (lo + hi);
      if (delta(rho, e) <= delta) {
        hi = e;
      } else {
        lo = e;
      }
    }
    return hi;
  }

  private static void requireNonNegative(String what, double v) {
    if (!(v >= 0) || Double.isNaN(v)) {
      throw new IllegalArgumentException(what + " must be non-negative, got " + v);
    }
  }
}
