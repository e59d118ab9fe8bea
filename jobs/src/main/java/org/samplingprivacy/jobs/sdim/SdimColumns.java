package org.samplingprivacy.jobs.sdim;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.TableChecks;

/** Column checks and conversions shared by the SDIM commands. */
final class SdimColumns {
  private SdimColumns() {}

  static void requireEmbedding(Dataset<Row> df, String table, String option, String name) {
    TableChecks.requireColumns(df, table, List.of(name));
    DataType t = df.schema().apply(name).dataType();
    if (!(t instanceof ArrayType a && a.elementType() instanceof NumericType)) {
      throw new InputException(
          table
              + " column '"
              + name
              + "' ("
              + option
              + ") must be an array of numbers, but is "
              + t.simpleString());
    }
  }

  /**
   * A time column as an orderable double: microseconds for timestamps, days for dates, the value
   * for numbers. Only order matters to the point-in-time rule.
   */
  static Column time(Dataset<Row> df, String table, String option, String name) {
    TableChecks.requireColumns(df, table, List.of(name));
    DataType t = df.schema().apply(name).dataType();
    Column c = Columns.named(name);
    if (t instanceof TimestampType || t instanceof TimestampNTZType) {
      return functions.unix_micros(c.cast("timestamp")).cast("double");
    }
    if (t instanceof DateType) {
      return functions.unix_date(c).cast("double");
    }
    if (t instanceof NumericType) {
      return c.cast("double");
    }
    throw new InputException(
        table
            + " column '"
            + name
            + "' ("
            + option
            + ") must be a timestamp, date or number, "
            + "but is "
            + t.simpleString());
  }
}
