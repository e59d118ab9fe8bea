package org.samplingprivacy.jobs.ambient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.MixtureMultivariateNormalDistribution;
import org.apache.commons.math3.distribution.MultivariateNormalDistribution;
import org.apache.commons.math3.distribution.fitting.MultivariateNormalMixtureExpectationMaximization;
import org.apache.commons.math3.util.Pair;
import org.junit.jupiter.api.Test;

/**
 * Oracles: commons-math3's standard EM (an independent implementation) for σ = 0; a planted
 * mixture's known parameters for noisy data; the EM ascent property for the log-likelihood trace.
 */
class XdEmTest {
  static final double[][] MEANS = {{-2, 0}, {2, 0}, {0, 2.5}};
  static final double[][][] COVS = {
    {{0.30, 0.10}, {0.10, 0.20}}, {{0.20, -0.05}, {-0.05, 0.25}}, {{0.15, 0}, {0, 0.40}}
  };
  static final double[] WEIGHTS = {0.5, 0.3, 0.2};

  static List<double[]> planted(int n, long seed) {
    GaussianMixture g = new GaussianMixture(WEIGHTS, MEANS, COVS);
    return List.of(g.sample(n, new SplittableRandom(seed)));
  }

  @Test
  void withoutNoiseItIsStandardEmFromTheSameStart() {
    List<double[]> xs = planted(1500, 3);
    GaussianMixture start = XdEm.initialise(xs, 3, 0, new SplittableRandom(5));
    List<XdEm.Row> rows = xs.stream().map(x -> new XdEm.Row(x, 0)).toList();
    XdEm.Settings s = new XdEm.Settings(3, 5000, 1e-14, 1, 0);
    XdEm.Fit mine =
        XdEm.iterate(
            start,
            new double[] {0},
            s,
            (m, lv) -> XdEm.accumulate(m, new double[] {0}, lv, rows.iterator()));
    List<Pair<Double, MultivariateNormalDistribution>> comps = new ArrayList<>();
    for (int j = 0; j < 3; j++) {
      comps.add(
          new Pair<>(
              start.weights[j],
              new MultivariateNormalDistribution(start.means[j], start.covariances[j])));
    }
    MultivariateNormalMixtureExpectationMaximization em =
        new MultivariateNormalMixtureExpectationMaximization(xs.toArray(new double[0][]));
    em.fit(new MixtureMultivariateNormalDistribution(comps), 5000, 1e-13);
    MixtureMultivariateNormalDistribution ref = em.getFittedModel();
    assertEquals(em.getLogLikelihood(), mine.meanLogLik(), 1e-9);
    for (int j = 0; j < 3; j++) {
      Pair<Double, MultivariateNormalDistribution> c = ref.getComponents().get(j);
      assertEquals(c.getFirst(), mine.model().weights[j], 1e-6);
      for (int a = 0; a < 2; a++) {
        assertEquals(c.getSecond().getMeans()[a], mine.model().means[j][a], 1e-6);
        for (int b = 0; b < 2; b++) {
          assertEquals(
              c.getSecond().getCovariances().getEntry(a, b),
              mine.model().covariances[j][a][b],
              1e-6);
        }
      }
    }
  }

  @Test
  void recoversAPlantedMixtureFromNoisyRowsWhereNaiveEmIsBiased() {
    List<double[]> xs = planted(8000, 11);
    SplittableRandom rng = new SplittableRandom(13);
    List<XdEm.Row> rows = new ArrayList<>();
    List<double[]> clean = new ArrayList<>();
    for (int i = 0; i < xs.size(); i++) {
      double sigma =
          i < 200 ? 0 : i % 2 == 0 ? 0.4 : 0.6; // 200 clean anchors, the rest noisy at two levels
      double[] y = xs.get(i).clone();
      for (int a = 0; a < 2; a++) {
        y[a] += sigma * GaussianMixture.gaussian(rng);
      }
      rows.add(new XdEm.Row(y, sigma * sigma));
      if (sigma == 0) {
        clean.add(y);
      }
    }
    XdEm.Settings s = new XdEm.Settings(3, 500, 1e-10, 3, 0);
    XdEm.Fit xd = XdEm.fit(rows, clean, s, false, 1);
    XdEm.Fit naive = XdEm.fit(rows, clean, s, true, 1);
    double xdErr = covarianceError(xd.model());
    double naiveErr = covarianceError(naive.model());
    System.out.printf("XD-EM covariance error %.4f, naive %.4f%n", xdErr, naiveErr);
    assertTrue(xdErr < 0.08, "XD-EM covariance error " + xdErr);
    assertTrue(naiveErr > 0.2 && naiveErr > 4 * xdErr, "naive " + naiveErr + " vs XD " + xdErr);
    for (int j = 0; j < 3; j++) {
      int m = match(xd.model(), j);
      assertEquals(WEIGHTS[j], xd.model().weights[m], 0.03);
      assertEquals(MEANS[j][0], xd.model().means[m][0], 0.08);
      assertEquals(MEANS[j][1], xd.model().means[m][1], 0.08);
    }
    double[] t = xd.logLikTrace();
    for (int i = 1; i < t.length; i++) {
      assertTrue(
          t[i] >= t[i - 1] - 1e-9 * Math.abs(t[i - 1]),
          "log-likelihood decreased at iteration " + i);
    }
  }

  /**
   * Largest absolute covariance entry error over the planted components (matched by nearest mean).
   */
  static double covarianceError(GaussianMixture g) {
    double err = 0;
    for (int j = 0; j < 3; j++) {
      int m = match(g, j);
      for (int a = 0; a < 2; a++) {
        for (int b = 0; b < 2; b++) {
          err = Math.max(err, Math.abs(g.covariances[m][a][b] - COVS[j][a][b]));
        }
      }
    }
    return err;
  }

  static int match(GaussianMixture g, int j) {
    int best = 0;
    for (int m = 1; m < g.components(); m++) {
      if (dist(g.means[m], MEANS[j]) < dist(g.means[best], MEANS[j])) {
        best = m;
      }
    }
    return best;
  }

  static double dist(double[] a, double[] b) {
    return Math.hypot(a[0] - b[0], a[1] - b[1]);
  }
}
