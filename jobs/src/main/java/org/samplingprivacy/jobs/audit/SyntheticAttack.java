package org.samplingprivacy.jobs.audit;

import java.io.Serializable;
import org.samplingprivacy.jobs.gsd.QuerySet;

/**
 * The black-box attack on a synthetic table (docs/design/privacy-audit.md §3): how strongly the
 * table shows the canary. Score = the number of synthetic rows that share every workload cell with
 * the canary, plus, to break ties, the share of synthetic rows in the canary's rarest cell (its
 * cell with the fewest rows of D).
 */
final class SyntheticAttack implements Serializable {
  private static final long serialVersionUID = 1L;
  private final QuerySet queries;
  private final int[] canaryCells;
  private final int rarestPartition;

  SyntheticAttack(QuerySet queries, long[] counts, double[] canary) {
    this.queries = queries;
    this.canaryCells = new int[queries.partitions()];
    int rarest = -1;
    long fewest = Long.MAX_VALUE;
    for (int p = 0; p < queries.partitions(); p++) {
      canaryCells[p] = queries.part(p).cell(canary, 0);
      if (canaryCells[p] >= 0 && counts[queries.offset(p) + canaryCells[p]] < fewest) {
        fewest = counts[queries.offset(p) + canaryCells[p]];
        rarest = p;
      }
    }
    this.rarestPartition = rarest;
  }

  /** One-run: the synthetic rows in a canary's private cell (partition, cell). */
  static double cellCount(
      QuerySet queries, int partition, int cell, double[] synthetic, int rows, int d) {
    long k = 0;
    for (int r = 0; r < rows; r++) {
      k += queries.part(partition).cell(synthetic, r * d) == cell ? 1 : 0;
    }
    return k;
  }

  double score(double[] synthetic, int rows, int d) {
    long matches = 0;
    long inRarest = 0;
    for (int r = 0; r < rows; r++) {
      boolean all = true;
      for (int p = 0; p < canaryCells.length; p++) {
        int c = queries.part(p).cell(synthetic, r * d);
        if (c != canaryCells[p]) {
          all = false;
        }
        if (p == rarestPartition && c == canaryCells[p]) {
          inRarest++;
        }
      }
      matches += all ? 1 : 0;
    }
    return matches + inRarest / (rows + 1.0);
  }
}
