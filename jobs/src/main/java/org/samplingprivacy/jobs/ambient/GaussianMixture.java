package org.samplingprivacy.jobs.ambient;

import java.io.Serializable;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.linalg.DenseLinearAlgebra;

/**
 * A Gaussian mixture in d dimensions (weights α_j, means m_j, covariances V_j) with the density of
 * a sample observed through isotropic Gaussian noise of known variance s: y ~ Σ_j α_j N(m_j, V_j +
 * s·I). With s = 0 it is the mixture's own density.
 */
public final class GaussianMixture implements Serializable {
  private static final long serialVersionUID = 1L;
  final double[] weights;
  final double[][] means;
  final double[][][] covariances;

  GaussianMixture(double[] weights, double[][] means, double[][][] covariances) {
    this.weights = weights;
    this.means = means;
    this.covariances = covariances;
  }

  public int components() {
    return weights.length;
  }

  public int dimension() {
    return means[0].length;
  }

  public double[] weights() {
    return weights.clone();
  }

  public double[][] means() {
    return means;
  }

  public double[][][] covariances() {
    return covariances;
  }

  /**
   * Per component, the Cholesky factor and log-determinant of V_j + s·I (precomputed once per noise
   * level).
   */
  final class Observed {
    final double[][][] chol;
    final double[] logNorm;

    Observed(double s) {
      int k = components();
      int d = dimension();
      chol = new double[k][][];
      logNorm = new double[k];
      for (int j = 0; j < k; j++) {
        double[][] t = new double[d][d];
        for (int a = 0; a < d; a++) {
          t[a] = covariances[j][a].clone();
          t[a][a] += s;
        }
        chol[j] = DenseLinearAlgebra.cholesky(t);
        double logDet = 0;
        for (int a = 0; a < d; a++) {
          logDet += 2 * Math.log(chol[j][a][a]);
        }
        logNorm[j] = Math.log(weights[j]) - 0.5 * (d * Math.log(2 * Math.PI) + logDet);
      }
    }

    /** log α_j N(y; m_j, V_j + s I) into {@code out}; returns the log of their sum. */
    double logJoint(double[] y, double[] out, double[] work) {
      int d = y.length;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < out.length; j++) {
        double[][] l = chol[j];
        double q = 0;
        for (int a = 0; a < d; a++) {
          double s = y[a] - means[j][a];
          for (int b = 0; b < a; b++) {
            s -= l[a][b] * work[b];
          }
          work[a] = s / l[a][a];
          q += work[a] * work[a];
        }
        out[j] = logNorm[j] - 0.5 * q;
        max = Math.max(max, out[j]);
      }
      double sum = 0;
      for (double v : out) {
        sum += Math.exp(v - max);
      }
      return max + Math.log(sum);
    }
  }

  /** Mean log-density of the rows (noise-free). */
  public double meanLogDensity(double[][] rows) {
    Observed o = new Observed(0);
    double[] out = new double[components()];
    double[] work = new double[dimension()];
    double s = 0;
    for (double[] x : rows) {
      s += o.logJoint(x, out, work);
    }
    return s / rows.length;
  }

  /** n samples of the mixture (noise-free), from a seeded generator. */
  public double[][] sample(int n, SplittableRandom rng) {
    int d = dimension();
    double[][][] l = new double[components()][][];
    for (int j = 0; j < components(); j++) {
      l[j] = DenseLinearAlgebra.cholesky(covariances[j]);
    }
    double[][] out = new double[n][d];
    double[] z = new double[d];
    for (int i = 0; i < n; i++) {
      double u = rng.nextDouble();
      int j = 0;
      while (j < components() - 1 && (u -= weights[j]) >= 0) {
        j++;
      }
      for (int a = 0; a < d; a++) {
        z[a] = gaussian(rng);
      }
      for (int a = 0; a < d; a++) {
        double v = means[j][a];
        for (int b = 0; b <= a; b++) {
          v += l[j][a][b] * z[b];
        }
        out[i][a] = v;
      }
    }
    return out;
  }

  static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }
}
