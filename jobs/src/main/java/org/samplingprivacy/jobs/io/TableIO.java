package org.samplingprivacy.jobs.io;

import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.delta.DeltaLog;
import org.samplingprivacy.jobs.validate.InputException;
import scala.Option;

/**
 * The one place tables are read and written.
 *
 * <p>Reads: a Delta folder (pinned to its current version), Parquet, or CSV with a header row; the
 * format is detected from the path unless given. Writes: Delta by default (each write is one atomic
 * commit carrying the provenance JSON as {@code userMetadata}), Parquet on request, CSV or JSON
 * lines for export. Non-Delta writes go to a hidden staging folder beside the target and are
 * swapped in by rename, so readers never see a half-written output and a failed run leaves the
 * previous output in place (atomic where directory rename is, as on HDFS and local disks; use Delta
 * on object stores). An existing output that is not a table of the format being written is never
 * replaced.
 */
public final class TableIO {
  private static final String DELTA_LOG = "_delta_log";

  /** The provenance file of a Parquet, CSV or JSON output folder. */
  public static final String PROVENANCE_FILE = "_spp_provenance.json";

  private TableIO() {}

  /**
   * Reads the table at {@code path}; {@code option} names the option it came from, for messages.
   */
  public static SourceTable read(
      SparkSession spark, String option, String path, TableFormat format) {
    TableFormat f = locate(spark, option, path, format);
    try {
      return switch (f) {
        case DELTA -> {
          long version = deltaVersion(spark, path);
          Dataset<Row> df = spark.read().format("delta").option("versionAsOf", version).load(path);
          yield new SourceTable(path, f, version, df);
        }
        case PARQUET -> new SourceTable(path, f, -1, spark.read().parquet(path));
        case CSV -> {
          Dataset<Row> df = csvReader(spark).option("inferSchema", "true").csv(path);
          // Inference types every column of a header-only file as string: say what is wrong instead
          // of letting a
          // later check report a numeric column as "string". (Only all-string tables pay this
          // one-row look.)
          boolean allStrings =
              Arrays.stream(df.schema().fields())
                  .allMatch(
                      x -> x.dataType().equals(org.apache.spark.sql.types.DataTypes.StringType));
          if (allStrings && df.isEmpty()) {
            throw new InputException(option + " " + path + " has a header but no data rows");
          }
          yield new SourceTable(path, f, -1, df);
        }
        case JSON -> new SourceTable(path, f, -1, spark.read().json(path));
      };
    } catch (InputException e) {
      throw e;
    } catch (Exception e) {
      throw new InputException(
          option + " " + path + " could not be read as " + f.id() + ": " + firstLine(e), e);
    }
  }

  /**
   * The format of the table at {@code path} ({@code format} checked, or detected when null) from
   * the file system's metadata alone: no data file is opened, so a job can check its input exists
   * before it may read it.
   */
  public static TableFormat locate(
      SparkSession spark, String option, String path, TableFormat format) {
    if (path == null || path.isBlank()) {
      throw new InputException("missing required option " + option);
    }
    return format != null ? checkFormat(spark, option, path, format) : detect(spark, option, path);
  }

  /** The CSV reader every job uses: header row, RFC 4180 quoting, empty field = null. */
  public static DataFrameReader csvReader(SparkSession spark) {
    return spark
        .read()
        .option("header", "true")
        .option("multiLine", "false")
        .option("escape", "\"")
        .option("mode", "PERMISSIVE");
  }

