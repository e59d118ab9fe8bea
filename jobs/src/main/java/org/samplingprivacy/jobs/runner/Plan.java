package org.samplingprivacy.jobs.runner;

import java.util.ArrayList;
import java.util.List;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.io.WriteMode;

/**
 * What a command will do, decided after its inputs and parameters are validated and before anything
 * is written: the steps a user reads (printed, and all a {@code --dry-run} does) and the execution
 * that performs them. {@link #builder()} builds the standard steps (read, write) in one wording for
 * every command.
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

  /** A plan's steps, in the order the command takes them. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects the printed steps; {@link #then} adds the execution. */
  public static final class Builder {
    private final List<String> steps = new ArrayList<>();

    private Builder() {}

    /** "read PATH (FORMAT[, version V]): DETAIL". */
    public Builder read(SourceTable in, String detail) {
      return step(
          "read "
              + in.path()
              + " ("
              + in.format().id()
              + (in.deltaVersion() >= 0 ? ", version " + in.deltaVersion() : "")
              + ")"
              + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    }

    /** A step in the command's own words. */
    public Builder step(String text) {
      steps.add(text);
      return this;
    }

    /** A step taken only when {@code condition} holds. */
    public Builder stepIf(boolean condition, String text) {
      return condition ? step(text) : this;
    }

    /** "write PATH (FORMAT)", or "(FORMAT, slice run_id = ID)" in slice mode. */
    public Builder write(String path, TableIO.WriteSpec spec) {
      return step(
          "write "
              + path
              + " ("
              + spec.format().id()
              + (spec.mode() == WriteMode.SLICE ? ", slice run_id = " + spec.runId() : "")
              + ")");
    }

    /** The plan: these steps, performed by {@code execution}. */
    public Plan then(Execution execution) {
      return new Plan(steps, execution);
    }
  }
}
