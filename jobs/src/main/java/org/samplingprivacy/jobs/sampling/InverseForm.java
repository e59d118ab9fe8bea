package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;
import org.samplingprivacy.jobs.linalg.DenseLinearAlgebra;

/**
 * The quadratic form a ↦ aᵀ M⁺ a of a symmetric positive semi-definite d×d matrix M (a Gram matrix
 * Σ c_i a_i a_iᵀ): the per-row score of leverage, Lewis-weight and IRLS passes, broadcast to
 * executors (O(d²) state).
 *
 * <p>Factored after Jacobi scaling (D^{-1/2} M D^{-1/2}, which leaves aᵀM⁻¹a unchanged and tames
 * column scales) by Cholesky when M is well conditioned, else by a symmetric eigendecomposition
 * with the pseudo-inverse over eigenvalues above 1e-10 of the largest: the fallback for
 * rank-deficient or ill-conditioned A, which {@link #method()} names for the report. Also solves M
 * x = b (least-squares normal equations). The factorisations are Breeze's ({@link
 * DenseLinearAlgebra}); the triangular and projected forms built from them are this class's.
 */
public final class InverseForm implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final double CHOLESKY_MIN_PIVOT = 1e-10;
  private static final double EIGEN_CUTOFF = 1e-10;

  /**
   * Per-thread z of {@link #apply}: rows are scored millions of times per task, without an
   * allocation each.
   */
  private static final ThreadLocal<double[]> SCRATCH = ThreadLocal.withInitial(() -> new double[0]);

  private final int d;
  private final double[] scale;
  private final double[][] lower;
  private final double[][] vectors;
  private final double[] inverseValues;
  private final int rank;

  /**
   * The whitening map z = W a with ‖z‖² = aᵀM⁺a, stored by input coordinate: z = Σ_j a_j · w[j·r ..
   * j·r + r). For Cholesky W = L⁻¹D is lower triangular (row j of the store is zero before column
   * j), for the eigen fallback it is Λ^{+1/2}VᵀD, through a Johnson–Lindenstrauss projection it is
   * d×r. Scoring a row is then r axpy updates without loop-carried dependencies (the JIT vectorises
   * them), about twice as fast as a forward substitution.
   */
  private final double[] whitening;

  private final int r;
  private final boolean triangular;
  private final boolean projected;

  /** Set by {@link #withUpperBound()}: aᵀM⁺a ≤ boundFactor · Σ_j (boundScale_j a_j)². */
  private double[] boundScale;

  private double boundFactor = Double.POSITIVE_INFINITY;

  private InverseForm(
      int d,
      double[] scale,
      double[][] lower,
      double[][] vectors,
      double[] inverseValues,
      int rank,
      double[] whitening,
      int r,
      boolean triangular,
      boolean projected) {
    this.d = d;
    this.scale = scale;
    this.lower = lower;
    this.vectors = vectors;
    this.inverseValues = inverseValues;
    this.rank = rank;
    this.whitening = whitening;
    this.r = r;
    this.triangular = triangular;
    this.projected = projected;
  }

  private static InverseForm exact(
      int d,
      double[] scale,
      double[][] lower,
      double[][] vectors,
      double[] inverseValues,
      int rank) {
    InverseForm f =
        new InverseForm(
            d, scale, lower, vectors, inverseValues, rank, null, d, lower != null, false);
    double[] w = new double[d * d];
    double[] e = new double[d];
    for (int j = 0; j < d; j++) {
      java.util.Arrays.fill(e, 0);
      e[j] = 1;
      System.arraycopy(f.whiten(e), 0, w, j * d, d);
    }
    return new InverseForm(
        d, scale, lower, vectors, inverseValues, rank, w, d, lower != null, false);
  }

  /**
   * The same form through a Johnson–Lindenstrauss projection (Drineas et al. 2012): aᵀM⁺a = ‖Wᵀa‖²
   * for the d×d whitening W, approximated by ‖(WG)ᵀa‖² with G a d×r Gaussian matrix of variance 1/r
   * fixed by {@code seed}: O(d·r) per row instead of O(d²), relative error about √(8/r) (a constant
   * factor is all sampling scores need).
   */
  public InverseForm projected(int r, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    double[][] g = new double[d][r];
    for (double[] row : g) {
      for (int j = 0; j < r; j++) {
        row[j] = gaussian(random) / Math.sqrt(r);
      }
    }
    // Row i of the projected map is (W e_i)ᵀ G.
    double[] p = new double[d * r];
    for (int i = 0; i < d; i++) {
      for (int k = 0; k < d; k++) {
        double wik = whitening[i * d + k];
        if (wik == 0) {
          continue;
        }
        for (int j = 0; j < r; j++) {
          p[i * r + j] += wik * g[k][j];
        }
      }
    }
    return new InverseForm(d, scale, lower, vectors, inverseValues, rank, p, r, false, true);
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
      return exact(d, scale, l, null, null, d);
    }
    double[][] v = new double[d][d];
    double[] values = symmetricEigen(s, v);
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
    return exact(d, scale, null, v, inv, rank);
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
    double[] z = SCRATCH.get();
    if (z.length < r) {
      z = new double[r];
      SCRATCH.set(z);
    }
    java.util.Arrays.fill(z, 0, r, 0);
    double[] w = whitening;
    for (int j = 0; j < d; j++) {
      double aj = a[j];
      if (aj == 0) {
        continue;
      }
      int base = j * r;
      for (int k = triangular ? j : 0; k < r; k++) {
        z[k] += aj * w[base + k];
      }
    }
    double sum = 0;
    for (int k = 0; k < r; k++) {
      sum += z[k] * z[k];
    }
    return sum;
  }

  /**
   * [min, max] over a ≠ 0 of aᵀ M⁻¹ a / aᵀ N⁻¹ a, M this form's matrix and N {@code other}'s: the
   * extreme singular values² of K = W_M W_N⁻¹ (W = L⁻¹D, so W_N⁻¹ = D_N⁻¹ L_N), found in O(d³) on
   * the driver. Null unless both are exact Cholesky forms (full rank, no projection). Lewis
   * iterations use it to bound every row's step without scoring rows against the older factor.
   */
  public double[] ratioRange(InverseForm other) {
    if (!triangular || !other.triangular || projected || other.projected || other.d != d) {
      return null;
    }
    // B = D_M D_N⁻¹ L_N, then K = L_M⁻¹ B column by column.
    double[][] k = new double[d][d];
    double[] col = new double[d];
    for (int c = 0; c < d; c++) {
      for (int i = 0; i < d; i++) {
        col[i] = i >= c ? scale[i] / other.scale[i] * other.lower[i][c] : 0;
      }
      for (int i = 0; i < d; i++) {
        double v = col[i];
        for (int j = 0; j < i; j++) {
          v -= lower[i][j] * k[j][c];
        }
        k[i][c] = v / lower[i][i];
      }
    }
    double[][] ktk = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        double v = 0;
        for (int x = 0; x < d; x++) {
          v += k[x][i] * k[x][j];
        }
        ktk[i][j] = v;
        ktk[j][i] = v;
      }
    }
    double[] values = symmetricEigen(ktk, new double[d][d]);
    double min = Double.POSITIVE_INFINITY;
    double max = 0;
    for (double v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return min > 0 ? new double[] {min, max} : null;
  }

  /**
   * Prepares {@link #upperBound} (on the driver, O(d³)): aᵀM⁺a = ‖W̃ D a‖² ≤ λ_max(W̃ᵀW̃)·‖Da‖²,
   * with λ_max(W̃ᵀW̃) = 1/λ_min of the Jacobi-scaled matrix (Cholesky) or the largest kept inverse
   * eigenvalue (eigen fallback); for a projected form, λ_max(P Pᵀ) in unscaled coordinates.
   * Eigenvalues are taken with a margin for their rounding, so the bound holds for the computed
   * form too. Returns this form.
   */
  public InverseForm withUpperBound() {
    double[] mult = new double[d];
    double factor;
    if (projected) {
      java.util.Arrays.fill(mult, 1);
      double[][] ppt = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          double v = 0;
          for (int k = 0; k < r; k++) {
            v += whitening[i * r + k] * whitening[j * r + k];
          }
          ppt[i][j] = v;
          ppt[j][i] = v;
        }
      }
      double max = 0;
      for (double v : symmetricEigen(ppt, new double[d][d])) {
        max = Math.max(max, v);
      }
      factor = max * (1 + 1e-6) + 1e-12 * max * d;
    } else if (lower != null) {
      System.arraycopy(scale, 0, mult, 0, d);
      double[][] sm = new double[d][d];
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          double v = 0;
          for (int k = 0; k <= j; k++) {
            v += lower[i][k] * lower[j][k];
          }
          sm[i][j] = v;
          sm[j][i] = v;
        }
      }
      double min = Double.POSITIVE_INFINITY;
      double max = 0;
      for (double v : symmetricEigen(sm, new double[d][d])) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      double safe = min - 1e-12 * d * max;
      factor = safe > 0 ? (1 + 1e-6) / safe : Double.POSITIVE_INFINITY;
    } else {
      System.arraycopy(scale, 0, mult, 0, d);
      double max = 0;
      for (double v : inverseValues) {
        max = Math.max(max, v);
      }
      factor = max * (1 + 1e-6);
    }
    this.boundScale = mult;
    this.boundFactor = factor;
    return this;
  }

  /** An upper bound on {@link #apply} in O(d): +∞ unless {@link #withUpperBound()} was called. */
  public double upperBound(double[] a) {
    if (boundScale == null || boundFactor == Double.POSITIVE_INFINITY) {
      return Double.POSITIVE_INFINITY;
    }
    // Four partial sums: a single running sum is a chain of dependent additions, and this runs on
    // every row.
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = 0;
    for (; j + 3 < d; j += 4) {
      double v0 = boundScale[j] * a[j];
      double v1 = boundScale[j + 1] * a[j + 1];
      double v2 = boundScale[j + 2] * a[j + 2];
      double v3 = boundScale[j + 3] * a[j + 3];
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
    for (; j < d; j++) {
      double v = boundScale[j] * a[j];
      s0 += v * v;
    }
    return boundFactor * ((s0 + s1) + (s2 + s3));
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

  /**
   * Lower Cholesky factor, or null when a pivot falls below CHOLESKY_MIN_PIVOT (unit-diagonal
   * input).
   */
  static double[][] cholesky(double[][] s) {
    return DenseLinearAlgebra.choleskyOrNull(s, CHOLESKY_MIN_PIVOT);
  }

  /** Eigenvalues of a symmetric matrix; fills the columns of {@code v} with the eigenvectors. */
  static double[] symmetricEigen(double[][] input, double[][] v) {
    DenseLinearAlgebra.SymmetricEigen e = DenseLinearAlgebra.symmetricEigen(input);
    for (int i = 0; i < v.length; i++) {
      System.arraycopy(e.vectors()[i], 0, v[i], 0, v.length);
    }
    return e.values();
  }
}
