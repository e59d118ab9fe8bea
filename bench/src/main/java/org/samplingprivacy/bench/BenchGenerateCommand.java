package org.samplingprivacy.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-generate}: a large synthetic table for benchmarks, generated in the executors. Row
 * {@code id} and columns {@code c0..c(k-1)}; every value is a function of (id, column, seed)
 * through xxHash64, so the table is the same whatever the partitioning.
 */
@Command(
    name = "bench-generate",
    description = "Generate a synthetic table (Parquet by default) for benchmarks.")
public final class BenchGenerateCommand extends JobCommand {
  /** The row key, then one column per generated column (docs/tables.md §2.3). */
  public static final TableContract GENERATED =
      TableContract.withInputColumns(
          "bench-generate", new StructType().add("id", DataTypes.LongType, false));

  static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Number of rows.")
  long rows;

  @Option(
      names = "--columns",
      paramLabel = "K",
      defaultValue = "8",
      description = "Number of value columns.")
  int columns;

  @Option(
      names = "--distribution",
      paramLabel = "D1,D2,...",
      defaultValue = "normal",
      description =
          "Distribution per column, cycled over the columns: uniform, normal, lognormal, exponential, "
              + "pareto (tail index 1.5), int100 (integers 0-99), bit (0 or 1).")
  String distribution;

  @Option(
      names = "--partitions",
      paramLabel = "P",
      defaultValue = "8",
      description = "Output partitions (files).")
  int partitions;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--rows", rows, 1, Long.MAX_VALUE);
    Params.requireInRange("--columns", columns, 1, 10_000);
    Params.requireInRange("--partitions", partitions, 1, 100_000);
    for (String d : Params.requireList("--distribution", distribution)) {
      Params.requireOneOf(
          "--distribution",
          d,
          "uniform",
          "normal",
          "lognormal",
          "exponential",
          "pareto",
          "int100",
          "bit");
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.PARQUET, TableFormat.DELTA);
    List<String> dists = Params.requireList("--distribution", distribution);
    Dataset<Row> base = ctx.spark().range(0, rows, 1, partitions).toDF();
    List<Column> cols = new ArrayList<>();
    cols.add(col("id"));
    for (int j = 0; j < columns; j++) {
      cols.add(value(dists.get(j % dists.size()), j, ctx.seed()).as("c" + j));
    }
    Dataset<Row> table = base.select(cols.toArray(new Column[0]));
    return Plan.builder()
        .step(
            "generate "
                + rows
                + " rows x "
                + columns
                + " columns ("
                + distribution
                + ") in "
                + partitions
                + " partitions")
        .write(common.output, out)
        .then(
            c -> {
              c.write(GENERATED, table, common.output, out);
              c.report()
                  .metric("rows", rows)
                  .metric("columns", columns)
                  .metric("distribution", distribution);
            });
  }

  /** A uniform variate on [0, 1) from (id, column, stream, seed). */
  static Column uniform(int column, int stream, long seed) {
    return shiftrightunsigned(xxhash64(col("id"), lit(column), lit(stream), lit(seed)), 11)
        .multiply(lit(TWO_POW_MINUS_53));
  }

  static Column value(String distribution, int j, long seed) {
    Column u = uniform(j, 0, seed);
    return switch (distribution) {
      case "uniform" -> u;
      case "normal" -> normal(j, seed);
      case "lognormal" -> exp(normal(j, seed));
      case "exponential" -> log(lit(1.0).minus(u)).multiply(-1.0);
      case "pareto" -> pow(lit(1.0).minus(u), lit(-1.0 / 1.5));
      case "int100" -> floor(u.multiply(100)).cast("int");
      case "bit" -> floor(u.multiply(2)).cast("int");
      default -> throw new InputException("--distribution: unknown '" + distribution + "'");
    };
  }

  /**
   * Box-Muller: sqrt(-2 ln(1-u1)) cos(2 pi u2) is standard normal for independent uniforms u1, u2.
   */
  private static Column normal(int j, long seed) {
    Column r = sqrt(log(lit(1.0).minus(uniform(j, 0, seed))).multiply(-2.0));
    return r.multiply(cos(uniform(j, 1, seed).multiply(2 * Math.PI)));
  }
}
