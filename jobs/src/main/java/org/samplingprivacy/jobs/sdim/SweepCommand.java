package org.samplingprivacy.jobs.sdim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Option;

/**
 * The point-in-time sweep shared by {@code sdim-features} and {@code target-attention-features}:
 * impressions and behaviours (both joined to the signature table for their embeddings) are unioned,
 * repartitioned by user and sorted within partitions by (user, time, kind) with impressions before
 * behaviours at equal times, so each impression sees exactly the behaviours strictly before it. One
 * pass walks each user's stream keeping running state ({@link UserState}); nothing is grouped in
 * memory, so a user with 10⁵ events costs only that state.
 */
abstract class SweepCommand extends JobCommand {
  @picocli.CommandLine.Mixin BehaviorLogOptions log;

  @Option(
      names = "--impressions",
      paramLabel = "PATH",
      description = "Impressions: user, time, candidate item, label, ...")
  String impressions;

  @Option(
      names = "--signatures",
      paramLabel = "PATH",
      description = "Item signatures from sdim-signatures.")
  String signatures;

  @Option(
      names = "--max-length",
      paramLabel = "L",
      description = "Use only the last L behaviours before each impression.")
  Integer maxLength;

  @Option(
      names = "--ttl",
      paramLabel = "DURATION",
      description =
          "Use only behaviours at most this long before each impression (Feast's TTL): a number in"
              + " the time column's units for numeric times, or 30d, 12h, 15m, 45s for timestamps"
              + " (whole days, 7d, for dates). A behaviour at b counts for an impression at t iff"
              + " t - ttl <= b < t. Combines with --max-length (both must hold).")
  String ttl;

  /**
   * The feature columns this command adds, after the impression's columns, {@code candidate} and
   * {@code n_hist}.
   */
  abstract TableContract contract();

  /** The sweep's state settings: whether bucket sums and/or the behaviour list are kept. */
  abstract boolean keepSums();

  abstract boolean keepHistory();

  /**
   * Feature values for one impression (candidate embedding and signatures) given the user's state.
   */
  interface FeatureFunction extends java.io.Serializable {
    Object[] apply(UserState state, double[] candidate, int[] candidateSignatures);
  }

  /** The feature computation, shipped to executors (so it must not capture the command). */
  abstract FeatureFunction featureFunction();

  void validateFeatureParameters() {}

  @Override
  protected final void validateParameters() {
    Params.requirePresent("--impressions", impressions);
    Params.requirePresent("--behaviors", log.behaviors);
    Params.requirePresent("--signatures", signatures);
    Params.requirePresent("--output", common.output);
    if (maxLength != null) {
      Params.requireInRange("--max-length", maxLength, 1, 100_000_000);
    }
    validateFeatureParameters();
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SweepInput in = SweepInput.prepare(ctx, log, impressions, signatures);
    double ttlUnits =
        ttl == null
            ? 0
            : SdimColumns.ttl(
                in.impressions().data(), "--impressions " + impressions, log.timeCol, "--ttl", ttl);
    TableContract contract = contract();
    StructType outSchema = new StructType(in.payloadType().fields());
    for (StructField f : contract.columns().fields()) {
      outSchema = outSchema.add(f);
    }
    StructType schema = outSchema;
    int window = maxLength == null ? 0 : maxLength;
    boolean sums = keepSums();
    boolean history = keepHistory();
    FeatureFunction fn = featureFunction();
    Plan.Builder steps =
        Plan.builder()
            .step(
                "read "
                    + in.impressionCount()
                    + " impressions, behaviours from "
                    + log.behaviors
                    + ", embeddings of dimension "
                    + in.dim()
                    + " and signatures from "
                    + signatures)
            .step(
                "one sorted sweep per user: each impression sees the behaviours strictly before it"
                    + (maxLength == null ? "" : " (the last " + maxLength + ")")
                    + (ttl == null ? "" : " within --ttl " + ttl))
            .write(common.output, out);
    return steps.then(
        c -> {
          Dataset<Row> sorted = in.sorted();
          int space = in.bucketSpace();
          Dataset<Row> result =
              sorted.mapPartitions(
                  (MapPartitionsFunction<Row, Row>)
                      rows -> sweep(rows, fn, window, ttlUnits, sums, history, space),
                  Encoders.row(schema));
          c.write(contract, result, common.output, out);
          c.report()
              .metric("dim", in.dim())
              .metric("impressions", in.impressionCount())
              .metric("max_length", maxLength == null ? "all" : maxLength)
              .metric("ttl", ttl == null ? "none" : ttl);
          spec.commandLine()
              .getOut()
              .println(
                  "wrote features of " + in.impressionCount() + " impressions to " + common.output);
        });
  }

  private static Iterator<Row> sweep(
      Iterator<Row> rows,
      FeatureFunction fn,
      int window,
      double ttl,
      boolean sums,
      boolean history,
      int bucketSpace) {
    return new Iterator<>() {
      String user;
      UserState state;
      Row next = advance();

      private Row advance() {
        while (rows.hasNext()) {
          Row r = rows.next();
          String u = r.getString(0);
          if (!u.equals(user)) {
            user = u;
            state = new UserState(window, ttl > 0, sums, history);
          }
          double[] emb = toDoubles(r.getList(3));
          int[] sig = toInts(r.getList(4));
          double t = r.getDouble(1);
          if (r.getInt(2) == 1) {
            state.add(new UserState.Behaviour(emb, sig, bucketSpace, t));
            continue;
          }
          if (ttl > 0) {
            state.expireBefore(t - ttl);
          }
          Row p = r.getStruct(5);
          List<Object> values = new ArrayList<>(p.size() + 4);
          for (int i = 0; i < p.size(); i++) {
            values.add(p.get(i));
          }
          values.add(emb);
          values.add(state.size());
          values.addAll(Arrays.asList(fn.apply(state, emb, sig)));
          return RowFactory.create(values.toArray());
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Row next() {
        Row r = next;
        next = advance();
        return r;
      }
    };
  }

  static double[] toDoubles(List<?> l) {
    double[] x = new double[l.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Number) l.get(i)).doubleValue();
    }
    return x;
  }

  static int[] toInts(List<?> l) {
    int[] x = new int[l.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Number) l.get(i)).intValue();
    }
    return x;
  }
}
