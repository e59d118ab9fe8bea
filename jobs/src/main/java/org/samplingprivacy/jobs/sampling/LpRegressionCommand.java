package org.samplingprivacy.jobs.sampling;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.InputJobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lp-regression}: min_x Σ w_i |a_i·x − b_i|^p over a table by distributed IRLS ({@link
 * LpRegression}: one pass per iteration, d×d state on the driver). Writes one row per coefficient
 * with the objective; with {@code --evaluate-on FULL}, also the objective of those coefficients on
 * the full table (e.g. for a model fitted on a {@code sensitivity-sample} output with {@code
 * --weight-col weight}).
 */
@Command(
    name = "lp-regression",
    description = "Weighted lp regression (p >= 1) by distributed IRLS.")
public final class LpRegressionCommand extends InputJobCommand {
  @Option(names = "--features", paramLabel = "C1,C2", description = "Numeric feature columns.")
  String features;

  @Option(names = "--target", paramLabel = "COL", description = "The response b.")
  String target;

  @Option(names = "--intercept", description = "Add a column of ones to the features.")
  boolean intercept;

  @Option(names = "--p", paramLabel = "P", description = "The p of the lp loss, >= 1.")
  Double p;

  @Option(
      names = "--weight-col",
      paramLabel = "COL",
      description = "Row weights w_i >= 0 (e.g. a sample's weight).")
  String weightCol;

  @Option(
      names = "--evaluate-on",
      paramLabel = "FULL",
      description = "Also report the objective on this table.")
  String evaluateOn;

  @Option(
      names = "--max-iterations",
      paramLabel = "K",
      defaultValue = "200",
      description = "IRLS iteration cap.")
  int maxIterations;

  @Option(
      names = "--tolerance",
      paramLabel = "T",
      defaultValue = "1e-8",
      description = "Stop when the objective changes by less than T (relative).")
  double tolerance;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
    Params.requirePresent("--features", features);
    Params.requirePresent("--target", target);
    Params.requireAtLeast("--p", p, 1);
    Params.requireInRange("--max-iterations", maxIterations, 1, 100_000);
    Params.requirePositive("--tolerance", tolerance);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable in = ctx.readInput();
    String table = "--input " + in.path();
    Design design = Design.of(in.data(), table, features, intercept, target);
    if (weightCol != null) {
      TableChecks.requireNumeric(in.data(), table, List.of(weightCol));
    }
    int d = design.featureWidth();
    Column w =
        weightCol != null ? Columns.named(weightCol).cast("double").as("__w") : lit(1.0).as("__w");
    Dataset<Row> rows = in.data().select(design.columns(w));
    MatrixPass.Acc check =
        ctx.phase("validate rows", () -> MatrixPass.run(rows, d, (a, acc) -> acc.max(-a[d + 1])));
    design.checkComplete(check);
    if (check.bad()[d + 1] > 0) {
      throw new InputException(
          table
              + " column '"
              + weightCol
              + "' has "
              + check.bad()[d + 1]
              + " null, NaN or infinite values");
    }
    if (check.max() > 0) {
      throw new InputException(table + " column '" + weightCol + "' has negative weights");
    }
    if (d > check.rows()) {
      throw new InputException(
          table + " has " + check.rows() + " rows but " + d + " coefficients to fit (d > n)");
    }
    Dataset<Row> evaluation = evaluateOn == null ? null : evaluationRows(ctx, design);
    Plan.Builder steps =
        Plan.builder()
            .read(in, check.rows() + " rows, " + d + " coefficients")
            .step("IRLS for p = " + p + " (at most " + maxIterations + " passes)")
            .step(
                evaluateOn == null
                    ? "no full-table evaluation"
                    : "evaluate the objective on " + evaluateOn)
            .write(common.output, out);
    return steps.then(
        c -> {
          // One pass per IRLS iteration: keep the [A b w] doubles rather than re-reading the input
          // each time.
          LpRegression.Fit fit;
          try (MatrixPass.Cached cached = MatrixPass.cache(rows, d)) {
            fit =
                c.phase(
                    "IRLS", () -> LpRegression.fit(cached::run, d, p, maxIterations, tolerance));
          }
          Double fullObjective =
              evaluation == null
                  ? null
                  : c.phase(
                      "objective on " + evaluateOn,
                      () ->
                          LpRegression.objective(
                              v -> MatrixPass.run(evaluation, d, v), fit.x(), p));
          List<String> names = design.names().subList(0, d);
          List<Row> out1 = new ArrayList<>();
          for (int i = 0; i < d; i++) {
            out1.add(
                RowFactory.create(
                    names.get(i),
                    fit.x()[i],
                    p,
                    fit.objective(),
                    fit.iterations(),
                    fit.converged(),
                    fullObjective));
          }
          c.write(
              SamplingTables.COEFFICIENTS,
              c.spark().createDataFrame(out1, SamplingTables.COEFFICIENTS.columns()),
              common.output,
              out);
          List<List<Object>> table1 = new ArrayList<>();
          for (int i = 0; i < d; i++) {
            table1.add(List.of(names.get(i), fit.x()[i]));
          }
          c.report()
              .metric("p", p)
              .metric("objective", fit.objective())
              .metric("iterations", fit.iterations())
              .metric("converged", fit.converged())
              .metric("factorization", fit.factorization())
              .table("Coefficients", List.of("term", "coefficient"), table1);
          if (fullObjective != null) {
            c.report().metric("full_objective", fullObjective);
          }
          spec.commandLine()
              .getOut()
              .println(
                  String.format(
                      Locale.ROOT,
                      "fitted %d coefficients, objective %.6g after %d " + "IRLS passes%s",
                      d,
                      fit.objective(),
                      fit.iterations(),
                      fullObjective == null
                          ? ""
                          : String.format(
                              Locale.ROOT, ", full-table objective %.6g", fullObjective)));
        });
  }

  private Dataset<Row> evaluationRows(JobContext ctx, Design design) {
    SourceTable full = ctx.read("--evaluate-on", evaluateOn);
    Design check =
        Design.of(full.data(), "--evaluate-on " + full.path(), features, intercept, target);
    return full.data().select(check.columns(lit(1.0).as("__w")));
  }
}
