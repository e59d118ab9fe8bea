package org.samplingprivacy.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The shaded jar on a real multi-JVM cluster: a Spark standalone Master and two Workers (one core
 * each) on 127.0.0.1, started from the Spark classpath Maven resolved, and the jar submitted with
 * SparkSubmit in client mode, exactly as on a cluster. Every process started here is killed in
 * {@link #stopCluster()}, also when a test fails.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandaloneClusterIT extends SparkTestBase {
  private static final List<Process> PROCESSES = new ArrayList<>();
  private static final Pattern GRANTED = Pattern.compile("Granted executor ID (\\S+) on hostPort");
  private static Path work;
  private static String sparkClasspath;
  private static List<String> opens;
  private static String masterUrl;
  private static final List<Process> WORKERS = new ArrayList<>();
  private static final List<Path> WORKER_DIRS = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    work = Paths.get("target", "cluster-it").toAbsolutePath();
    deleteRecursively(work);
    Files.createDirectories(work);
    sparkClasspath =
        Files.readString(Paths.get(System.getProperty("spp.sparkClasspathFile"))).trim();
    opens = Arrays.asList(System.getProperty("spp.jvmOpens").trim().split("\\s+"));
    // A Worker launches executors as java -cp $SPARK_HOME/jars/*: link the Spark runtime jars
    // there.
    Path jars = Files.createDirectories(work.resolve("spark-home/jars"));
    String[] entries = sparkClasspath.split(java.io.File.pathSeparator);
    for (int i = 0; i < entries.length; i++) {
      Path jar = Paths.get(entries[i]);
      Files.createSymbolicLink(jars.resolve(i + "-" + jar.getFileName()), jar);
    }
    int masterPort = freePort();
    masterUrl = "spark://127.0.0.1:" + masterPort;
    Process master =
        start(
            "master",
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(masterPort),
            "--webui-port",
            String.valueOf(freePort()));
    awaitLog("master", "I have been elected leader", 60);
    for (int w = 1; w <= 2; w++) {
      Path dir = Files.createDirectories(work.resolve("w" + w));
      WORKER_DIRS.add(dir);
      WORKERS.add(
          start(
              "worker" + w,
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "1500m",
              "--webui-port",
              String.valueOf(freePort()),
              "--work-dir",
              dir.toString(),
              masterUrl));
    }
    awaitLog("worker1", "Successfully registered with master", 60);
    awaitLog("worker2", "Successfully registered with master", 60);
    Assertions.assertTrue(master.isAlive());
  }

  @AfterAll
  static void stopCluster() {
    for (Process p : PROCESSES) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    for (Process p : PROCESSES) {
      try {
        p.waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Test
  @Order(1)
  void sparkSubmitOfTheShadedJarWritesTheSameTableAsLocalMode() throws Exception {
    Path adult = sharedData("adult-private-pgm/adult.csv");
    String schema = repoFile("data/adult/adult.schema.ddl").toString();
    Path clusterOut = work.resolve("adult-cluster");
    Process submit =
        submit(
            "submit-adult",
            "import-csv",
            "--input",
            adult.toString(),
            "--schema",
            schema,
            "--output",
            clusterOut.toString(),
            "--run-id",
            "cluster");
    assertExits(submit, "submit-adult", 0, 300);
    Assertions.assertTrue(
        executorsGranted("submit-adult") >= 2, "the job ran on both workers' executors");

    Path localOut = work.resolve("adult-local");
    Result local =
        spp(
            "import-csv",
            "--input",
            adult.toString(),
            "--schema",
            schema,
            "--output",
            localOut.toString(),
            "--run-id",
            "cluster");
    assertEquals(0, local.code(), local.err());
    Dataset<Row> onCluster = SPARK.read().format("delta").load(clusterOut.toString());
    assertEquals(48_842, onCluster.count());
    assertDataFrameNoOrderEquals(SPARK.read().format("delta").load(localOut.toString()), onCluster);
  }

  /**
   * Lewis-weight sampling of a Delta table on the cluster (the Gram pass caching the matrix in two
   * executors, Cohen-Peng passes over it, the sampling pass reading the vectorized batches with
   * closures shipped from the shaded jar) keeps exactly the rows, weights and scores of the same
   * run in local mode: the sample depends on the rows only.
   */
  @Test
  @Order(2)
  void sensitivitySamplingOnTheClusterKeepsTheLocalSample() throws Exception {
    Path table = work.resolve("randhie");
    String csv = repoFile("data/randhie/randhie.csv").toString();
    Result imported = spp("import-csv", "--input", csv, "--output", table.toString());
    assertEquals(0, imported.code(), imported.err());
    String[] sample = {
      "sensitivity-sample",
      "--input",
      table.toString(),
      "--target",
      "mdvis",
      "--intercept",
      "--features",
      "lncoins,idp,lpi,fmde,physlm,disea,hlthg,hlthf,hlthp",
      "--p",
      "1",
      "--method",
      "lewis",
      "--size",
      "500",
      "--seed",
      "7",
      "--run-id",
      "cluster"
    };
    Path clusterOut = work.resolve("randhie-sample-cluster");
    Process submit = submit("submit-sample", concat(sample, "--output", clusterOut.toString()));
    assertExits(submit, "submit-sample", 0, 300);
    Path localOut = work.resolve("randhie-sample-local");
    Result local = spp(concat(sample, "--output", localOut.toString()));
    assertEquals(0, local.code(), local.err());
    Dataset<Row> onCluster = SPARK.read().format("delta").load(clusterOut.toString());
    Assertions.assertTrue(onCluster.count() > 400 && onCluster.count() < 600, "about m = 500 rows");
    assertDataFrameNoOrderEquals(SPARK.read().format("delta").load(localOut.toString()), onCluster);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  @Order(3) // kills a worker, so it runs last
  void aJobSurvivesTheLossOfAWorkerAndWritesTheSameOutput() throws Exception {
    Path adult = sharedData("adult-private-pgm/adult.csv");
    List<String> lines = Files.readAllLines(adult);
    int copies = 16;
    Path big = work.resolve("adult-x" + copies + ".csv");
    List<String> out = new ArrayList<>(lines);
    for (int c = 1; c < copies; c++) {
      out.addAll(lines.subList(1, lines.size()));
    }
    Files.write(big, out);
    Path target = work.resolve("adult-big");
    List<Path> earlierApps = appDirs();
    Process submit =
        submit(
            "submit-kill",
            "import-csv",
            "--input",
            big.toString(),
            "--schema",
            repoFile("data/adult/adult.schema.ddl").toString(),
            "--output",
            target.toString(),
            "--run-id",
            "kill");
    int victim = awaitExecutorRunningTask(earlierApps, 240);
    Assertions.assertTrue(submit.isAlive(), "the job is still running when the worker is killed");
    Process worker = WORKERS.get(victim);
    worker.descendants().forEach(ProcessHandle::destroyForcibly);
    worker.destroyForcibly();
    assertExits(submit, "submit-kill", 0, 600);
    String driverLog = Files.readString(work.resolve("submit-kill.log"));
    Assertions.assertTrue(
        Pattern.compile("(?i)lost executor|executor \\S+ removed").matcher(driverLog).find(),
        "the driver saw the executor go");

    // Oracle: the file is 16 copies of adult.csv, so 16 x the rows and 16 x each column's sum
    // (plain Java).
    long[] sums = new long[lines.get(0).split(",").length];
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      for (int i = 0; i < f.length; i++) {
        sums[i] += Long.parseLong(f[i]);
      }
    }
    Dataset<Row> t = SPARK.read().format("delta").load(target.toString());
    assertEquals((long) copies * (lines.size() - 1), t.count());
    String[] cols = t.columns();
    List<Column> aggs = new ArrayList<>();
    for (String c : cols) {
      aggs.add(sum(col("`" + c + "`")));
    }
    Row r = t.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    for (int i = 0; i < cols.length; i++) {
      assertEquals(copies * sums[i], r.getLong(i), cols[i]);
    }
  }

  private static Process submit(String name, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                masterUrl,
                "--deploy-mode",
                "client",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.executor.cores=1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.sql.shuffle.partitions=4",
                "--conf",
                "spark.databricks.delta.snapshotPartitions=2",
                "--conf",
                "spark.sql.files.maxPartitionBytes=2m",
                // Schedule only once both executors are up, so every job really spans two executor
                // JVMs.
                "--conf",
                "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf",
                "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
                "--class",
                "org.samplingprivacy.jobs.Main",
                System.getProperty("spp.jar")));
    cmd.addAll(List.of(args));
    return start(name, cmd.get(0), cmd.subList(1, cmd.size()).toArray(new String[0]));
  }

  private static Process start(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(opens);
    cmd.addAll(List.of("-Xmx768m", "-XX:TieredStopAtLevel=1", "-cp", sparkClasspath, mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(work.resolve(name + ".log").toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", work.resolve("spark-home").toString());
    env.put("SPARK_SCALA_VERSION", "2.12");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_NO_DAEMONIZE", "1");
    Process p = pb.start();
    PROCESSES.add(p);
    return p;
  }

  private static void awaitLog(String name, String text, int seconds) throws Exception {
    Path log = work.resolve(name + ".log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (Files.exists(log) && Files.readString(log).contains(text)) {
        return;
      }
      Thread.sleep(200);
    }
    Assertions.fail(name + " did not log '" + text + "' within " + seconds + " s:\n" + tail(log));
  }

  /** The application folders the workers have made so far. */
  private static List<Path> appDirs() throws IOException {
    List<Path> apps = new ArrayList<>();
    for (Path d : WORKER_DIRS) {
      try (Stream<Path> s = Files.list(d)) {
        apps.addAll(s.toList());
      }
    }
    return apps;
  }

  /**
   * Waits until an executor of a new application logs that it runs a task; returns the index of its
   * worker.
   */
  private static int awaitExecutorRunningTask(List<Path> earlierApps, int seconds)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      for (int w = 0; w < WORKER_DIRS.size(); w++) {
        try (Stream<Path> files = Files.walk(WORKER_DIRS.get(w))) {
          for (Path f : files.filter(p -> p.getFileName().toString().equals("stderr")).toList()) {
            boolean newApp = earlierApps.stream().noneMatch(f::startsWith);
            if (newApp && Files.readString(f).contains("Running task")) {
              return w;
            }
          }
        } catch (IOException | UncheckedIOException e) {
          // an executor folder is being created; look again
        }
      }
      Thread.sleep(100);
    }
    Assertions.fail("no executor of the new application ran a task within " + seconds + " s");
    return -1;
  }

  private static void assertExits(Process p, String name, int code, int seconds) throws Exception {
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      Assertions.fail(
          name + " did not finish within " + seconds + " s:\n" + tail(work.resolve(name + ".log")));
    }
    assertEquals(
        code, p.exitValue(), name + " exit code; log:\n" + tail(work.resolve(name + ".log")));
  }

  private static long executorsGranted(String name) throws IOException {
    Matcher m = GRANTED.matcher(Files.readString(work.resolve(name + ".log")));
    return m.results().map(r -> r.group(1)).distinct().count();
  }

  private static String tail(Path log) throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> l = Files.readAllLines(log);
    return String.join("\n", l.subList(Math.max(0, l.size() - 40), l.size()));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void deleteRecursively(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
