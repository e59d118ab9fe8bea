package org.samplingprivacy.jobs.runner;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.samplingprivacy.jobs.cli.SparkOptions;
import org.samplingprivacy.udfs.UdfRegistry;

/**
 * The one place a {@link SparkSession} is built. Under spark-submit the master and every {@code
 * spark.*} property arrive as system properties and win; run from {@code bin/spp} the session is
 * local ({@code --master} or {@code local[*]}) and bound to loopback. Delta's SQL extension and
 * catalog are always installed, and the project's UDFs registered, so job code and SQL alike can
 * use them.
 */
public final class SparkSessions {
  static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  private SparkSessions() {}

  /**
   * Returns the active session (tests, in-process benchmarks) or builds one for {@code command}.
   */
  public static SparkSession getOrCreate(String command, SparkOptions options) {
    SparkSession existing =
        SparkSession.getActiveSession().isDefined()
            ? SparkSession.getActiveSession().get()
            : SparkSession.getDefaultSession().getOrElse(() -> null);
    if (existing != null && !existing.sparkContext().isStopped()) {
      UdfRegistry.registerAll(existing);
      return existing;
    }
    SparkConf submitted = new SparkConf(true);
    SparkSession.Builder builder = SparkSession.builder().appName("spp " + command);
    String master =
        options.master != null
            ? options.master
            : submitted.contains("spark.master") ? null : "local[*]";
    if (master != null) {
      builder.master(master);
    }
    if (master != null && master.startsWith("local")) {
      builder
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    String extensions = submitted.get("spark.sql.extensions", "");
    if (!extensions.contains(DELTA_EXTENSION)) {
      builder.config(
          "spark.sql.extensions",
          extensions.isEmpty() ? DELTA_EXTENSION : extensions + "," + DELTA_EXTENSION);
    }
    if (!submitted.contains("spark.sql.catalog.spark_catalog")) {
      builder.config("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
    }
    for (Map.Entry<String, String> e : options.conf.entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    SparkSession spark = builder.getOrCreate();
    UdfRegistry.registerAll(spark);
    return spark;
  }
}
