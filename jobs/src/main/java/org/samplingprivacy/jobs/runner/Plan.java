package org.samplingprivacy.jobs.runner;

import java.util.List;

/**
 * What a command will do, decided after its inputs and parameters are validated and before anything
 * is written: the steps a user reads (printed, and all a {@code --dry-run} does) and the execution
 * that performs them.
 */
public record Plan(List<String> steps, Execution execution) {
  /** The writing half of a command. */
  @FunctionalInterface
  public interface Execution {
    void run(JobContext ctx) throws Exception;
  }

  public Plan {
    steps = List.copyOf(steps);
  }
}
