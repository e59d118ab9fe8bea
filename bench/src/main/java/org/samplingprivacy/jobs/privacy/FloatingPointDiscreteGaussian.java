package org.samplingprivacy.jobs.privacy;

import java.util.random.RandomGenerator;

/**
 * The sampler gsd-synthesize used before its noise was made exact, kept only as the benchmark's
 * baseline: CKS 2020 Algorithm 3 with every accept/reject decision taken in double precision
 * ({@code nextDouble() < exp(-x)}). Never use it for a release: its decisions realise a slightly
 * different distribution than the one the proof is about.
 */
final class FloatingPointDiscreteGaussian {
  private final double sigma2;
  private final long t;

  FloatingPointDiscreteGaussian(double sigma) {
    this.sigma2 = sigma * sigma;
    this.t = (long) Math.floor(sigma) + 1;
  }

  long sample(RandomGenerator rng) {
    while (true) {
      long y = laplace(rng);
      double dev = Math.abs((double) y) - sigma2 / t;
      if (rng.nextDouble() < Math.exp(-dev * dev / (2 * sigma2))) {
        return y;
      }
    }
  }

  private long laplace(RandomGenerator rng) {
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
