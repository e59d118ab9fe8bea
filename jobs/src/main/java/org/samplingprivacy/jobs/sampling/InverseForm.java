package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;

/**
 * The quadratic form a ↦ aᵀ M⁺ a of a symmetric positive semi-definite d×d matrix M (a Gram matrix Σ c_i a_i a_iᵀ):
 * the per-row score of leverage, Lewis-weight and IRLS passes, broadcast to executors (O(d²) state).
 *
 * <p>Factored after Jacobi scaling (D^{-1/2} M D^{-1/2}, which leaves aᵀM⁻¹a unchanged and tames column scales) by
 * Cholesky when M is well conditioned, else by a symmetric eigendecomposition with the pseudo-inverse over
 * eigenvalues above 1e-10 of the largest: the fallback for rank-deficient or ill-conditioned A, which
 * {@link #method()} names for the report. Also solves M x = b (least-squares normal equations).
 */
public final class InverseForm implements Serializable {
  private static final double CHOLESKY_MIN_PIVOT = 1e-10;
  private static final double EIGEN_CUTOFF = 1e-10;

  private final int d;
  private final double[] scale;
  private final double[][] lower;
  private final double[][] vectors;
  private final double[] inverseValues;
  private final int rank;
  /** With a Johnson–Lindenstrauss projection: d×r, a ↦ ‖Pᵀa‖² (else null). */
  private final double[][] projection;

  private InverseForm(int d, double[] scale, double[][] lower, double[][] vectors, double[] inverseValues, int rank,
      double[][] projection) {
    this.d = d;
    this.scale = scale;
    this.lower = lower;
    this.vectors = vectors;
    this.inverseValues = inverseValues;
    this.rank = rank;
    this.projection = projection;
  }

  /**
   * The same form through a Johnson–Lindenstrauss projection (Drineas et al. 2012): aᵀM⁺a = ‖Wᵀa‖² for the d×d
   * whitening W, approximated by ‖(WG)ᵀa‖² with G a d×r Gaussian matrix of variance 1/r fixed by {@code seed}: O(d·r)
   * per row instead of O(d²), relative error about √(8/r) (a constant factor is all sampling scores need).
   */
  public InverseForm projected(int r, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    double[][] g = new double[d][r];
    for (double[] row : g) {
      for (int j = 0; j < r; j++) {
        row[j] = gaussian(random) / Math.sqrt(r);
      }
    }
    double[][] p = new double[d][r];
    double[] e = new double[d];
    for (int i = 0; i < d; i++) {
      // Row i of W is the image of the unit vector e_i: W = whiten(I).
      java.util.Arrays.fill(e, 0);
      e[i] = 1;
      double[] wi = whiten(e);
      for (int k = 0; k < wi.length; k++) {
        if (wi[k] == 0) {
          continue;
        }
        for (int j = 0; j < r; j++) {
          p[i][j] += wi[k] * g[k][j];
        }
      }
    }
    return new InverseForm(d, scale, lower, vectors, inverseValues, rank, p);
  }

  /** z with ‖z‖² = aᵀM⁺a and z linear in a: L⁻¹Da (Cholesky) or Λ^{+1/2}VᵀDa (eigen). */
  private double[] whiten(double[] a) {
    double[] y = new double[d];
    for (int i = 0; i < d; i++) {
      y[i] = a[i] * scale[i];
    }
    if (lower != null) {
      for (int i = 0; i < d; i++) {
        double v = y[i];
        for (int k = 0; k < i; k++) {
          v -= lower[i][k] * y[k];
        }
        y[i] = v / lower[i][i];
      }
      return y;
    }
    double[] z = new double[d];
    for (int k = 0; k < d; k++) {
      if (inverseValues[k] == 0) {
        continue;
      }
      double proj = 0;
      for (int i = 0; i < d; i++) {
        proj += vectors[i][k] * y[i];
      }
      z[k] = proj * Math.sqrt(inverseValues[k]);
    }
    return z;
  }

