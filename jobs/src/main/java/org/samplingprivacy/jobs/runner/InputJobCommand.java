package org.samplingprivacy.jobs.runner;

import org.samplingprivacy.jobs.cli.InputOptions;
import org.samplingprivacy.jobs.cli.WhereOption;
import picocli.CommandLine.Mixin;

/** A job command that reads an {@code --input} table and filters it with {@code --where}. */
public abstract class InputJobCommand extends JobCommand {
  @Mixin public InputOptions in;

  @Mixin public WhereOption filter;

  @Override
  protected final InputOptions inputOptions() {
    return in;
  }

  @Override
  protected final String where() {
    return filter.where;
  }
}
