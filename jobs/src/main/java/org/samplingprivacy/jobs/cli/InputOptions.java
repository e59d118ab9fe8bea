package org.samplingprivacy.jobs.cli;

import picocli.CommandLine.Option;

/**
 * The input table options, a picocli mixin declared only by the commands that read {@code --input},
 * so a command without one rejects the option instead of ignoring it.
 */
public final class InputOptions {
  @Option(
      names = "--input",
      paramLabel = "PATH",
      description =
          "Input table: a Delta folder, a Parquet file or folder, or a CSV file (.csv, .csv.gz).")
  public String input;

  @Option(
      names = "--format",
      paramLabel = "FMT",
      defaultValue = "auto",
      description = "Input format: auto, delta, parquet or csv; auto detects from the path.")
  public String inputFormat;
}
