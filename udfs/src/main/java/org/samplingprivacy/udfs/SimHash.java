package org.samplingprivacy.udfs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Multi-round SimHash signatures of SDIM (Cao et al., "Sampling Is All You Need on Modeling
 * Long-Term User Behaviors for CTR Prediction", CIKM 2022, §3.2–3.3): {@code numHashes} signatures
 * (the paper's m/τ) of {@code bits} sign bits each (the paper's τ), from fixed Gaussian random
 * projections. Two vectors at angle θ share a signature with probability (1 − θ/π)^bits (Charikar
 * 2002), so signature collisions sample behaviours with that kernel.
 *
 * <p>The projections are a pure function of (seed, dimension) that any language can reproduce:
 * direction k (0 ≤ k &lt; numHashes·bits), component a, is √(−2 ln(1 − u₁))·cos(2π u₂) with u_s =
 * {@link StableHash#uniform(long, long)} of the key (k &lt;&lt; 32 | a) under {@link
 * StableHash#streamSeed}(seed, s), s = 1, 2. Bit = 1 iff the projection is &gt; 0; the bucket of
 * signature i is Σ_b bit(i·bits + b)·2^b, in [0, 2^bits).
 */
public final class SimHash {
  private static final Map<String, SimHash> CACHE = new ConcurrentHashMap<>();
  private final int numHashes;
  private final int bits;
  private final int dim;
  private final double[][] directions;

  private SimHash(int dim, int numHashes, int bits, long seed) {
    this.numHashes = numHashes;
    this.bits = bits;
    this.dim = dim;
    int m = numHashes * bits;
    directions = new double[m][dim];
    long s1 = StableHash.streamSeed(seed, 1);
    long s2 = StableHash.streamSeed(seed, 2);
    for (int k = 0; k < m; k++) {
      for (int a = 0; a < dim; a++) {
        long key = ((long) k << 32) | a;
        double u1 = StableHash.uniform(key, s1);
        double u2 = StableHash.uniform(key, s2);
        directions[k][a] = Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
      }
    }
  }

  /** The hasher for vectors of length {@code dim}; cached per parameters. */
  public static SimHash of(int dim, int numHashes, int bits, long seed) {
    if (dim < 1) {
      throw new IllegalArgumentException("embedding must not be empty");
    }
    if (numHashes < 1 || numHashes > 4096) {
      throw new IllegalArgumentException("num_hashes must be in 1..4096, got " + numHashes);
    }
    if (bits < 1 || bits > 31) {
      throw new IllegalArgumentException("bits must be in 1..31, got " + bits);
    }
    return CACHE.computeIfAbsent(
        dim + "/" + numHashes + "/" + bits + "/" + seed,
        k -> new SimHash(dim, numHashes, bits, seed));
  }

  public int numHashes() {
    return numHashes;
  }

  public int bits() {
    return bits;
  }

  /** The bucket of every signature. */
  public int[] signatures(double[] x) {
    if (x.length != dim) {
      throw new IllegalArgumentException("embedding has length " + x.length + ", expected " + dim);
    }
    int[] out = new int[numHashes];
    for (int i = 0; i < numHashes; i++) {
      int bucket = 0;
      for (int b = 0; b < bits; b++) {
        double[] r = directions[i * bits + b];
        double p = 0;
        for (int a = 0; a < dim; a++) {
          p += r[a] * x[a];
        }
        if (p > 0) {
          bucket |= 1 << b;
        }
      }
      out[i] = bucket;
    }
    return out;
  }

  /** Convenience: signatures of {@code x} with the given parameters. */
  public static int[] signatures(double[] x, int numHashes, int bits, long seed) {
    return of(x.length, numHashes, bits, seed).signatures(x);
  }
}
