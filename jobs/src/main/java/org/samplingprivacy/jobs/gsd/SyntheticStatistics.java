package org.samplingprivacy.jobs.gsd;

/**
 * A synthetic dataset with its query counts, kept consistent under one-cell edits: the incremental
 * fitness of Private-GSD (docs/design/private-gsd.md). Fitness is the weighted squared L2 distance
 * Σ w_j (a_j − S_j/N′)² between the target answers a (the noisy measurements) and the synthetic
 * answers S/N′. A child that changes one cell (r, c) only moves row r between cells of the
 * partitions that read column c, so its fitness change costs O(partitions reading c), independent
 * of N′ and of the number of queries. Each row's current cell per partition is cached.
 */
public final class SyntheticStatistics {
  private final QuerySet queries;
  private final int rows;
  private final int d;
  private final double[] data;
  private final int[] counts;
  private final int[] cellCache;
  private final double[] target;
  private final double[] weight;
  private final double inv;
  private double fitness;

  private SyntheticStatistics(
      QuerySet queries, double[] data, int rows, int d, double[] target, double[] weight) {
    this.queries = queries;
    this.rows = rows;
    this.d = d;
    this.data = data;
    this.target = target;
    this.weight = weight;
    this.inv = 1.0 / rows;
    this.counts = new int[queries.size()];
    int np = queries.partitions();
    this.cellCache = new int[rows * np];
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p < np; p++) {
        int cell = queries.part(p).cell(data, r * d);
        cellCache[r * np + p] = cell;
        if (cell >= 0) {
          counts[queries.offset(p) + cell]++;
        }
      }
    }
    this.fitness = fullFitness();
  }

  /**
   * Statistics of {@code data} (row-major, {@code rows × d}; taken, not copied) against {@code
   * target} with per-query {@code weight} (0 for queries not measured).
   */
  static SyntheticStatistics of(
      QuerySet queries, double[] data, int rows, int d, double[] target, double[] weight) {
    if (data.length != rows * d
        || target.length != queries.size()
        || weight.length != queries.size()) {
      throw new IllegalArgumentException("data, target or weight has the wrong length");
    }
    return new SyntheticStatistics(queries, data, rows, d, target, weight);
  }

  /** The current fitness (maintained incrementally). */
  public double fitness() {
    return fitness;
  }

  /** The fitness recomputed from the counts; also resets the incremental value to it. */
  public double recomputeFitness() {
    fitness = fullFitness();
    return fitness;
  }

  private double fullFitness() {
    double f = 0;
    for (int j = 0; j < counts.length; j++) {
      double e = target[j] - counts[j] * inv;
      f += weight[j] * e * e;
    }
    return f;
  }

  /** The fitness of full counts against the same targets and weights (the from-scratch oracle). */
  static double fitnessOf(long[] counts, int rows, SyntheticStatistics like) {
    double f = 0;
    for (int j = 0; j < counts.length; j++) {
      double e = like.target[j] - counts[j] / (double) rows;
      f += like.weight[j] * e * e;
    }
    return f;
  }

  /**
   * The fitness change if cell (r, c) took value v; {@code scratch} is a caller-owned buffer of
   * length d.
   */
  public double delta(int r, int c, double v, double[] scratch) {
    int base = r * d;
    System.arraycopy(data, base, scratch, 0, d);
    scratch[c] = v;
    int np = queries.partitions();
    double df = 0;
    for (int p : queries.partsReading(c)) {
      int o = cellCache[r * np + p];
      int n = queries.part(p).cell(scratch, 0);
      if (o == n) {
        continue;
      }
      int off = queries.offset(p);
      if (o >= 0) {
        df += leaving(off + o);
      }
      if (n >= 0) {
        df += entering(off + n);
      }
    }
    return df;
  }

  /**
   * Fitness change when one row leaves query j: with e = a − S/N′, (e + 1/N′)² − e² = (2e +
   * 1/N′)/N′.
   */
  private double leaving(int j) {
    double e = target[j] - counts[j] * inv;
    return weight[j] * inv * (2 * e + inv);
  }

  /** Fitness change when one row enters query j: (e − 1/N′)² − e² = (1/N′ − 2e)/N′. */
  private double entering(int j) {
    double e = target[j] - counts[j] * inv;
    return weight[j] * inv * (inv - 2 * e);
  }

  /** Sets cell (r, c) to v, updating counts, cache and fitness; returns the old value. */
  public double apply(int r, int c, double v) {
    int base = r * d;
    double old = data[base + c];
    if (old == v) {
      return old;
    }
    data[base + c] = v;
    int np = queries.partitions();
    for (int p : queries.partsReading(c)) {
      int o = cellCache[r * np + p];
      int n = queries.part(p).cell(data, base);
      if (o == n) {
        continue;
      }
      int off = queries.offset(p);
      if (o >= 0) {
        fitness += leaving(off + o);
        counts[off + o]--;
      }
      if (n >= 0) {
        fitness += entering(off + n);
        counts[off + n]++;
      }
      cellCache[r * np + p] = n;
    }
    return old;
  }

  /** Replaces the weights (adaptive rounds measure more workloads) and recomputes the fitness. */
  public void reweight(double[] target, double[] weight) {
    System.arraycopy(target, 0, this.target, 0, target.length);
    System.arraycopy(weight, 0, this.weight, 0, weight.length);
    recomputeFitness();
  }

  /** The synthetic count S_j of query j. */
  public int count(int j) {
    return counts[j];
  }

  /** The synthetic answers S_j/N′. */
  public double[] answers() {
    double[] a = new double[counts.length];
    for (int j = 0; j < a.length; j++) {
      a[j] = counts[j] * inv;
    }
    return a;
  }

  public double value(int r, int c) {
    return data[r * d + c];
  }

  public double[] data() {
    return data;
  }

  public int rows() {
    return rows;
  }

  public int columns() {
    return d;
  }

  public QuerySet queries() {
    return queries;
  }
}
