package org.samplingprivacy.jobs.io;

import org.samplingprivacy.jobs.validate.Params;

/** How a run's output relates to what the output path already holds. */
public enum WriteMode {
  /**
   * The output is this run's result; a re-run (any run id) atomically replaces it. Delta keeps the
   * history.
   */
  REPLACE,
  /**
   * The output holds many runs in a {@code run_id} partition column; a re-run replaces only its own
   * slice.
   */
  SLICE;

  /** The partition column that keys a run's slice. */
  public static final String RUN_ID_COLUMN = "run_id";

  public static WriteMode parse(String option, String value) {
    return switch (Params.requireOneOf(option, value, "replace", "slice")) {
      case "slice" -> SLICE;
      default -> REPLACE;
    };
  }
}
