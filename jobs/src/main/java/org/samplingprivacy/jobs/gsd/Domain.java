package org.samplingprivacy.jobs.gsd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Serializable;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The public domain of a table to synthesise, declared by the user and never derived from the data:
 * categorical columns with their categories (plus an optional overflow category for undeclared
 * values and an optional null category), numeric columns with public bounds (values outside are
 * clamped) and a bin count for marginals.
 *
 * <p>Encoded rows are {@code double[]}: a categorical cell holds its category code 0..size−1, a
 * numeric cell its value scaled to [0, 1] by the bounds (the representation of Private-GSD, Liu et
 * al. 2023; docs/design/private-gsd.md). Two file formats: {@code {"columns": [...]}}
 * (docs/tables.md) and private-pgm's {@code {"col": size}}, read as categorical codes 0..size−1.
 */
public final class Domain implements Serializable {
  private static final long serialVersionUID = 1L;

  /** A column's kind. */
  public enum Kind {
    CATEGORICAL,
    NUMERIC
  }

  /** One declared column. */
  public static final class Column implements Serializable {
    private static final long serialVersionUID = 1L;
    public final String name;
    public final Kind kind;
    public final List<String> values;
    public final String overflow;
    public final boolean nullable;
    public final double min;
    public final double max;
    public final int bins;
    private final Map<String, Integer> codes;

    private Column(
        String name,
        Kind kind,
        List<String> values,
        String overflow,
        boolean nullable,
        double min,
        double max,
        int bins) {
      this.name = name;
      this.kind = kind;
      this.values = values == null ? List.of() : List.copyOf(values);
      this.overflow = overflow;
      this.nullable = nullable;
      this.min = min;
      this.max = max;
      this.bins = bins;
      this.codes = new HashMap<>();
      for (int i = 0; i < this.values.size(); i++) {
        codes.put(this.values.get(i), i);
      }
    }

    /** Categories including overflow and null; for numeric columns, the bin count. */
    public int size() {
      return kind == Kind.NUMERIC
          ? bins
          : values.size() + (overflow != null ? 1 : 0) + (nullable ? 1 : 0);
    }

    /**
     * Code of a categorical value (normalised by {@link #normalise}), or −1 if undeclared with no
     * overflow.
     */
    public int code(Object value) {
      if (value == null) {
        return nullable ? size() - 1 : -2;
      }
      Integer c = codes.get(normalise(value));
      if (c != null) {
        return c;
      }
      return overflow != null ? values.size() : -1;
    }

    /** The categorical value of a code (null for the null category). */
    public String decode(int code) {
      if (code < values.size()) {
        return values.get(code);
      }
      if (overflow != null && code == values.size()) {
        return overflow;
      }
      return null;
    }

    /** A numeric value scaled into [0, 1], clamped at the public bounds. */
    public double scale(double v) {
      double x = (v - min) / (max - min);
      return x < 0 ? 0 : x > 1 ? 1 : x;
    }

    public double unscale(double x) {
      return min + x * (max - min);
    }

    @Override
    public String toString() {
      return kind == Kind.NUMERIC
          ? name + " numeric [" + min + ", " + max + "] in " + bins + " bins"
          : name + " categorical (" + size() + " categories)";
    }
  }

  private final List<Column> columns;
  private final Map<String, Integer> index = new LinkedHashMap<>();

  private Domain(List<Column> columns) {
    this.columns = List.copyOf(columns);
    for (int i = 0; i < columns.size(); i++) {
      if (index.put(columns.get(i).name, i) != null) {
        throw new InputException("--domain declares column '" + columns.get(i).name + "' twice");
      }
    }
  }

