package org.samplingprivacy.jobs.gsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Oracles: the exact N_Z(0, σ²) pmf summed numerically; variance σ² for σ ≥ 1 (CKS 2020, Cor. 9). */
class DiscreteGaussianTest {
  @ParameterizedTest
  @ValueSource(doubles = {0.7, 2.5, 40})
  void varianceMatchesTheExactDistributionWithinFiveStandardErrors(double sigma) {
    double z = 0;
    double var = 0;
    double m4 = 0;
    for (long k = -(long) (40 * sigma + 40); k <= 40 * sigma + 40; k++) {
      double p = Math.exp(-k * k / (2 * sigma * sigma));
      z += p;
      var += k * k * p;
      m4 += (double) k * k * k * k * p;
    }
    var /= z;
    m4 /= z;
    if (sigma >= 1) {
      assertEquals(sigma * sigma, var, 1e-6 * sigma * sigma); // CKS: the variance is below sigma^2 by a hair
    }
    DiscreteGaussian g = DiscreteGaussian.withSigma(sigma);
    SplittableRandom rng = new SplittableRandom(11);
    int n = 200_000;
    double s2 = 0;
    double s1 = 0;
    long zeros = 0;
    for (int i = 0; i < n; i++) {
      long x = g.sample(rng);
      s1 += x;
      s2 += (double) x * x;
      zeros += x == 0 ? 1 : 0;
    }
    double se = Math.sqrt((m4 - var * var) / n);
    assertEquals(var, s2 / n, 5 * se);
    assertEquals(0, s1 / n, 5 * Math.sqrt(var / n));
    double p0 = 1 / z;
    assertEquals(p0, zeros / (double) n, 5 * Math.sqrt(p0 * (1 - p0) / n));
  }

  @Test
  void sigmaForMeetsTheBudgetAndIsTheGaussianOneForLargeSigma() {
    double sigma = DiscreteGaussian.sigmaFor(Math.sqrt(2), 1e-4, 1000);
    assertEquals(Math.sqrt(2) / Math.sqrt(2e-4), sigma, 1e-12 * sigma);
    // Tiny sigma: the tau term matters and sigma grows until the cost fits.
    double small = DiscreteGaussian.sigmaFor(Math.sqrt(2), 4, 1_000_000);
    assertTrue(small > Math.sqrt(2) / Math.sqrt(8));
    assertTrue(DiscreteGaussian.rhoOf(Math.sqrt(2), small, 1_000_000) <= 4);
    assertEquals(4, DiscreteGaussian.rhoOf(Math.sqrt(2), small, 1_000_000), 4e-9);
  }

  @Test
  void noisyAnswersHaveTheVarianceTheMechanismStatesOverSeeds() {
    // A 2-way marginal with 12 cells over n = 20,000 rows at rho = 1e-4: sigma = sqrt(2)/sqrt(2 rho)/n per answer.
    Workload w = new Workload("m", "marginal-2", java.util.List.of(new Cells.Marginal(new int[] {0, 1},
        new int[] {3, 4}, new boolean[2])));
    long n = 20_000;
    long[] counts = new long[12];
    java.util.Arrays.fill(counts, n / 12);
    GaussianMeasurement g = GaussianMeasurement.of(0, w, 1e-4);
    double sigma = g.answerSigma(n);
    assertEquals(Math.sqrt(2) / Math.sqrt(2e-4) / n, sigma, 1e-12);
    assertTrue(g.cost() <= 1e-4 * (1 + 1e-12));
    double s2 = 0;
    int draws = 0;
    double[] noisy = new double[12];
    for (long seed = 0; seed < 2_000; seed++) {
      g.measure(counts, n, 0, noisy, new SplittableRandom(seed));
      for (int j = 0; j < 12; j++) {
        double e = noisy[j] - counts[j] / (double) n;
        s2 += e * e;
        draws++;
      }
    }
    double var = s2 / draws;
    double se = sigma * sigma * Math.sqrt(2.0 / draws); // sd of a sample variance of Gaussians
    assertEquals(sigma * sigma, var, 5 * se);
  }
}
