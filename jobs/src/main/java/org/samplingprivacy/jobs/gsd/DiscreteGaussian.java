package org.samplingprivacy.jobs.gsd;

import java.util.random.RandomGenerator;

/**
 * The discrete Gaussian mechanism on integer counts (Canonne, Kamath &amp; Steinke, NeurIPS 2020): adding
 * N_Z(0, σ²) noise to each of d counts of L2 sensitivity Δ is ½(Δ²/σ² + τ)-zCDP with
 * τ = 5·Σ_{k=1}^{d−1} exp(−2π²σ²·k/(k+1)) (their Theorem 14), so unlike floating-point Gaussian noise the released
 * values are integers with no float-rounding side channel. Sampling is their Algorithm 3 (discrete Laplace proposal,
 * Bernoulli(exp(−x)) acceptance), with the acceptance probabilities in double precision.
 */
public final class DiscreteGaussian {
  private final double sigma;
  private final double sigma2;
  private final long t;

  private DiscreteGaussian(double sigma) {
    this.sigma = sigma;
    this.sigma2 = sigma * sigma;
    this.t = (long) Math.floor(sigma) + 1;
  }

  /** A sampler of N_Z(0, σ²), σ &gt; 0. */
  public static DiscreteGaussian withSigma(double sigma) {
    if (!(sigma > 0) || !Double.isFinite(sigma)) {
      throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
    }
    return new DiscreteGaussian(sigma);
  }

  /**
   * The smallest σ (to 1e-12 relative) at which d counts of L2 sensitivity Δ cost at most ρ: ½(Δ²/σ² + τ(σ)) ≤ ρ,
   * bounding τ by 5(d−1)·exp(−π²σ²). For σ of a few units or more τ vanishes and σ = Δ/√(2ρ).
   */
  public static double sigmaFor(double sensitivity, double rho, long d) {
    double s0 = ZcdpAccountant.gaussianSigma(sensitivity, rho);
    if (rhoOf(sensitivity, s0, d) <= rho) {
      return s0;
    }
    double lo = s0;
    double hi = 2 * s0 + 2;
    while (hi - lo > 1e-12 * hi) {
      double mid = 0.5 * (lo + hi);
      if (rhoOf(sensitivity, mid, d) <= rho) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** The zCDP ρ of d counts of L2 sensitivity Δ with N_Z(0, σ²) noise each (CKS Theorem 14, τ bounded). */
  public static double rhoOf(double sensitivity, double sigma, long d) {
    double tau = d <= 1 ? 0 : 5.0 * (d - 1) * Math.exp(-Math.PI * Math.PI * sigma * sigma);
    return 0.5 * (sensitivity * sensitivity / (sigma * sigma) + tau);
  }

  public double sigma() {
    return sigma;
  }

  /** One draw from N_Z(0, σ²). */
  public long sample(RandomGenerator rng) {
    while (true) {
      long y = discreteLaplace(rng);
      double dev = Math.abs((double) y) - sigma2 / t;
      if (rng.nextDouble() < Math.exp(-dev * dev / (2 * sigma2))) {
        return y;
      }
    }
  }

  /** Discrete Laplace with scale t: P(y) ∝ exp(−|y|/t). */
  private long discreteLaplace(RandomGenerator rng) {
    while (true) {
      long u = rng.nextLong(t);
      if (!(rng.nextDouble() < Math.exp(-(double) u / t))) {
        continue;
      }
      long v = 0;
      while (rng.nextDouble() < Math.exp(-1)) {
        v++;
      }
      long x = u + t * v;
      boolean negative = rng.nextBoolean();
      if (negative && x == 0) {
        continue;
      }
      return negative ? -x : x;
    }
  }
}
