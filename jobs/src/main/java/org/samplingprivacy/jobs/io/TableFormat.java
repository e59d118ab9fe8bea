package org.samplingprivacy.jobs.io;

import java.util.Arrays;
import java.util.Locale;
import org.samplingprivacy.jobs.validate.InputException;

/** Table formats the jobs read and write. */
public enum TableFormat {
  DELTA,
  PARQUET,
  CSV,
  JSON;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses an option value; {@code auto} returns null (detect from the path). */
  public static TableFormat parse(String option, String value, TableFormat... allowed) {
    String v = value == null ? "auto" : value.trim().toLowerCase(Locale.ROOT);
    if (v.equals("auto")) {
      return null;
    }
    for (TableFormat f : allowed) {
      if (f.id().equals(v)) {
        return f;
      }
    }
    throw new InputException(
        option
            + " must be one of "
            + String.join(", ", Arrays.stream(allowed).map(TableFormat::id).toList())
            + ", got '"
            + value
            + "'");
  }
}
