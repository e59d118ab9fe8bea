package org.samplingprivacy.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Oracles: the ρ table of the Private-GSD note (§2.2, recomputed with the CKS procedure), closed
 * forms.
 */
class ZcdpConversionTest {
  @ParameterizedTest
  @CsvSource({
    "0.07, 1e-9, 8.9e-5, 1e-6", "0.07, 1e-10, 7.7e-5, 1e-6",
    "0.23, 1e-9, 8.84e-4, 1e-6", "0.23, 1e-10, 7.72e-4, 1e-6",
    "0.52, 1e-9, 4.263e-3, 1e-6", "0.52, 1e-10, 3.749e-3, 1e-6",
    "0.74, 1e-9, 8.403e-3, 1e-6", "0.74, 1e-10, 7.412e-3, 1e-6",
    "1.00, 1e-9, 1.4973e-2, 1e-5", "1.00, 1e-10, 1.3243e-2, 1e-5"
  })
  void rhoMatchesThePublishedTable(double eps, double delta, double expected, double tol) {
    assertEquals(expected, ZcdpConversion.rho(eps, delta), tol);
  }

  @Test
  void conversionsRoundTripAndAreMonotone() {
    double prevEps = 0;
    for (double eps : new double[] {0.07, 0.5, 1, 3, 10}) {
      double rho = ZcdpConversion.rho(eps, 1e-9);
      assertTrue(ZcdpConversion.delta(rho, eps) <= 1e-9 * (1 + 1e-9));
      assertEquals(eps, ZcdpConversion.epsilon(rho, 1e-9), 1e-6 * eps);
      assertTrue(rho > prevEps);
      prevEps = rho;
      assertTrue(ZcdpConversion.rho(eps, 1e-6) > rho, "rho increases with delta");
    }
  }

  @Test
  void conversionIsTighterThanTheSimpleBound() {
    // Bun & Steinke: rho-zCDP implies (rho + 2 sqrt(rho ln(1/delta)), delta)-DP; the tight
    // conversion is below it.
    double rho = 0.01;
    double simple = rho + 2 * Math.sqrt(rho * Math.log(1e9));
    double tight = ZcdpConversion.epsilon(rho, 1e-9);
    assertTrue(tight < simple && tight > 0.8 * simple, tight + " vs " + simple);
  }

  @Test
  void adultOneShotSigmaMatchesThePublishedFigures() {
    // N = 48,842, delta = 1/N^2, eps = 1 -> rho ~ 1.427e-2; 91 two-way marginals (sensitivity
    // sqrt(2)/N) ->
    // sigma = sqrt(91/rho)/N ~ 1.63e-3 (docs/design/private-gsd.md).
    double n = 48_842;
    double rho = ZcdpConversion.rho(1, 1 / (n * n));
    assertEquals(1.427e-2, rho, 1.427e-2 * 0.01);
    DiscreteGaussianMechanism g =
        DiscreteGaussianMechanism.forShare(
            2, 91, ZcdpBudget.fromEpsilonDelta(1, 1 / (n * n)).share(91));
    double sigma = Math.sqrt(g.sigma2().doubleUp()) / n;
    assertEquals(1.63e-3, sigma, 1.63e-3 * 0.01);
    assertEquals(Math.sqrt(91 / rho) / n, sigma, 1e-6 * sigma);
  }
}
