package org.samplingprivacy.jobs.gsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Oracles: the ρ table of the Private-GSD note (§2.2, recomputed with the CKS procedure), closed forms. */
class ZcdpAccountantTest {
  @ParameterizedTest
  @CsvSource({
      "0.07, 1e-9, 8.9e-5, 1e-6", "0.07, 1e-10, 7.7e-5, 1e-6",
      "0.23, 1e-9, 8.84e-4, 1e-6", "0.23, 1e-10, 7.72e-4, 1e-6",
      "0.52, 1e-9, 4.263e-3, 1e-6", "0.52, 1e-10, 3.749e-3, 1e-6",
      "0.74, 1e-9, 8.403e-3, 1e-6", "0.74, 1e-10, 7.412e-3, 1e-6",
      "1.00, 1e-9, 1.4973e-2, 1e-5", "1.00, 1e-10, 1.3243e-2, 1e-5"})
  void rhoMatchesThePublishedTable(double eps, double delta, double expected, double tol) {
    assertEquals(expected, ZcdpAccountant.rho(eps, delta), tol);
  }

  @Test
  void conversionsRoundTripAndAreMonotone() {
    double prevEps = 0;
    for (double eps : new double[] {0.07, 0.5, 1, 3, 10}) {
      double rho = ZcdpAccountant.rho(eps, 1e-9);
      assertTrue(ZcdpAccountant.delta(rho, eps) <= 1e-9 * (1 + 1e-9));
      assertEquals(eps, ZcdpAccountant.epsilon(rho, 1e-9), 1e-6 * eps);
      assertTrue(rho > prevEps);
      prevEps = rho;
      assertTrue(ZcdpAccountant.rho(eps, 1e-6) > rho, "rho increases with delta");
    }
  }

  @Test
  void conversionIsTighterThanTheSimpleBound() {
    // Bun & Steinke: rho-zCDP implies (rho + 2 sqrt(rho ln(1/delta)), delta)-DP; the tight conversion is below it.
    double rho = 0.01;
    double simple = rho + 2 * Math.sqrt(rho * Math.log(1e9));
    double tight = ZcdpAccountant.epsilon(rho, 1e-9);
    assertTrue(tight < simple && tight > 0.8 * simple, tight + " vs " + simple);
  }

  @Test
  void adultOneShotSigmaMatchesTheNote() {
    // Note, "What a test can assert" 2: N = 48,842, delta = 1/N^2, eps = 1 -> rho ~ 1.427e-2; 91 two-way marginals
    // (sensitivity sqrt(2)/N) -> sigma = sqrt(91/rho)/N ~ 1.63e-3.
    double n = 48_842;
    double rho = ZcdpAccountant.rho(1, 1 / (n * n));
    assertEquals(1.427e-2, rho, 1.427e-2 * 0.01);
    double sigma = ZcdpAccountant.gaussianSigma(Math.sqrt(2) / n, rho / 91);
    assertEquals(1.63e-3, sigma, 1.63e-3 * 0.01);
    assertEquals(Math.sqrt(91 / rho) / n, sigma, 1e-15);
  }

  @Test
  void budgetIsEnforcedAndItemised() {
    ZcdpAccountant a = ZcdpAccountant.withBudget(0.3);
    int t = 7;
    int k = 3;
    for (int r = 0; r < t; r++) {
      a.charge("select", 0.3 / (2 * t));
      for (int i = 0; i < k; i++) {
        a.charge("measure", 0.3 / (2.0 * t * k));
      }
    }
    assertEquals(0.3, a.spent(), 0.3 * 1e-12);
    assertEquals(t * (1 + k), a.charges().size());
    assertThrows(IllegalStateException.class, () -> a.charge("one more", 1e-6));
  }

  @Test
  void gumbelScaleAndSpread() {
    // beta = sqrt(K)/(N sqrt(2 rho_sel)); a Gumbel's standard deviation is beta pi / sqrt(6).
    double beta = GumbelSelection.scale(4, 0.002, 1000);
    assertEquals(2.0 / (1000 * Math.sqrt(0.004)), beta, 1e-15);
    SplittableRandom rng = new SplittableRandom(3);
    int n = 100_000;
    double sum = 0;
    double sum2 = 0;
    for (int i = 0; i < n; i++) {
      double g = GumbelSelection.gumbel(beta, rng);
      sum += g;
      sum2 += g * g;
    }
    double sd = Math.sqrt(sum2 / n - (sum / n) * (sum / n));
    assertEquals(beta * Math.PI / Math.sqrt(6), sd, 0.02 * beta * Math.PI / Math.sqrt(6));
    assertEquals(0.5772156649 * beta, sum / n, 5 * sd / Math.sqrt(n));
  }
}
