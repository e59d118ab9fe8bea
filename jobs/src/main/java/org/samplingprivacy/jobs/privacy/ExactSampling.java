package org.samplingprivacy.jobs.privacy;

import java.math.BigInteger;

/**
 * Exact samplers of Canonne, Kamath &amp; Steinke, "The Discrete Gaussian for Differential Privacy"
 * (NeurIPS 2020): Bernoulli(exp(−γ)) for rational γ (their Algorithm 1) and the discrete Laplace
 * distribution (Algorithm 2), from fair bits and integer arithmetic only
 * (docs/design/privacy-core.md §1).
 */
public final class ExactSampling {
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private ExactSampling() {}

  /** Bernoulli(exp(−num/den)) for num ≥ 0, den &gt; 0. */
  public static boolean bernoulliExpMinus(long num, long den, RandomBits bits) {
    if (num < 0 || den <= 0) {
      throw new IllegalArgumentException(
          "exp(-" + num + "/" + den + ") needs num >= 0 and den > 0");
    }
    // exp(−γ) = exp(−1)^⌊γ⌋ · exp(−(γ − ⌊γ⌋)): independent draws, the first failure decides.
    long n = num;
    while (n > den) {
      if (!bernoulliExpMinusFraction(1, 1, bits)) {
        return false;
      }
      n -= den;
    }
    return bernoulliExpMinusFraction(n, den, bits);
  }

  /** Bernoulli(exp(−num/den)) with arbitrary-size integers. */
  public static boolean bernoulliExpMinus(BigInteger num, BigInteger den, RandomBits bits) {
    if (num.signum() < 0 || den.signum() <= 0) {
      throw new IllegalArgumentException(
          "exp(-" + num + "/" + den + ") needs num >= 0 and den > 0");
    }
    if (num.compareTo(LONG_MAX) <= 0 && den.compareTo(LONG_MAX) <= 0) {
      return bernoulliExpMinus(num.longValue(), den.longValue(), bits);
    }
    BigInteger[] qr = num.divideAndRemainder(den);
    for (BigInteger i = BigInteger.ZERO; i.compareTo(qr[0]) < 0; i = i.add(BigInteger.ONE)) {
      if (!bernoulliExpMinusFraction(1, 1, bits)) {
        return false;
      }
    }
    if (den.bitLength() <= 62) {
      return bernoulliExpMinusFraction(qr[1].longValueExact(), den.longValueExact(), bits);
    }
    // γ in [0, 1): K ← 1; while Bernoulli(γ/K) { K ← K + 1 }; return K odd.
    long k = 1;
    while (bits.bernoulli(qr[1], den.multiply(BigInteger.valueOf(k)))) {
      k++;
    }
    return (k & 1) == 1;
  }

  /**
   * CKS Algorithm 1 for γ = num/den in [0, 1]: K ← 1; while Bernoulli(γ/K) { K ← K + 1 }; return K
   * odd. The probability that the loop stops at an odd K is Σ_j (−γ)^j / j! = exp(−γ).
   */
  private static boolean bernoulliExpMinusFraction(long num, long den, RandomBits bits) {
    long k = 1;
    while (true) {
      boolean a;
      if (k == 1 || (Math.multiplyHigh(den, k) == 0 && den * k <= (1L << 62) && den * k > 0)) {
        a = bits.bernoulli(num, den * k);
      } else {
        a =
            bits.bernoulli(num, den)
                && bits.bernoulli(1, k); // Bernoulli(pq) = Bernoulli(p) ∧ Bernoulli(q)
      }
      if (!a) {
        return (k & 1) == 1;
      }
      k++;
    }
  }

  /**
   * CKS Algorithm 2: the discrete Laplace distribution P(y) ∝ exp(−|y|/t) on the integers, for an
   * integer scale t ≥ 1.
   */
  public static long discreteLaplace(long t, RandomBits bits) {
    if (t < 1) {
      throw new IllegalArgumentException("discrete Laplace scale must be >= 1, got " + t);
    }
    while (true) {
      long u = bits.uniform(t);
      if (!bernoulliExpMinus(u, t, bits)) {
        continue;
      }
      long v = 0;
      while (bernoulliExpMinusFraction(1, 1, bits)) {
        v++;
      }
      long x = Math.addExact(u, Math.multiplyExact(t, v));
      boolean negative = bits.nextBit();
      if (negative && x == 0) {
        continue;
      }
      return negative ? -x : x;
    }
  }
}
