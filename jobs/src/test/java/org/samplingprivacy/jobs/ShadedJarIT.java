package org.samplingprivacy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The application jar holds the app, Delta and its relocated CLI/config libraries, and nothing
 * Spark ships.
 */
class ShadedJarIT {
  private static Set<String> entries(String path) throws IOException {
    try (JarFile jar = new JarFile(path)) {
      return jar.stream()
          .map(e -> e.getName())
          .filter(n -> !n.endsWith("/"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void holdsTheAppAndDeltaButNoSparkScalaOrUnrelocatedLibraries() throws IOException {
    Set<String> app = entries(System.getProperty("spp.jar"));
    Set<String> delta = entries(System.getProperty("spp.deltaJar"));
    for (String required :
        List.of(
            "org/samplingprivacy/jobs/Main.class",
            "org/samplingprivacy/udfs/StableHash.class",
            "io/delta/tables/DeltaTable.class",
            "org/samplingprivacy/shaded/picocli/CommandLine.class",
            "org/samplingprivacy/shaded/config/ConfigFactory.class",
            "spp-defaults.conf")) {
      assertTrue(app.contains(required), required);
    }
    for (String forbidden :
        List.of(
            "scala/",
            "com/fasterxml/",
            "org/antlr/",
            "picocli/",
            "com/typesafe/",
            "org/apache/hadoop/",
            "org/apache/parquet/",
            "org/slf4j/",
            "org/apache/logging/",
            // the benchmarks are the spp-bench module's, never the production jar's
            "org/samplingprivacy/bench/")) {
      assertEquals(
          List.of(),
          app.stream().filter(n -> n.startsWith(forbidden)).limit(3).toList(),
          forbidden);
    }
    assertEquals(
        List.of(),
        app.stream().filter(n -> n.matches(".*/Bench[A-Za-z]*Command\\.class")).toList(),
        "bench commands in the production jar");
    // Classes in Spark's packages are only Delta's own (Delta ships Catalyst extensions under
    // org.apache.spark).
    List<String> foreign =
        app.stream()
            .filter(n -> n.startsWith("org/apache/spark/") && !delta.contains(n))
            .limit(3)
            .toList();
    assertEquals(List.of(), foreign);
  }
}
