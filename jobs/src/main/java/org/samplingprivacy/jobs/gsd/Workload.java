package org.samplingprivacy.jobs.gsd;

import java.io.Serializable;
import java.util.List;

/**
 * One unit of measurement and selection (docs/design/private-gsd.md): a group of query partitions
 * measured together with one Gaussian draw per query. Replacing one row changes at most two cells
 * of each partition by one count (one cell if the partition has a single cell), so the L2
 * sensitivity of its counts is √(Σ_parts min(size, 2)); for a k-way marginal that is √2, for a
 * range workload at 5 resolutions √10, as docs/design/private-gsd.md says.
 */
public record Workload(String name, String kind, List<Cells> parts) implements Serializable {
  public Workload {
    parts = List.copyOf(parts);
  }

  /** L2 sensitivity of the workload's counts under replace-one neighbours. */
  public double countSensitivity() {
    return Math.sqrt(countSensitivitySquared());
  }

  /** The squared L2 sensitivity, an integer: Σ over partitions of min(cells, 2). */
  public long countSensitivitySquared() {
    long s = 0;
    for (Cells c : parts) {
      s += Math.min(c.size(), 2);
    }
    return s;
  }

  /** Number of queries. */
  public long size() {
    long s = 0;
    for (Cells c : parts) {
      s += c.size();
    }
    return s;
  }
}
