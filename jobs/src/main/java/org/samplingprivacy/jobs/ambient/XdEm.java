package org.samplingprivacy.jobs.ambient;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.linalg.DenseLinearAlgebra;

/**
 * Extreme deconvolution (Bovy, Hogg &amp; Roweis 2011, Ann. Appl. Stat. 5(2B), §2): EM for a
 * Gaussian mixture whose sample i is observed with known isotropic noise y_i = x_i + σ_i z_i, so
 * component j has observed covariance T_ij = V_j + σ_i² I. E-step: q_ij ∝ α_j N(y_i; m_j, T_ij),
 * b_ij = m_j + V_j T_ij⁻¹ (y_i − m_j), B_ij = V_j − V_j T_ij⁻¹ V_j; M-step: α_j = Σ_i q_ij / n, m_j
 * = Σ_i q_ij b_ij / Σ_i q_ij, V_j = Σ_i q_ij [(m_j − b_ij)(m_j − b_ij)ᵀ + B_ij] / Σ_i q_ij. With
 * every σ_i = 0 it is standard EM; the naive control runs exactly that on noisy rows (ignoring
 * σ_i). Rows are grouped by noise level, so an iteration needs only (levels × components)
 * factorisations. The E-step is a mergeable summary ({@link Stats}): one task runs it over a whole
 * small mix, or executors run it per partition and the driver merges (large mixes).
 */
public final class XdEm {
  private XdEm() {}

  /**
   * Per-iteration constants for one noise level: factorisation for densities, V T⁻¹ and B per
   * component.
   */
  static final class Level implements Serializable {
    private static final long serialVersionUID = 1L;
    final GaussianMixture.Observed observed;
    final double[][][] gain;
    final double[][][] posteriorCov;

    Level(GaussianMixture g, double s) {
      observed = g.new Observed(s);
      int k = g.components();
      int d = g.dimension();
      gain = new double[k][][];
      posteriorCov = new double[k][][];
      for (int j = 0; j < k; j++) {
        if (s == 0) {
          gain[j] = null; // b = y, B = 0
          continue;
        }
        double[][] t = new double[d][d];
        for (int a = 0; a < d; a++) {
          t[a] = g.covariances[j][a].clone();
          t[a][a] += s;
        }
        double[][] v = g.covariances[j];
        // V T⁻¹ = (T⁻¹ V)ᵀ since both are symmetric; T = V + sI is positive definite.
        double[][] tinvV = DenseLinearAlgebra.solveSpd(t, v);
        double[][] gj = new double[d][d];
        double[][] post = new double[d][d];
        for (int a = 0; a < d; a++) {
          for (int b = 0; b < d; b++) {
            gj[a][b] = tinvV[b][a];
            double vt = 0;
            for (int x = 0; x < d; x++) {
              vt += v[a][x] * tinvV[x][b];
            }
            post[a][b] = v[a][b] - vt;
          }
        }
        gain[j] = gj;
        posteriorCov[j] = post;
      }
    }
  }

  /** The E-step summary of some rows: mergeable, so partitions can be summed. */
  public static final class Stats implements Serializable {
    private static final long serialVersionUID = 1L;
    final double[] q;
    final double[][] qb;
    final double[][][] qbb;
    final double[][] qByLevel;
    double logLik;
    long n;

    Stats(int k, int d, int levels) {
      q = new double[k];
      qb = new double[k][d];
      qbb = new double[k][d][d];
      qByLevel = new double[k][levels];
    }

    public Stats merge(Stats o) {
      for (int j = 0; j < q.length; j++) {
        q[j] += o.q[j];
        for (int a = 0; a < qb[j].length; a++) {
          qb[j][a] += o.qb[j][a];
          for (int b = 0; b < qb[j].length; b++) {
            qbb[j][a][b] += o.qbb[j][a][b];
          }
        }
        for (int l = 0; l < qByLevel[j].length; l++) {
          qByLevel[j][l] += o.qByLevel[j][l];
        }
      }
      logLik += o.logLik;
      n += o.n;
      return this;
    }

    public double meanLogLik() {
      return logLik / n;
    }
  }

  /** One observed row: values and noise variance σ². */
  public record Row(double[] y, double noiseVariance) implements Serializable {}

  /** Prepares the per-level constants of an iteration. */
  static Level[] levels(GaussianMixture g, double[] noiseVariances) {
    Level[] out = new Level[noiseVariances.length];
    for (int l = 0; l < out.length; l++) {
      out[l] = new Level(g, noiseVariances[l]);
    }
    return out;
  }

