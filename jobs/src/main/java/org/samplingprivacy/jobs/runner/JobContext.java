package org.samplingprivacy.jobs.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.samplingprivacy.jobs.cli.CommonOptions;
import org.samplingprivacy.jobs.cli.InputOptions;
import org.samplingprivacy.jobs.io.Provenance;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.io.WriteMode;
import org.samplingprivacy.jobs.report.Report;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * What a running command works with: the session, its resolved options, the inputs it has read (for
 * provenance), its report, and the phase labels shown in the Spark UI. Commands read and write only
 * through this context, so every output carries the same provenance and honours {@code
 * --output-format} and {@code --write-mode}.
 */
public final class JobContext {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JobContext.class);
  private final SparkSession spark;
  private final String command;
  private final CommonOptions options;
  private final InputOptions input;
  private final String where;
  private final String runId;
  private final Map<String, String> parameters;
  private final List<Map<String, Object>> inputs = new ArrayList<>();
  private final Report report;

  JobContext(
      SparkSession spark,
      String command,
      CommonOptions options,
      InputOptions input,
      String where,
      String runId,
      Map<String, String> parameters) {
    this.spark = spark;
    this.command = command;
    this.options = options;
    this.input = input;
    this.where = where;
    this.runId = runId;
    this.parameters = Map.copyOf(parameters);
    this.report = Report.create(command, runId);
  }

  public SparkSession spark() {
    return spark;
  }

  public String command() {
    return command;
  }

  public CommonOptions options() {
    return options;
  }

  public String runId() {
    return runId;
  }

  public long seed() {
    return options.seed;
  }

  public Report report() {
    return report;
  }

  /** Reads {@code --input} with {@code --format}, keeping the rows {@code --where} selects. */
  public SourceTable readInput() {
    return filterWhere(read("--input", requireInput().input), "--input");
  }

  /**
   * Keeps the rows of a table (read for {@code option}) that {@code --where} selects; the table
   * itself without it.
   */
  public SourceTable filterWhere(SourceTable t, String option) {
    if (where == null || where.isBlank()) {
      return t;
    }
    try {
      Dataset<Row> filtered = t.data().filter(org.apache.spark.sql.functions.expr(where));
      filtered.schema(); // resolve now: an unknown column is bad input, not a runtime failure
      if (filtered.isEmpty()) {
        // Said here, in the user's terms, rather than later as "the input is empty" or a
        // header-only export.
        throw new InputException(
            "--where \"" + where + "\" selects no rows of " + option + " " + t.path());
      }
      return new SourceTable(t.path(), t.format(), t.deltaVersion(), filtered);
    } catch (Exception e) {
      if (!(e instanceof org.apache.spark.sql.AnalysisException)) { // ParseException is one too
        throw e;
      }
      throw new InputException(
          "--where \""
              + where
              + "\" does not apply to "
              + option
              + " "
              + t.path()
              + ": "
              + e.getMessage().lines().filter(l -> !l.isBlank()).findFirst().orElse("").strip(),
          e);
    }
  }

  /** The format of {@code --input}, checked from file-system metadata only (nothing is read). */
  public TableFormat locateInput() {
    return TableIO.locate(spark, "--input", requireInput().input, inputFormat());
  }

  private TableFormat inputFormat() {
    return TableFormat.parse(
        "--format",
        requireInput().inputFormat,
        TableFormat.DELTA,
        TableFormat.PARQUET,
        TableFormat.CSV,
        TableFormat.JSON);
  }

  private InputOptions requireInput() {
    if (input == null) {
      throw new IllegalStateException(command + " declares no --input (extend InputJobCommand)");
    }
    return input;
  }

  /**
   * Reads a table named by {@code option} (e.g. {@code --behaviors}), detecting its format, and
   * records it.
   */
  public SourceTable read(String option, String path) {
    TableFormat f = option.equals("--input") ? inputFormat() : null;
    SourceTable t = TableIO.read(spark, option, path, f);
    recordInput(t.describe());
    return t;
  }

  /** Records an input read by other means (e.g. a CSV parsed with a declared schema). */
  public void recordInput(Map<String, Object> input) {
    inputs.add(Map.copyOf(input));
  }

  /** The provenance of this run so far. */
  public Provenance provenance() {
    return new Provenance(command, runId, options.seed, parameters, inputs);
  }

  /**
   * The output settings of {@code --output-format} and {@code --write-mode}, among {@code allowed}
   * formats.
   */
  public TableIO.WriteSpec writeSpec(TableFormat... allowed) {
    TableFormat f = TableFormat.parse("--output-format", options.outputFormat, allowed);
    if (f == null) {
      throw new InputException("--output-format must name a format, got 'auto'");
    }
    return new TableIO.WriteSpec(
        f, WriteMode.parse("--write-mode", options.writeMode), runId, provenance());
  }

  /**
   * Writes {@code df}, a table of {@code contract}, to {@code path} as {@code spec} says; returns
   * the Delta version, or -1. The schema is checked against the contract before anything is
   * written.
   */
  public long write(TableContract contract, Dataset<Row> df, String path, TableIO.WriteSpec spec) {
    contract.check(df.schema());
    TableIO.WriteSpec withInputs =
        new TableIO.WriteSpec(spec.format(), spec.mode(), spec.runId(), provenance());
    return phase("write " + path, () -> TableIO.write(df, path, withInputs));
  }

  /**
   * A progress log for a long driver-side loop of this run: lines on stderr, prefixed with the
   * command and run id, at most every 10 seconds.
   */
  public ProgressLog progress(String what, long total) {
    return ProgressLog.start(command + " " + runId + ": " + what, total);
  }

  /**
   * Runs {@code work} with the Spark UI job description "{@code <command> <run>: <phase>}", so each
   * phase of a run is findable in the Spark UI and history server; the previous description is
   * restored afterwards.
   */
  public <T> T phase(String phase, Supplier<T> work) {
    String previous = spark.sparkContext().getLocalProperty("spark.job.description");
    spark.sparkContext().setJobDescription(command + " " + runId + ": " + phase);
    long start = System.nanoTime();
    try {
      return work.get();
    } finally {
      spark.sparkContext().setJobDescription(previous);
      LOG.info(
          "{} {}: {} took {} s",
          command,
          runId,
          phase,
          String.format(java.util.Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
    }
  }

  /** {@link #phase(String, Supplier)} for work without a result. */
  public void phase(String phase, Runnable work) {
    phase(
        phase,
        () -> {
          work.run();
          return null;
        });
  }
}
