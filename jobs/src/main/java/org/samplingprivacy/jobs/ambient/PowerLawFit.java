package org.samplingprivacy.jobs.ambient;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The scaling law error(n) = a·n^(−b) + c of the data-mix study (Daras, Cherapanamjeri &amp;
 * Daskalakis, ICLR 2025; docs/design/ambient-study.md §4), fitted by least squares in log space:
 * for a floor c, log(error − c) is linear in log n, so a and b are a closed-form regression and c
 * is found by a one-dimensional golden-section search on the profile residual. Fewer than four
 * distinct sizes cannot identify a floor, so c = 0 there (the two-point fit,
 * docs/design/ambient-study.md §4). The fitted law is inverted to the clean-equivalent size n_eq =
 * ((error − c)/a)^(−1/b).
 */
public final class PowerLawFit {
  /** How the floor c is treated. */
  public enum Floor {
    /** c = 0. */
    ZERO,
    /** 0 ≤ c &lt; min error (errors and distances). */
    NON_NEGATIVE,
    /** c &lt; min error, any sign (e.g. negative log-likelihoods). */
    FREE
  }

  public final double a;
  public final double b;
  public final double c;
  public final double rss;
  public final int points;
  public final Floor floor;

  private PowerLawFit(double a, double b, double c, double rss, int points, Floor floor) {
    this.a = a;
    this.b = b;
    this.c = c;
    this.rss = rss;
    this.points = points;
    this.floor = floor;
  }

  /**
   * Fits the law to (n_i, error_i); needs two distinct sizes, and four for a floor (otherwise c =
   * 0).
   */
  public static PowerLawFit fit(double[] n, double[] e, Floor floor) {
    if (n.length != e.length || n.length < 2) {
      throw new IllegalArgumentException("need at least two points");
    }
    long distinct = Arrays.stream(n).distinct().count();
    if (distinct < 2) {
      throw new IllegalArgumentException("need two distinct sizes");
    }
    double min = Arrays.stream(e).min().orElseThrow();
    Floor f = distinct < 4 ? Floor.ZERO : floor;
    if (f == Floor.ZERO) {
      if (min <= 0) {
        throw new IllegalArgumentException("errors must be positive without a floor");
      }
      return atFloor(n, e, 0, f);
    }
    double max = Arrays.stream(e).max().orElseThrow();
    double hi = min - 1e-9 * Math.max(Math.abs(min), max - min);
    double lo = f == Floor.NON_NEGATIVE ? 0 : min - 10 * (max - min) - 1;
    if (f == Floor.NON_NEGATIVE && !(min > 0)) {
      throw new IllegalArgumentException("errors must be positive for a non-negative floor");
    }
    double g = (Math.sqrt(5) - 1) / 2;
    double x1 = hi - g * (hi - lo);
    double x2 = lo + g * (hi - lo);
    double f1 = atFloor(n, e, x1, f).rss;
    double f2 = atFloor(n, e, x2, f).rss;
    for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(hi)); i++) {
      if (f1 <= f2) {
        hi = x2;
        x2 = x1;
        f2 = f1;
        x1 = hi - g * (hi - lo);
        f1 = atFloor(n, e, x1, f).rss;
      } else {
        lo = x1;
        x1 = x2;
        f1 = f2;
        x2 = lo + g * (hi - lo);
        f2 = atFloor(n, e, x2, f).rss;
      }
    }
    PowerLawFit best = atFloor(n, e, 0.5 * (lo + hi), f);
    if (f == Floor.NON_NEGATIVE) {
      PowerLawFit zero = atFloor(n, e, 0, f);
      if (zero.rss <= best.rss) {
        best = zero;
      }
    }
    return best;
  }

  private static PowerLawFit atFloor(double[] n, double[] e, double c, Floor f) {
    int m = n.length;
    double sx = 0;
    double sy = 0;
    double sxx = 0;
    double sxy = 0;
    for (int i = 0; i < m; i++) {
      double x = Math.log(n[i]);
      double y = Math.log(e[i] - c);
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    double slope = (m * sxy - sx * sy) / (m * sxx - sx * sx);
    double intercept = (sy - slope * sx) / m;
    double rss = 0;
    for (int i = 0; i < m; i++) {
      double r = Math.log(e[i] - c) - (intercept + slope * Math.log(n[i]));
      rss += r * r;
    }
    return new PowerLawFit(Math.exp(intercept), -slope, c, rss, m, f);
  }

  /** The fitted error at size n. */
  public double predict(double n) {
    return a * Math.pow(n, -b) + c;
  }

  /** The size at which the law reaches {@code error}; NaN if the error is at or below the floor. */
  public double invert(double error) {
    if (!(error > c)) {
      return Double.NaN;
    }
    return Math.pow((error - c) / a, -1 / b);
  }

  /** Percentile interval bounds of a bootstrap sample (NaNs dropped). */
  public static double[] interval(double[] sample, double level) {
    double[] s = Arrays.stream(sample).filter(Double::isFinite).sorted().toArray();
    if (s.length == 0) {
      return new double[] {Double.NaN, Double.NaN};
    }
    double alpha = (1 - level) / 2;
    return new double[] {
      s[(int) Math.floor(alpha * (s.length - 1))], s[(int) Math.ceil((1 - alpha) * (s.length - 1))]
    };
  }

  /**
   * Bootstrap refits: with per-point standard deviations (external results reported as mean ± std)
   * a parametric bootstrap, otherwise a residual bootstrap in log space. Each refit's parameters go
   * to {@code sink}.
   */
  public void bootstrap(
      double[] n,
      double[] e,
      double[] std,
      int replicates,
      long seed,
      java.util.function.Consumer<PowerLawFit> sink) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] resid = new double[n.length];
    for (int i = 0; i < n.length; i++) {
      resid[i] = Math.log(e[i] - c) - Math.log(predict(n[i]) - c);
    }
    double[] eb = new double[n.length];
    for (int r = 0; r < replicates; r++) {
      for (int i = 0; i < n.length; i++) {
        if (std != null) {
          eb[i] = Math.max(e[i] + std[i] * GaussianMixture.gaussian(rng), 1e-12);
        } else {
          eb[i] = c + (predict(n[i]) - c) * Math.exp(resid[rng.nextInt(n.length)]);
        }
      }
      try {
        sink.accept(fit(n, eb, floor));
      } catch (IllegalArgumentException ex) {
        // a degenerate resample (e.g. all errors equal) is skipped
      }
    }
  }
}
