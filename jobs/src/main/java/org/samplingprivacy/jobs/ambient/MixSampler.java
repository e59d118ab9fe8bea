package org.samplingprivacy.jobs.ambient;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.mllib.linalg.Matrix;
import org.apache.spark.mllib.linalg.Vectors;
import org.apache.spark.mllib.linalg.distributed.RowMatrix;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.udfs.StableHash;

/**
 * The executor side of {@code ambient-mix} (docs/design/ambient-study.md §2): keyed uniforms per
 * row, the optional PCA projection fitted on the non-holdout rows, and the nested mixes themselves,
 * each row's clean/noisy choice and Gaussian noise a function of its key and the seed.
 */
final class MixSampler {
  private MixSampler() {}

  static Column unit(long seed, long stream) {
    return Columns.keyedUniform(StableHash.streamSeed(seed, stream), col("key"));
  }

  /**
   * Centres on the non-holdout mean and projects on its top principal components (RowMatrix, d×K on
   * the driver).
   */
  static Dataset<Row> project(JobContext c, Dataset<Row> keyed, double holdoutFraction, int pca) {
    JavaRDD<org.apache.spark.mllib.linalg.Vector> train =
        keyed
            .filter(col("u_holdout").geq(holdoutFraction))
            .select("x")
            .javaRDD()
            .map(r -> Vectors.dense(toArray(r.getList(0))));
    RowMatrix m = new RowMatrix(train.rdd());
    Matrix pc = c.phase("principal components", () -> m.computePrincipalComponents(pca));
    double[] mean = m.computeColumnSummaryStatistics().mean().toArray();
    int d = pc.numRows();
    int k = pc.numCols();
    double[] u = pc.toArray(); // column-major d×k
    for (int j = 0;
        j < k;
        j++) { // sign convention: each component's largest entry positive (eigenvector signs are
      int arg = 0; // otherwise arbitrary and could flip between runs)
      for (int a = 1; a < d; a++) {
        if (Math.abs(u[j * d + a]) > Math.abs(u[j * d + arg])) {
          arg = a;
        }
      }
      if (u[j * d + arg] < 0) {
        for (int a = 0; a < d; a++) {
          u[j * d + a] = -u[j * d + a];
        }
      }
    }
    Broadcast<double[]> bu =
        c.spark()
            .sparkContext()
            .broadcast(u, scala.reflect.ClassTag$.MODULE$.apply(double[].class));
    StructType schema = keyed.schema();
    return keyed.map(
        (org.apache.spark.api.java.function.MapFunction<Row, Row>)
            r -> {
              double[] x = toArray(r.getList(1));
              double[] basis = bu.value();
              double[] y = new double[k];
              for (int j = 0; j < k; j++) {
                double s = 0;
                for (int a = 0; a < d; a++) {
                  s += basis[j * d + a] * (x[a] - mean[a]);
                }
                y[j] = s;
              }
              return RowFactory.create(r.get(0), y, r.get(2), r.get(3), r.get(4));
            },
        Encoders.row(schema));
  }

  static double[] toArray(List<?> l) {
    double[] x = new double[l.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Number) l.get(i)).doubleValue();
    }
    return x;
  }

  /**
   * The mix rows. Positions come from a distributed sort by the keyed order; each row is copied
   * once per size it belongs to, ranked within the size by the keyed clean order, then emitted once
   * per clean fraction and σ.
   */
  static Dataset<Row> mixRows(JobContext c, Dataset<Row> pool, List<MixGrid.Mix> mixes, long seed) {
    int[] sizes = mixes.stream().mapToInt(MixGrid.Mix::size).distinct().sorted().toArray();
    int largest = sizes[sizes.length - 1];
    StructType positioned =
        new StructType()
            .add("pos", DataTypes.LongType)
            .add("key", DataTypes.LongType)
            .add("u_clean", DataTypes.DoubleType)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    JavaRDD<Row> ordered =
        pool.orderBy("u_order", "key")
            .select("key", "u_clean", "x")
            .limit(largest)
            .javaRDD()
            .zipWithIndex()
            .map(t -> RowFactory.create(t._2(), t._1().get(0), t._1().get(1), t._1().get(2)));
    StructType perSize =
        new StructType()
            .add("size", DataTypes.IntegerType)
            .add("pos", DataTypes.LongType)
            .add("key", DataTypes.LongType)
            .add("u_clean", DataTypes.DoubleType)
            .add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    Dataset<Row> bySize =
        c.spark()
            .createDataFrame(ordered, positioned)
            .flatMap(
                (org.apache.spark.api.java.function.FlatMapFunction<Row, Row>)
                    r -> {
                      List<Row> out = new ArrayList<>();
                      for (int n : sizes) {
                        if (r.getLong(0) < n) {
                          out.add(RowFactory.create(n, r.get(0), r.get(1), r.get(2), r.get(3)));
                        }
                      }
                      return out.iterator();
                    },
                Encoders.row(perSize))
            .withColumn(
                "clean_rank",
                functions
                    .row_number()
                    .over(Window.partitionBy("size").orderBy("u_clean", "key"))
                    .minus(1));
    MixGrid.Mix[] all = mixes.toArray(new MixGrid.Mix[0]);
    long noiseSeed = StableHash.streamSeed(seed, 4);
    return bySize.flatMap(
        (org.apache.spark.api.java.function.FlatMapFunction<Row, Row>)
            r -> {
              int n = r.getInt(0);
              long pos = r.getLong(1);
              long key = r.getLong(2);
              double[] x = toArray(r.getList(4));
              long rank = r.getInt(5);
              double[] z = null;
              List<Row> out = new ArrayList<>();
              for (MixGrid.Mix m : all) {
                if (m.size() != n) {
                  continue;
                }
                boolean noisy = rank >= m.nClean();
                double[] y = new double[x.length];
                if (noisy && z == null) {
                  z = noise(key, noiseSeed, x.length);
                }
                for (int a = 0; a < x.length; a++) {
                  y[a] = noisy ? x[a] + m.sigma() * z[a] : x[a];
                }
                out.add(RowFactory.create(m.id(), pos, key, noisy, noisy ? m.sigma() : 0.0, y));
              }
              return out.iterator();
            },
        Encoders.row(AmbientTables.MIXES.columns()));
  }

  /**
   * The row's standard Gaussian noise vector: Box–Muller on keyed uniforms, the same for every mix
   * and σ.
   */
  static double[] noise(long key, long seed, int d) {
    double[] z = new double[d];
    for (int a = 0; a < d; a++) {
      double u = StableHash.uniform(key, StableHash.streamSeed(seed, 2L * a));
      double v = StableHash.uniform(key, StableHash.streamSeed(seed, 2L * a + 1));
      z[a] = Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }
    return z;
  }
}
