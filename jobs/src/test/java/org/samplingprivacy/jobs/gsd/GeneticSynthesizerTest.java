package org.samplingprivacy.jobs.gsd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.runner.ProgressLog;

/**
 * Oracles: full recomputation of counts and fitness from scratch (brute force), exact answers of a
 * planted table, and the structure of the workloads (cells of a marginal sum to one, sensitivities
 * of docs/design/private-gsd.md).
 */
class GeneticSynthesizerTest {
  static Domain mixedDomain() throws Exception {
    return Domain.parse(
        new ObjectMapper()
            .readTree(
                """
        {"columns": [
          {"name": "a", "type": "categorical", "values": ["x", "y", "z"]},
          {"name": "b", "type": "categorical", "values": [0, 1], "overflow": "other"},
          {"name": "age", "type": "numeric", "min": 0, "max": 100, "bins": 4},
          {"name": "income", "type": "numeric", "min": 0, "max": 1000, "bins": 5}
        ]}"""),
        "test");
  }

  @Test
  void workloadsHaveTheNotesStructure() throws Exception {
    Domain dom = mixedDomain();
    List<Workload> w = WorkloadSpec.parse("marginals:2,range:age|a,prefix:3,halfspace:2", dom, 5);
    assertEquals(6 + 1 + 3 + 2, w.size());
    assertEquals(Math.sqrt(2), w.get(0).countSensitivity(), 1e-15);
    Workload range = w.get(6);
    assertEquals(Math.sqrt(10), range.countSensitivity(), 1e-15);
    assertEquals(3 * (2 + 4 + 8 + 16 + 32), range.size());
    QuerySet q = new QuerySet(w, dom.size());
    int rows = 500;
    double[] data = GeneticSynthesizer.uniformRows(dom, rows, new SplittableRandom(1));
    double[] a = GsdReport.answers(q, data, rows, dom.size());
    for (int k = 0; k < 6; k++) {
      double sum = 0;
      for (int j = q.start(k); j < q.start(k + 1); j++) {
        sum += a[j];
      }
      assertEquals(1, sum, 1e-12, "cells of marginal " + k);
    }
    double sum = 0;
    for (int j = q.start(6); j < q.start(7); j++) {
      sum += a[j];
    }
    assertEquals(5, sum, 1e-12, "a range workload sums to 1 per resolution");
    for (double x : a) {
      assertTrue(x >= 0 && x <= 1);
    }
    java.nio.file.Path file = java.nio.file.Files.createTempFile("workload", ".txt");
    java.nio.file.Files.writeString(
        file,
        "# the same workload, one item per line\nmarginals:2\nrange:age|a\n\n"
            + "prefix:3  # random prefixes\nhalfspace:2\n");
    List<Workload> fromFile = WorkloadSpec.parse("@" + file, dom, 5);
    assertEquals(
        w.stream().map(Workload::name).toList(), fromFile.stream().map(Workload::name).toList());
    assertEquals(
        w.get(8).parts(), fromFile.get(8).parts(), "random queries depend on the seed only");
  }

  @Test
  void incrementalFitnessEqualsFullRecomputationAfterManyEdits() throws Exception {
    Domain dom = mixedDomain();
    QuerySet q =
        new QuerySet(
            WorkloadSpec.parse("marginals:3,range:income|b,prefix:4,halfspace:4", dom, 9),
            dom.size());
    SplittableRandom rng = new SplittableRandom(42);
    int rows = 300;
    int d = dom.size();
    double[] target = new double[q.size()];
    double[] weight = new double[q.size()];
    for (int j = 0; j < target.length; j++) {
      target[j] = rng.nextDouble() * 0.2;
      weight[j] = rng.nextInt(4) == 0 ? 0 : 1;
    }
    SyntheticStatistics s =
        SyntheticStatistics.of(
            q, GeneticSynthesizer.uniformRows(dom, rows, rng), rows, d, target, weight);
    double[] scratch = new double[d];
    for (int step = 0; step < 20_000; step++) {
      int r = rng.nextInt(rows);
      int c = rng.nextInt(d);
      double v =
          dom.column(c).kind == Domain.Kind.NUMERIC
              ? rng.nextDouble()
              : rng.nextBoolean()
                  ? rng.nextInt(dom.column(c).size())
                  : s.value(rng.nextInt(rows), c);
      double predicted = s.fitness() + s.delta(r, c, v, scratch);
      double[] copy = s.data().clone();
      copy[r * d + c] = v;
      long[] counts = new long[q.size()];
      q.count(copy, rows, d, counts);
      double full = SyntheticStatistics.fitnessOf(counts, rows, s);
      assertEquals(full, predicted, 1e-9, "child at step " + step);
      if (rng.nextInt(3) == 0) { // accept: the incremental state must stay exact
        s.apply(r, c, v);
        assertEquals(full, s.fitness(), 1e-9, "after accepting step " + step);
      }
    }
    long[] counts = new long[q.size()];
    q.count(s.data(), rows, d, counts);
    assertEquals(SyntheticStatistics.fitnessOf(counts, rows, s), s.fitness(), 1e-9);
  }

