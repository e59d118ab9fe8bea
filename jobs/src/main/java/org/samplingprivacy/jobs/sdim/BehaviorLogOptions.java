package org.samplingprivacy.jobs.sdim;

import picocli.CommandLine.Option;

/**
 * The behaviour-log options every SDIM command shares (a picocli mixin): the log and its user, time and item
 * columns. The column options also name the impressions' columns where a command reads both.
 */
public final class BehaviorLogOptions {
  @Option(names = "--behaviors", paramLabel = "PATH", description = "Behaviour log: user, time, item.")
  public String behaviors;

  @Option(names = "--user-col", paramLabel = "COL", defaultValue = "user", description = "User column.")
  public String userCol;

  @Option(names = "--time-col", paramLabel = "COL", defaultValue = "ts",
      description = "Time column: timestamp, date or number.")
  public String timeCol;

  @Option(names = "--item-col", paramLabel = "COL", defaultValue = "item", description = "Item column.")
  public String itemCol;
}
