package org.samplingprivacy.jobs.ambient;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ambient-study}: fits every mix of an {@code ambient-mix} table with a Gaussian mixture by
 * extreme deconvolution (each row's known σ) and, as the control, naive EM (σ ignored): the
 * noise-aware proxy learner of the data-mix study (docs/design/ambient-study.md §3). Scored on the
 * clean holdout by mean negative log-likelihood and a Fréchet distance in random Fourier features.
 * Strategy by size: mixes of at most {@code --task-rows} rows are fitted one per Spark task (rows
 * grouped by mix); larger ones one at a time with each EM iteration's E-step run over the rows in
 * executors and merged (sufficient statistics), the driver keeping only the k·d² parameters.
 */
@Command(
    name = "ambient-study",
    description =
        "Fit a noise-aware proxy learner (XD-EM) and naive EM to every data "
            + "mix; score them on the clean holdout.")
public final class AmbientStudyCommand extends JobCommand {
  @Option(
      names = "--mixes",
      paramLabel = "PATH",
      description = "Mixes table written by ambient-mix.")
  String mixes;

  @Option(
      names = "--manifest",
      paramLabel = "PATH",
      description = "Its manifest (default: <mixes>_manifest).")
  String manifest;

  @Option(
      names = "--holdout",
      paramLabel = "PATH",
      description = "Its clean holdout (default: <mixes>_holdout).")
  String holdout;

  @Option(
      names = "--learner",
      paramLabel = "L1,L2",
      defaultValue = "xd-em,naive-em",
      description =
          "Learners: xd-em (uses each row's sigma) and/or naive-em (treats noisy rows as clean).")
  String learners;

  @Option(
      names = "--components",
      paramLabel = "K",
      defaultValue = "5",
      description = "Mixture components.")
  int components;

  @Option(
      names = "--restarts",
      paramLabel = "R",
      defaultValue = "3",
      description =
          "k-means++ initialisations per fit (clean rows when there are enough); the best is kept.")
  int restarts;

  @Option(
      names = "--max-iterations",
      paramLabel = "N",
      defaultValue = "200",
      description = "EM iteration cap.")
  int maxIterations;

  @Option(
      names = "--tolerance",
      paramLabel = "T",
      defaultValue = "1e-6",
      description = "Stop when the mean log-likelihood changes by less than this (relative).")
  double tolerance;

  @Option(
      names = "--ridge",
      paramLabel = "R",
      defaultValue = "1e-6",
      description = "Added to covariance diagonals in each M-step (keeps them positive definite).")
  double ridge;

  @Option(
      names = "--task-rows",
      paramLabel = "N",
      defaultValue = "200000",
      description =
          "Mixes up to this size are fitted one per task; larger ones with distributed E-steps.")
  long taskRows;

  @Option(
      names = "--fd-features",
      paramLabel = "F",
      defaultValue = "64",
      description = "Random Fourier features of the Frechet distance.")
  int fdFeatures;

  @Option(
      names = "--holdout-rows",
      paramLabel = "N",
      defaultValue = "5000",
      description = "Holdout rows used for scoring (the first N by id; the driver holds them).")
  int holdoutRows;

  private List<String> learnerList;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--mixes", mixes);
    Params.requirePresent("--output", common.output);
    learnerList = Params.requireList("--learner", learners);
    for (String l : learnerList) {
      Params.requireOneOf("--learner", l, "xd-em", "naive-em");
    }
    Params.requireInRange("--components", components, 1, 1000);
    Params.requireInRange("--restarts", restarts, 1, 100);
    Params.requireInRange("--max-iterations", maxIterations, 1, 100_000);
    Params.requireInRange("--tolerance", tolerance, 0, 1);
    Params.requireInRange("--ridge", ridge, 0, 1e6);
    Params.requireInRange("--task-rows", taskRows, 1, Long.MAX_VALUE);
    Params.requireInRange("--fd-features", fdFeatures, 2, 4096);
    Params.requireInRange("--holdout-rows", holdoutRows, 10, 10_000_000);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable mixTable = ctx.read("--mixes", mixes);
    SourceTable man = ctx.read("--manifest", AmbientMixCommand.manifestPath(mixes, manifest));
    SourceTable hold = ctx.read("--holdout", AmbientMixCommand.holdoutPath(mixes, holdout));
    TableChecks.requireColumns(
        mixTable.data(), "--mixes " + mixes, List.of("mix_id", "is_noisy", "sigma", "vector"));
    TableChecks.requireColumns(
        man.data(),
        "--manifest",
        List.of("mix_id", "size", "clean_fraction", "sigma", "n_clean", "n_noisy"));
    TableChecks.requireColumns(hold.data(), "--holdout", List.of("sample_id", "vector"));
    List<Row> manifestRows =
        man.data()
            .select("mix_id", "size", "clean_fraction", "sigma", "n_clean", "n_noisy")
            .orderBy("size", "clean_fraction", "sigma")
            .collectAsList(); // one row per mix: small
    if (manifestRows.isEmpty()) {
      throw new InputException("--manifest has no mixes");
    }
    List<Row> heldRows =
        hold.data().orderBy("sample_id").limit(holdoutRows).select("vector").collectAsList();
    if (heldRows.size() < 2) {
      throw new InputException("--holdout has fewer than 2 rows");
    }
    double[][] held =
        heldRows.stream()
            .map(r -> AmbientMixCommand.toArray(r.getList(0)))
            .toArray(double[][]::new);
    List<Row> small = manifestRows.stream().filter(r -> r.getInt(1) <= taskRows).toList();
    List<Row> large = manifestRows.stream().filter(r -> r.getInt(1) > taskRows).toList();
    Plan.Builder steps =
        Plan.builder()
            .step(
                "read "
                    + manifestRows.size()
                    + " mixes from "
                    + mixes
                    + ", "
                    + held.length
                    + " holdout rows of dimension "
                    + held[0].length)
            .step(
                "fit "
                    + learnerList
                    + " with "
                    + components
                    + " components, "
                    + restarts
                    + " restarts: "
                    + small.size()
                    + " mixes one per task (<= "
                    + taskRows
                    + " rows), "
                    + large.size()
                    + " with distributed E-steps")
            .step(
                "score on the holdout (NLL, Frechet distance in "
                    + fdFeatures
                    + " random Fourier features); write "
                    + common.output
                    + " ("
                    + out.format().id()
                    + ")");
    return steps.then(
        c -> {
          long seed = c.seed();
          FrechetFeatures fd = FrechetFeatures.of(held, fdFeatures, seed);
          Settings settings =
              new Settings(
                  new XdEm.Settings(components, maxIterations, tolerance, restarts, ridge),
                  learnerList,
                  seed,
                  held,
                  fd);
          // Captured by the task closure (Java serialization): records are not Kryo-serialisable,
          // and the holdout
          // used for scoring is small (--holdout-rows).
          Map<String, Row> byId = new LinkedHashMap<>();
          manifestRows.forEach(r -> byId.put(r.getString(0), r));
          List<Row> results = new ArrayList<>();
          if (!small.isEmpty()) {
            List<String> ids = small.stream().map(r -> r.getString(0)).toList();
            Dataset<Row> rows =
                mixTable
                    .data()
                    .filter(col("mix_id").isin(ids.toArray()))
                    .select("mix_id", "sigma", "is_noisy", "vector", "sample_id");
            Map<String, Row> meta = new LinkedHashMap<>(byId);
            results.addAll(
                c.phase(
                    "fit " + small.size() + " mixes, one per task",
                    () ->
                        rows.groupByKey(
                                (MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
                            .flatMapGroups(
                                (FlatMapGroupsFunction<String, Row, Row>)
                                    (id, it) -> fitInTask(settings, meta.get(id), it).iterator(),
                                Encoders.row(AmbientTables.STUDY.columns()))
                            .collectAsList())); // one row per mix and learner
          }
          for (Row m : large) {
            results.addAll(
                c.phase(
                    "fit mix " + m.getString(0) + " with distributed E-steps",
                    () -> fitDistributed(mixTable.data(), m, settings)));
          }
          results.sort(
              (x, y) -> {
                int k = Integer.compare(x.getInt(1), y.getInt(1));
                k = k != 0 ? k : Double.compare(x.getDouble(2), y.getDouble(2));
                k = k != 0 ? k : Double.compare(x.getDouble(3), y.getDouble(3));
                return k != 0 ? k : x.getString(6).compareTo(y.getString(6));
              });
          c.write(
              AmbientTables.STUDY,
              c.spark().createDataFrame(results, AmbientTables.STUDY.columns()),
              common.output,
              out);
          report(c, results);
        });
  }

  /** What every task needs: fit settings, learners, seed, the holdout and the fixed embedding. */
  record Settings(
      XdEm.Settings fit, List<String> learners, long seed, double[][] holdout, FrechetFeatures fd)
      implements java.io.Serializable {}

  static List<Row> fitInTask(Settings s, Row meta, Iterator<Row> it) {
    List<Row> sorted = new ArrayList<>();
    it.forEachRemaining(sorted::add);
    // The order rows reach a group depends on the shuffle; initialisation picks rows by index, so
    // fix the order.
    sorted.sort((a, b) -> Long.compare(a.getLong(4), b.getLong(4)));
    List<XdEm.Row> rows = new ArrayList<>();
    List<double[]> clean = new ArrayList<>();
    for (Row r : sorted) {
      double[] y = AmbientMixCommand.toArray(r.getList(3));
      double sigma = r.getDouble(1);
      rows.add(new XdEm.Row(y, sigma * sigma));
      if (!r.getBoolean(2)) {
        clean.add(y);
      }
    }
    List<Row> out = new ArrayList<>();
    String id = meta.getString(0);
    long mixSeed = s.seed() ^ id.hashCode() * 0x9E3779B97F4A7C15L;
    for (String learner : s.learners()) {
      XdEm.Fit f = XdEm.fit(rows, clean, s.fit(), learner.equals("naive-em"), mixSeed);
      out.add(result(s, meta, learner, f, "one mix per task", mixSeed));
    }
    return out;
  }

  private static Row result(
      Settings s, Row meta, String learner, XdEm.Fit f, String strategy, long mixSeed) {
    double nll = -f.model().meanLogDensity(s.holdout());
    double[][] samples = f.model().sample(s.holdout().length, new SplittableRandom(mixSeed + 1));
    double fd = s.fd().distance(samples);
    return RowFactory.create(
        meta.getString(0),
        meta.getInt(1),
        meta.getDouble(2),
        meta.getDouble(3),
        meta.getInt(4),
        meta.getInt(5),
        learner,
        s.fit().components(),
        nll,
        fd,
        f.meanLogLik(),
        f.iterations(),
        f.converged(),
        strategy,
        s.seed());
  }

  /**
   * A large mix: initialised from a sample of its rows, each E-step a pass over the rows in
   * executors.
   */
  private static List<Row> fitDistributed(Dataset<Row> mixTable, Row meta, Settings s) {
    String id = meta.getString(0);
    JavaRDD<XdEm.Row> rows =
        mixTable
            .filter(col("mix_id").equalTo(id))
            .select("sigma", "vector")
            .javaRDD()
            .map(
                r ->
                    new XdEm.Row(
                        AmbientMixCommand.toArray(r.getList(1)), r.getDouble(0) * r.getDouble(0)))
            .persist(
                org.apache.spark.storage.StorageLevel
                    .MEMORY_ONLY()); // deserialized: no Kryo for records
    try {
      List<Row> out = new ArrayList<>();
      long mixSeed = s.seed() ^ id.hashCode() * 0x9E3779B97F4A7C15L;
      List<double[]> init =
          mixTable
              .filter(col("mix_id").equalTo(id).and(col("is_noisy").equalTo(false)))
              .orderBy("sample_id")
              .limit(20_000)
              .select("vector")
              .collectAsList()
              .stream()
              .map(r -> AmbientMixCommand.toArray(r.getList(0)))
              .toList();
      if (init.size() < s.fit().components()) {
        init =
            mixTable
                .filter(col("mix_id").equalTo(id))
                .orderBy("sample_id")
                .limit(20_000)
                .select("vector")
                .collectAsList()
                .stream()
                .map(r -> AmbientMixCommand.toArray(r.getList(0)))
                .toList();
      }
      for (String learner : s.learners()) {
        boolean naive = learner.equals("naive-em");
        double[] levels =
            naive
                ? new double[] {0}
                : rows.map(XdEm.Row::noiseVariance).distinct().collect().stream()
                    .mapToDouble(Double::doubleValue)
                    .sorted()
                    .toArray();
        XdEm.Fit best = null;
        SplittableRandom rng = new SplittableRandom(mixSeed);
        for (int r = 0; r < s.fit().restarts(); r++) {
          GaussianMixture start =
              XdEm.initialise(init, s.fit().components(), s.fit().ridge(), rng.split());
          XdEm.Fit f =
              XdEm.iterate(
                  start,
                  levels,
                  s.fit(),
                  (model, lv) ->
                      rows.mapPartitions(
                              it -> {
                                Iterator<XdEm.Row> src =
                                    naive
                                        ? new Iterator<>() {
                                          public boolean hasNext() {
                                            return it.hasNext();
                                          }

                                          public XdEm.Row next() {
                                            return new XdEm.Row(it.next().y(), 0);
                                          }
                                        }
                                        : it;
                                return Collections.singletonList(
                                        XdEm.accumulate(
                                            model, levels, XdEm.levels(model, levels), src))
                                    .iterator();
                              })
                          .treeReduce(XdEm.Stats::merge, 2));
          if (best == null || f.meanLogLik() > best.meanLogLik()) {
            best = f;
          }
        }
        out.add(result(s, meta, learner, best, "distributed E-step", mixSeed));
      }
      return out;
    } finally {
      rows.unpersist(false);
    }
  }

  private void report(JobContext c, List<Row> results) {
    List<List<Object>> table = new ArrayList<>();
    Map<String, Map<Double, List<double[]>>> curves = new LinkedHashMap<>();
    for (Row r : results) {
      table.add(
          List.of(
              r.getString(0),
              r.getInt(4),
              r.getInt(5),
              r.getDouble(3),
              r.getString(6),
              Numbers.sig4(r.getDouble(8)),
              Numbers.sig4(r.getDouble(9)),
              r.getInt(11),
              r.getString(13)));
      String group =
          r.getString(6)
              + (r.getDouble(2) == 1
                  ? " all clean"
                  : String.format(Locale.ROOT, " f=%s", Numbers.exact(r.getDouble(2))));
      curves
          .computeIfAbsent(group, k -> new LinkedHashMap<>())
          .computeIfAbsent(r.getDouble(2) == 1 ? -1.0 : r.getDouble(3), k -> new ArrayList<>())
          .add(new double[] {r.getInt(1), r.getDouble(9)});
    }
    SvgPlot plot =
        SvgPlot.xy(
                "Frechet distance (random Fourier features) on the holdout",
                "mix size",
                "Frechet distance")
            .logX()
            .logY();
    int lines = 0;
    for (Map.Entry<String, Map<Double, List<double[]>>> g : curves.entrySet()) {
      for (Map.Entry<Double, List<double[]>> s : g.getValue().entrySet()) {
        if (lines++ >= 12) {
          break;
        }
        List<double[]> pts = s.getValue();
        pts.sort((a, b) -> Double.compare(a[0], b[0]));
        plot.line(
            g.getKey() + (s.getKey() < 0 ? "" : " sigma=" + Numbers.exact(s.getKey())),
            pts.stream().mapToDouble(p -> p[0]).toArray(),
            pts.stream().mapToDouble(p -> Math.max(p[1], 1e-9)).toArray());
      }
    }
    c.report().plot(plot);
    c.report()
        .table(
            "Fits per mix",
            List.of(
                "mix",
                "clean",
                "noisy",
                "sigma",
                "learner",
                "holdout NLL",
                "Frechet (RFF)",
                "iterations",
                "strategy"),
            table);
    c.report()
        .metric("fits", results.size())
        .metric("components", components)
        .metric("learners", learnerList);
    c.report()
        .note(
            "The Frechet distance is computed in a fixed random-Fourier-feature embedding of the holdout, a "
                + "CPU stand-in for FID (not FID). Lower is better for both metrics.");
    spec.commandLine()
        .getOut()
        .println("fitted " + results.size() + " (mix, learner) pairs into " + common.output);
  }
}
