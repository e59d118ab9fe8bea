package org.samplingprivacy.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.function.LongUnaryOperator;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Oracles: the NIST CAVP HMAC_DRBG known answer; exact probabilities (exp(−γ), n/d, the discrete
 * Laplace and discrete Gaussian PMFs summed numerically) against frequencies over 10^6 draws, by 5
 * standard errors or a chi-square test at level 1e-4 with tail bins merged until each expects at
 * least 20 draws. Seeds are fixed (a keyed DRBG).
 */
class ExactSamplingTest {
  private static RandomBits bits(String key) {
    return RandomBits.replayable(sha(key), "test".getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] sha(String s) {
    try {
      return java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void hmacDrbgMatchesTheNistKnownAnswer() {
    // CAVP drbgvectors_no_reseed/HMAC_DRBG.rsp, [SHA-256], no personalization or additional input,
    // COUNT = 0:
    // instantiate, generate 1024 bits twice; the second output is ReturnedBits.
    HexFormat hex = HexFormat.of();
    HmacDrbg d =
        HmacDrbg.instantiate(
            hex.parseHex("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488"),
            hex.parseHex("659ba96c601dc69fc902940805ec0ca8"),
            new byte[0]);
    byte[] out = new byte[128];
    d.generate(out);
    d.generate(out);
    assertEquals(
        "e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89d54fbb978a15b5c443c9ec21036d2460b6f7"
            + "3ebad0dc2aba6e624abf07745bc107694bb7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668961df86803482cb3"
            + "7ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8",
        hex.formatHex(out));
  }

  @Test
  void aReplayableStreamRepeatsForItsKeyOnly() {
    long[] a = new long[64];
    long[] b = new long[64];
    long[] c = new long[64];
    RandomBits x = bits("k1");
    RandomBits y = bits("k1");
    RandomBits z = bits("k2");
    for (int i = 0; i < 64; i++) {
      a[i] = x.nextBits(63);
      b[i] = y.nextBits(63);
      c[i] = z.nextBits(63);
    }
    assertArrayEquals(a, b);
    assertNotEquals(a[0], c[0]);
  }

  @ParameterizedTest
  @CsvSource({
    "0, 1",
    "1, 3",
    "1, 1",
    "7, 2",
    "40, 1",
    "1, 4611686018427387904",
    "3, 9223372036854775807"
  })
  void bernoulliExpMinusGammaHasFrequencyExpMinusGamma(long num, long den) {
    RandomBits r = bits("bexp" + num + "/" + den);
    int n = 1_000_000;
    long hits = 0;
    for (int i = 0; i < n; i++) {
      hits += ExactSampling.bernoulliExpMinus(num, den, r) ? 1 : 0;
    }
    double p = Math.exp(-(double) num / den);
    double se = Math.sqrt(p * (1 - p) / n);
    assertEquals(p, hits / (double) n, 5 * se + 1e-12, "gamma = " + num + "/" + den);
    if (num == 40) {
      assertEquals(0, hits); // exp(-40) = 4e-18
    }
  }

  @Test
  void bigIntegerPathsAgreeWithTheirProbabilities() {
    RandomBits r = bits("big");
    BigInteger den = BigInteger.ONE.shiftLeft(100).add(BigInteger.valueOf(12345));
    BigInteger num = den.divide(BigInteger.valueOf(3)); // 1/3 to 30 digits
    int n = 400_000;
    long hits = 0;
    long expHits = 0;
    BigInteger gammaNum = den.multiply(BigInteger.valueOf(5)).divide(BigInteger.TWO); // gamma = 5/2
    for (int i = 0; i < n; i++) {
      hits += r.bernoulli(num, den) ? 1 : 0;
      expHits += ExactSampling.bernoulliExpMinus(gammaNum, den, r) ? 1 : 0;
    }
    assertEquals(1 / 3.0, hits / (double) n, 5 * Math.sqrt(2 / 9.0 / n));
    double p = Math.exp(-2.5);
    assertEquals(p, expHits / (double) n, 5 * Math.sqrt(p * (1 - p) / n));
  }

  @Test
  void uniformIsUniform() {
    RandomBits r = bits("uniform");
    int bound = 37;
    long[] counts = new long[bound];
    int n = 370_000;
    for (int i = 0; i < n; i++) {
      counts[(int) r.uniform(bound)]++;
    }
    double[] expected = new double[bound];
    java.util.Arrays.fill(expected, n / (double) bound);
    assertChiSquare(counts, expected, "uniform(37)");
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3, 40})
  void discreteLaplaceMatchesItsPmf(long t) {
    RandomBits r = bits("laplace" + t);
    double q = Math.exp(-1.0 / t);
    assertPmf(
        n -> ExactSampling.discreteLaplace(t, r),
        y -> (1 - q) / (1 + q) * Math.pow(q, Math.abs(y)),
        1_000_000,
        "discrete Laplace t=" + t);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.5, 3, 50})
  void discreteGaussianMatchesItsPmf(double sigma) {
    DiscreteGaussian g = DiscreteGaussian.withSigma2(DiscreteGaussian.roundUp(sigma * sigma));
    double s2 = g.sigma2().doubleUp();
    assertEquals(sigma * sigma, s2, 1e-6 * sigma * sigma);
    double z = 0;
    for (long k = -(long) (40 * sigma + 40); k <= 40 * sigma + 40; k++) {
      z += Math.exp(-k * (double) k / (2 * s2));
    }
    double norm = z;
    RandomBits r = bits("gauss" + sigma);
    assertPmf(
        n -> g.sample(r),
        y -> Math.exp(-y * (double) y / (2 * s2)) / norm,
        1_000_000,
        "discrete Gaussian sigma=" + sigma);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1000, 100000})
  void largeSigmaHasTheVarianceAndSymmetryOfItsDistribution(double sigma) {
    // sigma = 1e5 takes the BigInteger acceptance path; the variance of N_Z(0, s^2) is s^2 to 1e-9
    // for s >= 1.
    DiscreteGaussian g = DiscreteGaussian.withSigma2(DiscreteGaussian.roundUp(sigma * sigma));
    RandomBits r = bits("wide" + sigma);
    int n = 200_000;
    double s1 = 0;
    double s2 = 0;
    for (int i = 0; i < n; i++) {
      double x = g.sample(r);
      s1 += x;
      s2 += x * x;
    }
    double var = sigma * sigma;
    assertEquals(0, s1 / n, 5 * sigma / Math.sqrt(n));
    assertEquals(var, s2 / n, 5 * var * Math.sqrt(2.0 / n));
  }