  /** Reads and checks a domain file (any Hadoop file system path: local, HDFS, S3, ...). */
  public static Domain read(String path) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(readText(path));
    } catch (IOException e) {
      throw new InputException(
          "--domain "
              + path
              + " cannot be read as JSON: "
              + e.getMessage().lines().findFirst().orElse(""),
          e);
    }
    return parse(root, "--domain " + path);
  }

  /**
   * The text of a small file on any Hadoop file system; the driver reads it before Spark starts.
   */
  public static String readText(String path) throws IOException {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    org.apache.hadoop.fs.FileSystem fs =
        p.getFileSystem(new org.apache.hadoop.conf.Configuration());
    try (java.io.InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  /** Parses a domain from JSON (either format). */
  public static Domain parse(JsonNode root, String where) {
    if (root == null || !root.isObject() || root.isEmpty()) {
      throw new InputException(where + ": expected a JSON object of columns");
    }
    List<Column> cols = new ArrayList<>();
    if (root.has("columns")) {
      JsonNode list = root.get("columns");
      if (!list.isArray() || list.isEmpty()) {
        throw new InputException(where + ": \"columns\" must be a non-empty array");
      }
      for (JsonNode c : list) {
        cols.add(column(c, where));
      }
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().canConvertToInt() || e.getValue().asInt() < 1) {
          throw new InputException(
              where + ": column '" + e.getKey() + "' must map to a positive domain size");
        }
        List<String> values = new ArrayList<>();
        for (int v = 0; v < e.getValue().asInt(); v++) {
          values.add(Integer.toString(v));
        }
        cols.add(new Column(e.getKey(), Kind.CATEGORICAL, values, null, false, 0, 0, 0));
      }
    }
    return new Domain(cols);
  }

  private static Column column(JsonNode c, String where) {
    String name = text(c, "name", where, null);
    String kind = text(c, "type", where, name);
    String at = where + ": column '" + name + "'";
    boolean nullable = c.path("nullable").asBoolean(false);
    switch (kind) {
      case "categorical" -> {
        JsonNode vs = c.get("values");
        if (vs == null || !vs.isArray() || vs.isEmpty()) {
          throw new InputException(at + " needs a non-empty \"values\" array");
        }
        List<String> values = new ArrayList<>();
        for (JsonNode v : vs) {
          if (!v.isValueNode() || v.isNull()) {
            throw new InputException(
                at + ": category " + v + " must be a string, number or boolean");
          }
          String s =
              normalise(
                  v.isNumber() ? v.decimalValue() : v.isBoolean() ? v.asBoolean() : v.asText());
          if (values.contains(s)) {
            throw new InputException(at + " lists category '" + s + "' twice");
          }
          values.add(s);
        }
        String overflow = c.hasNonNull("overflow") ? c.get("overflow").asText() : null;
        if (overflow != null && values.contains(overflow)) {
          throw new InputException(
              at + ": overflow category '" + overflow + "' is also a declared category");
        }
        return new Column(name, Kind.CATEGORICAL, values, overflow, nullable, 0, 0, 0);
      }
      case "numeric" -> {
        if (nullable) {
          throw new InputException(
              at + ": numeric columns cannot be nullable (declare a categorical column)");
        }
        if (!c.path("min").isNumber() || !c.path("max").isNumber()) {
          throw new InputException(at + " needs numeric public bounds \"min\" and \"max\"");
        }
        double min = c.get("min").asDouble();
        double max = c.get("max").asDouble();
        if (!(Double.isFinite(min) && Double.isFinite(max) && min < max)) {
          throw new InputException(
              at + ": bounds must be finite with min < max, got [" + min + ", " + max + "]");
        }
        int bins = c.path("bins").asInt(10);
        if (bins < 1 || bins > 1024) {
          throw new InputException(at + ": \"bins\" must be in 1..1024, got " + bins);
        }
        return new Column(name, Kind.NUMERIC, null, null, false, min, max, bins);
      }
      default ->
          throw new InputException(
              at + ": type must be categorical or numeric, got '" + kind + "'");
    }
  }

  private static String text(JsonNode c, String field, String where, String column) {
    JsonNode v = c.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InputException(
          where
              + (column == null ? ": every column" : ": column '" + column + "'")
              + " needs a \""
              + field
              + "\" string");
    }
    return v.asText();
  }

  /**
   * The text a categorical value is matched by, the same for JSON and Spark values: integral
   * numbers without a fraction (1, 1.0 and 1L all give "1"), other numbers in plain decimal
   * notation, anything else as its string.
   */
  public static String normalise(Object value) {
    if (value instanceof BigDecimal b) {
      return plain(b);
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      return Double.isFinite(d) ? plain(BigDecimal.valueOf(d)) : String.valueOf(d);
    }
    if (value instanceof Number n) {
      return plain(new BigDecimal(n.toString()));
    }
    return String.valueOf(value);
  }

  private static String plain(BigDecimal b) {
    BigDecimal s = b.stripTrailingZeros();
    return (s.scale() < 0 ? s.setScale(0) : s).toPlainString();
  }

  public List<Column> columns() {
    return columns;
  }

  public int size() {
    return columns.size();
  }

  public Column column(int i) {
    return columns.get(i);
  }

  /** Index of a column, or −1. */
  public int indexOf(String name) {
    return index.getOrDefault(name, -1);
  }

  /** The domain restricted to {@code names}, in that order. */
  public Domain select(List<String> names, String option) {
    List<Column> cols = new ArrayList<>();
    for (String n : names) {
      int i = indexOf(n);
      if (i < 0) {
        throw new InputException(
            "column '"
                + n
                + "' "
                + option
                + " is missing from --domain (declared: "
                + String.join(", ", index.keySet())
                + ")");
      }
      cols.add(columns.get(i));
    }
    return new Domain(cols);
  }
}