  private static double gaussian(java.util.SplittableRandom r) {
    double u1 = 1 - r.nextDouble();
    double u2 = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** Factors the Gram matrix {@code m} (not modified). */
  public static InverseForm of(double[][] m) {
    int d = m.length;
    double[] scale = new double[d];
    for (int i = 0; i < d; i++) {
      scale[i] = m[i][i] > 0 ? 1 / Math.sqrt(m[i][i]) : 0;
    }
    double[][] s = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        s[i][j] = m[i][j] * scale[i] * scale[j];
      }
    }
    double[][] l = cholesky(s);
    if (l != null) {
      return new InverseForm(d, scale, l, null, null, d, null);
    }
    double[][] v = new double[d][d];
    double[] values = jacobiEigen(s, v);
    double max = 0;
    for (double x : values) {
      max = Math.max(max, x);
    }
    double[] inv = new double[d];
    int rank = 0;
    for (int k = 0; k < d; k++) {
      if (values[k] > EIGEN_CUTOFF * max) {
        inv[k] = 1 / values[k];
        rank++;
      }
    }
    return new InverseForm(d, scale, null, v, inv, rank, null);
  }

  /** "cholesky" or "eigen-pinv" (the fallback), for reports. */
  public String method() {
    return lower != null ? "cholesky" : "eigen-pinv";
  }

  /** The rank used: d for Cholesky, the number of eigenvalues kept otherwise. */
  public int rank() {
    return rank;
  }

  public int dimension() {
    return d;
  }

  /** aᵀ M⁺ a (approximately, when {@link #projected}). */
  public double apply(double[] a) {
    if (projection != null) {
      int r = projection[0].length;
      double sum = 0;
      for (int j = 0; j < r; j++) {
        double v = 0;
        for (int i = 0; i < d; i++) {
          v += a[i] * projection[i][j];
        }
        sum += v * v;
      }
      return sum;
    }
    double sum = 0;
    for (double z : whiten(a)) {
      sum += z * z;
    }
    return sum;
  }

  /** x = M⁺ b: whiten b (z = W b), then apply D·Wᵀ (M⁺ = D Wᵀ W D in the scaled coordinates). */
  public double[] solve(double[] b) {
    double[] z = whiten(b);
    double[] x = new double[d];
    if (lower != null) {
      // Back substitution with Lᵀ: x = L⁻ᵀ z.
      for (int i = d - 1; i >= 0; i--) {
        double v = z[i];
        for (int k = i + 1; k < d; k++) {
          v -= lower[k][i] * x[k];
        }
        x[i] = v / lower[i][i];
      }
    } else {
      // x = V Λ^{+1/2} z.
      for (int k = 0; k < d; k++) {
        if (inverseValues[k] == 0) {
          continue;
        }
        double c = z[k] * Math.sqrt(inverseValues[k]);
        for (int i = 0; i < d; i++) {
          x[i] += vectors[i][k] * c;
        }
      }
    }
    for (int i = 0; i < d; i++) {
      x[i] *= scale[i];
    }
    return x;
  }

  /** Lower Cholesky factor, or null when a pivot falls below CHOLESKY_MIN_PIVOT (unit-diagonal input). */
  static double[][] cholesky(double[][] s) {
    int d = s.length;
    double[][] l = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double v = s[i][j];
        for (int k = 0; k < j; k++) {
          v -= l[i][k] * l[j][k];
        }
        if (i == j) {
          if (!(v > CHOLESKY_MIN_PIVOT)) {
            return null;
          }
          l[i][i] = Math.sqrt(v);
        } else {
          l[i][j] = v / l[j][j];
        }
      }
    }
    return l;
  }

  /** Cyclic Jacobi eigendecomposition of a symmetric matrix: returns eigenvalues, fills columns of {@code v}. */
  static double[] jacobiEigen(double[][] input, double[][] v) {
    int d = input.length;
    double[][] a = new double[d][];
    for (int i = 0; i < d; i++) {
      a[i] = input[i].clone();
      java.util.Arrays.fill(v[i], 0);
      v[i][i] = 1;
    }
    for (int sweep = 0; sweep < 100; sweep++) {
      double off = 0;
      for (int p = 0; p < d; p++) {
        for (int q = p + 1; q < d; q++) {
          off += a[p][q] * a[p][q];
        }
      }
      if (off < 1e-30) {
        break;
      }
      for (int p = 0; p < d; p++) {
        for (int q = p + 1; q < d; q++) {
          if (Math.abs(a[p][q]) < 1e-300) {
            continue;
          }
          double theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
          double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
          if (theta == 0) {
            t = 1;
          }
          double c = 1 / Math.sqrt(t * t + 1);
          double s = t * c;
          for (int k = 0; k < d; k++) {
            double akp = a[k][p];
            double akq = a[k][q];
            a[k][p] = c * akp - s * akq;
            a[k][q] = s * akp + c * akq;
          }
          for (int k = 0; k < d; k++) {
            double apk = a[p][k];
            double aqk = a[q][k];
            a[p][k] = c * apk - s * aqk;
            a[q][k] = s * apk + c * aqk;
          }
          for (int k = 0; k < d; k++) {
            double vkp = v[k][p];
            double vkq = v[k][q];
            v[k][p] = c * vkp - s * vkq;
            v[k][q] = s * vkp + c * vkq;
          }
        }
      }
    }
    double[] values = new double[d];
    for (int i = 0; i < d; i++) {
      values[i] = a[i][i];
    }
    return values;
  }
}
