package org.samplingprivacy.jobs.audit;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.gsd.GeneticSynthesizer;
import org.samplingprivacy.jobs.gsd.QuerySet;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The canaries of a one-run audit (Steinke, Nasr &amp; Jagielski, NeurIPS 2023): m rows of the
 * domain, each owning a private cell: a cell of some query partition that no input row and no other
 * canary occupies, and that no other canary's cells touch. A canary's presence then shows alone in
 * its private cell, and the attack reads that cell of the synthetic table. Chosen greedily from
 * keyed candidates, least-occupied first.
 */
final class OneRunCanaries {
  /** A canary and its private cell (partition, cell). */
  record Canary(double[] row, int partition, int cell) {}

  private OneRunCanaries() {}

  static List<Canary> choose(Domain domain, QuerySet q, long[] counts, int m, long seed) {
    int d = domain.size();
    int pool = Math.max(50 * m, 20_000);
    double[] rows =
        GeneticSynthesizer.uniformRows(domain, pool, new SplittableRandom(seed ^ 0x1F123BB5L));
    List<double[]> candidates = new ArrayList<>();
    for (int r = 0; r < pool; r++) {
      candidates.add(Arrays.copyOfRange(rows, r * d, r * d + d));
    }
    candidates.sort(Comparator.comparingLong(x -> Neighbours.occupancy(q, counts, x)));
    int parts = q.partitions();
    List<Set<Integer>> used = new ArrayList<>();
    List<Set<Integer>> owned = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      used.add(new HashSet<>());
      owned.add(new HashSet<>());
    }
    List<Canary> out = new ArrayList<>();
    for (double[] x : candidates) {
      int[] cells = new int[parts];
      boolean clash = false;
      for (int p = 0; p < parts; p++) {
        cells[p] = q.part(p).cell(x, 0);
        clash |= owned.get(p).contains(cells[p]);
      }
      if (clash) {
        continue;
      }
      int privateP = -1;
      for (int p = 0; p < parts && privateP < 0; p++) {
        if (cells[p] >= 0
            && counts[q.offset(p) + cells[p]] == 0
            && !used.get(p).contains(cells[p])) {
          privateP = p;
        }
      }
      if (privateP < 0) {
        continue;
      }
      for (int p = 0; p < parts; p++) {
        used.get(p).add(cells[p]);
      }
      owned.get(privateP).add(cells[privateP]);
      out.add(new Canary(x, privateP, cells[privateP]));
      if (out.size() == m) {
        return out;
      }
    }
    throw new InputException(
        "--canaries "
            + m
            + ": only "
            + out.size()
            + " canaries with a cell of their own (a cell "
            + "no input row or other canary occupies) were found among "
            + pool
            + " keyed rows of the domain; ask for "
            + "fewer, or audit a workload with finer cells");
  }
}
