package org.samplingprivacy.jobs.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Schema and content checks of input tables, shared by every job. Schema checks read only the
 * schema; the content check ({@link #requireComplete}) is one aggregation pass in the executors
 * that returns a few counts to the driver. Every failure is an {@link InputException} naming the
 * table and the column.
 */
public final class TableChecks {
  private TableChecks() {}

  /** Requires every column in {@code columns} to exist in {@code df}. */
  public static void requireColumns(Dataset<Row> df, String table, List<String> columns) {
    Set<String> present = Set.of(df.columns());
    for (String c : columns) {
      if (!present.contains(c)) {
        throw new InputException(
            table
                + " has no column '"
                + c
                + "' (columns: "
                + String.join(", ", df.columns())
                + ")");
      }
    }
  }

  /**
   * Requires {@code column} to exist and have a numeric type (integral, decimal, float or double).
   */
  public static void requireNumeric(Dataset<Row> df, String table, List<String> columns) {
    requireColumns(df, table, columns);
    for (String c : columns) {
      DataType t = field(df, c).dataType();
      if (!(t instanceof NumericType)) {
        throw new InputException(
            table + " column '" + c + "' must be numeric, but is " + t.simpleString());
      }
    }
  }

  /** Requires {@code column} to exist and have one of the {@code allowed} types. */
  public static void requireType(
      Dataset<Row> df, String table, String column, DataType... allowed) {
    requireColumns(df, table, List.of(column));
    DataType t = field(df, column).dataType();
    if (Arrays.stream(allowed).noneMatch(t::sameType)) {
      String names =
          String.join(" or ", Arrays.stream(allowed).map(DataType::simpleString).toList());
      throw new InputException(
          table + " column '" + column + "' must be " + names + ", but is " + t.simpleString());
    }
  }

  /**
   * In one pass: requires {@code df} to have at least one row and no null (or, for floating
   * columns, NaN) in {@code columns}. Returns the row count, which callers reuse instead of
   * counting again.
   */
  public static long requireComplete(Dataset<Row> df, String table, List<String> columns) {
    requireColumns(df, table, columns);
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)).as("__rows"));
    for (String c : columns) {
      Column bad = col(c).isNull();
      DataType t = field(df, c).dataType();
      if (t instanceof DoubleType || t instanceof FloatType) {
        bad = bad.or(isnan(col(c)));
      }
      aggs.add(sum(when(bad, 1L).otherwise(0L)));
    }
    Row r = df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long rows = r.getLong(0);
    if (rows == 0) {
      throw new InputException(table + " is empty");
    }
    Map<String, Long> bad = new LinkedHashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      long n = r.isNullAt(i + 1) ? 0 : r.getLong(i + 1);
      if (n > 0) {
        bad.put(columns.get(i), n);
      }
    }
    if (!bad.isEmpty()) {
      Map.Entry<String, Long> first = bad.entrySet().iterator().next();
      throw new InputException(
          table
              + " column '"
              + first.getKey()
              + "' has "
              + first.getValue()
              + " null or NaN value"
              + (first.getValue() == 1 ? "" : "s")
              + " of "
              + rows
              + " rows"
              + (bad.size() > 1
                  ? " (also: " + String.join(", ", bad.keySet().stream().skip(1).toList()) + ")"
                  : ""));
    }
    return rows;
  }

  private static StructField field(Dataset<Row> df, String column) {
    return df.schema().apply(column);
  }
}
