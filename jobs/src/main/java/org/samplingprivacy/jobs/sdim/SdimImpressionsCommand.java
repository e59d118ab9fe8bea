package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.udfs.StableHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sdim-impressions}: CTR impressions derived from a purchase or click log that has none
 * (docs/design/sdim.md §4, the DIN/Amazon construction): every behaviour with at least one strictly
 * earlier behaviour of the same user is a positive (label 1) at its time; each positive gets {@code
 * --negatives} negatives at the same time, items drawn by popularity (their share of all
 * behaviours) among items the user had not engaged with before that time. Draws are keyed by (user,
 * time, item, draw, seed) and made in one per-user sorted sweep, so the output does not depend on
 * partitioning. Output columns: the log's user, time and item columns (same names and time type)
 * and {@code label}. The labels are synthetic: say so wherever they are used.
 */
@Command(
    name = "sdim-impressions",
    description =
        "Derive labelled impressions (next behaviours as positives, "
            + "popularity-sampled negatives) from a behaviour log.")
public final class SdimImpressionsCommand extends JobCommand {
  @picocli.CommandLine.Mixin BehaviorLogOptions log;

  @Option(
      names = "--negatives",
      paramLabel = "K",
      defaultValue = "2",
      description = "Negatives per positive.")
  int negatives;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--behaviors", log.behaviors);
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--negatives", negatives, 0, 1000);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    BehaviorLogOptions.Log behaviours = log.read(ctx);
    SourceTable beh = behaviours.table();
    Dataset<Row> events = behaviours.events();
    List<Row> popularity =
        ctx.phase(
            "item popularity",
            () ->
                events
                    .groupBy("i")
                    .count()
                    .orderBy("i")
                    .collectAsList()); // one row per item: the sampling distribution (small next to
    // the log)
    String[] items = popularity.stream().map(r -> r.getString(0)).toArray(String[]::new);
    double[] cdf = new double[items.length];
    double total = popularity.stream().mapToLong(r -> r.getLong(1)).sum();
    double acc = 0;
    for (int k = 0; k < items.length; k++) {
      acc += popularity.get(k).getLong(1) / total;
      cdf[k] = acc;
    }
    // The log's own column names, so the feature commands read both tables with one set of --*-col
    // options.
    StructType schema =
        new StructType()
            .add(log.userCol, DataTypes.StringType, false)
            .add(log.timeCol, beh.data().schema().apply(log.timeCol).dataType(), false)
            .add(log.itemCol, DataTypes.StringType, false)
            .add(SdimTables.IMPRESSIONS.columns().apply("label"));
    long seed = ctx.seed();
    int k = negatives;
    return Plan.builder()
        .step(
            "positives: behaviours with an earlier behaviour of the same user; "
                + k
                + " popularity-sampled negatives each over "
                + items.length
                + " items")
        .write(common.output, out)
        .then(
            c -> {
              Broadcast<String[]> bItems =
                  c.spark()
                      .sparkContext()
                      .broadcast(items, scala.reflect.ClassTag$.MODULE$.apply(String[].class));
              Broadcast<double[]> bCdf =
                  c.spark()
                      .sparkContext()
                      .broadcast(cdf, scala.reflect.ClassTag$.MODULE$.apply(double[].class));
              Dataset<Row> result =
                  events
                      .repartition(col("u"))
                      .sortWithinPartitions("u", "t", "i")
                      .mapPartitions(
                          (MapPartitionsFunction<Row, Row>)
                              rows -> derive(rows, bItems.value(), bCdf.value(), k, seed),
                          Encoders.row(schema));
              c.write(SdimTables.IMPRESSIONS, result, common.output, out);
              spec.commandLine().getOut().println("derived impressions into " + common.output);
            });
  }

  /**
   * Streams the partition: only the current user's earlier items and one behaviour's output are
   * held.
   */
  private static Iterator<Row> derive(
      Iterator<Row> rows, String[] items, double[] cdf, int k, long seed) {
    return new Iterator<>() {
      final java.util.ArrayDeque<Row> pending = new java.util.ArrayDeque<>();
      final Set<String> before = new HashSet<>();
      final List<String> sameTime = new ArrayList<>();
      String user;
      double time = Double.NaN;

      @Override
      public boolean hasNext() {
        while (pending.isEmpty() && rows.hasNext()) {
          step(rows.next());
        }
        return !pending.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return pending.removeFirst();
      }

      private void step(Row r) {
        String u = r.getString(0);
        double o = r.getDouble(1);
        String item = r.getString(3);
        if (!u.equals(user)) {
          user = u;
          before.clear();
          sameTime.clear();
          time = o;
        } else if (o != time) {
          before.addAll(sameTime); // only behaviours at earlier times count: strict <
          sameTime.clear();
          time = o;
        }
        if (!before.isEmpty()) {
          pending.add(RowFactory.create(u, r.get(2), item, 1));
          for (int j = 0; j < k; j++) {
            for (int attempt = 0; attempt < 1000; attempt++) {
              long key =
                  StableHash.hash64(
                      u + "\u0000" + o + "\u0000" + item + "\u0000" + j + "\u0000" + attempt, seed);
              int pick = Arrays.binarySearch(cdf, StableHash.uniform(key, seed));
              pick = Math.min(items.length - 1, pick < 0 ? -pick - 1 : pick);
              if (!before.contains(items[pick]) && !items[pick].equals(item)) {
                pending.add(RowFactory.create(u, r.get(2), items[pick], 0));
                break;
              }
            }
          }
        }
        sameTime.add(item);
      }
    };
  }
}