  @Test
  void withoutNoiseTheGaDrivesTheErrorCloseToZeroAndKeepsCellsInTheirDomain() throws Exception {
    Domain dom = mixedDomain();
    QuerySet q = new QuerySet(WorkloadSpec.parse("marginals:2", dom, 1), dom.size());
    int d = dom.size();
    // A planted table with correlated columns; its exact answers are the (noise-free) targets.
    SplittableRandom rng = new SplittableRandom(7);
    int n = 400;
    double[] truth = new double[n * d];
    for (int r = 0; r < n; r++) {
      int a = rng.nextInt(3);
      truth[r * d] = a;
      truth[r * d + 1] = (a == 0 || rng.nextInt(4) == 0) ? 0 : rng.nextInt(3);
      truth[r * d + 2] = Math.min(1, a * 0.3 + 0.2 * rng.nextDouble());
      truth[r * d + 3] = rng.nextDouble() * truth[r * d + 2];
    }
    double[] target = GsdReport.answers(q, truth, n, d);
    double[] weight = new double[q.size()];
    java.util.Arrays.fill(weight, 1);
    int rows = 200;
    SyntheticStatistics s =
        SyntheticStatistics.of(
            q, GeneticSynthesizer.uniformRows(dom, rows, rng), rows, d, target.clone(), weight);
    double initial = WorkloadErrors.of(q, s.answers(), target, all(q)).get("all").max();
    GeneticSynthesizer.Result res =
        GeneticSynthesizer.of(s, dom, new GeneticSynthesizer.Settings(100, 5, 30_000, 2_000, 1), 3)
            .run(ProgressLog.SILENT, "generations");
    WorkloadErrors.Error e = WorkloadErrors.of(q, s.answers(), target, all(q)).get("all");
    assertTrue(
        e.max() < 0.02 && e.max() < initial / 10, "max error " + e.max() + " from " + initial);
    assertTrue(e.mean() <= e.max());
    double[] h = res.historyFitness();
    for (int i = 1; i < h.length; i++) {
      assertTrue(h[i] <= h[i - 1] + 1e-15, "elitism: fitness never increases");
    }
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < d; c++) {
        double v = s.value(r, c);
        if (dom.column(c).kind == Domain.Kind.NUMERIC) {
          assertTrue(v >= 0 && v <= 1);
        } else {
          assertTrue(v == Math.rint(v) && v >= 0 && v < dom.column(c).size());
        }
      }
    }
  }

  @Test
  void resultDependsOnTheSeedOnlyNotOnThreads() throws Exception {
    Domain dom = mixedDomain();
    QuerySet q = new QuerySet(WorkloadSpec.parse("marginals:2,halfspace:3", dom, 1), dom.size());
    double[] target = new double[q.size()];
    java.util.Arrays.fill(target, 0.05);
    double[] weight = new double[q.size()];
    java.util.Arrays.fill(weight, 1);
    double[][] out = new double[2][];
    for (int t = 1; t <= 2; t++) {
      SyntheticStatistics s =
          SyntheticStatistics.of(
              q,
              GeneticSynthesizer.uniformRows(dom, 100, new SplittableRandom(5)),
              100,
              dom.size(),
              target.clone(),
              weight);
      GeneticSynthesizer.of(s, dom, new GeneticSynthesizer.Settings(64, 5, 3_000, 100_000, t), 8)
          .run(ProgressLog.SILENT, "generations");
      out[t - 1] = s.data();
    }
    assertArrayEquals(out[0], out[1]);
  }

  @Test
  void stallWindowStopsARunThatCannotImprove() throws Exception {
    Domain dom = mixedDomain();
    QuerySet q = new QuerySet(WorkloadSpec.parse("marginals:1", dom, 1), dom.size());
    double[] unreachable = new double[q.size()];
    java.util.Arrays.fill(
        unreachable, 2.0); // answers are at most 1: fitness has a floor the GA soon reaches
    double[] weight = new double[q.size()];
    java.util.Arrays.fill(weight, 1);
    SyntheticStatistics s =
        SyntheticStatistics.of(
            q,
            GeneticSynthesizer.uniformRows(dom, 50, new SplittableRandom(5)),
            50,
            dom.size(),
            unreachable,
            weight);
    GeneticSynthesizer.Result r =
        GeneticSynthesizer.of(s, dom, new GeneticSynthesizer.Settings(20, 3, 1_000_000, 500, 1), 1)
            .run(ProgressLog.SILENT, "generations");
    assertTrue(
        r.stalled() && r.generations() < 1_000_000 && r.generations() % 500 == 0, r.toString());
  }

  static boolean[] all(QuerySet q) {
    boolean[] b = new boolean[q.workloads().size()];
    java.util.Arrays.fill(b, true);
    return b;
  }
}
