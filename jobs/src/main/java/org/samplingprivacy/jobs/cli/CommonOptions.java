package org.samplingprivacy.jobs.cli;

import picocli.CommandLine.Option;

/**
 * Options every job command takes (a picocli mixin); the input options are {@link InputOptions} and
 * {@link WhereOption}, declared only where there is an input. Values resolve with the precedence
 * command line &gt; {@code --config} file &gt; built-in default (see {@link ConfigDefaults}).
 */
public final class CommonOptions {
  @Option(names = "--output", paramLabel = "PATH", description = "Output table path.")
  public String output;

  @Option(
      names = "--output-format",
      paramLabel = "FMT",
      defaultValue = "delta",
      description = "Output format: delta or parquet (export: csv or json).")
  public String outputFormat;

  @Option(
      names = "--write-mode",
      paramLabel = "MODE",
      defaultValue = "replace",
      description =
          "replace: the output holds this run's result and a re-run replaces it; slice: the output holds "
              + "many runs keyed by a run_id column and a re-run replaces only its own slice.")
  public String writeMode;

  @Option(
      names = "--report-dir",
      paramLabel = "DIR",
      description = "Folder for report.json and report.html (none written if unset).")
  public String reportDir;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Seed of every random choice.")
  public long seed;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Names this run in the output and its provenance (default: derived from the command line, so "
              + "identical invocations are the same run; Airflow passes {{ ds }}).")
  public String runId;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "HOCON file of option values under a block named after the command; the command line wins "
              + "over the file, the file over built-in defaults.")
  public String config;

  @Option(
      names = "--dry-run",
      description = "Validate inputs and parameters, print the plan, write nothing.")
  public boolean dryRun;
}