  /** Detects the format of an existing table path, or fails naming {@code option} and the path. */
  public static TableFormat detect(SparkSession spark, String option, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoopConf(spark));
      if (!fs.exists(p)) {
        throw new InputException(option + " " + path + " does not exist");
      }
      FileStatus st = fs.getFileStatus(p);
      if (st.isFile()) {
        TableFormat byName = byExtension(p.getName());
        if (byName == null) {
          throw new InputException(
              option
                  + " "
                  + path
                  + " is not a table: a file that is not .csv, .csv.gz, "
                  + ".parquet or .json");
        }
        return byName;
      }
      if (fs.exists(new Path(p, DELTA_LOG))) {
        return TableFormat.DELTA;
      }
      TableFormat inside = scanDirectory(fs, p, 3);
      if (inside == null) {
        throw new InputException(
            option
                + " "
                + path
                + " is not a table: no "
                + DELTA_LOG
                + ", Parquet, CSV or JSON files in it");
      }
      return inside;
    } catch (IOException e) {
      throw new InputException(option + " " + path + " cannot be accessed: " + e.getMessage(), e);
    }
  }

  private static TableFormat checkFormat(
      SparkSession spark, String option, String path, TableFormat wanted) {
    TableFormat found = detect(spark, option, path);
    if (found != wanted) {
      throw new InputException(
          option + " " + path + " is a " + found.id() + " table, not " + wanted.id());
    }
    return found;
  }

  private static TableFormat byExtension(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".csv") || n.endsWith(".csv.gz") || n.endsWith(".csv.bz2")) {
      return TableFormat.CSV;
    }
    if (n.endsWith(".parquet")) {
      return TableFormat.PARQUET;
    }
    if (n.endsWith(".json") || n.endsWith(".jsonl") || n.endsWith(".json.gz")) {
      return TableFormat.JSON;
    }
    return null;
  }

  private static TableFormat scanDirectory(FileSystem fs, Path dir, int depth) throws IOException {
    FileStatus[] children =
        fs.listStatus(
            dir, path -> !path.getName().startsWith(".") && !path.getName().startsWith("_"));
    Arrays.sort(children);
    for (FileStatus c : children) {
      if (c.isFile()) {
        TableFormat f = byExtension(c.getPath().getName());
        if (f != null) {
          return f;
        }
      }
    }
    if (depth > 0) {
      for (FileStatus c : children) {
        if (c.isDirectory() && c.getPath().getName().contains("=")) {
          TableFormat f = scanDirectory(fs, c.getPath(), depth - 1);
          if (f != null) {
            return f;
          }
        }
      }
    }
    return null;
  }

  /**
   * Writes {@code df} to {@code path}. In {@link WriteMode#SLICE} a {@code run_id} column is added
   * and only that run's slice is replaced. Returns the Delta version committed, or -1 for other
   * formats.
   */
  public static long write(Dataset<Row> df, String path, WriteSpec spec) {
    SparkSession spark = df.sparkSession();
    requireOwnTable(spark, "output", path);
    checkReplaceable(spark, path, spec.format());
    Dataset<Row> out = df;
    if (spec.mode() == WriteMode.SLICE) {
      if (Arrays.asList(df.columns()).contains(WriteMode.RUN_ID_COLUMN)) {
        throw new InputException(
            "--write-mode slice adds a "
                + WriteMode.RUN_ID_COLUMN
                + " column to "
                + path
                + ", but the rows already have one (rename it, or use --write-mode replace)");
      }
      out = df.withColumn(WriteMode.RUN_ID_COLUMN, lit(spec.runId()));
    }
    switch (spec.format()) {
      case DELTA -> {
        DataFrameWriter<Row> w =
            out.write()
                .format("delta")
                .mode(SaveMode.Overwrite)
                .option("userMetadata", spec.provenance().toJson());
        if (Arrays.stream(out.columns()).anyMatch(c -> c.matches(".*[ ,;{}()\\n\\t=].*"))) {
          // Delta stores such names (e.g. "Customer ID" from a CSV header) only with column mapping
          // by name.
          w =
              w.option("delta.columnMapping.mode", "name")
                  .option("delta.minReaderVersion", "2")
                  .option("delta.minWriterVersion", "5");
        }
        if (spec.mode() == WriteMode.SLICE) {
          // Run ids are restricted to [A-Za-z0-9_.:+-] (Params.requireRunId), so quoting is safe.
          w =
              w.partitionBy(WriteMode.RUN_ID_COLUMN)
                  .option("replaceWhere", WriteMode.RUN_ID_COLUMN + " = '" + spec.runId() + "'");
        } else {
          w = w.option("overwriteSchema", "true");
        }
        w.save(path);
        return deltaVersion(spark, path);
      }
      case PARQUET, CSV, JSON -> {
        Path target = new Path(path);
        if (spec.mode() == WriteMode.SLICE) {
          target =
              new Path(
                  target,
                  WriteMode.RUN_ID_COLUMN
                      + "="
                      + ExternalCatalogUtils.escapePathName(spec.runId()));
          out = df;
        }
        Dataset<Row> data = out;
        stagedSwap(
            spark,
            target,
            staging -> {
              writeFiles(data, spec, staging);
              writeProvenance(spark, staging, spec.provenance());
            });
        return -1;
      }
      default -> throw new IllegalStateException("unreachable");
    }
  }

  /**
   * Reads the Delta table at {@code path} if there is one; empty if nothing exists there. Anything
   * else at the path is bad input. For small append-only tables a job consults before it runs (the
   * privacy budget ledger).
   */
  public static java.util.Optional<Dataset<Row>> readDeltaIfExists(
      SparkSession spark, String option, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoopConf(spark));
      if (!fs.exists(p) || (fs.getFileStatus(p).isDirectory() && fs.listStatus(p).length == 0)) {
        return java.util.Optional.empty();
      }
      Path log = new Path(p, DELTA_LOG);
      if (!fs.exists(log)) {
        throw new InputException(option + " " + path + " exists but is not a Delta table");
      }
      if (fs.listStatus(log, f -> f.getName().endsWith(".json") || f.getName().endsWith(".parquet"))
              .length
          == 0) {
        return java.util.Optional.empty(); // being created by another process: no commit yet
      }
    } catch (IOException e) {
      throw new InputException(option + " " + path + " cannot be accessed: " + e.getMessage(), e);
    }
    return java.util.Optional.of(spark.read().format("delta").load(path));
  }

  /**
   * Merges {@code source} into the Delta table at {@code path} on {@code condition} (aliases {@code
   * t} for the table, {@code s} for the source) with the given clauses, as one commit carrying
   * {@code provenance}.
   */
  public static long merge(
      Dataset<Row> source,
      String path,
      String condition,
      java.util.function.UnaryOperator<io.delta.tables.DeltaMergeBuilder> clauses,
      Provenance provenance) {
    SparkSession spark = source.sparkSession();
    withCommitMetadata(
        spark,
        provenance,
        () ->
            clauses
                .apply(
                    io.delta.tables.DeltaTable.forPath(spark, path)
                        .as("t")
                        .merge(source.as("s"), condition))
                .execute());
    return deltaVersion(spark, path);
  }

  /**
   * Appends {@code rows} to the Delta table at {@code path} as an idempotent write of application
   * {@code appId} at {@code version} (Delta's txnAppId/txnVersion): Delta skips the write if that
   * application has already committed this or a later version, and fails it with a
   * ConcurrentTransactionException if a concurrent commit of the same application wins. Used as a
   * compare-and-set: the caller checks afterwards whether its rows landed.
   */
  public static void appendIdempotent(
      Dataset<Row> rows, String path, String appId, long version, Provenance provenance) {
    rows.coalesce(1)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("txnAppId", appId)
        .option("txnVersion", version)
        .option("mergeSchema", "true")
        .option("userMetadata", provenance.toJson())
        .save(path);
  }

  /** The current version of the Delta table at {@code path}, or -1 if there is none yet. */
  public static long deltaVersion(SparkSession spark, String path) {
    return DeltaLog.forTable(spark, path).update(false, Option.empty(), Option.empty()).version();
  }

  /**
   * The commit metadata ({@code userMetadata}, empty if none) of every commit of the Delta table at
   * {@code path} after version {@code after}, read from the transaction log without a Spark job.
   */
  public static java.util.List<String> commitsSince(SparkSession spark, String path, long after) {
    deltaVersion(spark, path); // brings the log's snapshot up to date
    DeltaLog log = DeltaLog.forTable(spark, path);
    java.util.List<String> out = new java.util.ArrayList<>();
    scala.collection.Iterator<
            scala.Tuple2<Object, scala.collection.Seq<org.apache.spark.sql.delta.actions.Action>>>
        changes = log.getChanges(after + 1, false);
    while (changes.hasNext()) {
      scala.collection.Iterator<org.apache.spark.sql.delta.actions.Action> actions =
          changes.next()._2().iterator();
      while (actions.hasNext()) {
        if (actions.next() instanceof org.apache.spark.sql.delta.actions.CommitInfo info) {
          out.add(info.userMetadata().isDefined() ? info.userMetadata().get() : "");
        }
      }
    }
    return out;
  }

  /**
   * Appends {@code rows} to the Delta table at {@code path} as one blind append (it conflicts with
   * no other).
   */
  public static void append(Dataset<Row> rows, String path, Provenance provenance) {
    rows.coalesce(1)
        .write()
        .format("delta")
        .mode(SaveMode.Append)
        .option("mergeSchema", "true")
        .option("userMetadata", provenance.toJson())
        .save(path);
  }

  private static void withCommitMetadata(
      SparkSession spark, Provenance provenance, Runnable commit) {
    String key = "spark.databricks.delta.commitInfo.userMetadata";
    String previous = spark.conf().getOption(key).getOrElse(() -> null);
    spark.conf().set(key, provenance.toJson());
    try {
      commit.run();
    } finally {
      if (previous == null) {
        spark.conf().unset(key);
      } else {
        spark.conf().set(key, previous);
      }
    }
  }

  /**
   * Writes one file (CSV with header, or JSON lines) at {@code path} instead of a folder of part
   * files, for handing a small result to tools that take a single file. The data pass through one
   * task, so this is for small tables.
   */
  public static void writeSingleFile(Dataset<Row> df, String path, TableFormat format) {
    SparkSession spark = df.sparkSession();
    Path target = new Path(path);
    try {
      FileSystem fs = target.getFileSystem(hadoopConf(spark));
      if (fs.exists(target) && !fs.getFileStatus(target).isFile()) {
        throw new InputException(
            "--output " + path + " exists and is a folder; --single-file writes a file");
      }
      Path parent = target.getParent() == null ? new Path(".") : target.getParent();
      fs.mkdirs(parent);
      Path staging = new Path(parent, ".spp-staging-" + target.getName() + "-" + UUID.randomUUID());
      try {
        writeFiles(
            df.coalesce(1),
            new WriteSpec(format, WriteMode.REPLACE, "single", null),
            staging.toString());
        FileStatus[] parts = fs.globStatus(new Path(staging, "part-*"));
        if (parts == null || parts.length != 1) {
          throw new IllegalStateException("expected one part file in " + staging);
        }
        Path moved = new Path(parent, ".spp-file-" + target.getName() + "-" + UUID.randomUUID());
        rename(fs, parts[0].getPath(), moved);
        fs.delete(target, false);
        rename(fs, moved, target);
      } finally {
        fs.delete(staging, true);
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing " + path + " failed: " + e.getMessage(), e);
    }
  }

  private static void writeFiles(Dataset<Row> df, WriteSpec spec, String staging) {
    DataFrameWriter<Row> w = df.write().mode(SaveMode.ErrorIfExists);
    switch (spec.format()) {
      case PARQUET -> w.parquet(staging);
      case CSV -> w.option("header", "true").option("escape", "\"").csv(staging);
      case JSON -> w.json(staging);
      default -> throw new IllegalStateException("not a file format: " + spec.format());
    }
  }

  /**
   * Non-Delta outputs carry their provenance in a {@value #PROVENANCE_FILE} beside the data
   * (Spark's readers skip files whose names start with an underscore).
   */
  private static void writeProvenance(SparkSession spark, String folder, Provenance provenance)
      throws IOException {
    Path p = new Path(folder, PROVENANCE_FILE);
    try (java.io.OutputStream o = p.getFileSystem(hadoopConf(spark)).create(p, true)) {
      o.write(provenance.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private interface Writer {
    void write(String staging) throws IOException;
  }

  private static void stagedSwap(SparkSession spark, Path target, Writer writer) {
    try {
      FileSystem fs = target.getFileSystem(hadoopConf(spark));
      Path parent = target.getParent() == null ? new Path(".") : target.getParent();
      fs.mkdirs(parent);
      String tag = target.getName() + "-" + UUID.randomUUID();
      Path staging = new Path(parent, ".spp-staging-" + tag);
      try {
        writer.write(staging.toString());
        Path trash = null;
        if (fs.exists(target)) {
          trash = new Path(parent, ".spp-trash-" + tag);
          rename(fs, target, trash);
        }
        try {
          rename(fs, staging, target);
        } catch (IOException e) {
          if (trash != null) {
            fs.rename(trash, target);
          }
          throw e;
        }
        if (trash != null) {
          fs.delete(trash, true);
        }
      } finally {
        if (fs.exists(staging)) {
          fs.delete(staging, true);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("writing " + target + " failed: " + e.getMessage(), e);
    }
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("could not rename " + from + " to " + to);
    }
  }

  /**
   * Refuses to replace an existing path that is not a table of {@code format} (or an empty folder).
   */
  /**
   * Refuses to let a write replace {@code path} unless it is absent, an empty folder, or a table
   * this project wrote: a Delta table (a {@code _delta_log}), or a Parquet/CSV/JSON folder holding
   * the {@value #PROVENANCE_FILE} marker every file output gets (for sliced outputs, in each {@code
   * run_id=} folder). A folder that merely contains a {@code .parquet} or {@code .csv} file next to
   * other files is somebody else's, and replacing it would delete them.
   */
  public static void requireOwnTable(SparkSession spark, String option, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoopConf(spark));
      if (!fs.exists(p)) {
        return;
      }
      FileStatus st = fs.getFileStatus(p);
      if (!st.isDirectory()) {
        throw new InputException(
            option + " " + path + " is a file, not a table folder; refusing to replace it");
      }
      FileStatus[] children = fs.listStatus(p);
      if (children.length == 0
          || fs.exists(new Path(p, DELTA_LOG))
          || fs.exists(new Path(p, PROVENANCE_FILE))) {
        return;
      }
      boolean sliced = true;
      for (FileStatus c : children) {
        String name = c.getPath().getName();
        if (name.startsWith(".") || name.startsWith("_")) {
          continue;
        }
        sliced &=
            c.isDirectory()
                && name.startsWith(WriteMode.RUN_ID_COLUMN + "=")
                && fs.exists(new Path(c.getPath(), PROVENANCE_FILE));
      }
      if (!sliced) {
        throw new InputException(
            option
                + " "
                + path
                + " exists and is not a table this project wrote (no "
                + DELTA_LOG
                + " and no "
                + PROVENANCE_FILE
                + "); refusing to replace it: remove it or choose another path");
      }
    } catch (IOException e) {
      throw new InputException(option + " " + path + " cannot be accessed: " + e.getMessage(), e);
    }
  }

  static void checkReplaceable(SparkSession spark, String path, TableFormat format) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(hadoopConf(spark));
      if (!fs.exists(p)) {
        return;
      }
      FileStatus st = fs.getFileStatus(p);
      if (st.isDirectory() && fs.listStatus(p).length == 0) {
        return;
      }
      boolean delta = st.isDirectory() && fs.exists(new Path(p, DELTA_LOG));
      TableFormat found =
          delta ? TableFormat.DELTA : st.isDirectory() ? scanDirectory(fs, p, 3) : null;
      if (found != format) {
        throw new InputException(
            "--output "
                + path
                + " exists and is not a "
                + format.id()
                + " table; refusing to replace it");
      }
    } catch (IOException e) {
      throw new InputException("--output " + path + " cannot be accessed: " + e.getMessage(), e);
    }
  }

  /**
   * The Delta commits of {@code path}, newest first, as Spark's {@code DESCRIBE HISTORY} gives
   * them.
   */
  public static Dataset<Row> history(SparkSession spark, String path) {
    return io.delta.tables.DeltaTable.forPath(spark, path).history();
  }

  public static Configuration hadoopConf(SparkSession spark) {
    return spark.sessionState().newHadoopConf();
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Output settings of one write. */
  public record WriteSpec(
      TableFormat format, WriteMode mode, String runId, Provenance provenance) {}
}
