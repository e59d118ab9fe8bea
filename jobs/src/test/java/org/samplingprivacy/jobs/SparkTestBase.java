package org.samplingprivacy.jobs;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;

/**
 * The shared test base: one {@code local[2]} SparkSession per test JVM (created here first, so
 * spark-testing-base's own getOrCreate calls return it; never stopped by a test class, Spark's
 * shutdown hook stops it), loopback only, UI off, two shuffle partitions, a small Delta snapshot
 * partition count. spark-testing-base's JUnit 4 lifecycle method is called from Jupiter, and its
 * DataFrame assertions are inherited.
 */
public abstract class SparkTestBase extends JavaDataFrameSuiteBase {
  protected static final SparkSession SPARK = start();

  /**
   * spark-testing-base makes the JVM's one SparkContext (with {@link #conf()}); the session is
   * built on it.
   */
  private static SparkSession start() {
    new SparkTestBase() {}.runBefore();
    return SparkSession.builder().config(testConf()).getOrCreate();
  }

  static SparkConf testConf() {
    return new SparkConf()
        .setMaster("local[2]")
        .setAppName("spp-tests")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "2")
        // As conf/spark-defaults.conf sets it for every real run: a job that ships records Kryo
        // cannot serialise
        // must fail here, not on a cluster.
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.default.parallelism", "2")
        .set("spark.databricks.delta.snapshotPartitions", "2")
        .set("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .set("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .set("spark.sql.warehouse.dir", tempDir("warehouse").toString());
  }

  @Override
  public SparkConf conf() {
    return testConf();
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @BeforeEach
  void startSparkTestingBase() {
    runBefore();
  }

  /** A fresh temporary folder. */
  protected static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory("spp-" + prefix + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  protected static Path repoFile(String relative) {
    return TestFiles.repoFile(relative);
  }

  protected static Path sharedData(String relative) {
    return TestFiles.sharedData(relative);
  }

  /** What a command printed and returned. */
  public record Result(int code, String out, String err) {}

  /**
   * Runs {@code args} and requires the bad-input contract: exit 2 and one line on stderr that
   * contains {@code expected} (the culprit's name).
   */
  protected static void assertRefused(java.util.List<String> args, String expected) {
    Result r = spp(args.toArray(new String[0]));
    String context = String.join(" ", args) + "\n" + r.err();
    org.junit.jupiter.api.Assertions.assertEquals(2, r.code(), context);
    org.junit.jupiter.api.Assertions.assertTrue(r.err().contains(expected), context);
    org.junit.jupiter.api.Assertions.assertEquals(1, r.err().strip().lines().count(), context);
  }

  /** Runs {@code bin/spp args} in this JVM on the shared session. */
  protected static Result spp(String... args) {
    return spp(java.util.List.of(), args);
  }

  /** As {@link #spp(String...)} with {@code extraCommands} added (the bench entry point's). */
  protected static Result spp(java.util.List<Class<?>> extraCommands, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(new PrintWriter(out, true), new PrintWriter(err, true), extraCommands, args);
    return new Result(code, out.toString(), err.toString());
  }
}