  /**
   * The E-step over {@code rows}; {@code noiseVariances} lists the levels (a row's variance must be
   * one).
   */
  public static Stats accumulate(
      GaussianMixture g, double[] noiseVariances, Level[] lv, Iterator<Row> rows) {
    int k = g.components();
    int d = g.dimension();
    Stats st = new Stats(k, d, noiseVariances.length);
    double[] logj = new double[k];
    double[] work = new double[d];
    double[] b = new double[d];
    double[] diff = new double[d];
    while (rows.hasNext()) {
      Row r = rows.next();
      int l = level(noiseVariances, r.noiseVariance());
      double total = lv[l].observed.logJoint(r.y(), logj, work);
      st.logLik += total;
      st.n++;
      for (int j = 0; j < k; j++) {
        double qj = Math.exp(logj[j] - total);
        if (qj == 0) {
          continue;
        }
        double[][] gain = lv[l].gain[j];
        if (gain == null) {
          System.arraycopy(r.y(), 0, b, 0, d);
        } else {
          for (int a = 0; a < d; a++) {
            diff[a] = r.y()[a] - g.means[j][a];
          }
          for (int a = 0; a < d; a++) {
            double s = g.means[j][a];
            for (int c = 0; c < d; c++) {
              s += gain[a][c] * diff[c];
            }
            b[a] = s;
          }
        }
        st.q[j] += qj;
        st.qByLevel[j][l] += qj;
        for (int a = 0; a < d; a++) {
          double qba = qj * b[a];
          st.qb[j][a] += qba;
          double[] row = st.qbb[j][a];
          for (int c = 0; c <= a; c++) {
            row[c] += qba * b[c];
          }
        }
      }
    }
    return st;
  }

  private static int level(double[] levels, double s) {
    for (int l = 0; l < levels.length; l++) {
      if (levels[l] == s) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "noise variance " + s + " is not among the levels " + Arrays.toString(levels));
  }

  /**
   * The M-step: new parameters from the E-step summary ({@code ridge} added to each covariance's
   * diagonal).
   */
  static GaussianMixture mStep(GaussianMixture g, Level[] lv, Stats st, double ridge) {
    int k = g.components();
    int d = g.dimension();
    double[] w = new double[k];
    double[][] m = new double[k][d];
    double[][][] v = new double[k][d][d];
    for (int j = 0; j < k; j++) {
      double qj = Math.max(st.q[j], 1e-300);
      w[j] = st.q[j] / st.n;
      for (int a = 0; a < d; a++) {
        m[j][a] = st.qb[j][a] / qj;
      }
      for (int a = 0; a < d; a++) {
        for (int c = 0; c <= a; c++) {
          double x = st.qbb[j][a][c] / qj - m[j][a] * m[j][c];
          for (int l = 0; l < lv.length; l++) {
            if (lv[l].posteriorCov[j] != null && st.qByLevel[j][l] > 0) {
              x += st.qByLevel[j][l] / qj * lv[l].posteriorCov[j][a][c];
            }
          }
          v[j][a][c] = x;
          v[j][c][a] = x;
        }
        v[j][a][a] += ridge;
      }
    }
    return new GaussianMixture(w, m, v);
  }

  /** Settings of a fit. */
  public record Settings(
      int components, int maxIterations, double tolerance, int restarts, double ridge)
      implements Serializable {}

  /** What a fit returned. */
  public record Fit(
      GaussianMixture model,
      double meanLogLik,
      int iterations,
      boolean converged,
      double[] logLikTrace) {}

  /**
   * Fits on rows held in memory: {@code restarts} k-means++ initialisations (from {@code initRows},
   * e.g. the clean rows, when they are at least as many as the components), the best final
   * observed-data log-likelihood kept. {@code ignoreNoise} gives naive EM.
   */
  public static Fit fit(
      List<Row> rows, List<double[]> initRows, Settings s, boolean ignoreNoise, long seed) {
    List<Row> data = ignoreNoise ? rows.stream().map(r -> new Row(r.y(), 0)).toList() : rows;
    double[] levels = data.stream().mapToDouble(Row::noiseVariance).distinct().sorted().toArray();
    Fit best = null;
    SplittableRandom rng = new SplittableRandom(seed);
    for (int r = 0; r < s.restarts(); r++) {
      GaussianMixture g =
          initialise(
              initRows.size() >= s.components() ? initRows : data.stream().map(Row::y).toList(),
              s.components(),
              s.ridge(),
              rng.split());
      Fit f = iterate(g, levels, s, (model, lv) -> accumulate(model, levels, lv, data.iterator()));
      if (best == null || f.meanLogLik() > best.meanLogLik()) {
        best = f;
      }
    }
    return best;
  }

