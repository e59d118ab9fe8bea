package org.samplingprivacy.jobs.privacy;

import java.math.BigInteger;

/**
 * The discrete Gaussian N_Z(0, σ²), P(y) ∝ exp(−y²/(2σ²)) on the integers, for a rational σ² =
 * num/den, sampled exactly by Canonne, Kamath &amp; Steinke (NeurIPS 2020) Algorithm 3: a discrete
 * Laplace proposal of scale t = ⌊σ⌋ + 1, accepted with probability exp(−(|y| − σ²/t)²/(2σ²)). With
 * σ² = a/b that exponent is the rational (|y|·b·t − a)² / (2·a·b·t²), so every decision is integer
 * arithmetic (long while it fits, BigInteger beyond).
 */
public final class DiscreteGaussian {
  private final Rational sigma2;
  private final long a;
  private final long b;
  private final long t;
  private final long den; // 2·a·b·t², or -1 when it does not fit a long
  private final BigInteger bigDen;

  private DiscreteGaussian(Rational sigma2) {
    this.sigma2 = sigma2;
    BigInteger an = sigma2.numerator();
    BigInteger bd = sigma2.denominator();
    if (an.bitLength() > 62 || bd.bitLength() > 62) {
      throw new IllegalArgumentException("sigma^2 = " + sigma2 + " needs smaller integers");
    }
    this.a = an.longValueExact();
    this.b = bd.longValueExact();
    // ⌊σ⌋ = ⌊√⌊σ²⌋⌋ for σ² ≥ 0.
    this.t = an.divide(bd).sqrt().longValueExact() + 1;
    this.bigDen = BigInteger.TWO.multiply(an).multiply(bd).multiply(BigInteger.valueOf(t).pow(2));
    this.den = bigDen.bitLength() <= 62 ? bigDen.longValueExact() : -1;
  }

  /** N_Z(0, σ²) for a positive rational σ². */
  public static DiscreteGaussian withSigma2(Rational sigma2) {
    if (sigma2.isZero()) {
      throw new IllegalArgumentException("sigma^2 must be positive");
    }
    return new DiscreteGaussian(sigma2);
  }

  /**
   * The smallest σ² = k/2^bits not below {@code sigma2}, with bits chosen so the rounding is at
   * most 2^−20 of σ²: rounding up only adds noise, so the privacy guarantee computed for {@code
   * sigma2} still holds.
   */
  static Rational roundUp(double sigma2) {
    if (!(sigma2 > 0) || !Double.isFinite(sigma2)) {
      throw new IllegalArgumentException("sigma^2 must be positive and finite, got " + sigma2);
    }
    int bits = Math.max(0, 20 - Math.getExponent(sigma2));
    return Rational.dyadicCeil(sigma2, bits);
  }

  public Rational sigma2() {
    return sigma2;
  }

  /** One exact draw. */
  public long sample(RandomBits bits) {
    while (true) {
      long y = ExactSampling.discreteLaplace(t, bits);
      long abs = Math.abs(y);
      if (accept(abs, bits)) {
        return y;
      }
    }
  }

  private boolean accept(long abs, RandomBits bits) {
    if (den > 0) {
      try {
        long s = Math.subtractExact(Math.multiplyExact(Math.multiplyExact(abs, b), t), a);
        long num = Math.multiplyExact(s, s);
        return ExactSampling.bernoulliExpMinus(num, den, bits);
      } catch (ArithmeticException overflow) {
        // fall through to BigInteger
      }
    }
    BigInteger s =
        BigInteger.valueOf(abs)
            .multiply(BigInteger.valueOf(b))
            .multiply(BigInteger.valueOf(t))
            .subtract(BigInteger.valueOf(a));
    return ExactSampling.bernoulliExpMinus(s.multiply(s), bigDen, bits);
  }
}
