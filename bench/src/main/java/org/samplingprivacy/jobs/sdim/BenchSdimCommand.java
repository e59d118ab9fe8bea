package org.samplingprivacy.jobs.sdim;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.Main;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-sdim}: {@code sdim-features} against the baselines of docs/design/sdim.md §6, in one
 * JVM and Spark session: the I/O floor (the same read, join to the signatures, shuffle by user,
 * sort by (user, time, kind) and write of one row per impression, with no feature computation),
 * optionally {@code target-attention-features} over the same behaviours and the SQL formulation a
 * user would write ({@link SdimSql}). Prints each median time, the ratios, time per behaviour row
 * and per impression, and each run's peak JVM heap (in local mode the executors' heap).
 */
@Command(
    name = "bench-sdim",
    description =
        "Time sdim-features against its I/O floor (and optionally target attention and the SQL a"
            + " user would write) in one session; print the ratios.")
public final class BenchSdimCommand extends JobCommand {
  /** The floor's table: the impression columns, the candidate's embedding and n_hist. */
  public static final TableContract FLOOR =
      TableContract.withInputColumns(
          "bench-sdim/floor",
          new StructType()
              .add("candidate", DataTypes.createArrayType(DataTypes.DoubleType), false)
              .add("n_hist", DataTypes.LongType, false));

  @Mixin BehaviorLogOptions log;

  @Option(
      names = "--impressions",
      paramLabel = "PATH",
      description = "Impressions: user, ts, item, ...")
  String impressions;

  @Option(
      names = "--signatures",
      paramLabel = "PATH",
      description = "Item signatures from sdim-signatures.")
  String signatures;

  @Option(
      names = "--repeat",
      paramLabel = "K",
      defaultValue = "1",
      description = "Timed runs of each (median taken), after one untimed warm-up of the floor.")
  int repeat;

  @Option(
      names = "--attention",
      description = "Also time target-attention-features over the same behaviours.")
  boolean attention;

