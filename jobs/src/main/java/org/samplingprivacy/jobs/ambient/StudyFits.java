package org.samplingprivacy.jobs.ambient;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The fits of {@code ambient-study} (docs/design/ambient-study.md §3): each mix with each learner
 * (XD-EM with the rows' σ, or naive EM), either in one Spark task per mix or, for a mix above
 * {@code --task-rows}, with each E-step a pass over its rows in executors; scored on the holdout by
 * NLL and the random-feature Fréchet distance.
 */
final class StudyFits {
  private StudyFits() {}

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
      double[] y = MixSampler.toArray(r.getList(3));
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

  static Row result(
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
  static List<Row> fitDistributed(Dataset<Row> mixTable, Row meta, Settings s) {
    String id = meta.getString(0);
    JavaRDD<XdEm.Row> rows =
        mixTable
            .filter(col("mix_id").equalTo(id))
            .select("sigma", "vector")
            .javaRDD()
            .map(
                r ->
                    new XdEm.Row(MixSampler.toArray(r.getList(1)), r.getDouble(0) * r.getDouble(0)))
            .persist(
                org.apache.spark.storage.StorageLevel
                    .MEMORY_ONLY()); // deserialized: no Kryo for records
    try {
      List<Row> out = new ArrayList<>();
      long mixSeed = s.seed() ^ id.hashCode() * 0x9E3779B97F4A7C15L;
      // Initialise from the mix's clean rows, or from all its rows when it has too few clean ones.
      Dataset<Row> mix = mixTable.filter(col("mix_id").equalTo(id));
      List<double[]> init = initialRows(mix.filter(col("is_noisy").equalTo(false)));
      if (init.size() < s.fit().components()) {
        init = initialRows(mix);
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

  /** The first 20,000 rows by sample id: the sample a distributed fit is initialised from. */
  private static List<double[]> initialRows(Dataset<Row> rows) {
    return rows.orderBy("sample_id").limit(20_000).select("vector").collectAsList().stream()
        .map(r -> MixSampler.toArray(r.getList(0)))
        .toList();
  }
}
