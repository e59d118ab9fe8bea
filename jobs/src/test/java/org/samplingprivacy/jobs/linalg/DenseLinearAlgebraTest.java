package org.samplingprivacy.jobs.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Breeze adapter against the defining identities: L Lᵀ = A, A v = λ v, A X = B, (√A)² = A. */
class DenseLinearAlgebraTest {
  private static double[][] randomSpd(int d, long seed, double ridge) {
    Random r = new Random(seed);
    double[][] g = new double[d + 3][d];
    for (double[] row : g) {
      for (int j = 0; j < d; j++) {
        row[j] = r.nextGaussian();
      }
    }
    double[][] a = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        for (double[] row : g) {
          a[i][j] += row[i] * row[j];
        }
      }
      a[i][i] += ridge;
    }
    return a;
  }

  @Test
  void choleskyReproducesTheMatrixAndRefusesIndefiniteOnes() {
    for (int d : new int[] {1, 2, 5, 21}) {
      double[][] a = randomSpd(d, d, 0.1);
      double[][] l = DenseLinearAlgebra.cholesky(a);
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double v = 0;
          for (int k = 0; k < d; k++) {
            v += l[i][k] * l[j][k];
          }
          assertEquals(a[i][j], v, 1e-10 * (1 + Math.abs(a[i][j])), d + ": " + i + "," + j);
          if (j > i) {
            assertEquals(0, l[i][j], 0, "lower triangular");
          }
        }
      }
    }
    assertNull(DenseLinearAlgebra.choleskyOrNull(new double[][] {{1, 2}, {2, 1}}, 0), "indefinite");
    assertNull(
        DenseLinearAlgebra.choleskyOrNull(new double[][] {{1, 1}, {1, 1 + 1e-12}}, 1e-10),
        "pivot below the floor");
    assertThrows(
        IllegalArgumentException.class, () -> DenseLinearAlgebra.cholesky(new double[][] {{-1}}));
  }

  @Test
  void eigenSolveAndSquareRootSatisfyTheirDefinitions() {
    int d = 7;
    double[][] a = randomSpd(d, 3, 0);
    DenseLinearAlgebra.SymmetricEigen e = DenseLinearAlgebra.symmetricEigen(a);
    for (int k = 0; k < d; k++) {
      if (k > 0) {
        assertEquals(true, e.values()[k] >= e.values()[k - 1], "ascending");
      }
      double norm = 0;
      for (int i = 0; i < d; i++) {
        double av = 0;
        for (int j = 0; j < d; j++) {
          av += a[i][j] * e.vectors()[j][k];
        }
        assertEquals(e.values()[k] * e.vectors()[i][k], av, 1e-9);
        norm += e.vectors()[i][k] * e.vectors()[i][k];
      }
      assertEquals(1, norm, 1e-12);
    }
    double[][] b = randomSpd(d, 4, 1);
    double[][] x = DenseLinearAlgebra.solveSpd(a, b);
    double[][] root = DenseLinearAlgebra.sqrtPsd(a);
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        double ax = 0;
        double rr = 0;
        for (int k = 0; k < d; k++) {
          ax += a[i][k] * x[k][j];
          rr += root[i][k] * root[k][j];
        }
        assertEquals(b[i][j], ax, 1e-8 * (1 + Math.abs(b[i][j])));
        assertEquals(a[i][j], rr, 1e-9 * (1 + Math.abs(a[i][j])));
      }
    }
  }
}