  @Option(
      names = "--sql",
      description =
          "Also time the SQL formulation (columns user, ts, item; O(B·L·K·d) shuffle: keep it small).")
  boolean sql;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--impressions", impressions);
    Params.requirePresent("--behaviors", log.behaviors);
    Params.requirePresent("--signatures", signatures);
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--repeat", repeat, 1, 20);
  }

  @Override
  protected Map<String, String> outputTables() {
    Map<String, String> m = new LinkedHashMap<>();
    for (String t : List.of("floor", "sdim-features", "target-attention-features", "sql")) {
      m.put(common.output + "/" + t, "--output");
    }
    return m;
  }

  @Override
  protected Plan plan(JobContext ctx) {
    SweepInput in = SweepInput.prepare(ctx, log, impressions, signatures);
    long behaviours = ctx.read("--behaviors", log.behaviors).data().count();
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA);
    return Plan.builder()
        .step(
            "inputs: "
                + behaviours
                + " behaviours, "
                + in.impressionCount()
                + " impressions, dimension "
                + in.dim())
        .step("floor: read, join, shuffle by user, sort, write one row per impression")
        .step("sdim-features (in this session, as a user runs it)")
        .stepIf(attention, "target-attention-features")
        .stepIf(sql, "the SQL formulation")
        .step("each " + repeat + " time(s); median; peak heap per run")
        .then(
            c -> {
              PrintWriter p = spec.commandLine().getOut();
              List<String> common = commonArgs();
              Runnable floor = () -> writeFloor(c, in, out);
              floor.run(); // warm-up: JIT and the first Delta commit
              Timing f = time(repeat, floor);
              Timing s = time(repeat, command("sdim-features", common));
              p.println(f.line("floor (read, join, shuffle, sort, write; no features)"));
              p.println(
                  s.line("sdim-features")
                      + String.format(
                          Locale.ROOT,
                          "; ratio sdim/floor %.2f; %.1f ns per behaviour row",
                          s.median / f.median,
                          s.median / behaviours * 1e9));
              c.report()
                  .metric("behaviours", behaviours)
                  .metric("impressions", in.impressionCount())
                  .metric("floor_seconds", f.median)
                  .metric("sdim_seconds", s.median)
                  .metric("ratio_sdim_floor", s.median / f.median)
                  .metric("sdim_ns_per_behaviour", s.median / behaviours * 1e9)
                  .metric("sdim_peak_heap_mib", s.peakMiB);
              if (attention) {
                Timing t = time(repeat, command("target-attention-features", common));
                p.println(
                    t.line("target-attention-features")
                        + String.format(
                            Locale.ROOT,
                            "; ratio TA/SDIM %.2f; %.1f µs per impression",
                            t.median / s.median,
                            t.median / in.impressionCount() * 1e6));
                c.report()
                    .metric("ta_seconds", t.median)
                    .metric("ratio_ta_sdim", t.median / s.median);
              }
              if (sql) {
                Timing q = time(repeat, () -> writeSql(c, in, out));
                p.println(
                    q.line("SQL formulation")
                        + String.format(Locale.ROOT, "; ratio SQL/SDIM %.2f", q.median / s.median));
                c.report()
                    .metric("sql_seconds", q.median)
                    .metric("ratio_sql_sdim", q.median / s.median);
              }
            });
  }

  private List<String> commonArgs() {
    return List.of(
        "--impressions",
        impressions,
        "--behaviors",
        log.behaviors,
        "--signatures",
        signatures,
        "--user-col",
        log.userCol,
        "--time-col",
        log.timeCol,
        "--item-col",
        log.itemCol);
  }

  /** The floor: the sweep's sorted input, each impression written with its history count. */
  private void writeFloor(JobContext c, SweepInput in, TableIO.WriteSpec out) {
    StructType schema = new StructType(in.payloadType().fields());
    for (StructField f : FLOOR.columns().fields()) {
      schema = schema.add(f);
    }
    Dataset<Row> rows =
        in.sorted()
            .mapPartitions(
                (MapPartitionsFunction<Row, Row>) BenchSdimCommand::floorRows,
                Encoders.row(schema));
    FLOOR.check(rows.schema());
    TableIO.write(rows, common.output + "/floor", out);
  }

  /** Impressions only, each with its payload, candidate and the count of earlier behaviours. */
  private static java.util.Iterator<Row> floorRows(java.util.Iterator<Row> it) {
    return new java.util.Iterator<>() {
      String user;
      long seen;
      Row next = advance();

      private Row advance() {
        while (it.hasNext()) {
          Row r = it.next();
          String u = r.getString(0);
          if (!u.equals(user)) {
            user = u;
            seen = 0;
          }
          if (r.getInt(2) == 1) {
            seen++;
            continue;
          }
          Row p = r.getStruct(5);
          Object[] v = new Object[p.size() + 2];
          for (int i = 0; i < p.size(); i++) {
            v[i] = p.get(i);
          }
          v[p.size()] = r.getSeq(3);
          v[p.size() + 1] = seen;
          return RowFactory.create(v);
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

  private void writeSql(JobContext c, SweepInput in, TableIO.WriteSpec out) {
    Dataset<Row> sig = c.read("--signatures", signatures).data();
    int k =
        sig.select(
                org.apache.spark.sql.functions.max(
                    org.apache.spark.sql.functions.size(sig.col("signatures"))))
            .first()
            .getInt(0);
    try (SdimSql q =
        SdimSql.features(
            c.spark(),
            in.impressions().data(),
            c.read("--behaviors", log.behaviors).data(),
            sig.select("item", "embedding", "signatures"),
            k,
            in.dim())) {
      TableIO.write(q.rows(), common.output + "/sql", out);
    }
  }

  private Runnable command(String name, List<String> args) {
    List<String> all = new ArrayList<>(List.of(name));
    all.addAll(args);
    all.addAll(List.of("--output", common.output + "/" + name));
    return () -> {
      StringWriter err = new StringWriter();
      int code =
          Main.run(
              new PrintWriter(new StringWriter()),
              new PrintWriter(err, true),
              all.toArray(new String[0]));
      if (code != 0) {
        throw new InputException(
            "bench-sdim: " + name + " exited " + code + ": " + err.toString().trim());
      }
    };
  }

  /**
   * Median wall time of {@code repeat} runs and the largest peak heap of any run (the sum of the
   * heap pools' peaks since a GC before the run: an upper bound of the live heap's peak).
   */
  private record Timing(double median, double[] runs, double peakMiB) {
    String line(String what) {
      return String.format(
          Locale.ROOT,
          "%s: median %.3f s of %s, peak heap %.0f MiB",
          what,
          median,
          Arrays.toString(Arrays.stream(runs).map(x -> Math.round(x * 1000) / 1000.0).toArray()),
          peakMiB);
    }
  }

  private static Timing time(int repeat, Runnable run) {
    double[] t = new double[repeat];
    double peak = 0;
    for (int i = 0; i < repeat; i++) {
      List<MemoryPoolMXBean> heap =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(m -> m.getType() == MemoryType.HEAP)
              .toList();
      System.gc();
      heap.forEach(MemoryPoolMXBean::resetPeakUsage);
      long t0 = System.nanoTime();
      run.run();
      t[i] = (System.nanoTime() - t0) / 1e9;
      peak =
          Math.max(
              peak, heap.stream().mapToLong(m -> m.getPeakUsage().getUsed()).sum() / 1048576.0);
    }
    double[] s = t.clone();
    Arrays.sort(s);
    double median =
        s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return new Timing(median, t, peak);
  }
}