  /** Chi-square of draws against a symmetric integer PMF, with tails merged into two bins. */
  private static void assertPmf(
      LongUnaryOperator draw, java.util.function.LongToDoubleFunction pmf, int n, String what) {
    int k = 0; // bins -k..k expect >= 20 draws each; the rest go to the two tails
    while (pmf.applyAsDouble(k + 1) * n >= 20) {
      k++;
    }
    long[] counts = new long[2 * k + 3];
    for (int i = 0; i < n; i++) {
      long y = draw.applyAsLong(i);
      int bin = y < -k ? 0 : y > k ? 2 * k + 2 : (int) (y + k + 1);
      counts[bin]++;
    }
    double[] expected = new double[counts.length];
    double inside = 0;
    for (int y = -k; y <= k; y++) {
      expected[y + k + 1] = pmf.applyAsDouble(y) * n;
      inside += pmf.applyAsDouble(y);
    }
    expected[0] = expected[2 * k + 2] = (1 - inside) / 2 * n;
    assertChiSquare(counts, expected, what);
  }

  private static void assertChiSquare(long[] counts, double[] expected, String what) {
    double chi2 = 0;
    int bins = 0;
    for (int i = 0; i < counts.length; i++) {
      if (expected[i] < 1e-9) {
        assertEquals(0, counts[i], what + ": a draw where the PMF is 0");
        continue;
      }
      chi2 += (counts[i] - expected[i]) * (counts[i] - expected[i]) / expected[i];
      bins++;
    }
    double critical = ChiSquaredDistribution.of(bins - 1).inverseSurvivalProbability(1e-4);
    assertTrue(
        chi2 < critical, what + ": chi2 " + chi2 + " over " + bins + " bins, critical " + critical);
  }
}
