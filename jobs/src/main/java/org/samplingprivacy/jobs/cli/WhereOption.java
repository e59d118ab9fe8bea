package org.samplingprivacy.jobs.cli;

import picocli.CommandLine.Option;

/** {@code --where}, a picocli mixin of the commands that filter the rows they read. */
public final class WhereOption {
  @Option(
      names = "--where",
      paramLabel = "SQL",
      description =
          "Spark SQL predicate on the input's rows, e.g. \"run_id = '2024-01-01'\" to read one slice.")
  public String where;
}
