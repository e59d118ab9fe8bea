package org.samplingprivacy.jobs.sampling;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * {@code sensitivity-sample --evaluate}: what the sample is worth for ℓp regression. The full-table
 * solution x* comes from distributed IRLS; at m/4, m/2 and m (nested samples of the same seed) the
 * weighted sample's solution x̂ is fitted on the driver, as are uniform samples of the same
 * expected size for several seeds, and each is scored by its relative excess objective (F(x̂) −
 * F(x*)) / F(x*) on the full table (one pass each).
 */
final class SampleEvaluation {
  private static final long MAX_COLLECTED = 1_000_000;

  private SampleEvaluation() {}

  /** Relative errors at one sample size. */
  record Level(long m, double method, double[] uniform) {
    double uniformMedian() {
      double[] u = uniform.clone();
      Arrays.sort(u);
      return u.length % 2 == 1 ? u[u.length / 2] : 0.5 * (u[u.length / 2 - 1] + u[u.length / 2]);
    }
  }

  static List<Level> run(
      JobContext c,
      Dataset<Row> df,
      Design design,
      Scores scores,
      double p,
      long m,
      long n,
      long seed,
      int seeds,
      Column[] keyColumns) {
    if (m > MAX_COLLECTED) {
      throw new InputException(
          "--evaluate fits each sample on the driver: --size must be at most " + MAX_COLLECTED);
    }
    int d = design.featureWidth();
    // IRLS and the objective passes read [A b w] many times: keep its doubles in executor memory.
    try (MatrixPass.Cached full =
        MatrixPass.cache(df.select(design.columns(lit(1.0).as("__w"))), d)) {
      return evaluate(c, df, design, scores, p, m, n, seed, seeds, keyColumns, full::run, d);
    }
  }

  private static List<Level> evaluate(
      JobContext c,
      Dataset<Row> df,
      Design design,
      Scores scores,
      double p,
      long m,
      long n,
      long seed,
      int seeds,
      Column[] keyColumns,
      Function<MatrixPass.Visitor, MatrixPass.Acc> fullPass,
      int d) {
    LpRegression.Fit star =
        c.phase(
            "full-table lp regression (reference)",
            () -> LpRegression.fit(fullPass, d, p, 300, 1e-10));
    List<Level> levels = new ArrayList<>();
    for (long mj : new long[] {Math.max(d + 1, m / 4), Math.max(d + 1, m / 2), m}) {
      if (!levels.isEmpty() && levels.get(levels.size() - 1).m() == mj) {
        continue;
      }
      double method =
          c.phase(
              "evaluate the sample at m = " + mj,
              () -> error(fullPass, star, d, p, rows(df, design, scores, mj, seed, keyColumns)));
      double[] uniform = new double[seeds];
      for (int k = 0; k < seeds; k++) {
        long s = seed + 7919L * (k + 1);
        uniform[k] =
            c.phase(
                "evaluate a uniform sample at m = " + mj,
                () ->
                    error(
                        fullPass,
                        star,
                        d,
                        p,
                        rows(df, design, Scores.uniform(n), mj, s, keyColumns)));
      }
      levels.add(new Level(mj, method, uniform));
    }
    report(c, levels, star, n);
    return levels;
  }

  /** (F(x̂) − F(x*)) / F(x*) for the solution x̂ of the weighted sample {@code rows}. */
  static double error(
      Function<MatrixPass.Visitor, MatrixPass.Acc> fullPass,
      LpRegression.Fit star,
      int d,
      double p,
      double[][] rows) {
    if (rows.length <= d) {
      return Double.NaN;
    }
    LpRegression.Fit fit = LpRegression.fit(v -> MatrixPass.run(rows, d, v), d, p, 300, 1e-10);
    return (LpRegression.objective(fullPass, fit.x(), p) - star.objective()) / star.objective();
  }

  /** The Poisson sample at expected size m as rows [A, b, 1/q], collected to the driver. */
  static double[][] rows(
      Dataset<Row> df, Design design, Scores scores, long m, long seed, Column[] keyColumns) {
    int w = design.width();
    String[] stored = design.stored().toArray(new String[0]);
    int offset = design.intercept ? 1 : 0;
    Dataset<Row> kept =
        SamplingPass.sample(
            df.sparkSession(),
            df,
            stored,
            design,
            SensitivitySampleCommand.uniform(keyColumns, seed),
            scores,
            SamplingPass.poisson(m / scores.total()));
    return kept.collectAsList().stream()
        .map(
            r -> {
              double[] a = new double[w + 1];
              if (offset == 1) {
                a[0] = 1;
              }
              for (int i = 0; i < stored.length; i++) {
                a[offset + i] = ((Number) r.get(i)).doubleValue();
              }
              a[w] = r.getDouble(stored.length);
              return a;
            })
        .toArray(double[][]::new);
  }

  private static void report(JobContext c, List<Level> levels, LpRegression.Fit star, long n) {
    List<List<Object>> rows = new ArrayList<>();
    double[] ms = new double[levels.size()];
    double[] method = new double[levels.size()];
    double[] uniform = new double[levels.size()];
    for (int i = 0; i < levels.size(); i++) {
      Level l = levels.get(i);
      ms[i] = l.m();
      method[i] = l.method();
      uniform[i] = l.uniformMedian();
      rows.add(List.of(l.m(), l.method(), l.uniformMedian(), l.uniformMedian() / l.method()));
    }
    Level last = levels.get(levels.size() - 1);
    c.report()
        .metric("full_objective", star.objective())
        .metric("full_irls_iterations", star.iterations())
        .metric("relative_error", last.method())
        .metric("uniform_median_relative_error", last.uniformMedian())
        .metric("uniform_over_method_error", last.uniformMedian() / last.method())
        .table(
            "Relative excess lp objective on the full table (uniform: median over seeds)",
            List.of("m", "this sample", "uniform (median)", "uniform / this"),
            rows)
        .plot(
            SvgPlot.xy(
                    "Relative error against sample size",
                    "expected sample size m",
                    "relative error")
                .logX()
                .logY()
                .line("this method", ms, method)
                .line("uniform (median)", ms, uniform));
  }
}
