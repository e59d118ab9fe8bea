package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Option;

/**
 * The behaviour-log options every SDIM command shares (a picocli mixin): the log and its user, time
 * and item columns. The column options also name the impressions' columns where a command reads
 * both.
 */
public final class BehaviorLogOptions {
  @Option(
      names = "--behaviors",
      paramLabel = "PATH",
      description = "Behaviour log: user, time, item.")
  public String behaviors;

  @Option(
      names = "--user-col",
      paramLabel = "COL",
      defaultValue = "user",
      description = "User column.")
  public String userCol;

  @Option(
      names = "--time-col",
      paramLabel = "COL",
      defaultValue = "ts",
      description = "Time column: timestamp, date or number.")
  public String timeCol;

  @Option(
      names = "--item-col",
      paramLabel = "COL",
      defaultValue = "item",
      description = "Item column.")
  public String itemCol;

  /**
   * The log read and checked in one pass: events {@code (u, t, ts, i)} with u and i as strings, t
   * the time as an orderable double ({@link SdimColumns#time}) and ts the time column unchanged. An
   * empty log, or a null user, time or item, is bad input naming the column.
   */
  Log read(JobContext ctx) {
    SourceTable t = ctx.read("--behaviors", behaviors);
    String name = "--behaviors " + behaviors;
    TableChecks.requireColumns(t.data(), name, List.of(userCol, timeCol, itemCol));
    Column order = SdimColumns.time(t.data(), name, "--time-col", timeCol);
    Dataset<Row> events =
        t.data()
            .select(
                Columns.named(userCol).cast("string").as("u"),
                order.as("t"),
                Columns.named(timeCol).as("ts"),
                Columns.named(itemCol).cast("string").as("i"));
    Row c =
        ctx.phase(
            "check behaviours",
            () -> events.agg(count(lit(1)), nulls("u"), nulls("t"), nulls("i"), max("t")).first());
    if (c.getLong(0) == 0) {
      throw new InputException(name + " has no rows");
    }
    String[] cols = {userCol, timeCol, itemCol};
    for (int k = 0; k < 3; k++) {
      if (c.getLong(k + 1) > 0) {
        throw new InputException(
            name + " column '" + cols[k] + "' has " + c.getLong(k + 1) + " null values");
      }
    }
    return new Log(t, events, c.getLong(0), c.getDouble(4));
  }

  private static Column nulls(String c) {
    return sum(when(col(c).isNull(), 1).otherwise(0));
  }

  /** A checked log: the table, its events, their number and the latest time (order units). */
  record Log(SourceTable table, Dataset<Row> events, long rows, double maxTime) {}
}
