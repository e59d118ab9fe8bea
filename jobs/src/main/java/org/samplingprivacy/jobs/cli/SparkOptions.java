package org.samplingprivacy.jobs.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** How a command gets its Spark session when it is not run under spark-submit (a picocli mixin). */
public final class SparkOptions {
  @Option(
      names = "--master",
      paramLabel = "URL",
      description =
          "Spark master, e.g. local[2] or spark://host:7077 (default: the master spark-submit set, "
              + "otherwise local[*]).")
  public String master;

  @Option(
      names = "--conf",
      paramLabel = "KEY=VALUE",
      description = "A Spark property for this run (repeatable), as spark-submit's --conf.")
  public Map<String, String> conf = new LinkedHashMap<>();
}
