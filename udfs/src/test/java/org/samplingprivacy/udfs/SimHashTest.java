package org.samplingprivacy.udfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Oracles: Charikar's collision probability (1 − θ/π)^τ (docs/design/sdim.md §1.2), exact
 * invariances.
 */
class SimHashTest {
  /** Two unit vectors at angle θ in a random plane of R^d. */
  static double[][] pair(int d, double theta, SplittableRandom rng) {
    double[] u = gaussian(d, rng);
    double[] w = gaussian(d, rng);
    normalise(u);
    double dot = 0;
    for (int i = 0; i < d; i++) {
      dot += u[i] * w[i];
    }
    for (int i = 0; i < d; i++) {
      w[i] -= dot * u[i];
    }
    normalise(w);
    double[] v = new double[d];
    for (int i = 0; i < d; i++) {
      v[i] = Math.cos(theta) * u[i] + Math.sin(theta) * w[i];
    }
    return new double[][] {u, v};
  }

  static double[] gaussian(int d, SplittableRandom rng) {
    double[] x = new double[d];
    for (int i = 0; i < d; i++) {
      x[i] =
          Math.sqrt(-2 * Math.log1p(-rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble());
    }
    return x;
  }

  static void normalise(double[] x) {
    double n = 0;
    for (double v : x) {
      n += v * v;
    }
    n = Math.sqrt(n);
    for (int i = 0; i < x.length; i++) {
      x[i] /= n;
    }
  }

  @ParameterizedTest
  @CsvSource({
    "30, 1, 0.83333",
    "30, 3, 0.57870",
    "60, 3, 0.29630",
    "90, 3, 0.125",
    "90, 5, 0.03125",
    "120, 3, 0.03704"
  })
  void collisionRateIsOneMinusThetaOverPiToTheBitsWithinFiveStandardErrors(
      double degrees, int bits, double p) {
    double theta = Math.toRadians(degrees);
    assertEquals(p, Math.pow(1 - theta / Math.PI, bits), 1e-5, "Charikar's collision probability");
    SplittableRandom rng = new SplittableRandom(42);
    int d = 32;
    int signatures = 256;
    long hits = 0;
    long trials = 0;
    // Fresh projections per seed (the SimHash of each seed is an independent draw of hyperplanes).
    for (long seed = 0; seed < 200; seed++) {
      double[][] xy = pair(d, theta, rng);
      int[] a = SimHash.signatures(xy[0], signatures, bits, seed);
      int[] b = SimHash.signatures(xy[1], signatures, bits, seed);
      for (int i = 0; i < signatures; i++) {
        hits += a[i] == b[i] ? 1 : 0;
        trials++;
      }
    }
    double rate = hits / (double) trials;
    double se = Math.sqrt(p * (1 - p) / trials);
    assertEquals(p, rate, 5 * se, "empirical " + rate);
  }

  @Test
  void invariancesAndRanges() {
    SplittableRandom rng = new SplittableRandom(1);
    double[] x = gaussian(16, rng);
    int[] s = SimHash.signatures(x, 16, 3, 7);
    double[] scaled = x.clone();
    double[] negated = x.clone();
    for (int i = 0; i < x.length; i++) {
      scaled[i] *= 3.5;
      negated[i] = -negated[i];
    }
    assertArrayEquals(s, SimHash.signatures(scaled, 16, 3, 7), "scale invariant");
    int[] n = SimHash.signatures(negated, 16, 3, 7);
    for (int i = 0; i < 16; i++) {
      assertTrue(s[i] >= 0 && s[i] < 8);
      assertEquals(7, s[i] ^ n[i], "negation flips every bit");
    }
    assertThrows(IllegalArgumentException.class, () -> SimHash.signatures(x, 16, 0, 7));
    assertThrows(IllegalArgumentException.class, () -> SimHash.signatures(x, 16, 32, 7));
  }

  @Test
  void bucketsFollowTheDocumentedProjectionRecipe() {
    // Recomputes every direction from the Javadoc's recipe (xxHash64 uniforms, Box-Muller) and the
    // bucket encoding.
    double[] x = {0.3, -1.2, 0.5, 2.0};
    int numHashes = 5;
    int bits = 3;
    long seed = 2022;
    int[] expected = new int[numHashes];
    for (int i = 0; i < numHashes; i++) {
      for (int b = 0; b < bits; b++) {
        int k = i * bits + b;
        double p = 0;
        for (int a = 0; a < x.length; a++) {
          long key = ((long) k << 32) | a;
          double u1 = StableHash.uniform(key, StableHash.streamSeed(seed, 1));
          double u2 = StableHash.uniform(key, StableHash.streamSeed(seed, 2));
          p += x[a] * Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
        }
        expected[i] += p > 0 ? 1 << b : 0;
      }
    }
    assertArrayEquals(expected, SimHash.signatures(x, numHashes, bits, seed));
    assertTrue(
        !java.util.Arrays.equals(
            SimHash.signatures(x, 64, bits, seed), SimHash.signatures(x, 64, bits, 7)),
        "another seed draws other hyperplanes");
  }
}
