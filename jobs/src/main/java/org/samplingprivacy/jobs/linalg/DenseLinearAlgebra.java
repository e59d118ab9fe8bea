package org.samplingprivacy.jobs.linalg;

import breeze.linalg.DenseMatrix;
import breeze.linalg.DenseVector;
import breeze.linalg.NotConvergedException;
import breeze.linalg.cholesky;
import breeze.linalg.eigSym;

/**
 * The project's one door to dense linear algebra: Cholesky factors, symmetric eigendecompositions
 * and SPD solves on small d×d matrices (Gram matrices, mixture covariances), computed by Breeze
 * (the library Spark MLlib ships, over LAPACK's dpotrf and dsyevd). Arrays in, arrays out,
 * row-major {@code double[row][col]}; Breeze's column-major {@link DenseMatrix} stays inside this
 * class. Breeze is a Scala library: its operations are called through their implicit implementation
 * objects ({@code ImplCholesky_DM}, {@code EigSym_DM_Impl}), which is what the Scala compiler would
 * pass.
 */
public final class DenseLinearAlgebra {
  private DenseLinearAlgebra() {}

  /** Eigenvalues (ascending) and the matching unit eigenvectors as columns of {@code vectors}. */
  public record SymmetricEigen(double[] values, double[][] vectors) {}

  /**
   * The lower Cholesky factor L (L Lᵀ = s) of a symmetric matrix, or null when s is not positive
   * definite or a pivot L_ii² is at most {@code minPivot}. Only the lower triangle of {@code s} is
   * read.
   */
  public static double[][] choleskyOrNull(double[][] s, double minPivot) {
    int d = s.length;
    DenseMatrix<Object> l;
    try {
      l = cholesky.ImplCholesky_DM$.MODULE$.apply(symmetric(s));
    } catch (NotConvergedException e) {
      return null; // dpotrf: a leading minor is not positive
    }
    double[][] out = fromBreeze(l, d);
    for (int i = 0; i < d; i++) {
      if (!(out[i][i] * out[i][i] > minPivot)) {
        return null;
      }
    }
    return out;
  }

  /**
   * The lower Cholesky factor of a symmetric positive definite matrix; IllegalArgumentException
   * otherwise.
   */
  public static double[][] cholesky(double[][] s) {
    double[][] l = choleskyOrNull(s, 0);
    if (l == null) {
      throw new IllegalArgumentException("matrix is not positive definite");
    }
    return l;
  }

  /** The eigendecomposition of a symmetric matrix (only the lower triangle is read). */
  public static SymmetricEigen symmetricEigen(double[][] s) {
    int d = s.length;
    eigSym.EigSym<DenseVector<Object>, DenseMatrix<Object>> e =
        eigSym.EigSym_DM_Impl$.MODULE$.apply(symmetric(s));
    double[] values = ((double[]) e.eigenvalues().data()).clone();
    return new SymmetricEigen(values, fromBreeze(e.eigenvectors(), d));
  }

  /**
   * X with A X = B for symmetric positive definite A, by its Cholesky factor and two triangular
   * solves.
   */
  public static double[][] solveSpd(double[][] a, double[][] b) {
    double[][] l = cholesky(a);
    int d = a.length;
    int k = b[0].length;
    double[][] x = new double[d][k];
    for (int c = 0; c < k; c++) {
      double[] y = new double[d];
      for (int i = 0; i < d; i++) { // L y = b
        double v = b[i][c];
        for (int j = 0; j < i; j++) {
          v -= l[i][j] * y[j];
        }
        y[i] = v / l[i][i];
      }
      for (int i = d - 1; i >= 0; i--) { // Lᵀ x = y
        double v = y[i];
        for (int j = i + 1; j < d; j++) {
          v -= l[j][i] * x[j][c];
        }
        x[i][c] = v / l[i][i];
      }
    }
    return x;
  }

  /**
   * The symmetric square root V diag(√max(λ, 0)) Vᵀ of a symmetric positive semi-definite matrix.
   */
  public static double[][] sqrtPsd(double[][] s) {
    SymmetricEigen e = symmetricEigen(s);
    int n = s.length;
    double[][] out = new double[n][n];
    double[][] v = e.vectors();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double sum = 0;
        for (int k = 0; k < n; k++) {
          sum += v[i][k] * Math.sqrt(Math.max(e.values()[k], 0)) * v[j][k];
        }
        out[i][j] = sum;
      }
    }
    return out;
  }

  /** A Breeze matrix of the symmetric matrix whose lower triangle is that of {@code s}. */
  private static DenseMatrix<Object> symmetric(double[][] s) {
    int d = s.length;
    double[] data = new double[d * d];
    for (int j = 0; j < d; j++) {
      for (int i = 0; i < d; i++) {
        data[i + j * d] = i >= j ? s[i][j] : s[j][i];
      }
    }
    return new breeze.linalg.DenseMatrix$mcD$sp(d, d, data);
  }

  private static double[][] fromBreeze(DenseMatrix<Object> m, int d) {
    double[][] out = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        out[i][j] = m.apply$mcD$sp(i, j);
      }
    }
    return out;
  }
}
