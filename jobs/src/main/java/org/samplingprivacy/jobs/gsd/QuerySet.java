package org.samplingprivacy.jobs.gsd;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * The workloads flattened into one query vector: partition p's cell i is query {@code offset(p) +
 * i}. Also indexes which partitions read which column, so a one-cell edit of a synthetic row
 * touches only those.
 */
public final class QuerySet implements Serializable {
  private static final long serialVersionUID = 1L;
  private final List<Workload> workloads;
  private final Cells[] parts;
  private final int[] offsets;
  private final int[] workloadOf;
  private final int[][] byColumn;
  private final int[] workloadStart;
  private final int size;

  public QuerySet(List<Workload> workloads, int columns) {
    this.workloads = List.copyOf(workloads);
    List<Cells> ps = new ArrayList<>();
    List<Integer> owner = new ArrayList<>();
    workloadStart = new int[workloads.size() + 1];
    long total = 0;
    for (int w = 0; w < workloads.size(); w++) {
      workloadStart[w] = (int) total;
      for (Cells c : workloads.get(w).parts()) {
        ps.add(c);
        owner.add(w);
        total += c.size();
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("workload has too many queries: " + total);
      }
    }
    workloadStart[workloads.size()] = (int) total;
    parts = ps.toArray(new Cells[0]);
    offsets = new int[parts.length];
    workloadOf = owner.stream().mapToInt(Integer::intValue).toArray();
    int o = 0;
    for (int p = 0; p < parts.length; p++) {
      offsets[p] = o;
      o += parts[p].size();
    }
    size = o;
    List<List<Integer>> cols = new ArrayList<>();
    for (int c = 0; c < columns; c++) {
      cols.add(new ArrayList<>());
    }
    for (int p = 0; p < parts.length; p++) {
      for (int c : parts[p].columns()) {
        if (!cols.get(c).contains(p)) {
          cols.get(c).add(p);
        }
      }
    }
    byColumn =
        cols.stream()
            .map(l -> l.stream().mapToInt(Integer::intValue).toArray())
            .toArray(int[][]::new);
  }

  public List<Workload> workloads() {
    return workloads;
  }

  /** Total number of queries. */
  public int size() {
    return size;
  }

  public int partitions() {
    return parts.length;
  }

  public Cells part(int p) {
    return parts[p];
  }

  public int offset(int p) {
    return offsets[p];
  }

  public int workloadOf(int p) {
    return workloadOf[p];
  }

  /** Queries of workload w are [start(w), start(w + 1)). */
  public int start(int w) {
    return workloadStart[w];
  }

  /** The partitions reading column c. */
  public int[] partsReading(int c) {
    return byColumn[c];
  }

  /** Adds each row's cell counts (rows at {@code data[r·d..]}) into {@code counts}. */
  public void count(double[] data, int rows, int d, long[] counts) {
    for (int r = 0; r < rows; r++) {
      countRow(data, r * d, counts);
    }
  }

  /** Adds one row's cells into {@code counts}. */
  public void countRow(double[] data, int base, long[] counts) {
    for (int p = 0; p < parts.length; p++) {
      int cell = parts[p].cell(data, base);
      if (cell >= 0) {
        counts[offsets[p] + cell]++;
      }
    }
  }
}
