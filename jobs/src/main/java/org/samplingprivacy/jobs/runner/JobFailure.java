package org.samplingprivacy.jobs.runner;

/**
 * A runtime failure whose cause we can name and a user can act on (a ledger conflict that outlived
 * its retries): the runner prints the message alone, without a stack trace, and exits 1. Unlike
 * {@link org.samplingprivacy.jobs.validate.InputException} the input was fine and something may
 * already be recorded, so the message says what state the run left and what to do.
 */
public final class JobFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;
  public static final int EXIT_CODE = 1;

  public JobFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
