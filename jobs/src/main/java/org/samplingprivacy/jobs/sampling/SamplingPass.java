package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.encoders.ExpressionEncoder;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.plans.logical.Project;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The pass that draws the sample (Woodruff &amp; Yasuda, ICML 2023, §2: sample row i with
 * probability q_i, weight 1/q_i). Each row's score s_i is computed in the executor from its matrix
 * values, read unboxed from Spark's internal row, and its uniform U_i is the hash column computed
 * by Spark beside them; only the kept rows are turned into {@link Row}s with their {@code weight},
 * {@code score} and {@code inclusion_prob}. So the pass over n rows costs one scan, a hash and a
 * d×d form per row, and no per-row object churn.
 *
 * <p>Two rules: Poisson (keep when U_i &lt; q_i = min(1, s_i·m/S)) and priority sampling (Duffield,
 * Lund &amp; Thorup 2007: priority s_i/U_i, keep the m largest, i.e. priority above the (m+1)-th
 * largest t, with q_i = min(1, s_i/t)), whose threshold {@link #threshold} finds in one pass with
 * bounded per-partition heaps.
 */
final class SamplingPass {
  private SamplingPass() {}

  /**
   * The inclusion rule of one row: its inclusion probability when kept, or a negative number when
   * not. Keeping is monotone in the score, so {@code keep(upper bound, u) < 0} rules a row out
   * before its exact score is computed.
   */
  interface Rule extends Serializable {
    double keep(double score, double u);
  }

  /** Poisson sampling at expected size m: q = min(1, s·m/S). */
  static Rule poisson(double mOverS) {
    return (s, u) -> {
      double q = Math.min(1, s * mOverS);
      return u < q && q > 0 ? q : -1;
    };
  }

  /** Priority sampling with threshold t (0: keep every row with a positive score, q = 1). */
  static Rule priority(double t) {
    return (s, u) -> {
      if (!(s > 0)) {
        return -1;
      }
      if (t == 0) {
        return 1;
      }
      return priorityOf(s, u) > t ? Math.min(1, s / t) : -1;
    };
  }

  /** s/U with U kept away from 0 (U is a multiple of 2⁻⁵³ and may be exactly 0). */
  static double priorityOf(double s, double u) {
    return s / (u + 0x1.0p-54);
  }

  /**
   * The kept rows of {@code df} (its columns {@code keep}, then weight, score, inclusion_prob), the
   * matrix being {@code design}'s and {@code u} the uniform column. The pass reads the table's own
   * rows: matrix values by ordinal, U_i from {@code u} compiled as a one-column projection, so rows
   * are neither copied nor converted unless kept.
   */
  static Dataset<Row> sample(
      SparkSession spark,
      Dataset<Row> df,
      String[] keep,
      Design design,
      Column u,
      Scores scores,
      Rule rule) {
    StructType full = df.schema();
    List<String> columns = Arrays.asList(df.columns());
    int[] keepAt = Arrays.stream(keep).mapToInt(columns::indexOf).toArray();
    MatrixReader reader = new MatrixReader(df, design);
    UniformProjection uniform = new UniformProjection(df, u);
    ExpressionEncoder<Row> encoder = resolved(full);
    FlatMapFunction<Iterator<InternalRow>, Row> perPartition =
        it -> {
          ExpressionEncoder.Deserializer<Row> toRow = encoder.createDeserializer();
          UnsafeProjection hash = uniform.create();
          double[] a = new double[reader.width()];
          return new FilteringIterator<>(
              it,
              r -> {
                reader.read(r, a);
                double ui = hash.apply(r).getDouble(0);
                if (rule.keep(scores.upperBound(a), ui) < 0) {
                  return null;
                }
                double s = scores.score(a);
                double q = rule.keep(s, ui);
                if (q < 0) {
                  return null;
                }
                Row row = toRow.apply(r);
                Object[] values = new Object[keepAt.length + 3];
                for (int i = 0; i < keepAt.length; i++) {
                  values[i] = row.get(keepAt[i]);
                }
                values[keepAt.length] = 1 / q;
                values[keepAt.length + 1] = s;
                values[keepAt.length + 2] = q;
                return RowFactory.create(values);
              });
        };
    JavaRDD<Row> kept = MatrixPass.internalRows(df).mapPartitions(perPartition);
    StructType out = new StructType();
    for (int i : keepAt) {
      out = out.add(full.fields()[i]);
    }
    for (StructField f : SamplingTables.SAMPLE.columns().fields()) {
      out = out.add(f);
    }
    return spark.createDataFrame(kept, out);
  }

  /**
   * The (m+1)-th largest priority s_i/U_i over the table, or 0 when it has at most m rows with a
   * positive score. Each partition keeps its m+1 largest in a heap; merging keeps the m+1 largest
   * again, so the driver holds O(m).
   */
  static double threshold(Dataset<Row> df, Design design, Column u, Scores scores, long m) {
    int k = (int) Math.min(Integer.MAX_VALUE - 16, m + 1);
    MatrixReader reader = new MatrixReader(df, design);
    UniformProjection uniform = new UniformProjection(df, u);
    FlatMapFunction<Iterator<InternalRow>, double[]> perPartition =
        it -> {
          UnsafeProjection hash = uniform.create();
          PriorityQueue<Double> top = new PriorityQueue<>();
          double[] a = new double[reader.width()];
          while (it.hasNext()) {
            InternalRow r = it.next();
            reader.read(r, a);
            double ui = hash.apply(r).getDouble(0);
            if (top.size() == k && !(priorityOf(scores.upperBound(a), ui) > top.peek())) {
              continue;
            }
            double s = scores.score(a);
            if (!(s > 0)) {
              continue;
            }
            double pr = priorityOf(s, ui);
            if (top.size() < k) {
              top.add(pr);
            } else if (pr > top.peek()) {
              top.poll();
              top.add(pr);
            }
          }
          return List.of(top.stream().mapToDouble(Double::doubleValue).toArray()).iterator();
        };
    double[] largest =
        MatrixPass.internalRows(df)
            .mapPartitions(perPartition)
            .treeReduce((x, y) -> largest(x, y, k));
    if (largest.length < k) {
      return 0;
    }
    return Arrays.stream(largest).min().orElse(0);
  }

  /**
   * Reads the design's matrix from a row of the table itself: a leading 1 for the intercept, then
   * each stored column by ordinal, converted to double as Spark's cast would (the Gram pass has
   * already refused nulls and NaN).
   */
  static final class MatrixReader implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int[] ordinals;
    private final int[] kinds;
    private final int[] precisions;
    private final int[] scales;

    /**
     * Every stored column is a double (the common case, read without a type switch); first skips
     * the intercept.
     */
    private final boolean allDouble;

    private final int first;

    MatrixReader(Dataset<Row> df, Design design) {
      List<String> names = design.names();
      List<String> columns = Arrays.asList(df.columns());
      ordinals = new int[names.size()];
      kinds = new int[names.size()];
      precisions = new int[names.size()];
      scales = new int[names.size()];
      for (int j = 0; j < ordinals.length; j++) {
        if (design.intercept && j == 0) {
          ordinals[j] = -1;
          continue;
        }
        ordinals[j] = columns.indexOf(names.get(j));
        DataType t = df.schema().fields()[ordinals[j]].dataType();
        if (t instanceof DecimalType dt) {
          kinds[j] = 7;
          precisions[j] = dt.precision();
          scales[j] = dt.scale();
        } else {
          kinds[j] =
              List.of(
                      DataTypes.DoubleType,
                      DataTypes.FloatType,
                      DataTypes.LongType,
                      DataTypes.IntegerType,
                      DataTypes.ShortType,
                      DataTypes.ByteType)
                  .indexOf(t);
          if (kinds[j] < 0) {
            throw new IllegalArgumentException("column " + names.get(j) + " is not numeric: " + t);
          }
        }
      }
      first = design.intercept ? 1 : 0;
      allDouble = Arrays.stream(kinds, first, kinds.length).allMatch(k -> k == 0);
    }

    int width() {
      return ordinals.length;
    }

    void read(InternalRow r, double[] a) {
      if (allDouble) {
        for (int j = first; j < ordinals.length; j++) {
          a[j] = r.getDouble(ordinals[j]);
        }
        if (first == 1) {
          a[0] = 1;
        }
        return;
      }
      for (int j = 0; j < ordinals.length; j++) {
        int o = ordinals[j];
        a[j] =
            switch (o < 0 ? -1 : kinds[j]) {
              case -1 -> 1;
              case 0 -> r.getDouble(o);
              case 1 -> r.getFloat(o);
              case 2 -> r.getLong(o);
              case 3 -> r.getInt(o);
              case 4 -> r.getShort(o);
              case 5 -> r.getByte(o);
              default -> r.getDecimal(o, precisions[j], scales[j]).toDouble();
            };
      }
    }
  }

  /**
   * {@code u} resolved against the table's rows, compiled per task into a one-column projection.
   */
  static final class UniformProjection implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Expression expression;
    private final scala.collection.Seq<Attribute> input;

    UniformProjection(Dataset<Row> df, Column u) {
      Project p = (Project) df.select(u.as("__u")).queryExecution().analyzed();
      this.expression = (Expression) p.projectList().head();
      this.input = df.queryExecution().analyzed().output();
    }

    UnsafeProjection create() {
      List<Expression> exprs = List.of(expression);
      return UnsafeProjection.create(
          scala.collection.JavaConverters.asScalaBuffer(exprs).toSeq(), input);
    }
  }

  private static double[] largest(double[] x, double[] y, int k) {
    double[] all = Arrays.copyOf(x, x.length + y.length);
    System.arraycopy(y, 0, all, x.length, y.length);
    if (all.length <= k) {
      return all;
    }
    Arrays.sort(all);
    return Arrays.copyOfRange(all, all.length - k, all.length);
  }

  private static ExpressionEncoder<Row> resolved(StructType schema) {
    ExpressionEncoder<Row> e = ExpressionEncoder.apply(schema);
    return e.resolveAndBind(e.resolveAndBind$default$1(), e.resolveAndBind$default$2());
  }

  /** The non-null results of {@code f} over {@code it}, lazily. */
  private static final class FilteringIterator<T> implements Iterator<T> {
    private final Iterator<InternalRow> it;
    private final java.util.function.Function<InternalRow, T> f;
    private T next;

    FilteringIterator(Iterator<InternalRow> it, java.util.function.Function<InternalRow, T> f) {
      this.it = it;
      this.f = f;
    }

    @Override
    public boolean hasNext() {
      while (next == null && it.hasNext()) {
        next = f.apply(it.next());
      }
      return next != null;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      T t = next;
      next = null;
      return t;
    }
  }
}
