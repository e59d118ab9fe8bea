package org.samplingprivacy.jobs.gsd;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Workload error as Private-GSD reports it (docs/design/private-gsd.md): per query class and
 * overall, the maximum absolute error (ℓ∞) and the average absolute error (mean ℓ₁) of synthetic
 * answers against reference answers, over the queries of the included workloads.
 */
public final class WorkloadErrors {
  /** Max and mean absolute error over {@code queries} queries. */
  public record Error(double max, double mean, long queries) {}

  private WorkloadErrors() {}

  /** Errors per workload kind plus "all", over workloads with {@code included[w]}. */
  public static Map<String, Error> of(
      QuerySet q, double[] synthetic, double[] reference, boolean[] included) {
    Map<String, double[]> acc = new LinkedHashMap<>(); // {max, sum, count}
    for (int w = 0; w < q.workloads().size(); w++) {
      if (!included[w]) {
        continue;
      }
      double[] k = acc.computeIfAbsent(q.workloads().get(w).kind(), x -> new double[3]);
      double[] all = acc.computeIfAbsent("all", x -> new double[3]);
      for (int j = q.start(w); j < q.start(w + 1); j++) {
        double e = Math.abs(synthetic[j] - reference[j]);
        for (double[] a : new double[][] {k, all}) {
          a[0] = Math.max(a[0], e);
          a[1] += e;
          a[2]++;
        }
      }
    }
    Map<String, Error> out = new LinkedHashMap<>();
    double[] all = acc.remove("all");
    acc.forEach((kind, a) -> out.put(kind, new Error(a[0], a[1] / a[2], (long) a[2])));
    if (all != null) {
      out.put("all", new Error(all[0], all[1] / all[2], (long) all[2]));
    }
    return out;
  }
}