  /**
   * Runs EM from {@code start}: each iteration is one E-step ({@code eStep}: the summary of all
   * rows under the given model and its level constants, over a list or as a Spark pass) and one
   * M-step, until the mean log-likelihood changes by less than the tolerance (relative). Returns
   * the last model whose log-likelihood was evaluated.
   */
  public static Fit iterate(
      GaussianMixture start,
      double[] levels,
      Settings s,
      java.util.function.BiFunction<GaussianMixture, Level[], Stats> eStep) {
    List<Double> trace = new ArrayList<>();
    GaussianMixture current = start;
    GaussianMixture evaluated = start;
    double prev = Double.NaN;
    boolean converged = false;
    int it = 0;
    while (it < s.maxIterations()) {
      Level[] lv = levels(current, levels);
      Stats st = eStep.apply(current, lv);
      it++;
      double ll = st.meanLogLik();
      trace.add(ll);
      evaluated = current;
      if (!Double.isNaN(prev) && Math.abs(ll - prev) <= s.tolerance() * Math.abs(ll)) {
        converged = true;
        break;
      }
      prev = ll;
      current = mStep(current, lv, st, s.ridge());
    }
    return new Fit(
        evaluated,
        trace.get(trace.size() - 1),
        it,
        converged,
        trace.stream().mapToDouble(Double::doubleValue).toArray());
  }

  /** k-means++ seeding, one assignment step, cluster weights and covariances (plus ridge). */
  static GaussianMixture initialise(List<double[]> xs, int k, double ridge, SplittableRandom rng) {
    int n = xs.size();
    int d = xs.get(0).length;
    double[][] centers = new double[k][];
    centers[0] = xs.get(rng.nextInt(n)).clone();
    double[] dist = new double[n];
    Arrays.fill(dist, Double.POSITIVE_INFINITY);
    for (int c = 1; c < k; c++) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        dist[i] = Math.min(dist[i], sq(xs.get(i), centers[c - 1]));
        total += dist[i];
      }
      double u = rng.nextDouble() * total;
      int pick = n - 1;
      for (int i = 0; i < n; i++) {
        u -= dist[i];
        if (u < 0) {
          pick = i;
          break;
        }
      }
      centers[c] = xs.get(pick).clone();
    }
    double[] mean = new double[d];
    for (double[] x : xs) {
      for (int a = 0; a < d; a++) {
        mean[a] += x[a] / n;
      }
    }
    double var = 0;
    for (double[] x : xs) {
      var += sq(x, mean) / (n * (double) d);
    }
    int[] count = new int[k];
    double[][][] cov = new double[k][d][d];
    double[][] sum = new double[k][d];
    int[] assign = new int[n];
    for (int i = 0; i < n; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (sq(xs.get(i), centers[c]) < sq(xs.get(i), centers[best])) {
          best = c;
        }
      }
      assign[i] = best;
      count[best]++;
      for (int a = 0; a < d; a++) {
        sum[best][a] += xs.get(i)[a];
      }
    }
    double[] w = new double[k];
    double[][] m = new double[k][d];
    for (int c = 0; c < k; c++) {
      w[c] = (count[c] + 1.0) / (n + k);
      for (int a = 0; a < d; a++) {
        m[c][a] = count[c] > 0 ? sum[c][a] / count[c] : centers[c][a];
      }
    }
    for (int i = 0; i < n; i++) {
      int c = assign[i];
      double[] x = xs.get(i);
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[c][a][b] += (x[a] - m[c][a]) * (x[b] - m[c][b]);
        }
      }
    }
    for (int c = 0; c < k; c++) {
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[c][a][b] = count[c] > d ? cov[c][a][b] / count[c] : (a == b ? var : 0);
        }
        cov[c][a][a] += ridge + 1e-3 * var;
      }
    }
    return new GaussianMixture(w, m, cov);
  }

  private static double sq(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double t = a[i] - b[i];
      s += t * t;
    }
    return s;
  }
}
