package org.samplingprivacy.jobs.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LewisWeightsTest {
  /**
   * A heavy-tailed 40 x 3 matrix with an intercept: coherent rows make the weights differ from
   * uniform.
   */
  static double[][] matrix(int n, long seed) {
    Random r = new Random(seed);
    double[][] a = new double[n][3];
    for (double[] row : a) {
      row[0] = 1;
      row[1] = r.nextGaussian() * Math.exp(r.nextGaussian());
      row[2] = Math.pow(r.nextDouble(), -0.7) * (r.nextBoolean() ? 1 : -1);
    }
    return a;
  }

  static LewisWeights lewis(double[][] a, double p, List<Double> steps) {
    MatrixPass.Visitor gram = (row, acc) -> acc.addOuter(row, 1);
    return LewisWeights.compute(
        p,
        MatrixPass.run(a, a[0].length, gram),
        v -> MatrixPass.run(a, a[0].length, v),
        1e-12,
        200,
        steps,
        new ArrayList<>());
  }

  /** Dense oracle: a_i^T (A^T W^{1-2/p} A)^{-1} a_i, the inverse by Gauss-Jordan elimination. */
  static double[] quadraticForms(double[][] a, double[] w, double p) {
    int d = a[0].length;
    double[][] m = new double[d][d];
    for (int i = 0; i < a.length; i++) {
      double c = Math.pow(w[i], 1 - 2 / p);
      for (int x = 0; x < d; x++) {
        for (int y = 0; y < d; y++) {
          m[x][y] += c * a[i][x] * a[i][y];
        }
      }
    }
    double[][] inv = InverseFormTest.invert(m);
    double[] q = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      for (int x = 0; x < d; x++) {
        for (int y = 0; y < d; y++) {
          q[i] += a[i][x] * inv[x][y] * a[i][y];
        }
      }
    }
    return q;
  }

  @Test
  void lewisWeightsSolveTheirFixedPointAndSumToD() {
    double[][] a = matrix(40, 1);
    for (double p : new double[] {1, 1.5, 2, 3, 5}) {
      LewisWeights lw = lewis(a, p, new ArrayList<>());
      double[] w = new double[a.length];
      double sum = 0;
      for (int i = 0; i < a.length; i++) {
        w[i] = lw.weight(a[i]);
        sum += w[i];
      }
      assertEquals(3, sum, 1e-6, "p = " + p);
      double[] q = quadraticForms(a, w, p);
      for (int i = 0; i < a.length; i++) {
        assertEquals(Math.pow(w[i], 2 / p), q[i], 1e-6 * q[i], "p = " + p + " row " + i);
      }
    }
  }

  @Test
  void firstIterateIsRootLeverageAndCohenPengContracts() {
    double[][] a = matrix(40, 2);
    double[] tau = quadraticForms(a, filled(a.length, 1), 2);
    for (double p : new double[] {1, 3}) {
      List<Double> steps = new ArrayList<>();
      LewisWeights lw = lewis(a, p, steps);
      // The first iterate from w = 1 is tau^{p/2} normalised to sum d = 3: its log-change from 1 is
      // max |ln(3 tau^{p/2} / sum tau^{p/2})|.
      double rootSum = 0;
      for (double t : tau) {
        rootSum += Math.pow(t, p / 2);
      }
      double expectedFirst = 0;
      for (double t : tau) {
        expectedFirst =
            Math.max(expectedFirst, Math.abs(Math.log(3 * Math.pow(t, p / 2) / rootSum)));
      }
      assertEquals(expectedFirst, steps.get(0), 1e-9);
      for (int t = 1; t < Math.min(steps.size(), 12); t++) {
        if (steps.get(t) > 1e-9) {
          assertTrue(
              steps.get(t) <= (Math.abs(1 - p / 2) + 0.05) * steps.get(t - 1),
              "p = " + p + " step " + t + ": " + steps);
        }
      }
      assertTrue(lw.iterations() < 60, "converged: " + steps.size());
    }
  }

  /**
   * The step reported for iteration k bounds max_i |ln w_i^(k) - ln w_i^(k-1)|, the weights of runs
   * capped at k and k - 1 iterations (brute force over the rows); from k = 2 on it is the
   * driver-side pencil bound, not a row maximum.
   */
  @Test
  void reportedStepBoundsEveryRowsChange() {
    double[][] a = matrix(40, 4);
    for (double p : new double[] {1, 1.5, 3}) {
      List<Double> steps = new ArrayList<>();
      lewis(a, p, steps);
      for (int k = 2; k <= Math.min(6, steps.size()); k++) {
        LewisWeights now = capped(a, p, k);
        LewisWeights before = capped(a, p, k - 1);
        double exact = 0;
        for (double[] row : a) {
          exact =
              Math.max(exact, Math.abs(Math.log(now.weight(row)) - Math.log(before.weight(row))));
        }
        assertTrue(
            exact <= steps.get(k - 1) * (1 + 1e-9) + 1e-12,
            "p = " + p + " iteration " + k + ": rows " + exact + " > bound " + steps.get(k - 1));
        assertTrue(
            exact >= 0.2 * steps.get(k - 1),
            "p = "
                + p
                + " iteration "
                + k
                + ": bound "
                + steps.get(k - 1)
                + " is loose against the rows' "
                + exact);
      }
    }
  }

  static LewisWeights capped(double[][] a, double p, int iterations) {
    MatrixPass.Visitor gram = (row, acc) -> acc.addOuter(row, 1);
    return LewisWeights.compute(
        p,
        MatrixPass.run(a, a[0].length, gram),
        v -> MatrixPass.run(a, a[0].length, v),
        1e-300,
        iterations,
        new ArrayList<>(),
        new ArrayList<>());
  }

  @Test
  void exactL1SensitivitiesNeverExceedLewisWeights() {
    double[][] a = matrix(30, 3);
    LewisWeights lw = lewis(a, 1, new ArrayList<>());
    double total = 0;
    for (int i = 0; i < a.length; i++) {
      double s = l1Sensitivity(a, i);
      total += s;
      assertTrue(s >= 0 && s <= 1 + 1e-12);
      assertTrue(
          s <= lw.weight(a[i]) * (1 + 1e-6),
          "row " + i + ": s = " + s + ", w = " + lw.weight(a[i]));
    }
    assertTrue(total <= 3 + 1e-9, "S_1 <= d");
  }

  /**
   * Oracle: s_i = 1 / min{ ||Ax||_1 : a_i x = 1 }. The minimum of this LP lies at a vertex where d
   * - 1 other rows have zero residual: enumerate every such choice, solve the d x d system, keep
   * the least objective.
   */
  static double l1Sensitivity(double[][] a, int i) {
    int n = a.length;
    double best = Double.POSITIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      for (int k = j + 1; k < n; k++) {
        if (j == i || k == i) {
          continue;
        }
        double[] x = solve3(new double[][] {a[i], a[j], a[k]}, new double[] {1, 0, 0});
        if (x == null) {
          continue;
        }
        double obj = 0;
        for (double[] row : a) {
          obj += Math.abs(row[0] * x[0] + row[1] * x[1] + row[2] * x[2]);
        }
        best = Math.min(best, obj);
      }
    }
    return 1 / best;
  }

  static double[] solve3(double[][] m, double[] b) {
    double det = det3(m);
    if (Math.abs(det) < 1e-12) {
      return null;
    }
    double[] x = new double[3];
    for (int c = 0; c < 3; c++) {
      double[][] mc = {m[0].clone(), m[1].clone(), m[2].clone()};
      for (int r = 0; r < 3; r++) {
        mc[r][c] = b[r];
      }
      x[c] = det3(mc) / det;
    }
    return x;
  }

  private static double det3(double[][] m) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
        - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
        + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  }

  private static double[] filled(int n, double v) {
    double[] x = new double[n];
    java.util.Arrays.fill(x, v);
    return x;
  }
}
