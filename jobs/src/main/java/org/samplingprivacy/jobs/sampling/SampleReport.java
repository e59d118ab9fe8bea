package org.samplingprivacy.jobs.sampling;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobContext;

/**
 * The report of {@code sensitivity-sample}: the sample's size, weights and effective size, the
 * score quantiles of the sampled rows and the Lewis iterations' convergence.
 */
final class SampleReport {
  private SampleReport() {}

  /** Writes the report; returns the rows sampled. */
  static long write(
      JobContext c,
      double p,
      String method,
      Dataset<Row> sample,
      Design design,
      long n,
      long m,
      Scores scores,
      List<Double> steps,
      long version) {
    Row s =
        c.phase(
            "summarise the sample",
            () ->
                sample
                    .selectExpr(
                        "count(*)",
                        "sum(weight)",
                        "sum(weight * weight)",
                        "min(score)",
                        "max(score)",
                        "percentile(score, array(0.1, 0.25, 0.5, 0.75, 0.9))")
                    .first());
    long kept = s.getLong(0);
    double sumW = kept == 0 ? 0 : s.getDouble(1);
    double ess = kept == 0 ? 0 : sumW * sumW / s.getDouble(2);
    c.report()
        .metric("rows", n)
        .metric("d", design.width())
        .metric("p", p)
        .metric("method", method)
        .metric("total_score_S", scores.total())
        .metric("target_size", m)
        .metric("sample_size", kept)
        .metric("sum_of_weights", sumW)
        .metric("effective_sample_size", ess)
        .metric("output_delta_version", version)
        .note(
            "Each sampled row carries weight = 1/inclusion_prob: weighted sums over the sample estimate the full "
                + "table's sums without bias. sum_of_weights estimates the row count "
                + n
                + ".");
    if (kept > 0) {
      c.report()
          .metric("score_min_sampled", s.getDouble(3))
          .metric("score_max_sampled", s.getDouble(4));
      List<Double> quantiles = s.getList(5);
      c.report()
          .plot(
              SvgPlot.bars(
                  "Score quantiles of the sampled rows",
                  "score",
                  List.of("10%", "25%", "50%", "75%", "90%"),
                  quantiles.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    if (!steps.isEmpty()) {
      double[] x = new double[steps.size()];
      double[] y = new double[steps.size()];
      for (int i = 0; i < x.length; i++) {
        x[i] = i + 1;
        y[i] = steps.get(i);
      }
      c.report()
          .plot(
              SvgPlot.xy("Lewis iterations: max |ln w_new - ln w_old|", "iteration", "step")
                  .logY()
                  .line("step", x, y));
    }
    return kept;
  }
}
