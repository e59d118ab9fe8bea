package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import scala.Tuple2;

/**
 * {@code sdim-bse}: the per-user bucket tables a serving system looks up (the paper's BSE module,
 * Cao et al. CIKM 2022 §3.4): for each user, signature and bucket, the sum of the embeddings of the
 * user's behaviours hashed there and their count, as of a time. A candidate's SDIM vector is then
 * the mean over signatures of the normalised sum in its bucket. Sums are linear, so {@code
 * --incremental} adds only the behaviours after the table's {@code as_of} with one Delta MERGE
 * (matched keys add, new keys insert, untouched keys move their {@code as_of}) and equals a
 * recompute.
 */
@Command(
    name = "sdim-bse",
    description = "Per-user SimHash bucket sums (SDIM's BSE tables), full or incremental.")
public final class SdimBseCommand extends JobCommand {
  @picocli.CommandLine.Mixin BehaviorLogOptions log;

  @Option(
      names = "--signatures",
      paramLabel = "PATH",
      description = "Item signatures from sdim-signatures.")
  String signatures;

  @Option(
      names = "--as-of",
      paramLabel = "TS",
      description =
          "Include behaviours with time <= TS (default: all). "
              + "A timestamp, date or number, as the time column.")
  String asOf;

  @Option(
      names = "--max-length",
      paramLabel = "L",
      description =
          "Only each user's last L behaviours (as of the "
              + "cut). Not with --incremental: old behaviours leaving the window are not in the table.")
  Integer maxLength;

  @Option(
      names = "--incremental",
      description = "Merge only the behaviours after the output's as_of into it.")
  boolean incremental;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--behaviors", log.behaviors);
    Params.requirePresent("--signatures", signatures);
    Params.requirePresent("--output", common.output);
    if (maxLength != null) {
      Params.requireInRange("--max-length", maxLength, 1, 100_000_000);
      if (incremental) {
        throw new InputException(
            "--incremental cannot keep a --max-length window: behaviours leaving the window "
                + "are not in the table (recompute instead)");
      }
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    BehaviorLogOptions.Log behaviours = log.read(ctx);
    SourceTable beh = behaviours.table();
    SourceTable sig = ctx.read("--signatures", signatures);
    TableChecks.requireColumns(
        sig.data(), "--signatures " + signatures, List.of("item", "embedding", "signatures"));
    Double cut = null;
    if (asOf != null) {
      Dataset<Row> one =
          ctx.spark()
              .range(1)
              .select(
                  lit(asOf)
                      .cast(beh.data().schema().apply(log.timeCol).dataType())
                      .as(log.timeCol));
      Row r = one.select(SdimColumns.time(one, "--as-of", "--as-of", log.timeCol)).first();
      if (r.isNullAt(0)) {
        throw new InputException(
            "--as-of '"
                + asOf
                + "' is not a value of the time column's type "
                + beh.data().schema().apply(log.timeCol).dataType().simpleString());
      }
      cut = r.getDouble(0);
    }
    Dataset<Row> events = behaviours.events();
    double asOfValue = cut != null ? cut : behaviours.maxTime();
    double from = Double.NEGATIVE_INFINITY;
    boolean exists = TableIO.readDeltaIfExists(ctx.spark(), "--output", common.output).isPresent();
    if (incremental && exists) {
      Row prev =
          ctx.spark()
              .read()
              .format("delta")
              .load(common.output)
              .agg(functions.min("as_of"), functions.max("as_of"))
              .first();
      if (!prev.isNullAt(0)) {
        if (prev.getDouble(0) != prev.getDouble(1)) {
          throw new InputException(
              "--output "
                  + common.output
                  + " has more than one as_of: not a table this "
                  + "command wrote");
        }
        from = prev.getDouble(0);
        if (asOfValue < from) {
          throw new InputException(
              "--as-of is before the table's as_of: an incremental update cannot go back");
        }
      }
    }
    double lo = from;
    double hi = asOfValue;
    Dataset<Row> window = events.filter(col("t").gt(lo).and(col("t").leq(hi)));
    if (maxLength != null) {
      window =
          window
              .withColumn(
                  "rn",
                  functions
                      .row_number()
                      .over(Window.partitionBy("u").orderBy(col("t").desc(), col("i").desc())))
              .filter(col("rn").leq(maxLength))
              .drop("rn");
    }
    Dataset<Row> joined =
        window.join(
            sig.data()
                .select(
                    col("item").cast("string").as("i"),
                    col("embedding").cast("array<double>").as("emb"),
                    col("signatures").cast("array<int>").as("sig")),
            "i");
    boolean merge = incremental && exists;
    Plan.Builder steps =
        Plan.builder()
            .step(
                "behaviours with "
                    + (Double.isInfinite(lo) ? "" : lo + " < ")
                    + "time <= "
                    + hi
                    + (maxLength == null ? "" : ", the last " + maxLength + " per user"))
            .step((merge ? "merge the sums into " : "write ") + common.output);
    return steps.then(
        c -> {
          JavaPairRDD<Tuple2<String, Long>, Tuple2<double[], Long>> sums =
              joined
                  .javaRDD()
                  .flatMapToPair(
                      r -> {
                        List<Tuple2<Tuple2<String, Long>, Tuple2<double[], Long>>> out =
                            new ArrayList<>();
                        double[] e = SweepCommand.toDoubles(r.getList(r.fieldIndex("emb")));
                        int[] s = SweepCommand.toInts(r.getList(r.fieldIndex("sig")));
                        for (int k = 0; k < s.length; k++) {
                          out.add(
                              new Tuple2<>(
                                  new Tuple2<>(
                                      r.getString(r.fieldIndex("u")), UserState.key(k, s[k])),
                                  new Tuple2<>(e, 1L)));
                        }
                        return out.iterator();
                      })
                  .reduceByKey(
                      (a, b) -> {
                        double[] v = a._1().clone();
                        for (int i = 0; i < v.length; i++) {
                          v[i] += b._1()[i];
                        }
                        return new Tuple2<>(v, a._2() + b._2());
                      });
          Dataset<Row> table =
              c.spark()
                  .createDataFrame(
                      sums.map(
                          t ->
                              RowFactory.create(
                                  t._1()._1(),
                                  (int) (t._1()._2() >>> 32),
                                  (int) (long) t._1()._2(),
                                  t._2()._1(),
                                  t._2()._2(),
                                  hi)),
                      SdimTables.BSE.columns());
          if (merge) {
            c.phase(
                "merge into " + common.output,
                () ->
                    TableIO.merge(
                        table,
                        common.output,
                        "t.user = s.user AND t.sig_idx = s.sig_idx AND t.bucket = s.bucket",
                        m ->
                            m.whenMatched()
                                .updateExpr(
                                    Map.of(
                                        "sum",
                                        "zip_with(t.sum, s.sum, (x, y) -> x + y)",
                                        "count",
                                        "t.count + s.count",
                                        "as_of",
                                        "s.as_of"))
                                .whenNotMatched()
                                .insertAll()
                                .whenNotMatchedBySource()
                                .updateExpr(Map.of("as_of", Double.toString(hi))),
                        c.provenance()));
          } else {
            c.write(SdimTables.BSE, table, common.output, c.writeSpec(TableFormat.DELTA));
          }
          c.report().metric("as_of", hi).metric("incremental", merge);
          spec.commandLine()
              .getOut()
              .println(
                  (merge ? "merged behaviours after " + lo + " into " : "wrote ")
                      + common.output
                      + " as of "
                      + hi);
        });
  }
}
