package org.samplingprivacy.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * The budget ledger under real concurrency: releases in separate JVMs (the shaded jar, as
 * spark-submit runs it), each with its own local Spark. All of them read the empty ledger before
 * any writes (a file barrier behind a test-only system property), so every reservation races.
 * Oracles: exit codes, the ledger's rows, and zCDP composition of the admitted releases against the
 * cap. {@code -Dspp.ledgerRace.processes=8 -Dspp.ledgerRace.admitted=3} runs the larger race by
 * hand.
 */
class LedgerConcurrencyIT extends SparkTestBase {
  private static final List<Process> PROCESSES = new ArrayList<>();
  private static final double DELTA = 1e-6;

  @AfterAll
  static void stop() {
    PROCESSES.forEach(Process::destroyForcibly);
  }

  private static Process release(Path work, String name, List<String> jvmProps, String... args)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.asList(System.getProperty("spp.jvmOpens").trim().split("\\s+")));
    cmd.addAll(
        List.of(
            "-Xmx700m",
            "-XX:TieredStopAtLevel=1",
            "-Djava.awt.headless=true",
            "-Dlog4j2.configurationFile=" + repoFile("conf/log4j2.properties")));
    cmd.addAll(jvmProps);
    String classpath =
        System.getProperty("spp.jar")
            + java.io.File.pathSeparator
            + Files.readString(Paths.get(System.getProperty("spp.sparkClasspathFile"))).trim();
    cmd.addAll(List.of("-cp", classpath, "org.samplingprivacy.jobs.Main", "gsd-synthesize"));
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "--master",
            "local[1]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.sql.shuffle.partitions=1",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--conf",
            "spark.databricks.delta.snapshotPartitions=1"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(work.resolve(name + ".out").toFile())
            .redirectError(work.resolve(name + ".err").toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    PROCESSES.add(p);
    return p;
  }

  private static List<String> releaseArgs(
      Path work, String ledger, String runId, double cap, String generations) {
    return new ArrayList<>(
        List.of(
            "--input",
            repoFile("data/pums/PUMS.csv").toString(),
            "--domain",
            repoFile("data/pums/pums-domain.json").toString(),
            "--epsilon",
            "1",
            "--delta",
            String.valueOf(DELTA),
            "--workload",
            "marginals:1",
            "--rows",
            "50",
            "--generations",
            generations,
            "--stall-window",
            generations,
            "--ledger",
            ledger,
            "--dataset-id",
            "survey",
            "--budget-cap",
            String.valueOf(cap),
            "--run-id",
            runId,
            "--output",
            work.resolve("out-" + runId).toString()));
  }

  /**
   * A cap (epsilon at DELTA) that admits exactly k releases of epsilon 1: midway between k and k +
   * 1 composed.
   */
  private static double capFor(int k) {
    double rho = ZcdpConversion.rho(1, DELTA);
    return 0.5
        * (ZcdpConversion.epsilon(k * rho, DELTA) + ZcdpConversion.epsilon((k + 1) * rho, DELTA));
  }

  @Test
  void releasesStartedTogetherAreAdmittedExactlyUpToTheCap() throws Exception {
    int n = Integer.getInteger("spp.ledgerRace.processes", 4);
    int k = Integer.getInteger("spp.ledgerRace.admitted", 2);
    Path work = tempDir("ledger-race");
    String ledger = work.resolve("ledger").toString();
    double cap = capFor(k);
    List<Process> ps = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ps.add(
          release(
              work,
              "r" + i,
              List.of(
                  "-Dspp.ledger.testBarrierDir=" + work.resolve("barrier"),
                  "-Dspp.ledger.testBarrierParties=" + n),
              releaseArgs(work, ledger, "race-" + i, cap, "300").toArray(new String[0])));
    }
    int ok = 0;
    int refused = 0;
    int lostRaces = 0;
    for (int i = 0; i < n; i++) {
      Assertions.assertTrue(
          ps.get(i).waitFor(8, TimeUnit.MINUTES), "release " + i + " did not finish");
      String err = Files.readString(work.resolve("r" + i + ".err"));
      lostRaces += err.split("lost the race", -1).length - 1;
      int code = ps.get(i).exitValue();
      if (code == 0) {
        ok++;
        Assertions.assertTrue(Files.exists(work.resolve("out-race-" + i)));
      } else {
        assertEquals(2, code, "release " + i + ":\n" + err);
        refused++;
        Assertions.assertTrue(
            err.contains("--budget-cap refuses this release: dataset 'survey' has spent rho="),
            err);
        Assertions.assertFalse(err.contains("\tat "), "no stack trace: " + err);
        Assertions.assertFalse(Files.exists(work.resolve("out-race-" + i)));
      }
    }
    System.out.printf(
        "LEDGER-RACE %d processes, cap epsilon %.4f: %d admitted, %d refused, %d lost races%n",
        n, cap, ok, refused, lostRaces);
    assertEquals(k, ok);
    assertEquals(n - k, refused);
    Assertions.assertTrue(
        lostRaces >= n - 1, "every process read the empty ledger, so n - 1 lose the first race");
    Dataset<Row> rows = SPARK.read().format("delta").load(ledger);
    Dataset<Row> reserved = rows.filter("status = 'reserved'");
    assertEquals(k, reserved.count(), "only the admitted releases reserved");
    assertEquals(k, reserved.select("sequence").distinct().count());
    assertEquals(k, rows.filter("status = 'committed'").count());
    assertEquals(0, rows.filter("status = 'refunded'").count());
    double spent = reserved.agg(org.apache.spark.sql.functions.sum("rho")).first().getDouble(0);
    Assertions.assertTrue(spent <= ZcdpConversion.rho(cap, DELTA), spent + " over the cap");
  }

  @Test
  void aReleaseKilledAfterMeasuringStaysCounted() throws Exception {
    Path work = tempDir("ledger-kill");
    String ledger = work.resolve("ledger").toString();
    Process p =
        release(
            work,
            "killed",
            List.of(),
            releaseArgs(work, ledger, "killed", capFor(1), "1000000000").toArray(new String[0]));
    Path err = work.resolve("killed.err");
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (!(Files.exists(err) && Files.readString(err).contains("commit the reservation took"))) {
      Assertions.assertTrue(
          p.isAlive() && System.nanoTime() < deadline, "no commit:\n" + Files.readString(err));
      Thread.sleep(100);
    }
    Thread.sleep(
        3000); // the measurements of a 1-way workload take milliseconds; the GA runs for hours
    Assertions.assertTrue(p.isAlive());
    p.destroyForcibly(); // SIGKILL
    p.waitFor(1, TimeUnit.MINUTES);
    assertEquals(137, p.exitValue());
    Assertions.assertFalse(Files.exists(work.resolve("out-killed")));
    Row row = SPARK.read().format("delta").load(ledger).filter("status = 'committed'").first();
    assertEquals(ZcdpConversion.rho(1, DELTA), row.<Double>getAs("rho"), 0);
    // The dataset's cap admits one release: the killed one holds it.
    List<String> nextArgs = releaseArgs(work, ledger, "next", capFor(1), "300");
    nextArgs.add(0, "gsd-synthesize");
    Result next = spp(nextArgs.toArray(new String[0]));
    assertEquals(2, next.code());
    Assertions.assertTrue(
        next.err().contains("spent rho=") && next.err().contains("over 1 release"), next.err());
  }
}
