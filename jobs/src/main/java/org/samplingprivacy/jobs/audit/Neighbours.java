package org.samplingprivacy.jobs.audit;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.gsd.GeneticSynthesizer;
import org.samplingprivacy.jobs.gsd.QuerySet;

/**
 * The neighbouring datasets an audit compares under replace-one DP: D, and D′ = D with one row (the
 * removed row) replaced by a canary. Both rows are in the genetic algorithm's encoding. Only the
 * queries whose cells the two rows occupy differ between D and D′: in each query partition, the
 * removed row's cell loses one count and the canary's gains one (nothing changes where the two
 * share a cell). docs/design/privacy-audit.md §2.
 */
public final class Neighbours implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * A query whose count differs between D and D′: {@code change} is +1 (canary's cell) or −1
   * (removed row's).
   */
  public record Touched(int query, int workload, int change) implements Serializable {}

  private final double[] removed;
  private final double[] canary;
  private final List<Touched> touched;
  private final int partitionsDiffering;
  private final int partitions;
  private final long occupancy;

  private Neighbours(
      double[] removed,
      double[] canary,
      List<Touched> touched,
      int partitionsDiffering,
      int partitions,
      long occupancy) {
    this.removed = removed;
    this.canary = canary;
    this.touched = List.copyOf(touched);
    this.partitionsDiffering = partitionsDiffering;
    this.partitions = partitions;
    this.occupancy = occupancy;
  }

  /**
   * The neighbours of D (whose query counts are {@code counts}) for this removed row and canary.
   */
  public static Neighbours of(QuerySet q, long[] counts, double[] removed, double[] canary) {
    List<Touched> touched = new ArrayList<>();
    int differing = 0;
    for (int p = 0; p < q.partitions(); p++) {
      int a = q.part(p).cell(removed, 0);
      int b = q.part(p).cell(canary, 0);
      if (a == b) {
        continue;
      }
      differing++;
      int w = q.workloadOf(p);
      if (a >= 0) {
        touched.add(new Touched(q.offset(p) + a, w, -1));
      }
      if (b >= 0) {
        touched.add(new Touched(q.offset(p) + b, w, +1));
      }
    }
    return new Neighbours(
        removed.clone(),
        canary.clone(),
        touched,
        differing,
        q.partitions(),
        occupancy(q, counts, canary));
  }

  /**
   * How many rows of D share the canary's cells, summed over partitions (0: no row shares any
   * cell).
   */
  static long occupancy(QuerySet q, long[] counts, double[] row) {
    long s = 0;
    for (int p = 0; p < q.partitions(); p++) {
      int c = q.part(p).cell(row, 0);
      if (c >= 0) {
        s += counts[q.offset(p) + c];
      }
    }
    return s;
  }

  /**
   * The worst-case canary for {@code removed}: among {@code candidates} keyed rows of the domain
   * (and single-column improvements of the best), the one that shares a cell with the removed row
   * in the fewest partitions, then occupies the fewest of D's counts: its presence then moves every
   * partition by a full replace-one step, in cells no input row occupies where possible.
   */
  public static double[] worstCaseCanary(
      Domain domain, QuerySet q, long[] counts, double[] removed, long seed, int candidates) {
    SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
    double[] rows = GeneticSynthesizer.uniformRows(domain, candidates, rng);
    int d = domain.size();
    double[] best = null;
    long[] bestKey = null;
    for (int r = 0; r < candidates; r++) {
      double[] x = Arrays.copyOfRange(rows, r * d, r * d + d);
      long[] key = key(q, counts, removed, x);
      if (bestKey == null || compare(key, bestKey) < 0) {
        best = x;
        bestKey = key;
      }
    }
    // Coordinate descent over each categorical column's codes (numerics over their bins' centres).
    boolean improved = true;
    for (int round = 0; round < 4 && improved; round++) {
      improved = false;
      for (int c = 0; c < d; c++) {
        Domain.Column col = domain.column(c);
        int options = col.kind == Domain.Kind.NUMERIC ? Math.max(1, col.bins) : col.size();
        for (int v = 0; v < options; v++) {
          double[] x = best.clone();
          x[c] = col.kind == Domain.Kind.NUMERIC ? (v + 0.5) / options : v;
          long[] key = key(q, counts, removed, x);
          if (compare(key, bestKey) < 0) {
            best = x;
            bestKey = key;
            improved = true;
          }
        }
      }
    }
    return best;
  }

  private static long[] key(QuerySet q, long[] counts, double[] removed, double[] x) {
    long shared = 0;
    for (int p = 0; p < q.partitions(); p++) {
      if (q.part(p).cell(removed, 0) == q.part(p).cell(x, 0)) {
        shared++;
      }
    }
    return new long[] {shared, occupancy(q, counts, x)};
  }

  private static int compare(long[] a, long[] b) {
    return a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
  }

  /** D′'s counts: D's with the touched queries moved. */
  public long[] neighbourCounts(long[] counts) {
    long[] c = counts.clone();
    for (Touched t : touched) {
      c[t.query()] += t.change();
    }
    return c;
  }

  public List<Touched> touched() {
    return touched;
  }

  public double[] removed() {
    return removed.clone();
  }

  public double[] canary() {
    return canary.clone();
  }

  /**
   * Partitions in which the canary and the removed row occupy different cells (of {@link
   * #partitions()}).
   */
  public int partitionsDiffering() {
    return partitionsDiffering;
  }

  public int partitions() {
    return partitions;
  }

  /** D's counts in the canary's cells, summed over partitions. */
  public long occupancy() {
    return occupancy;
  }
}
