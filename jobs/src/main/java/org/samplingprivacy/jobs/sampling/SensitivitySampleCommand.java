package org.samplingprivacy.jobs.sampling;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.runner.InputJobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sensitivity-sample}: a small weighted row sample of a tall table on which ℓp norms and ℓp
 * regression stay close to the full table's (Woodruff &amp; Yasuda, "Sharper Bounds for ℓp
 * Sensitivity Sampling", ICML 2023).
 *
 * <p>Scores are computed distributed: one Gram pass (AᵀA, also the null/NaN check), then for Lewis
 * weights one pass per Cohen–Peng iteration with a broadcast d×d factor, over the matrix cached in
 * executor memory ({@link MatrixPass#cache}); the sample is drawn in one more pass over the table
 * ({@link SamplingPass}). Row i is kept with probability q_i = min(1, m·s_i/S) when a uniform
 * variate U_i, a hash of the row key and the seed, is below q_i, and carries weight 1/q_i
 * (equivalently the row scaled by q_i^{−1/p}): the sample is the same however the input is
 * partitioned or tasks retried, and samples at smaller m are subsets of those at larger m. {@code
 * --fixed-size} keeps exactly m rows by priority sampling.
 */
@Command(
    name = "sensitivity-sample",
    description = "Weighted lp sensitivity sample of a tall numeric table.")
public final class SensitivitySampleCommand extends InputJobCommand {
  @Option(
      names = "--features",
      paramLabel = "C1,C2",
      description = "Numeric feature columns (the matrix A).")
  String features;

  @Option(
      names = "--target",
      paramLabel = "COL",
      description = "Regression target b: scores are computed on [A b].")
  String target;

  @Option(names = "--intercept", description = "Add a column of ones to A.")
  boolean intercept;

  @Option(
      names = "--key",
      paramLabel = "COL",
      description =
          "Row key for the sampling hash (default: the row's values "
              + "and its occurrence number among identical rows, which costs one shuffle).")
  String key;

  @Option(names = "--p", paramLabel = "P", description = "The p of the lp norm, >= 1.")
  Double p;

  @Option(
      names = "--method",
      paramLabel = "M",
      defaultValue = "sensitivity",
      description =
          "uniform, leverage, lewis, sensitivity (Lewis-weight bound on lp sensitivities), root-leverage "
              + "(tau^(p/2)) or mixed (half leverage, half sensitivity).")
  String method;

  @Option(
      names = "--size",
      paramLabel = "M",
      description = "Expected sample size m (exact with --fixed-size).")
  Long size;

  @Option(
      names = "--fraction",
      paramLabel = "F",
      description = "Expected sample size as a fraction of the rows.")
  Double fraction;

  @Option(
      names = "--fixed-size",
      description = "Exactly m rows, by priority sampling (Duffield, Lund, Thorup).")
  boolean fixedSize;

  @Option(
      names = "--lewis-tolerance",
      paramLabel = "T",
      defaultValue = "0.01",
      description =
          "Stop Lewis iterations when max_i |ln w_new - ln w_old| < T (sampling needs only constant-factor "
              + "accurate scores: 1%% takes about 10 Cohen-Peng passes for p = 1).")
  double lewisTolerance;

  @Option(
      names = "--lewis-max-iterations",
      paramLabel = "K",
      defaultValue = "60",
      description = "Iteration cap.")
  int lewisMaxIterations;

  @Option(
      names = "--jl-dimension",
      paramLabel = "R",
      defaultValue = "0",
      description =
          "Score rows through an R-dimensional Johnson-Lindenstrauss projection of the d x d factor: O(d R) "
              + "instead of O(d^2) per row, scores within a factor of about 1 +- sqrt(8/R); for large d (0: exact).")
  int jlDimension;

  @Option(
      names = "--evaluate",
      description =
          "Also fit lp regression on this sample and on uniform samples of the "
              + "same expected size, and report each one's relative error on the full table (needs --target).")
  boolean evaluate;

  @Option(
      names = "--evaluate-seeds",
      paramLabel = "K",
      defaultValue = "5",
      description = "Uniform samples compared.")
  int evaluateSeeds;

  static final String[] OUTPUT_COLUMNS = {"weight", "score", "inclusion_prob"};
  private static final String OCCURRENCE = "__occurrence";
  private static final long ROWS_PER_FILE = 1_000_000;
  private static final String[] METHODS = {
    "uniform", "leverage", "lewis", "sensitivity", "root-leverage", "mixed"
  };

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
    Params.requirePresent("--features", features);
    Params.requireAtLeast("--p", p, 1);
    Params.requireOneOf("--method", method, METHODS);
    if ((size == null) == (fraction == null)) {
      throw new InputException("give exactly one of --size and --fraction");
    }
    if (fraction != null) {
      Params.requireInHalfOpen("--fraction", fraction, 0, 1);
    }
    if (size != null && size <= 0) {
      throw new InputException("--size must be >= 1, got " + size);
    }
    Params.requirePositive("--lewis-tolerance", lewisTolerance);
    Params.requireInRange("--lewis-max-iterations", lewisMaxIterations, 1, 10_000);
    Params.requireInRange("--evaluate-seeds", evaluateSeeds, 1, 1000);
    Params.requireInRange("--jl-dimension", jlDimension, 0, 100_000);
    if (evaluate && target == null) {
      throw new InputException("--evaluate fits regression and needs --target");
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable in = ctx.readInput();
    String table = "--input " + in.path();
    Dataset<Row> df = in.data();
    for (String c : OUTPUT_COLUMNS) {
      if (Arrays.asList(df.columns()).contains(c)) {
        throw new InputException(
            table + " already has a column '" + c + "', which the sample adds");
      }
    }
    Design design = Design.of(df, table, features, intercept, target);
    if (key != null) {
      TableChecks.requireColumns(df, table, List.of(key));
    }
    Dataset<Row> matrix = df.select(design.storedColumns(df));
    // Lewis iterations (p != 2) and the root-leverage sum read the matrix again after the Gram
    // pass: keep its doubles
    // in executor memory rather than re-reading (and, for CSV, re-parsing) the input on every pass.
    boolean multiPass =
        method.equals("root-leverage")
            || p != 2 && List.of("lewis", "sensitivity", "mixed").contains(method);
    MatrixPass.Cached cached =
        multiPass ? MatrixPass.cache(matrix, intercept, design.width()) : null;
    java.util.function.Function<MatrixPass.Visitor, MatrixPass.Acc> pass =
        cached != null ? cached::run : v -> MatrixPass.run(matrix, intercept, design.width(), v);
    try {
      return planOnMatrix(ctx, in, table, df, design, pass, out);
    } finally {
      if (cached != null) {
        cached.close();
      }
    }
  }

  private Plan planOnMatrix(
      JobContext ctx,
      SourceTable in,
      String table,
      Dataset<Row> df,
      Design design,
      java.util.function.Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      TableIO.WriteSpec out) {
    int d = design.width();
    MatrixPass.Acc gram =
        ctx.phase(
            "Gram pass (A^T A, null and NaN check)",
            () -> pass.apply((a, acc) -> acc.addOuter(a, 1)));
    design.checkComplete(gram);
    long n = gram.rows();
    if (d > n) {
      throw new InputException(
          table + " has " + n + " rows but the matrix has " + d + " columns (d > n)");
    }
    long m = size != null ? size : Math.max(1, Math.round(fraction * n));
    if (m > n) {
      throw new InputException("--size " + m + " exceeds the table's " + n + " rows");
    }
    List<Double> steps = new ArrayList<>();
    List<Double> sums = new ArrayList<>();
    Scores scores =
        ctx.phase(
            "scores (" + method + ")",
            () ->
                ScoreComputation.compute(
                    ctx,
                    new ScoreComputation.Settings(
                        method, p, jlDimension, lewisTolerance, lewisMaxIterations),
                    pass,
                    gram,
                    n,
                    steps,
                    sums));
    Plan.Builder planSteps =
        Plan.builder()
            .read(in, n + " rows, matrix " + String.join(", ", design.names()) + " (d = " + d + ")")
            .step(
                "scores: "
                    + method
                    + " for p = "
                    + p
                    + (steps.isEmpty() ? "" : ", " + steps.size() + " Lewis iterations")
                    + ", total S = "
                    + Numbers.sig6(scores.total()))
            .step(
                (fixedSize ? "priority-sample exactly " : "Poisson-sample an expected ")
                    + m
                    + " rows, seed "
                    + ctx.seed())
            .write(common.output, out)
            .stepIf(evaluate, "evaluate lp regression on the sample against the full table");
    // Identical rows must draw independent U_i: without a key, number the copies of each distinct
    // row (deterministic,
    // since copies are interchangeable) and hash that number with the values.
    Dataset<Row> keyed =
        key != null
            ? df
            : df.withColumn(
                OCCURRENCE,
                functions
                    .row_number()
                    .over(
                        org.apache.spark.sql.expressions.Window.partitionBy(
                                Arrays.stream(df.columns())
                                    .map(Columns::named)
                                    .toArray(Column[]::new))
                            .orderBy(lit(1))));
    return planSteps.then(
        c -> {
          // The sample (about m rows, small next to the table) is kept in executor memory as it is
          // written, so the
          // summary reads it there instead of the output table (which, with --write-mode slice,
          // holds other runs too).
          Dataset<Row> sample =
              sample(c, keyed, df.columns(), design, scores, m, ctx.seed())
                  .persist(StorageLevel.MEMORY_AND_DISK());
          try {
            // About m rows arrive spread over the input's partitions: write them as files of up to
            // a million rows, not
            // one small file per input partition.
            int files =
                (int)
                    Math.min(
                        Integer.MAX_VALUE, Math.max(1, (m + ROWS_PER_FILE - 1) / ROWS_PER_FILE));
            long version =
                c.write(SamplingTables.SAMPLE, sample.coalesce(files), common.output, out);
            long kept =
                SampleReport.write(c, p, method, sample, design, n, m, scores, steps, version);
            spec.commandLine()
                .getOut()
                .println(
                    String.format(
                        Locale.ROOT,
                        "sampled %d of %d rows (target %d, %s, p = %s) into %s",
                        kept,
                        n,
                        m,
                        method,
                        Numbers.sig6(p),
                        common.output));
          } finally {
            sample.unpersist();
          }
          if (evaluate) {
            SampleEvaluation.run(
                c,
                keyed,
                design,
                scores,
                p,
                m,
                n,
                ctx.seed(),
                evaluateSeeds,
                keyColumns(df.columns()));
          }
        });
  }

  /**
   * The hash key of a row: --key, or the original columns and the occurrence number among identical
   * rows.
   */
  private Column[] keyColumns(String[] originalColumns) {
    if (key != null) {
      return new Column[] {Columns.named(key)};
    }
    List<Column> cols =
        new ArrayList<>(Arrays.stream(originalColumns).map(Columns::named).toList());
    cols.add(col(OCCURRENCE));
    return cols.toArray(new Column[0]);
  }

  /** U_i ∈ [0, 1) from xxHash64 of the row key and the seed. */
  static Column uniform(Column[] keyColumns, long seed) {
    return uniform(keyColumns, lit(seed));
  }

  /**
   * As {@link #uniform(Column[], long)} with the seed as a column (many seeds in one job, for
   * tests).
   */
  static Column uniform(Column[] keyColumns, Column seed) {
    return Columns.keyedUniform(seed, keyColumns);
  }

  private Dataset<Row> sample(
      JobContext c,
      Dataset<Row> df,
      String[] original,
      Design design,
      Scores scores,
      long m,
      long seed) {
    Column u = uniform(keyColumns(original), seed);
    SamplingPass.Rule rule;
    if (!fixedSize) {
      rule = SamplingPass.poisson(m / scores.total());
    } else {
      double t =
          c.phase("priority threshold", () -> SamplingPass.threshold(df, design, u, scores, m));
      rule = SamplingPass.priority(t);
    }
    return SamplingPass.sample(c.spark(), df, original, design, u, scores, rule);
  }
}
