package org.samplingprivacy.jobs.epsilon;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.runner.JobContext;

/**
 * The estimation work of {@code epsilon-estimate}, run in executors
 * (docs/design/epsilon-estimate.md §4): one task per count row for the estimates, one per group for
 * the ε(δ) curves. Each result is independent and takes milliseconds to a second, so the driver
 * only ships counts out and collects a few doubles per task back.
 */
final class EstimateTasks {
  private EstimateTasks() {}

  /** One count row and its estimate. */
  record Estimated(CountRow row, EpsilonEstimate estimate) {}

  private static final StructType RESULT =
      new StructType()
          .add("i", DataTypes.IntegerType)
          .add("v", DataTypes.createArrayType(DataTypes.DoubleType, false));

  /** A computation per task index, shipped to the executors. */
  interface IndexedWork extends java.io.Serializable {
    double[] apply(int i);
  }

  /**
   * Runs {@code work} on every index 0 .. n − 1 in the executors, one array of doubles per index.
   * The inputs reach the tasks in the closure (Java serialization; records are not
   * Kryo-serialisable) and the results come back as rows.
   */
  static List<double[]> inExecutors(JobContext ctx, int n, IndexedWork work) {
    int partitions = Math.max(1, Math.min(n, ctx.spark().sparkContext().defaultParallelism() * 4));
    List<Row> out =
        ctx.spark()
            .range(n)
            .repartition(partitions)
            .mapPartitions(
                (MapPartitionsFunction<Long, Row>)
                    it -> {
                      List<Row> rows = new ArrayList<>();
                      while (it.hasNext()) {
                        int i = it.next().intValue();
                        rows.add(RowFactory.create(i, work.apply(i)));
                      }
                      return rows.iterator();
                    },
                Encoders.row(RESULT))
            .collectAsList();
    double[][] byIndex = new double[n][];
    for (Row r : out) {
      List<Double> v = r.getList(1);
      byIndex[r.getInt(0)] = v.stream().mapToDouble(Double::doubleValue).toArray();
    }
    return List.of(byIndex);
  }

  /**
   * Estimates every count row in the executors (each is independent; a few milliseconds to a
   * second).
   */
  static List<Estimated> estimate(
      JobContext ctx, List<CountRow> rows, double level, EpsilonEstimate.Settings settings) {
    List<AttackCounts> counts = new ArrayList<>(rows.stream().map(CountRow::counts).toList());
    List<double[]> values =
        inExecutors(
            ctx, rows.size(), i -> EpsilonEstimate.of(counts.get(i), level, settings).values());
    List<Estimated> out = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      out.add(
          new Estimated(
              rows.get(i), EpsilonEstimate.fromValues(rows.get(i).counts(), level, values.get(i))));
    }
    return out;
  }

  /** One curve per group, computed in the executors: the candidates are the group's thresholds. */
  static List<EpsilonReport.GroupCurve> curves(
      JobContext ctx,
      List<CountRow> rows,
      boolean split,
      double level,
      double[] deltas,
      double kappa) {
    Map<List<Object>, Map<Double, AttackCounts[]>> byGroup = new HashMap<>();
    for (CountRow r : rows) {
      AttackCounts[] pair =
          byGroup
              .computeIfAbsent(r.group(), g -> new java.util.TreeMap<>())
              .computeIfAbsent(r.threshold(), t -> new AttackCounts[2]);
      if (!split || r.part().equals("select")) {
        pair[0] = r.counts();
      }
      if (!split || r.part().equals("evaluate")) {
        pair[1] = r.counts();
      }
    }
    List<List<Object>> groupKeys = new ArrayList<>(byGroup.keySet());
    groupKeys.sort(java.util.Comparator.comparing(Object::toString));
    ArrayList<ArrayList<EpsilonCurve.Candidate>> tasks = new ArrayList<>();
    for (List<Object> g : groupKeys) {
      ArrayList<EpsilonCurve.Candidate> cands = new ArrayList<>();
      byGroup
          .get(g)
          .forEach(
              (t, pair) -> {
                if (pair[0] != null && pair[1] != null) {
                  cands.add(new EpsilonCurve.Candidate(t, pair[0], pair[1]));
                }
              });
      tasks.add(cands);
    }
    List<double[]> values =
        inExecutors(
            ctx,
            tasks.size(),
            i -> EpsilonCurve.encode(EpsilonCurve.select(tasks.get(i), kappa, level, deltas)));
    List<EpsilonReport.GroupCurve> out = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      out.add(
          new EpsilonReport.GroupCurve(
              groupKeys.get(i), EpsilonCurve.decode(values.get(i), deltas)));
    }
    return out;
  }
}
