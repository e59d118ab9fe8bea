package org.samplingprivacy.jobs.privacy;

import java.math.BigInteger;

/**
 * The discrete Gaussian mechanism on a vector of integer counts (Canonne, Kamath &amp; Steinke
 * 2020, Theorem 14): adding independent N_Z(0, σ²) to each of d counts whose L2 sensitivity is Δ
 * costs ½(Δ²/σ² + τ) zCDP with τ = 5·Σ_{k=1}^{d−1} exp(−2π²σ²·k/(k+1)) ≤ 5(d−1)·exp(−π²σ²). The
 * mechanism is built for a budget share: σ² is the smallest dyadic rational (to 2^−20 relative)
 * whose cost, computed with Δ² exact and τ bounded from above, is at most the share; it carries
 * that share as its charge and draws noise only through {@link ZcdpAccountant}.
 */
public final class DiscreteGaussianMechanism {
  private final long sensitivity2;
  private final long dims;
  private final ZcdpBudget share;
  private final Rational cost;
  private final DiscreteGaussian noise;

  private DiscreteGaussianMechanism(
      long sensitivity2, long dims, ZcdpBudget share, Rational sigma2, Rational cost) {
    this.sensitivity2 = sensitivity2;
    this.dims = dims;
    this.share = share;
    this.cost = cost;
    this.noise = DiscreteGaussian.withSigma2(sigma2);
  }

  /**
   * A mechanism for {@code dims} counts of squared L2 sensitivity {@code sensitivity2} spending at
   * most {@code share}.
   */
  public static DiscreteGaussianMechanism forShare(long sensitivity2, long dims, ZcdpBudget share) {
    if (sensitivity2 <= 0 || dims <= 0 || share.isZero()) {
      throw new IllegalArgumentException(
          "need a positive sensitivity, dimension and budget share, got "
              + sensitivity2
              + ", "
              + dims
              + ", "
              + share);
    }
    double rho = share.rhoDown();
    // Smallest sigma with ½(Δ²/σ² + τ(σ)) ≤ ρ in double precision, then made exact and checked in
    // rationals.
    double lo = Math.sqrt(sensitivity2 / (2 * rho));
    double hi = lo;
    while (costBound(sensitivity2, dims, hi * hi) > rho) {
      hi = 2 * hi + 1;
    }
    if (hi != lo) {
      for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
        double mid = 0.5 * (lo + hi);
        if (costBound(sensitivity2, dims, mid * mid) <= rho) {
          hi = mid;
        } else {
          lo = mid;
        }
      }
    }
    Rational sigma2 = DiscreteGaussian.roundUp(hi * hi);
    Rational cost = exactCost(sensitivity2, dims, sigma2);
    while (cost.compareTo(share.rho()) > 0) {
      sigma2 = DiscreteGaussian.roundUp(sigma2.doubleUp() * (1 + 0x1p-19));
      cost = exactCost(sensitivity2, dims, sigma2);
    }
    return new DiscreteGaussianMechanism(sensitivity2, dims, share, sigma2, cost);
  }

  private static double costBound(long sensitivity2, long dims, double sigma2) {
    double tau = dims <= 1 ? 0 : 5.0 * (dims - 1) * Math.exp(-Math.PI * Math.PI * sigma2);
    return 0.5 * (sensitivity2 / sigma2 + tau);
  }

  /**
   * ½Δ²/σ² exactly, plus ½τ's bound rounded up (and floored at 10^−30 when not zero, to keep
   * integers small).
   */
  static Rational exactCost(long sensitivity2, long dims, Rational sigma2) {
    Rational main =
        Rational.of(
            BigInteger.valueOf(sensitivity2).multiply(sigma2.denominator()),
            BigInteger.TWO.multiply(sigma2.numerator()));
    if (dims <= 1) {
      return main;
    }
    double halfTau = 2.5 * (dims - 1) * Math.exp(-Math.PI * Math.PI * sigma2.doubleDown());
    halfTau = Math.nextUp(halfTau * (1 + 1e-9));
    Rational tauBound =
        halfTau < 1e-30
            ? Rational.of(BigInteger.ONE, BigInteger.TEN.pow(30))
            : Rational.exactly(halfTau);
    return main.plus(tauBound);
  }

  /** What the accountant charges: the share this mechanism was built for. */
  public ZcdpBudget charge() {
    return share;
  }

  /** The zCDP cost this mechanism's σ² guarantees (≤ {@link #charge()}). */
  public ZcdpBudget cost() {
    return ZcdpBudget.ofRho(cost);
  }

  /** σ² of the noise on each count, exact. */
  public Rational sigma2() {
    return noise.sigma2();
  }

  public long sensitivity2() {
    return sensitivity2;
  }

  public long dims() {
    return dims;
  }

  /** Noisy copies of counts[from, from + dims). Package-private: only the accountant draws. */
  long[] draw(long[] counts, int from, RandomBits bits) {
    long[] out = new long[(int) dims];
    for (int j = 0; j < dims; j++) {
      out[j] = Math.addExact(counts[from + j], noise.sample(bits));
    }
    return out;
  }
}
