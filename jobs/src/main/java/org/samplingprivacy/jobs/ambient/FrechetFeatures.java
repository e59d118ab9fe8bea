package org.samplingprivacy.jobs.ambient;

import java.io.Serializable;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.linalg.DenseLinearAlgebra;

/**
 * A Fréchet distance in a fixed nonlinear embedding, the CPU stand-in for FID
 * (docs/design/ambient-study.md §3; not FID): φ(x) = √(2/F)·cos(Wx + b) with F random Fourier
 * features, W ~ N(0, I/ℓ²), b ~ U[0, 2π), ℓ the median distance between reference points; FD = ‖μ₁
 * − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁^½ Σ₂ Σ₁^½)^½) between the Gaussian statistics of φ(model samples) and
 * φ(reference). A distance between raw-coordinate moments would miss what matters
 * (docs/design/ambient-study.md §3: XD-EM on noisy-only data matched clean training on it while its
 * KL was 100× worse).
 */
public final class FrechetFeatures implements Serializable {
  private static final long serialVersionUID = 1L;
  private final double[][] w;
  private final double[] b;
  private final double[] refMean;
  private final double[][] refCov;

  private FrechetFeatures(double[][] w, double[] b, double[][] reference) {
    this.w = w;
    this.b = b;
    double[][] phi = embed(reference);
    this.refMean = mean(phi);
    this.refCov = cov(phi, refMean);
  }

  /** Features fitted to a reference set (the clean holdout), seeded. */
  public static FrechetFeatures of(double[][] reference, int features, long seed) {
    int d = reference[0].length;
    int m = Math.min(reference.length, 500);
    double[] dists = new double[m * (m - 1) / 2];
    int k = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < i; j++) {
        double s = 0;
        for (int a = 0; a < d; a++) {
          double t = reference[i][a] - reference[j][a];
          s += t * t;
        }
        dists[k++] = Math.sqrt(s);
      }
    }
    Arrays.sort(dists, 0, k);
    double scale = k > 0 && dists[k / 2] > 0 ? dists[k / 2] : 1;
    SplittableRandom rng = new SplittableRandom(seed);
    double[][] w = new double[features][d];
    double[] b = new double[features];
    for (int f = 0; f < features; f++) {
      for (int a = 0; a < d; a++) {
        w[f][a] = GaussianMixture.gaussian(rng) / scale;
      }
      b[f] = 2 * Math.PI * rng.nextDouble();
    }
    return new FrechetFeatures(w, b, reference);
  }

  double[][] embed(double[][] xs) {
    double norm = Math.sqrt(2.0 / b.length);
    double[][] out = new double[xs.length][b.length];
    for (int i = 0; i < xs.length; i++) {
      for (int f = 0; f < b.length; f++) {
        double s = b[f];
        for (int a = 0; a < xs[i].length; a++) {
          s += w[f][a] * xs[i][a];
        }
        out[i][f] = norm * Math.cos(s);
      }
    }
    return out;
  }

  /** FD between the embedded {@code samples} and the reference. */
  public double distance(double[][] samples) {
    double[][] phi = embed(samples);
    double[] mu = mean(phi);
    double[][] c = cov(phi, mu);
    double d2 = 0;
    for (int f = 0; f < mu.length; f++) {
      d2 += (mu[f] - refMean[f]) * (mu[f] - refMean[f]);
    }
    double[][] s1 = DenseLinearAlgebra.sqrtPsd(refCov);
    double[][] inner = multiply(multiply(s1, c), s1);
    int n = inner.length;
    double[][] sym = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        sym[i][j] = 0.5 * (inner[i][j] + inner[j][i]);
      }
    }
    double trace = 0;
    for (int f = 0; f < mu.length; f++) {
      trace += refCov[f][f] + c[f][f];
    }
    double[][] root = DenseLinearAlgebra.sqrtPsd(sym);
    double rootTrace = 0;
    for (int f = 0; f < n; f++) {
      rootTrace += root[f][f];
    }
    return d2 + trace - 2 * rootTrace;
  }

  private static double[][] multiply(double[][] a, double[][] b) {
    int n = a.length;
    int m = b[0].length;
    double[][] out = new double[n][m];
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < b.length; k++) {
        double aik = a[i][k];
        for (int j = 0; j < m; j++) {
          out[i][j] += aik * b[k][j];
        }
      }
    }
    return out;
  }

  private static double[] mean(double[][] xs) {
    double[] m = new double[xs[0].length];
    for (double[] x : xs) {
      for (int a = 0; a < m.length; a++) {
        m[a] += x[a] / xs.length;
      }
    }
    return m;
  }

  private static double[][] cov(double[][] xs, double[] m) {
    int d = m.length;
    double[][] c = new double[d][d];
    for (double[] x : xs) {
      for (int a = 0; a < d; a++) {
        for (int b2 = 0; b2 <= a; b2++) {
          c[a][b2] += (x[a] - m[a]) * (x[b2] - m[b2]) / (xs.length - 1);
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b2 = 0; b2 < a; b2++) {
        c[b2][a] = c[a][b2];
      }
    }
    return c;
  }
}
