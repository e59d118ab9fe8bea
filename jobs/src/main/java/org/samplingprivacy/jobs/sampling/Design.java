package org.samplingprivacy.jobs.sampling;

import static org.apache.spark.sql.functions.lit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;

/**
 * The matrix a job works on: the feature columns, a column of ones with {@code --intercept}, and
 * the target with {@code --target} ([A b], so sampling scores cover the regression residual).
 * Columns are validated as numeric and read as doubles; nulls and NaN are counted by the first
 * {@link MatrixPass} and reported by {@link #checkComplete}.
 */
final class Design {
  static final String INTERCEPT = "(intercept)";
  final List<String> features;
  final boolean intercept;
  final String target;
  final String table;

  private Design(List<String> features, boolean intercept, String target, String table) {
    this.features = features;
    this.intercept = intercept;
    this.target = target;
    this.table = table;
  }

  static Design of(
      Dataset<Row> df, String table, String featuresOption, boolean intercept, String target) {
    List<String> features = Params.requireList("--features", featuresOption);
    TableChecks.requireNumeric(df, table, features);
    if (target != null) {
      TableChecks.requireNumeric(df, table, List.of(target));
      if (features.contains(target)) {
        throw new InputException("--target '" + target + "' is also listed in --features");
      }
    }
    return new Design(features, intercept, target, table);
  }

  /** Names of the matrix columns, in order: intercept, features, target. */
  List<String> names() {
    List<String> n = new ArrayList<>();
    if (intercept) {
      n.add(INTERCEPT);
    }
    n.addAll(features);
    if (target != null) {
      n.add(target);
    }
    return n;
  }

  /** Columns of A only (no target). */
  int featureWidth() {
    return features.size() + (intercept ? 1 : 0);
  }

  int width() {
    return featureWidth() + (target != null ? 1 : 0);
  }

  /** The matrix as double columns __m0.. (plus {@code extra} columns after them). */
  Column[] columns(Column... extra) {
    List<Column> c = new ArrayList<>();
    int i = 0;
    if (intercept) {
      c.add(lit(1.0).as("__m" + i++));
    }
    for (String f : features) {
      c.add(Columns.named(f).cast("double").as("__m" + i++));
    }
    if (target != null) {
      c.add(Columns.named(target).cast("double").as("__m" + i));
    }
    c.addAll(List.of(extra));
    return c.toArray(new Column[0]);
  }

  /** The table's columns of the matrix (features, then target), without the intercept. */
  List<String> stored() {
    List<String> n = new ArrayList<>(features);
    if (target != null) {
      n.add(target);
    }
    return n;
  }

  /**
   * The stored matrix columns of {@code df} as doubles, cast only where the table's type is not
   * double: a pass over a double table then reads the scan's own rows, with no projection copying
   * them. The intercept is not among them: readers put a leading 1 in front ({@link
   * MatrixPass#run(Dataset, boolean, int, MatrixPass.Visitor)}).
   */
  Column[] storedColumns(Dataset<Row> df) {
    return stored().stream().map(name -> asDouble(df, name)).toArray(Column[]::new);
  }

  static Column asDouble(Dataset<Row> df, String name) {
    boolean isDouble =
        df.schema().apply(name).dataType().equals(org.apache.spark.sql.types.DataTypes.DoubleType);
    return isDouble ? Columns.named(name) : Columns.named(name).cast("double").as(name);
  }

  /** Turns a pass's per-column null/NaN counts into the error a user sees. */
  void checkComplete(MatrixPass.Acc acc) {
    long[] bad = acc.bad();
    List<String> names = names();
    for (int i = 0; i < names.size() && i < bad.length; i++) {
      if (bad[i] > 0) {
        throw new InputException(
            table
                + " column '"
                + names.get(i)
                + "' has "
                + bad[i]
                + " null, NaN or infinite value"
                + (bad[i] == 1 ? "" : "s"));
      }
    }
    if (acc.rows() == 0) {
      throw new InputException(table + " is empty");
    }
  }
}
