package org.samplingprivacy.jobs.sampling;

import java.util.function.Function;

/**
 * Weighted ℓp regression min_x Σ w_i |a_i·x − b_i|^p for p ≥ 1 by iteratively reweighted least
 * squares, each iteration one {@link MatrixPass} (distributed over a table, or over a small sample
 * on the driver): the pass evaluates the objective at the current x and accumulates the weighted
 * normal equations for the next one, Σ c_i a_i a_iᵀ x = Σ c_i b_i a_i with c_i = w_i max(|r_i|,
 * η)^{p−2}.
 *
 * <p>Smoothing for p &lt; 2: residuals are floored at η = 1e-7 × the weighted RMS of b, which
 * bounds the IRLS weights; the floored problem's optimum is within about n·η^p of the exact one.
 * For p &gt; 2 the step is damped by 1/(p − 1), which makes it Newton's step. Safeguard for every
 * p: a step that raises the objective is halved (backtracking), so the objective never increases.
 * Stops when the objective changes by less than {@code tolerance} (relative) or at the iteration
 * cap. Rows are laid out [a_1..a_d, b, w].
 */
public final class LpRegression {
  private LpRegression() {}

  /** The solution and how it was reached. */
  public record Fit(
      double[] x, double objective, int iterations, boolean converged, String factorization) {}

  public static Fit fit(
      Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      int d,
      double p,
      int maxIterations,
      double tolerance) {
    int bi = d;
    int wi = d + 1;
    MatrixPass.Acc ls =
        pass.apply(
            (row, acc) -> {
              acc.addOuter(row, row[wi]);
              acc.addRhs(row, row[wi] * row[bi]);
              acc.add(row[wi]);
              acc.add2(row[wi] * row[bi] * row[bi]);
            });
    InverseForm f = InverseForm.of(ls.gram());
    double[] x = f.solve(ls.rhs());
    double eta = 1e-7 * Math.sqrt(ls.sum2() / Math.max(ls.sum(), Double.MIN_VALUE));
    double best = Double.POSITIVE_INFINITY;
    double[] bestX = x;
    boolean fullStep = true;
    String factorization = f.method();
    int iterations = 0;
    boolean converged = false;
    while (iterations < maxIterations) {
      double[] current = x;
      MatrixPass.Acc acc =
          pass.apply(
              (row, a) -> {
                double r = dot(current, row, d) - row[bi];
                double ar = Math.abs(r);
                a.add(row[wi] * Math.pow(ar, p));
                double c = row[wi] * (p == 2 ? 1 : Math.pow(Math.max(ar, eta), p - 2));
                a.addOuter(row, c);
                a.addRhs(row, c * row[bi]);
              });
      iterations++;
      double objective = acc.sum();
      if (objective <= best) {
        boolean small = best - objective <= tolerance * objective;
        best = objective;
        bestX = current;
        if (p == 2 || small && fullStep) {
          converged = true;
          break;
        }
        InverseForm next = InverseForm.of(acc.gram());
        factorization = next.method();
        double[] irls = next.solve(acc.rhs());
        // p <= 2: the IRLS minimiser of the majorising quadratic. p > 2: (x_IRLS - x) / (p - 1) is
        // Newton's step for
        // sum |r_i|^p, whose Hessian is p (p - 1) sum |r_i|^{p-2} a_i a_i^T.
        double damping = p > 2 ? 1 / (p - 1) : 1;
        x = new double[d];
        for (int i = 0; i < d; i++) {
          x[i] = current[i] + damping * (irls[i] - current[i]);
        }
        fullStep = true;
      } else {
        // The step overshot: go half way back towards the best point so far.
        double[] half = new double[d];
        for (int i = 0; i < d; i++) {
          half[i] = 0.5 * (bestX[i] + current[i]);
        }
        x = half;
        fullStep = false;
        if (maxDiff(half, bestX) < 1e-15 * (1 + norm(bestX))) {
          converged = true;
          break;
        }
      }
    }
    return new Fit(bestX, best, iterations, converged, factorization);
  }

  /** Σ w_i |a_i·x − b_i|^p in one pass. */
  public static double objective(
      Function<MatrixPass.Visitor, MatrixPass.Acc> pass, double[] x, double p) {
    int d = x.length;
    return pass.apply(
            (row, a) -> a.add(row[d + 1] * Math.pow(Math.abs(dot(x, row, d) - row[d]), p)))
        .sum();
  }

  static double dot(double[] x, double[] row, int d) {
    double s = 0;
    for (int i = 0; i < d; i++) {
      s += x[i] * row[i];
    }
    return s;
  }

  private static double maxDiff(double[] a, double[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }

  private static double norm(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
