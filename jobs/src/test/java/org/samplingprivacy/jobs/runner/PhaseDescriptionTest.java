package org.samplingprivacy.jobs.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * Every Spark job a command runs is labelled with the command, run id and phase (what the Spark UI
 * shows).
 */
class PhaseDescriptionTest extends SparkTestBase {
  @Test
  void everySparkJobOfACommandCarriesItsPhase() throws Exception {
    Path d = tempDir("phases");
    Path csv = d.resolve("t.csv");
    Files.writeString(csv, "a,b\n1,2\n3,4\n");
    List<String> descriptions = new CopyOnWriteArrayList<>();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart start) {
            descriptions.add(
                String.valueOf(start.properties().getProperty("spark.job.description")));
          }
        };
    SPARK.sparkContext().addSparkListener(listener);
    try {
      Result r =
          spp(
              "import-csv",
              "--input",
              csv.toString(),
              "--output",
              d.resolve("t").toString(),
              "--run-id",
              "p1");
      assertEquals(0, r.code(), r.err());
      SPARK.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      SPARK.sparkContext().removeSparkListener(listener);
    }
    Assertions.assertTrue(
        descriptions.contains("import-csv p1: check rows against the schema"),
        descriptions.toString());
    Assertions.assertTrue(
        descriptions.stream().anyMatch(s -> s.startsWith("import-csv p1: write ")),
        descriptions.toString());
    Assertions.assertTrue(
        descriptions.stream().allMatch(s -> s.startsWith("import-csv p1: ")),
        "no unlabelled job: " + descriptions);
  }
}
