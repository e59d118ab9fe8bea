package org.samplingprivacy.jobs.importcsv;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Locale;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Whether one CSV field converts to a declared type, mirroring the conversions of Spark's CSV
 * reader closely enough to say <em>which</em> field of a row Spark rejected. It explains
 * rejections; it does not decide them.
 */
final class ValueCheck {
  private ValueCheck() {}

  static boolean converts(String value, DataType type) {
    String v = value.trim();
    try {
      if (type instanceof IntegerType) {
        Integer.parseInt(v);
      } else if (type instanceof LongType) {
        Long.parseLong(v);
      } else if (type instanceof ShortType) {
        Short.parseShort(v);
      } else if (type instanceof ByteType) {
        Byte.parseByte(v);
      } else if (type instanceof DoubleType || type instanceof FloatType) {
        String l = v.toLowerCase(Locale.ROOT);
        if (!l.equals("nan") && !l.contains("inf")) {
          Double.parseDouble(v);
        }
      } else if (type instanceof DecimalType d) {
        BigDecimal b = new BigDecimal(v);
        return b.precision() - b.scale() <= d.precision() - d.scale();
      } else if (type instanceof BooleanType) {
        return v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
      } else if (type instanceof DateType) {
        LocalDate.parse(v);
      } else if (type instanceof TimestampType) {
        return parsesAsTimestamp(v);
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean parsesAsTimestamp(String v) {
    try {
      OffsetDateTime.parse(v);
      return true;
    } catch (RuntimeException e) {
      try {
        LocalDateTime.parse(v.replace(' ', 'T'));
        return true;
      } catch (RuntimeException e2) {
        try {
          LocalDate.parse(v);
          return true;
        } catch (RuntimeException e3) {
          return false;
        }
      }
    }
  }
}
