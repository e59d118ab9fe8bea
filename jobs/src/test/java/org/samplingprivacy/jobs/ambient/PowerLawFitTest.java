package org.samplingprivacy.jobs.ambient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Oracles: noiseless curves (exact recovery and inversion), known parameters under noise, Table 1
 * arithmetic.
 */
class PowerLawFitTest {
  static final double[] SIZES = {100, 200, 400, 800, 1600, 3200, 6400, 12800};

  @Test
  void noiselessCurvesAreRecoveredAndInvertedExactly() {
    double[] e = new double[SIZES.length];
    for (int i = 0; i < e.length; i++) {
      e[i] = 50 * Math.pow(SIZES[i], -0.7) + 0.02;
    }
    PowerLawFit f = PowerLawFit.fit(SIZES, e, PowerLawFit.Floor.NON_NEGATIVE);
    assertEquals(50, f.a, 50 * 1e-5);
    assertEquals(0.7, f.b, 1e-6);
    assertEquals(0.02, f.c, 1e-7);
    assertEquals(1000, f.invert(50 * Math.pow(1000, -0.7) + 0.02), 1e-3);
    assertTrue(Double.isNaN(f.invert(0.019)), "at or below the floor: unidentified");
  }

  @Test
  void bootstrapIntervalsCoverTheTrueExponent() {
    SplittableRandom rng = new SplittableRandom(7);
    int covered = 0;
    int trials = 100;
    for (int t = 0; t < trials; t++) {
      double[] e = new double[SIZES.length];
      for (int i = 0; i < e.length; i++) {
        e[i] =
            (20 * Math.pow(SIZES[i], -0.6) + 0.01) * Math.exp(0.05 * GaussianMixture.gaussian(rng));
      }
      PowerLawFit f = PowerLawFit.fit(SIZES, e, PowerLawFit.Floor.NON_NEGATIVE);
      List<Double> bs = new ArrayList<>();
      f.bootstrap(SIZES, e, null, 200, t, g -> bs.add(g.b));
      double[] ci =
          PowerLawFit.interval(bs.stream().mapToDouble(Double::doubleValue).toArray(), 0.95);
      if (ci[0] <= 0.6 && 0.6 <= ci[1]) {
        covered++;
      }
    }
    System.out.println("bootstrap 95% interval covered b in " + covered + "/" + trials + " trials");
    assertTrue(covered >= 85, covered + "/" + trials);
  }

  @Test
  void tableOneGivesTheNotesTwoPointNumbers() {
    // Note §3.2: b = log10(FID(0.1N)/FID(N)); n_eq of the 90/10 mix; v = (n_eq − 0.1N)/(0.9N).
    double[][] table = {
      {1.99, 17.30, 2.81, 11.93}, {2.40, 11.92, 2.75, 12.97}, {1.41, 10.57, 1.68, 5.32}
    };
    double[][] expected = {
      {0.939, 0.693, 0.66, 0.15}, {0.696, 0.822, 0.80, 0.09}, {0.875, 0.819, 0.80, 0.22}
    };
    for (int k = 0; k < 3; k++) {
      PowerLawFit f =
          PowerLawFit.fit(
              new double[] {0.1, 1},
              new double[] {table[k][1], table[k][0]},
              PowerLawFit.Floor.NON_NEGATIVE);
      assertEquals(PowerLawFit.Floor.ZERO, f.floor, "two sizes: no floor");
      assertEquals(expected[k][0], f.b, 0.002);
      double neq = f.invert(table[k][2]);
      assertEquals(expected[k][1], neq, 0.005);
      assertEquals(expected[k][2], (neq - 0.1) / 0.9, 0.005);
      assertEquals(expected[k][3], f.invert(table[k][3]), 0.005);
    }
  }
}
