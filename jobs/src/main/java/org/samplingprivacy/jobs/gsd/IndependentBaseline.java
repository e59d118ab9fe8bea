package org.samplingprivacy.jobs.gsd;

import java.util.SplittableRandom;

/**
 * The product-distribution baseline at the same budget: each column drawn independently from its
 * 1-way marginal, where the 1-way marginals are summed out of the noisy answers already measured
 * (the smallest measured marginal or range workload reading the column), so the baseline is
 * post-processing and costs no extra privacy. A column no measured workload covers is drawn
 * uniformly. Numeric values are uniform within their bin.
 */
public final class IndependentBaseline {
  private IndependentBaseline() {}

  public static double[] rows(
      Domain domain,
      QuerySet q,
      double[] noisy,
      boolean[] measured,
      int rows,
      SplittableRandom rng) {
    int d = domain.size();
    double[][] hist = new double[d][];
    for (int c = 0; c < d; c++) {
      hist[c] = marginal(domain, q, noisy, measured, c);
    }
    double[] data = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < d; c++) {
        Domain.Column col = domain.column(c);
        if (hist[c] == null) {
          data[r * d + c] =
              col.kind == Domain.Kind.NUMERIC ? rng.nextDouble() : rng.nextInt(col.size());
        } else {
          int k = pick(hist[c], rng);
          data[r * d + c] =
              col.kind == Domain.Kind.NUMERIC
                  ? Math.min(1.0, (k + rng.nextDouble()) / hist[c].length)
                  : k;
        }
      }
    }
    return data;
  }

  /**
   * The noisy 1-way marginal of column c (clipped at 0), or null if no measured workload gives one.
   */
  static double[] marginal(Domain domain, QuerySet q, double[] noisy, boolean[] measured, int c) {
    int bestPart = -1;
    int bestSize = Integer.MAX_VALUE;
    for (int p : q.partsReading(c)) {
      Cells cells = q.part(p);
      boolean usable =
          cells instanceof Cells.Marginal
              || (cells instanceof Cells.Range rg
                  && rg.column() == c
                  && rg.resolution()
                      == WorkloadSpec.RESOLUTIONS[WorkloadSpec.RESOLUTIONS.length - 1]);
      if (usable && measured[q.workloadOf(p)] && cells.size() < bestSize) {
        bestPart = p;
        bestSize = cells.size();
      }
    }
    if (bestPart < 0) {
      return null;
    }
    Cells cells = q.part(bestPart);
    int off = q.offset(bestPart);
    double[] h;
    if (cells instanceof Cells.Marginal m) {
      int pos = 0;
      while (m.columns()[pos] != c) {
        pos++;
      }
      int stride = 1;
      for (int i = pos + 1; i < m.sizes().length; i++) {
        stride *= m.sizes()[i];
      }
      h = new double[m.sizes()[pos]];
      for (int i = 0; i < m.size(); i++) {
        h[(i / stride) % m.sizes()[pos]] += Math.max(0, noisy[off + i]);
      }
    } else {
      Cells.Range rg = (Cells.Range) cells;
      h = new double[rg.resolution()];
      for (int i = 0; i < rg.size(); i++) {
        h[i % rg.resolution()] += Math.max(0, noisy[off + i]);
      }
    }
    double sum = 0;
    for (double x : h) {
      sum += x;
    }
    return sum > 0 ? h : null;
  }

  private static int pick(double[] h, SplittableRandom rng) {
    double sum = 0;
    for (double x : h) {
      sum += x;
    }
    double u = rng.nextDouble() * sum;
    for (int i = 0; i < h.length; i++) {
      u -= h[i];
      if (u < 0) {
        return i;
      }
    }
    return h.length - 1;
  }
}
