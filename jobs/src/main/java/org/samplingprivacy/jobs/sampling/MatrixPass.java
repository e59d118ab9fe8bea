package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One pass over rows of k doubles, in the executors, folding each into a small mergeable {@link Acc}: a weighted
 * Gram matrix Σ c_i a_i a_iᵀ over the first d values, a right-hand side Σ c_i b_i a_i, and a few scalar statistics.
 * Per-partition accumulators merge by {@code treeReduce}, so the driver receives O(d²) numbers whatever n is. Rows
 * with a null or non-finite value are counted per column and skipped: the caller turns those counts into an error.
 * Rows may also come from a local array (a sample small enough for the driver) through the same visitor.
 */
public final class MatrixPass {
  private MatrixPass() {}

  /** What a pass does with one row. Implementations are shipped to executors. */
  public interface Visitor extends Serializable {
    void visit(double[] row, Acc acc);
  }

  /** The mergeable state of a pass. */
  public static final class Acc implements Serializable {
    final int d;
    final double[] gram;
    final double[] rhs;
    final long[] bad;
    long rows;
    double sum;
    double sum2;
    double max = Double.NEGATIVE_INFINITY;

    Acc(int d, int k) {
      this.d = d;
      this.gram = new double[d * (d + 1) / 2];
      this.rhs = new double[d];
      this.bad = new long[k];
    }

    /** Adds c·a aᵀ over the first d values of {@code a}. */
    public void addOuter(double[] a, double c) {
      int idx = 0;
      for (int i = 0; i < d; i++) {
        double ci = c * a[i];
        for (int j = 0; j <= i; j++) {
          gram[idx++] += ci * a[j];
        }
      }
    }

    /** Adds c·b·a over the first d values of {@code a}. */
    public void addRhs(double[] a, double cb) {
      for (int i = 0; i < d; i++) {
        rhs[i] += cb * a[i];
      }
    }

    public void add(double v) {
      sum += v;
    }

    public void add2(double v) {
      sum2 += v;
    }

    public void max(double v) {
      max = Math.max(max, v);
    }

    Acc merge(Acc o) {
      for (int i = 0; i < gram.length; i++) {
        gram[i] += o.gram[i];
      }
      for (int i = 0; i < d; i++) {
        rhs[i] += o.rhs[i];
      }
      for (int i = 0; i < bad.length; i++) {
        bad[i] += o.bad[i];
      }
      rows += o.rows;
      sum += o.sum;
      sum2 += o.sum2;
      max = Math.max(max, o.max);
      return this;
    }

    public double[][] gram() {
      double[][] m = new double[d][d];
      int idx = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j <= i; j++) {
          m[i][j] = gram[idx];
          m[j][i] = gram[idx++];
        }
      }
      return m;
    }

    public double[] rhs() {
      return rhs.clone();
    }

    public long rows() {
      return rows;
    }

    public double sum() {
      return sum;
    }

    public double sum2() {
      return sum2;
    }

    public double max() {
      return max;
    }

    /** Rows skipped because column i was null or not finite. */
    public long[] bad() {
      return bad.clone();
    }
  }

  /** Runs {@code visitor} over {@code data}, whose columns are all doubles; d is the Gram dimension. */
  public static Acc run(Dataset<Row> data, int d, Visitor visitor) {
    int k = data.columns().length;
    FlatMapFunction<Iterator<Row>, Acc> perPartition = it -> {
      Acc acc = new Acc(d, k);
      double[] a = new double[k];
      while (it.hasNext()) {
        Row r = it.next();
        if (read(r, a, acc)) {
          acc.rows++;
          visitor.visit(a, acc);
        }
      }
      return List.of(acc).iterator();
    };
    return data.javaRDD().mapPartitions(perPartition).treeReduce(Acc::merge);
  }

  /** Runs {@code visitor} over rows held on the driver. */
  public static Acc run(double[][] rows, int d, Visitor visitor) {
    int k = rows.length == 0 ? d : rows[0].length;
    Acc acc = new Acc(d, k);
    for (double[] r : rows) {
      acc.rows++;
      visitor.visit(r, acc);
    }
    return acc;
  }

  private static boolean read(Row r, double[] a, Acc acc) {
    boolean ok = true;
    for (int i = 0; i < a.length; i++) {
      if (r.isNullAt(i)) {
        acc.bad[i]++;
        ok = false;
        continue;
      }
      double v = r.getDouble(i);
      if (!Double.isFinite(v)) {
        acc.bad[i]++;
        ok = false;
      }
      a[i] = v;
    }
    return ok;
  }
}
