package org.samplingprivacy.jobs.report;

import java.util.Locale;

/**
 * How numbers are printed in plans, messages and reports: one place, so a figure reads the same in
 * every job's output.
 */
public final class Numbers {
  private Numbers() {}

  /** Four significant digits ({@code 0.1235}, {@code 1.235e+06}); infinities as {@code inf}. */
  public static String sig4(double v) {
    return sig(v, 4);
  }

  /** Six significant digits, for figures a user compares closely (sampling scores). */
  public static String sig6(double v) {
    return sig(v, 6);
  }

  /** {@code digits} significant digits; infinities as {@code inf} / {@code -inf}. */
  public static String sig(double v, int digits) {
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%." + digits + "g", v);
  }

  /**
   * A value as a user typed it: integral values without a fraction ({@code 3}, not {@code 3.0}),
   * others in full ({@code 0.1}); used where the text names a parameter or an id.
   */
  public static String exact(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
