package org.samplingprivacy.jobs.validate;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.samplingprivacy.jobs.report.Numbers;

/**
 * Parameter checks shared by every command. Each takes the option name as the user typed it, so the
 * message of the {@link InputException} names it: {@code --fraction must be in (0, 1], got 1.5}.
 */
public final class Params {
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:+\\-]{0,127}");

  private Params() {}

  public static double requireFinite(String option, double value) {
    if (!Double.isFinite(value)) {
      throw new InputException(option + " must be a finite number, got " + value);
    }
    return value;
  }

  /** Requires {@code lo <= value <= hi} (closed interval). */
  public static double requireInRange(String option, double value, double lo, double hi) {
    requireFinite(option, value);
    if (value < lo || value > hi) {
      throw new InputException(
          option
              + " must be in ["
              + Numbers.exact(lo)
              + ", "
              + Numbers.exact(hi)
              + "], got "
              + Numbers.exact(value));
    }
    return value;
  }

  /**
   * Requires {@code lo < value <= hi}: the usual shape of a fraction or probability that may not be
   * zero.
   */
  public static double requireInHalfOpen(String option, double value, double lo, double hi) {
    requireFinite(option, value);
    if (value <= lo || value > hi) {
      throw new InputException(
          option
              + " must be in ("
              + Numbers.exact(lo)
              + ", "
              + Numbers.exact(hi)
              + "], got "
              + Numbers.exact(value));
    }
    return value;
  }

  public static long requireInRange(String option, long value, long lo, long hi) {
    if (value < lo || value > hi) {
      throw new InputException(option + " must be in [" + lo + ", " + hi + "], got " + value);
    }
    return value;
  }

  /** Requires a present, finite value of at least {@code min}. */
  public static double requireAtLeast(String option, Double value, double min) {
    requirePresent(option, value);
    requireFinite(option, value);
    if (value < min) {
      throw new InputException(
          option + " must be >= " + Numbers.exact(min) + ", got " + Numbers.exact(value));
    }
    return value;
  }

  public static double requirePositive(String option, double value) {
    requireFinite(option, value);
    if (value <= 0) {
      throw new InputException(option + " must be > 0, got " + Numbers.exact(value));
    }
    return value;
  }

  public static <T> T requirePresent(String option, T value) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new InputException("missing required option " + option);
    }
    return value;
  }

  /**
   * Requires {@code value} to be one of {@code allowed}, case-insensitively; returns it in lower
   * case.
   */
  public static String requireOneOf(String option, String value, String... allowed) {
    String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
    if (!Arrays.asList(allowed).contains(v)) {
      throw new InputException(
          option + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
    return v;
  }

  /**
   * A run id names one run's slice of an output table (and appears in a Delta predicate), so it is
   * restricted to the characters Airflow's {@code ds} and {@code run_id} use: letters, digits,
   * {@code _ . : + -}.
   */
  public static String requireRunId(String option, String value) {
    if (value != null && value.isBlank()) {
      throw new InputException(
          option + " must not be empty: give 1-128 characters of letters, digits and _ . : + -");
    }
    requirePresent(option, value);
    if (!RUN_ID.matcher(value).matches()) {
      throw new InputException(
          option
              + " must be 1-128 characters of letters, digits and _ . : + - "
              + "starting with a letter or digit, got '"
              + value
              + "'");
    }
    return value;
  }

  /**
   * Splits a comma-separated list option, trimming blanks; requires at least one distinct entry.
   */
  public static List<String> requireList(String option, String value) {
    requirePresent(option, value);
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new InputException(option + " has an empty entry in '" + value + "'");
      }
      if (out.contains(p)) {
        throw new InputException(option + " lists '" + p + "' twice");
      }
      out.add(p);
    }
    return out;
  }
}
