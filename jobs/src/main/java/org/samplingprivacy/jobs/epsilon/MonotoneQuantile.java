package org.samplingprivacy.jobs.epsilon;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.numbers.rootfinder.BrentSolver;

/**
 * Q(q) = inf{x ≥ 0 : F(x) ≥ q} of a distribution on [0, ∞) given by its CDF and survival function:
 * 0 if F(0) ≥ q, else Brent's method on F(x) − q (on (1 − q) − S(x) above the median, so quantiles
 * near 1 keep their accuracy) in a bracket found by doubling from 1, with no cap short of {@code
 * limit}.
 */
final class MonotoneQuantile {
  private MonotoneQuantile() {}

  static double find(
      DoubleUnaryOperator cdf, DoubleUnaryOperator survival, double q, double limit, double tol) {
    if (!(q > 0 && q < 1)) {
      throw new IllegalArgumentException("q must be in (0, 1), got " + q);
    }
    DoubleUnaryOperator g =
        q <= 0.5 ? x -> cdf.applyAsDouble(x) - q : x -> (1 - q) - survival.applyAsDouble(x);
    if (g.applyAsDouble(0) >= 0) {
      return 0;
    }
    double hi = 1;
    while (g.applyAsDouble(hi) < 0) {
      hi *= 2;
      if (hi > limit) {
        throw new IllegalStateException("no quantile " + q + " below " + limit);
      }
    }
    return new BrentSolver(tol, 1e-12, 1e-15).findRoot(g, hi == 1 ? 0 : hi / 2, hi);
  }
}
