package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.TableChecks;

/**
 * What every SDIM sweep reads (docs/design/sdim.md §2.3): impressions and behaviours as one event
 * stream (user, time, kind, item, impression payload), joined to the item embeddings and
 * signatures, checked, and {@link #sorted} by user and time with impressions before behaviours at
 * equal times. The sweep commands and the benchmarks' I/O floor start from the same input.
 */
record SweepInput(
    SourceTable impressions,
    Dataset<Row> joined,
    StructType payloadType,
    long impressionCount,
    int dim,
    int bucketSpace) {

  /** Reads, joins and checks the three tables; exit 2 (InputException) on bad input. */
  static SweepInput prepare(
      JobContext ctx, BehaviorLogOptions log, String impressions, String signatures) {
    SourceTable imp = ctx.read("--impressions", impressions);
    SourceTable beh = ctx.read("--behaviors", log.behaviors);
    SourceTable sig = ctx.read("--signatures", signatures);
    String it = "--impressions " + impressions;
    String bt = "--behaviors " + log.behaviors;
    String st = "--signatures " + signatures;
    TableChecks.requireColumns(imp.data(), it, List.of(log.userCol, log.timeCol, log.itemCol));
    TableChecks.requireColumns(beh.data(), bt, List.of(log.userCol, log.timeCol, log.itemCol));
    TableChecks.requireColumns(sig.data(), st, List.of("item", "embedding", "signatures"));
    Column impTime = SdimColumns.time(imp.data(), it, "--time-col", log.timeCol);
    Column behTime = SdimColumns.time(beh.data(), bt, "--time-col", log.timeCol);
    Dataset<Row> sigs =
        sig.data()
            .select(
                col("item").cast("string").as("s_item"),
                col("embedding").cast("array<double>").as("emb"),
                col("signatures").cast("array<int>").as("sig"));
    StructType payloadType = imp.data().schema();
    Dataset<Row> impRows =
        imp.data()
            .select(
                Columns.named(log.userCol).cast("string").as("u"),
                impTime.as("t"),
                lit(0).as("kind"),
                Columns.named(log.itemCol).cast("string").as("i"),
                struct(
                        Arrays.stream(imp.data().columns())
                            .map(c -> Columns.named(c))
                            .toArray(Column[]::new))
                    .as("p"));
    Dataset<Row> behRows =
        beh.data()
            .select(
                Columns.named(log.userCol).cast("string").as("u"),
                behTime.as("t"),
                lit(1).as("kind"),
                Columns.named(log.itemCol).cast("string").as("i"),
                lit(null).cast(payloadType).as("p"));
    Dataset<Row> joined =
        impRows.unionByName(behRows).join(sigs, col("i").equalTo(col("s_item")), "left");
    Row check =
        ctx.phase(
            "check inputs",
            () ->
                joined
                    .agg(
                        sum(when(col("u").isNull(), 1).otherwise(0)),
                            sum(when(col("t").isNull(), 1).otherwise(0)),
                        sum(when(col("emb").isNull(), 1).otherwise(0)),
                            functions.min(functions.size(col("emb"))),
                        functions.max(functions.size(col("emb"))),
                            sum(when(col("kind").equalTo(0), 1).otherwise(0)))
                    .first());
    if (check.isNullAt(5) || check.getLong(5) == 0) {
      throw new InputException(it + " has no rows");
    }
    if (check.getLong(0) > 0) {
      throw new InputException(
          it + " or " + bt + ": column '" + log.userCol + "' has " + check.getLong(0) + " nulls");
    }
    if (check.getLong(1) > 0) {
      throw new InputException(
          it
              + " or "
              + bt
              + ": column '"
              + log.timeCol
              + "' has "
              + check.getLong(1)
              + " null times");
    }
    if (check.getLong(2) > 0) {
      throw new InputException(
          check.getLong(2) + " impression or behaviour rows have an item missing from " + st);
    }
    if (check.getInt(3) != check.getInt(4)) {
      throw new InputException(
          st
              + ": embeddings have unequal lengths ("
              + check.getInt(3)
              + " to "
              + check.getInt(4)
              + ")");
    }
    int dim = check.getInt(3);
    int bucketSpace = 0;
    if (java.util.Arrays.asList(sig.data().columns()).contains("bits")) {
      Row bk =
          sig.data()
              .agg(functions.max(col("bits")), functions.max(functions.size(col("signatures"))))
              .first();
      if (!bk.isNullAt(0)
          && bk.getInt(0) <= 16
          && ((long) bk.getInt(1) << bk.getInt(0)) <= 65_536) {
        bucketSpace = 1 << bk.getInt(0);
      }
    }
    return new SweepInput(imp, joined, payloadType, check.getLong(5), dim, bucketSpace);
  }

  /**
   * The events repartitioned by user and sorted within partitions by (user, time, kind, item).
   * Ties: impressions (kind 0) before behaviours at the same time (strict <); behaviours at one
   * time by item, so a last-L window is the same whatever the input order.
   */
  Dataset<Row> sorted() {
    return joined
        .select("u", "t", "kind", "emb", "sig", "p", "i")
        .repartition(col("u"))
        .sortWithinPartitions("u", "t", "kind", "i");
  }
}
