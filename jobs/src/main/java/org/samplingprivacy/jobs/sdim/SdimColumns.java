package org.samplingprivacy.jobs.sdim;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.TableChecks;

/** Column checks and conversions shared by the SDIM commands. */
final class SdimColumns {
  private SdimColumns() {}

  /**
   * An embedding column as array&lt;double&gt;: an array of numbers as it is, or text such as
   * {@code "[0.1, -0.2, 3e-4]"} (how CSV exports write vectors) parsed as a JSON array. Text that
   * does not parse is refused naming the first such row by {@code idCol}; the caller checks lengths
   * and NaN.
   */
  static Column embedding(Dataset<Row> df, String table, String option, String name, String idCol) {
    TableChecks.requireColumns(df, table, List.of(name));
    DataType t = df.schema().apply(name).dataType();
    Column c = Columns.named(name);
    if (t instanceof ArrayType a && a.elementType() instanceof NumericType) {
      return c.cast("array<double>");
    }
    if (!(t instanceof StringType)) {
      throw new InputException(
          table
              + " column '"
              + name
              + "' ("
              + option
              + ") must be an array of numbers or text like \"[0.1, 0.2]\", but is "
              + t.simpleString());
    }
    Column parsed =
        functions.from_json(
            functions.trim(c),
            DataTypes.createArrayType(DataTypes.DoubleType),
            java.util.Map.of("mode", "PERMISSIVE"));
    List<Row> bad =
        df.select(Columns.named(idCol), c)
            .where(c.isNotNull().and(parsed.isNull().or(functions.exists(parsed, x -> x.isNull()))))
            .limit(1)
            .collectAsList();
    if (!bad.isEmpty()) {
      String text = bad.get(0).getString(1);
      throw new InputException(
          table
              + " column '"
              + name
              + "' ("
              + option
              + "): the embedding of "
              + idCol
              + " "
              + bad.get(0).get(0)
              + " is not a list of numbers like [0.1, 0.2]: '"
              + (text.length() > 80 ? text.substring(0, 77) + "..." : text)
              + "'");
    }
    return parsed;
  }

  /**
   * {@code --ttl} in the time column's order units ({@link #time}): a plain positive number for a
   * numeric column; a count of s, m, h or d for timestamps (in microseconds); of d for dates (in
   * days). A duration whose kind does not fit the column is refused, naming both.
   */
  static double ttl(Dataset<Row> df, String table, String timeCol, String option, String text) {
    DataType t = df.schema().apply(timeCol).dataType();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)([smhd]?)").matcher(text.strip());
    if (!m.matches()) {
      throw new InputException(
          option
              + " must be a number or a duration such as 30d, 12h, 15m, 45s, got '"
              + text
              + "'");
    }
    double value = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    if (!(value > 0) || !Double.isFinite(value)) {
      throw new InputException(option + " must be positive, got '" + text + "'");
    }
    if (t instanceof NumericType) {
      if (!unit.isEmpty()) {
        throw new InputException(
            option
                + " "
                + text
                + " is a duration, but "
                + table
                + " column '"
                + timeCol
                + "' holds numbers: give the TTL in its units (a plain number)");
      }
      return value;
    }
    if (t instanceof DateType) {
      if (!unit.equals("d") || value != Math.rint(value)) {
        throw new InputException(
            option
                + " "
                + text
                + ": "
                + table
                + " column '"
                + timeCol
                + "' holds dates, so the TTL is whole days, e.g. 30d");
      }
      return value;
    }
    if (unit.isEmpty()) {
      throw new InputException(
          option
              + " "
              + text
              + " has no unit, but "
              + table
              + " column '"
              + timeCol
              + "' holds timestamps: give a duration such as 30d, 12h, 15m or 45s");
    }
    double seconds =
        switch (unit) {
          case "s" -> 1;
          case "m" -> 60;
          case "h" -> 3600;
          default -> 86_400;
        };
    return value * seconds * 1e6;
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
