package org.samplingprivacy.jobs.importcsv;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Messages about the rows an import rejects: how many, why, and the first of them. */
final class BadRows {
  private BadRows() {}

  static String describe(
      String input,
      long maxBadRows,
      ImportStats s,
      long badRows,
      StructType schema,
      List<String> header,
      List<String> notNull,
      char sep) {
    List<String> parts = new ArrayList<>();
    if (s.malformed() > 0) {
      parts.add(
          s.malformed()
              + " malformed (first: "
              + explainMalformed(s.firstMalformed(), schema, header, sep)
              + ")");
    }
    if (s.missing() > 0) {
      String cols =
          notNull.stream()
              .filter(c -> s.nulls().getOrDefault(c, 0L) > 0)
              .map(c -> "'" + c + "'")
              .collect(Collectors.joining(", "));
      parts.add(s.missing() + " with an empty NOT NULL column (" + cols + ")");
    }
    return "--input "
        + input
        + ": "
        + badRows
        + " of "
        + s.rows()
        + " rows break the schema (--max-bad-rows "
        + maxBadRows
        + "): "
        + String.join("; ", parts)
        + "; first bad row: '"
        + abbreviate(s.firstBad())
        + "'";
  }

  /**
   * Says why Spark rejected {@code line}: the field count, or the first field that does not
   * convert.
   */
  static String explainMalformed(String line, StructType schema, List<String> header, char sep) {
    if (line == null) {
      return "no example";
    }
    String[] tokens = CsvHeader.tokenize(line, sep);
    if (tokens.length != header.size()) {
      return "a row with " + tokens.length + " fields, the header has " + header.size();
    }
    for (int i = 0; i < Math.min(tokens.length, header.size()); i++) {
      String t = tokens[i];
      StructField f = schema.fields()[i];
      if (t != null && !t.isEmpty() && !ValueCheck.converts(t, f.dataType())) {
        return "column '"
            + f.name()
            + "' value '"
            + abbreviate(t)
            + "' is not "
            + f.dataType().sql();
      }
    }
    return "row '" + abbreviate(line) + "' does not parse";
  }

  static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    String one = s.replace("\n", "\\n");
    return one.length() <= 200 ? one : one.substring(0, 199) + "…";
  }
}
