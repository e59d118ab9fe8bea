package org.samplingprivacy.jobs.gsd;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.runner.JobContext;

/**
 * The released table (docs/tables.md §2.7, synthetic table): the genetic algorithm's encoded rows
 * decoded to the input's values and types.
 */
final class SyntheticRows {
  private SyntheticRows() {}

  /**
   * The synthetic rows decoded to the input's values and types (categories by value, numerics
   * unscaled).
   */
  static Dataset<Row> decode(JobContext c, Domain domain, StructType input, double[] data) {
    int d = domain.size();
    int n = data.length / d;
    StructType raw = new StructType();
    for (Domain.Column col : domain.columns()) {
      raw =
          raw.add(
              col.name,
              col.kind == Domain.Kind.NUMERIC ? DataTypes.DoubleType : DataTypes.StringType,
              true);
    }
    List<Row> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      Object[] v = new Object[d];
      for (int k = 0; k < d; k++) {
        Domain.Column col = domain.column(k);
        double x = data[r * d + k];
        if (col.kind == Domain.Kind.NUMERIC) {
          double value = col.unscale(x);
          v[k] =
              input.apply(col.name).dataType() instanceof IntegralType
                  ? (double) Math.round(value)
                  : value;
        } else {
          v[k] = col.decode((int) x);
        }
      }
      out.add(RowFactory.create(v));
    }
    Dataset<Row> df = c.spark().createDataFrame(out, raw);
    List<Column> cast = new ArrayList<>();
    for (Domain.Column col : domain.columns()) {
      StructField f = input.apply(col.name);
      cast.add(Columns.named(col.name).cast(f.dataType()).as(col.name));
    }
    return df.select(cast.toArray(new Column[0]));
  }
}
