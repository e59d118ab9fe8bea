package org.samplingprivacy.jobs.validate;

/**
 * Bad input: a missing or mistyped column, a null or NaN where none is allowed, an empty table, a
 * parameter out of range, a path that is not a table. The job runner prints the message alone and
 * exits with {@link #EXIT_CODE} before anything is written, so the message must name the culprit
 * (column, option, path) on its own.
 */
public final class InputException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Exit code of every bad-input failure; runtime failures exit 1. */
  public static final int EXIT_CODE = 2;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}
