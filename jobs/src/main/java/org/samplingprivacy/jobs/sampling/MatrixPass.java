package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.apache.spark.storage.StorageLevel;

/**
 * One pass over rows of k doubles, in the executors, folding each into a small mergeable {@link
 * Acc}: a weighted Gram matrix Σ c_i a_i a_iᵀ over the first d values, a right-hand side Σ c_i b_i
 * a_i, and a few scalar statistics. Per-partition accumulators merge by {@code treeReduce}, so the
 * driver receives O(d²) numbers whatever n is. Rows with a null or non-finite value are counted per
 * column and skipped: the caller turns those counts into an error. Rows may also come from a local
 * array (a sample small enough for the driver) through the same visitor.
 */
public final class MatrixPass {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MatrixPass.class);

  private MatrixPass() {}

  /** What a pass does with one row. Implementations are shipped to executors. */
  public interface Visitor extends Serializable {
    void visit(double[] row, Acc acc);
  }

  /** The mergeable state of a pass. */
  public static final class Acc implements Serializable {
    private static final long serialVersionUID = 1L;
    final int d;
    final double[] gram;
    final double[] rhs;
    final long[] bad;
    long rows;
    double sum;
    double sum2;
    double max = Double.NEGATIVE_INFINITY;
    double min = Double.POSITIVE_INFINITY;
    private transient double[] pending;
    private transient double[] pendingWeights;
    private transient int pendingCount;

    Acc(int d, int k) {
      this.d = d;
      this.gram = new double[d * (d + 1) / 2];
      this.rhs = new double[d];
      this.bad = new long[k];
    }

    /**
     * Adds c·a aᵀ over the first d values of {@code a}. Rows are buffered and added four at a time:
     * one sweep over the packed Gram matrix per four rows, which the JIT vectorises (about 3×
     * faster than a sweep per row).
     */
    public void addOuter(double[] a, double c) {
      if (pending == null) {
        pending = new double[4 * d];
        pendingWeights = new double[4];
      }
      int slot = pendingCount;
      System.arraycopy(a, 0, pending, slot * d, d);
      pendingWeights[slot] = c;
      pendingCount = slot + 1;
      if (slot == 3) {
        flush();
      }
    }

    /** Adds the buffered rows to the Gram matrix. */
    void flush() {
      if (pendingCount == 0) {
        return;
      }
      double[] x = pending;
      int n = pendingCount;
      // Unused slots get weight 0, so the four-row kernel serves a partial buffer too.
      for (int r = n; r < 4; r++) {
        pendingWeights[r] = 0;
        java.util.Arrays.fill(x, r * d, r * d + d, 0);
      }
      double w0 = pendingWeights[0];
      double w1 = pendingWeights[1];
      double w2 = pendingWeights[2];
      double w3 = pendingWeights[3];
      int o1 = d;
      int o2 = 2 * d;
      int o3 = 3 * d;
      double[] g = gram;
      int dim = d;
      for (int i = 0; i < dim; i++) {
        double a0 = w0 * x[i];
        double a1 = w1 * x[o1 + i];
        double a2 = w2 * x[o2 + i];
        double a3 = w3 * x[o3 + i];
        int base = i * (i + 1) / 2;
        for (int j = 0; j <= i; j++) {
          g[base + j] += a0 * x[j] + a1 * x[o1 + j] + a2 * x[o2 + j] + a3 * x[o3 + j];
        }
      }
      pendingCount = 0;
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

    public void min(double v) {
      min = Math.min(min, v);
    }

    Acc merge(Acc o) {
      flush();
      o.flush();
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
      min = Math.min(min, o.min);
      return this;
    }

    public double[][] gram() {
      flush();
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

    public double min() {
      return min;
    }

    /** Rows skipped because column i was null or not finite. */
    public long[] bad() {
      return bad.clone();
    }
  }

  /**
   * Runs {@code visitor} over {@code data}, whose columns are all doubles; d is the Gram dimension.
   * Rows are read as Spark's internal rows: no conversion to {@link Row} and no boxing of the
   * doubles.
   */
  public static Acc run(Dataset<Row> data, int d, Visitor visitor) {
    return run(data, false, d, visitor);
  }

  /**
   * As {@link #run(Dataset, int, Visitor)}; with {@code leadingOne} each row is 1 followed by the
   * data's values.
   */
  public static Acc run(Dataset<Row> data, boolean leadingOne, int d, Visitor visitor) {
    int k = data.columns().length + (leadingOne ? 1 : 0);
    FlatMapFunction<Iterator<InternalRow>, Acc> perPartition =
        it -> {
          Acc acc = new Acc(d, k);
          double[] a = new double[k];
          while (it.hasNext()) {
            if (read(it.next(), leadingOne, a, acc)) {
              acc.rows++;
              visitor.visit(a, acc);
            }
          }
          acc.flush();
          return List.of(acc).iterator();
        };
    return internalRows(data).mapPartitions(perPartition).treeReduce(Acc::merge);
  }

  /**
   * The rows of {@code data} as Spark's internal rows. When the physical plan is a bare columnar
   * file scan (Parquet or Delta without a filter or a reordering projection), the rows are views
   * into the vectorized reader's batches: the row conversion a Dataset's rows otherwise go through
   * (one UnsafeRow written per row) is the larger part of a pass's cost over a narrow double table.
   * Any other plan is executed as usual.
   */
  static JavaRDD<InternalRow> internalRows(Dataset<Row> data) {
    SparkPlan plan = data.queryExecution().executedPlan();
    SparkPlan node = plan instanceof WholeStageCodegenExec w ? w.child() : plan;
    if (node instanceof ColumnarToRowExec c) {
      SparkPlan scan = c.child() instanceof InputAdapter in ? in.child() : c.child();
      if (scan instanceof FileSourceScanExec
          && scan.supportsColumnar()
          && scan.output().equals(plan.output())) {
        FlatMapFunction<Iterator<ColumnarBatch>, InternalRow> rows =
            batches ->
                new Iterator<>() {
                  private Iterator<InternalRow> current = java.util.Collections.emptyIterator();

                  @Override
                  public boolean hasNext() {
                    while (!current.hasNext() && batches.hasNext()) {
                      current = batches.next().rowIterator();
                    }
                    return current.hasNext();
                  }

                  @Override
                  public InternalRow next() {
                    if (!hasNext()) {
                      throw new java.util.NoSuchElementException();
                    }
                    return current.next();
                  }
                };
        LOG.debug("reading the vectorized batches of {}", scan.nodeName());
        return scan.executeColumnar().toJavaRDD().mapPartitions(rows);
      }
    }
    LOG.debug("reading rows of the plan:\n{}", plan);
    return data.queryExecution().toRdd().toJavaRDD();
  }

  /**
   * The rows of {@code data} (all double columns) kept in executor memory (spilling to disk) as
   * dense row-major blocks of primitive doubles, for jobs that pass over the same matrix many times
   * (Lewis iterations, IRLS): a pass then costs the arithmetic, not a scan and decode. Rows with a
   * null or non-finite value are left out and counted, so the first pass reports them as {@link
   * #run(Dataset, int, Visitor)} does. Close it to free the memory.
   */
  public static Cached cache(Dataset<Row> data, int d) {
    return cache(data, false, d);
  }

  /**
   * As {@link #cache(Dataset, int)}; with {@code leadingOne} each row is 1 followed by the data's
   * values.
   */
  public static Cached cache(Dataset<Row> data, boolean leadingOne, int d) {
    StorageLevel level = StorageLevel.MEMORY_AND_DISK();
    int k = data.columns().length + (leadingOne ? 1 : 0);
    FlatMapFunction<Iterator<InternalRow>, Block> toBlocks =
        it -> {
          List<Block> blocks = new ArrayList<>();
          Acc bad = new Acc(0, k);
          double[] a = new double[k];
          double[] buf = new double[Block.ROWS * k];
          int n = 0;
          while (it.hasNext()) {
            if (!read(it.next(), leadingOne, a, bad)) {
              continue;
            }
            System.arraycopy(a, 0, buf, n * k, k);
            if (++n == Block.ROWS) {
              blocks.add(new Block(buf, n, null));
              buf = new double[Block.ROWS * k];
              n = 0;
            }
          }
          blocks.add(new Block(Arrays.copyOf(buf, n * k), n, bad.bad));
          return blocks.iterator();
        };
    JavaRDD<Block> blocks = internalRows(data).mapPartitions(toBlocks).persist(level);
    return new Cached(blocks, k, d);
  }

  /**
   * Up to {@link #ROWS} rows of k doubles; the last block of a partition carries its per-column
   * bad-value counts.
   */
  static final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int ROWS = 65536;
    final double[] values;
    final int rows;
    final long[] bad;

    Block(double[] values, int rows, long[] bad) {
      this.values = values;
      this.rows = rows;
      this.bad = bad;
    }
  }

  /** A matrix cached by {@link #cache}: each {@link #run} is one pass over executor memory. */
  public static final class Cached implements AutoCloseable {
    private final JavaRDD<Block> blocks;
    private final int k;
    private final int d;

    private Cached(JavaRDD<Block> blocks, int k, int d) {
      this.blocks = blocks;
      this.k = k;
      this.d = d;
    }

    public Acc run(Visitor visitor) {
      int width = k;
      int dim = d;
      FlatMapFunction<Iterator<Block>, Acc> perPartition =
          it -> {
            Acc acc = new Acc(dim, width);
            double[] a = new double[width];
            while (it.hasNext()) {
              Block b = it.next();
              for (int r = 0; r < b.rows; r++) {
                System.arraycopy(b.values, r * width, a, 0, width);
                acc.rows++;
                visitor.visit(a, acc);
              }
              if (b.bad != null) {
                for (int i = 0; i < width; i++) {
                  acc.bad[i] += b.bad[i];
                }
              }
            }
            acc.flush();
            return List.of(acc).iterator();
          };
      return blocks.mapPartitions(perPartition).treeReduce(Acc::merge);
    }

    @Override
    public void close() {
      blocks.unpersist(false);
    }
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

  private static boolean read(InternalRow r, boolean leadingOne, double[] a, Acc acc) {
    boolean ok = true;
    int offset = 0;
    if (leadingOne) {
      a[0] = 1;
      offset = 1;
    }
    for (int i = offset; i < a.length; i++) {
      int c = i - offset;
      if (r.isNullAt(c)) {
        acc.bad[i]++;
        ok = false;
        continue;
      }
      double v = r.getDouble(c);
      if (!Double.isFinite(v)) {
        acc.bad[i]++;
        ok = false;
      }
      a[i] = v;
    }
    return ok;
  }
}
