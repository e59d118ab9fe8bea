package org.samplingprivacy.jobs.io;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The written contract of one output table (docs/tables.md §2): the columns every write of it
 * carries, with their types, and whether it also carries columns that come from the input (the
 * input's own columns, {@code --group-cols}, an impression's columns) and so cannot be named in
 * advance. Every table a job writes goes through {@link #check}, and a test compares every contract
 * with docs/tables.md, so code and document cannot drift apart.
 *
 * <p>The id is the command, and for a command with several tables a slash and the table's name in
 * the document ({@code epsilon-estimate/curve}). Nullability is not part of the contract: Spark's
 * writers relax it (Parquet columns read back nullable), so the document states it in words.
 */
public final class TableContract implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String id;
  private final StructType columns;
  private final boolean inputColumns;

  private TableContract(String id, StructType columns, boolean inputColumns) {
    if (id == null || !id.matches("[a-z0-9-]+(/[a-z0-9-]+)?")) {
      throw new IllegalArgumentException("contract id must be command[/table], got " + id);
    }
    this.id = id;
    this.columns = Objects.requireNonNull(columns, "columns");
    this.inputColumns = inputColumns;
  }

  /** A table of exactly these columns (plus {@code run_id} in slice mode). */
  public static TableContract of(String id, StructType columns) {
    return new TableContract(id, columns, false);
  }

  /**
   * A table of these columns plus columns that come from the input, which the contract names by
   * rule rather than by name.
   */
  public static TableContract withInputColumns(String id, StructType columns) {
    return new TableContract(id, columns, true);
  }

  public String id() {
    return id;
  }

  /** The columns every write carries. */
  public StructType columns() {
    return columns;
  }

  /** Whether the table also carries input-dependent columns. */
  public boolean hasInputColumns() {
    return inputColumns;
  }

  /**
   * Every difference between {@code actual} and this contract: a contracted column missing or of
   * another type, or (for a closed contract) a column the contract does not name. Empty when the
   * schema conforms.
   */
  public List<String> violations(StructType actual) {
    List<String> out = new ArrayList<>();
    for (StructField f : columns.fields()) {
      if (!List.of(actual.fieldNames()).contains(f.name())) {
        out.add("missing column " + f.name());
        continue;
      }
      String got = actual.apply(f.name()).dataType().simpleString();
      String want = typeName(f);
      if (!normalise(got).equals(normalise(want))) {
        out.add(f.name() + " is " + got + ", contract says " + want);
      }
    }
    if (!inputColumns) {
      for (String name : actual.fieldNames()) {
        if (!List.of(columns.fieldNames()).contains(name)) {
          out.add("column " + name + " is not in the contract");
        }
      }
    }
    return out;
  }

  /**
   * Fails when {@code actual} breaks the contract: a bug of the job (or of docs/tables.md), never
   * bad input, so it is an {@link IllegalStateException} and nothing is written.
   */
  public void check(StructType actual) {
    List<String> v = violations(actual);
    if (!v.isEmpty()) {
      throw new IllegalStateException(
          "output table " + id + " breaks its contract (docs/tables.md): " + String.join("; ", v));
    }
  }

  /** The contracted type of a column as Spark prints it ({@code array<double>}). */
  public static String typeName(StructField f) {
    return f.dataType().simpleString();
  }

  private static String normalise(String type) {
    return type.replace(" ", "").toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return id + (inputColumns ? " (input columns + " : " (") + columns.simpleString() + ")";
  }
}
