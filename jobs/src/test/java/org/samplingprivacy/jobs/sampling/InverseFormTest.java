package org.samplingprivacy.jobs.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class InverseFormTest {
  private static double[][] gram(double[][] a) {
    int d = a[0].length;
    double[][] m = new double[d][d];
    for (double[] r : a) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          m[i][j] += r[i] * r[j];
        }
      }
    }
    return m;
  }

  /** Oracle: the hat-matrix diagonal by Gauss-Jordan inversion of the (full-rank) Gram matrix. */
  static double[][] invert(double[][] m) {
    int d = m.length;
    double[][] aug = new double[d][2 * d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(m[i], 0, aug[i], 0, d);
      aug[i][d + i] = 1;
    }
    for (int c = 0; c < d; c++) {
      int piv = c;
      for (int r = c + 1; r < d; r++) {
        if (Math.abs(aug[r][c]) > Math.abs(aug[piv][c])) {
          piv = r;
        }
      }
      double[] t = aug[c];
      aug[c] = aug[piv];
      aug[piv] = t;
      double p = aug[c][c];
      for (int k = 0; k < 2 * d; k++) {
        aug[c][k] /= p;
      }
      for (int r = 0; r < d; r++) {
        if (r != c) {
          double f = aug[r][c];
          for (int k = 0; k < 2 * d; k++) {
            aug[r][k] -= f * aug[c][k];
          }
        }
      }
    }
    double[][] inv = new double[d][d];
    for (int i = 0; i < d; i++) {
      System.arraycopy(aug[i], d, inv[i], 0, d);
    }
    return inv;
  }

  @Test
  void choleskyFormEqualsTheDenseHatDiagonalAndSolves() {
    Random r = new Random(3);
    double[][] a = new double[60][4];
    for (double[] row : a) {
      row[0] = 1;
      row[1] = r.nextGaussian() * 1000;
      row[2] = r.nextGaussian() * 0.001;
      row[3] = Math.exp(r.nextGaussian());
    }
    double[][] m = gram(a);
    InverseForm f = InverseForm.of(m);
    assertEquals("cholesky", f.method());
    double[][] inv = invert(m);
    double total = 0;
    for (double[] row : a) {
      double h = 0;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          h += row[i] * inv[i][j] * row[j];
        }
      }
      assertEquals(h, f.apply(row), 1e-9 * Math.max(1, h));
      total += f.apply(row);
    }
    assertEquals(4, total, 1e-9, "leverage scores sum to the rank");
    double[] b = {1, 2, 3, 4};
    double[] x = f.solve(b);
    for (int i = 0; i < 4; i++) {
      double mx = 0;
      for (int j = 0; j < 4; j++) {
        mx += m[i][j] * x[j];
      }
      assertEquals(b[i], mx, 1e-8 * Math.abs(b[i]));
    }
  }

  /**
   * The O(d) bound that lets the sampling pass skip rows is never below the form (dense
   * Gauss-Jordan oracle for the full-rank case, the form itself otherwise), on rows of the table
   * and on random directions, for Cholesky, the eigen fallback and a projection; and it is finite,
   * so it can rule rows out.
   */
  @Test
  void upperBoundNeverFallsBelowTheForm() {
    Random r = new Random(11);
    double[][] a = new double[80][4];
    double[][] deficient = new double[80][3];
    for (int i = 0; i < a.length; i++) {
      a[i][0] = 1;
      a[i][1] = r.nextGaussian() * 1000;
      a[i][2] = a[i][1] * 1e-3 + r.nextGaussian() * 0.01; // nearly collinear with column 1
      a[i][3] = Math.exp(2 * r.nextGaussian());
      deficient[i][0] = r.nextGaussian();
      deficient[i][1] = r.nextGaussian();
      deficient[i][2] = deficient[i][0] + deficient[i][1];
    }
    double[][] inv = invert(gram(a));
    InverseForm chol = InverseForm.of(gram(a)).withUpperBound();
    InverseForm pinv = InverseForm.of(gram(deficient)).withUpperBound();
    InverseForm projected = InverseForm.of(gram(a)).projected(3, 5).withUpperBound();
    assertEquals("cholesky", chol.method());
    assertEquals("eigen-pinv", pinv.method());
    for (int t = 0; t < 2000; t++) {
      double[] x =
          t < a.length
              ? a[t]
              : new double[] {
                r.nextGaussian(), r.nextGaussian() * 1000, r.nextGaussian(), r.nextGaussian() * 10
              };
      double h = 0;
      for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
          h += x[i] * inv[i][j] * x[j];
        }
      }
      assertTrue(
          chol.upperBound(x) >= h * (1 - 1e-9), "row " + t + ": " + chol.upperBound(x) + " < " + h);
      assertTrue(Double.isFinite(chol.upperBound(x)));
      assertTrue(projected.upperBound(x) >= projected.apply(x) * (1 - 1e-12));
      double[] y =
          t < deficient.length
              ? deficient[t]
              : new double[] {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
      assertTrue(pinv.upperBound(y) >= pinv.apply(y) * (1 - 1e-12));
    }
  }

  @Test
  void rankDeficientMatrixFallsBackToThePseudoInverse() {
    Random r = new Random(5);
    double[][] a = new double[40][3];
    for (double[] row : a) {
      row[0] = r.nextGaussian();
      row[1] = r.nextGaussian();
      row[2] = 2 * row[0] - row[1]; // a dependent column: rank 2
    }
    InverseForm f = InverseForm.of(gram(a));
    assertEquals("eigen-pinv", f.method());
    assertEquals(2, f.rank());
    double total = 0;
    for (double[] row : a) {
      total += f.apply(row);
    }
    assertEquals(2, total, 1e-8, "sum of leverage = rank(A)");
    // Oracle for one row: leverage in the rank-2 column space equals that of the two independent
    // columns.
    double[][] a2 = new double[40][2];
    for (int i = 0; i < 40; i++) {
      a2[i][0] = a[i][0];
      a2[i][1] = a[i][1];
    }
    InverseForm g = InverseForm.of(gram(a2));
    for (int i = 0; i < 40; i++) {
      assertEquals(g.apply(a2[i]), f.apply(a[i]), 1e-8);
    }
    // The pseudo-inverse solves M x = b for every b in M's range (here b = M [1, 2, 3]).
    double[][] m = gram(a);
    double[] b = new double[3];
    for (int i = 0; i < 3; i++) {
      b[i] = m[i][0] + 2 * m[i][1] + 3 * m[i][2];
    }
    double[] x = f.solve(b);
    for (int i = 0; i < 3; i++) {
      assertEquals(
          b[i], m[i][0] * x[0] + m[i][1] * x[1] + m[i][2] * x[2], 1e-8 * Math.abs(b[i]) + 1e-10);
    }
  }

  @Test
  void johnsonLindenstraussScoresStayWithinAConstantFactorOfExact() {
    // ||G^T z||^2 / ||z||^2 ~ chi^2_r / r for Gaussian G with variance 1/r: sd sqrt(2/r) = 0.1 at r
    // = 200, so every
    // one of 500 rows falls in [0.5, 2] (5 sd) for this fixed seed; the mean ratio is 1 within 5 sd
    // / sqrt(500).
    Random r = new Random(8);
    double[][] a = new double[500][30];
    for (double[] row : a) {
      for (int j = 0; j < 30; j++) {
        row[j] = r.nextGaussian() * (1 + j);
      }
    }
    InverseForm exact = InverseForm.of(gram(a));
    InverseForm jl = exact.projected(200, 42);
    double sumRatio = 0;
    for (double[] row : a) {
      double ratio = jl.apply(row) / exact.apply(row);
      org.junit.jupiter.api.Assertions.assertTrue(ratio > 0.5 && ratio < 2, "ratio " + ratio);
      sumRatio += ratio;
    }
    assertEquals(1, sumRatio / 500, 5 * 0.1 / Math.sqrt(500) + 0.02);
  }
}
