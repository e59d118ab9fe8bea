package org.samplingprivacy.jobs.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LpRegressionTest {
  /** Rows [1, x, y, w]: y = 2 + 3x + heavy-tailed noise. */
  static double[][] data(int n, long seed, boolean weighted) {
    Random r = new Random(seed);
    double[][] rows = new double[n][4];
    for (double[] row : rows) {
      double x = r.nextGaussian();
      row[0] = 1;
      row[1] = x;
      row[2] = 2 + 3 * x + r.nextGaussian() * Math.exp(r.nextGaussian());
      row[3] = weighted ? 0.5 + r.nextDouble() : 1;
    }
    return rows;
  }

  static LpRegression.Fit fit(double[][] rows, double p) {
    return LpRegression.fit(v -> MatrixPass.run(rows, 2, v), 2, p, 500, 1e-12);
  }

  @Test
  void p2EqualsTheWeightedNormalEquations() {
    double[][] rows = data(50, 1, true);
    double sw = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
    for (double[] r : rows) {
      sw += r[3];
      sx += r[3] * r[1];
      sxx += r[3] * r[1] * r[1];
      sy += r[3] * r[2];
      sxy += r[3] * r[1] * r[2];
    }
    double slope = (sw * sxy - sx * sy) / (sw * sxx - sx * sx);
    double intercept = (sy - slope * sx) / sw;
    LpRegression.Fit f = fit(rows, 2);
    assertEquals(intercept, f.x()[0], 1e-10);
    assertEquals(slope, f.x()[1], 1e-10);
  }

  @Test
  void p1MatchesBruteForceOverEveryInterpolatingLine() {
    // Oracle: an optimal weighted LAD line passes through two data points; try all pairs.
    for (boolean weighted : new boolean[] {false, true}) {
      double[][] rows = data(30, 2, weighted);
      double best = Double.POSITIVE_INFINITY;
      for (int i = 0; i < rows.length; i++) {
        for (int j = i + 1; j < rows.length; j++) {
          if (rows[i][1] == rows[j][1]) {
            continue;
          }
          double slope = (rows[j][2] - rows[i][2]) / (rows[j][1] - rows[i][1]);
          double intercept = rows[i][2] - slope * rows[i][1];
          double obj = 0;
          for (double[] r : rows) {
            obj += r[3] * Math.abs(intercept + slope * r[1] - r[2]);
          }
          best = Math.min(best, obj);
        }
      }
      LpRegression.Fit f = fit(rows, 1);
      assertTrue(f.objective() >= best * (1 - 1e-12), "cannot beat the exact optimum");
      assertEquals(best, f.objective(), 1e-6 * best, "weighted " + weighted);
      assertEquals(
          f.objective(),
          LpRegression.objective(v -> MatrixPass.run(rows, 2, v), f.x(), 1),
          1e-12 * best);
    }
  }

  @Test
  void largePConvergesWithoutIncreasingTheObjective() {
    double[][] rows = data(60, 3, false);
    LpRegression.Fit f3 = fit(rows, 3);
    LpRegression.Fit f6 = fit(rows, 6);
    assertTrue(f3.converged() && f6.converged());
    // Optimality: the gradient sum_i |r_i|^{p-1} sign(r_i) a_i vanishes at the optimum.
    for (LpRegression.Fit f : new LpRegression.Fit[] {f3, f6}) {
      double p = f == f3 ? 3 : 6;
      double g0 = 0, g1 = 0, scale = 0;
      for (double[] r : rows) {
        double res = f.x()[0] + f.x()[1] * r[1] - r[2];
        double t = Math.signum(res) * Math.pow(Math.abs(res), p - 1);
        g0 += t;
        g1 += t * r[1];
        scale += Math.abs(t) * (1 + Math.abs(r[1]));
      }
      assertTrue(
          Math.abs(g0) < 1e-5 * scale && Math.abs(g1) < 1e-5 * scale,
          "p = " + p + ": " + g0 + ", " + g1);
    }
  }
}
