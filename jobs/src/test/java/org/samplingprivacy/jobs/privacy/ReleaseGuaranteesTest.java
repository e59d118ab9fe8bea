package org.samplingprivacy.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * What a release guarantees as a user sees it, each checked by an oracle outside the code: the
 * input is first opened only after the ledger's committed state holds the reservation (a spying
 * file system and Delta time travel); the noise secret appears in no byte written or printed;
 * privacy-ledger's totals equal the rows' sums and the tight conversion.
 */
class ReleaseGuaranteesTest extends SparkTestBase {
  private static final String PUMS_DOMAIN = "data/pums/pums-domain.json";

  @Test
  void theCsvInputIsFirstOpenedAfterTheReservationIsCommittedToTheLedger() throws Exception {
    Path dir = tempDir("ledger-first");
    Path csv = dir.resolve("pums.csv");
    Files.copy(repoFile("data/pums/PUMS.csv"), csv);
    Path ledger = dir.resolve("ledger");
    AtomicReference<List<String>> logAtFirstOpen = new AtomicReference<>();
    SPARK.sparkContext().hadoopConfiguration().set("fs.spy.impl", SpyFileSystem.class.getName());
    SpyFileSystem.onOpen =
        p -> {
          if (p.getName().equals("pums.csv") && logAtFirstOpen.get() == null) {
            logAtFirstOpen.set(commits(ledger));
          }
        };
    try {
      Result r =
          spp(
              "gsd-synthesize",
              "--input",
              "spy://" + csv,
              "--format",
              "csv",
              "--domain",
              repoFile(PUMS_DOMAIN).toString(),
              "--epsilon",
              "1",
              "--delta",
              "1e-6",
              "--workload",
              "marginals:1",
              "--rows",
              "50",
              "--generations",
              "300",
              "--ledger",
              ledger.toString(),
              "--dataset-id",
              "pums",
              "--run-id",
              "first",
              "--output",
              dir.resolve("out").toString());
      assertEquals(0, r.code(), r.err());
    } finally {
      SpyFileSystem.onOpen = p -> {};
    }
    List<String> seen = logAtFirstOpen.get();
    assertNotNull(seen, "the input was opened through the spy file system");
    assertFalse(seen.isEmpty(), "the ledger had no commit when the input was first opened");
    long version =
        seen.stream()
            .mapToLong(f -> Long.parseLong(f.substring(0, f.indexOf('.'))))
            .max()
            .orElseThrow();
    Dataset<Row> then =
        SPARK.read().format("delta").option("versionAsOf", version).load(ledger.toString());
    assertEquals(
        1,
        then.filter("run_id = 'first' AND status = 'reserved'").count(),
        "at the first read of the input, the ledger's committed state held this run's reservation");
    assertEquals(
        1,
        SPARK
            .read()
            .format("delta")
            .load(ledger.toString())
            .filter("run_id = 'first' AND status = 'committed'")
            .count());
  }

  private static List<String> commits(Path ledger) {
    Path log = ledger.resolve("_delta_log");
    if (!Files.isDirectory(log)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(log)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d+\\.json"))
          .sorted()
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void theNoiseSecretAppearsInNothingWrittenOrPrinted() throws Exception {
    Path dir = tempDir("secret");
    String secret = "Zq8-unguessable-noise-secret-41";
    Path secretFile = dir.resolve("secret.txt");
    Files.writeString(secretFile, secret + "\n");
    List<String> outputs = new ArrayList<>();
    for (String seed : new String[] {secret, "file:" + secretFile}) {
      String tag = seed.startsWith("file:") ? "f" : "c";
      Result r =
          spp(
              "gsd-synthesize",
              "--input",
              repoFile("data/pums/PUMS.csv").toString(),
              "--domain",
              repoFile(PUMS_DOMAIN).toString(),
              "--epsilon",
              "1",
              "--delta",
              "1e-6",
              "--workload",
              "marginals:2",
              "--mode",
              "adaptive",
              "--rounds",
              "2",
              "--rows",
              "50",
              "--generations",
              "300",
              "--noise-seed",
              seed,
              "--ledger",
              dir.resolve("store/ledger").toString(),
              "--dataset-id",
              "pums",
              "--run-id",
              "r-" + tag,
              "--output",
              dir.resolve("store/out-" + tag).toString(),
              "--report-dir",
              dir.resolve("store/report-" + tag).toString());
      assertEquals(0, r.code(), r.err());
      outputs.add(r.out());
      outputs.add(r.err());
    }
    byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
    List<Path> files;
    try (Stream<Path> s = Files.walk(dir.resolve("store"))) {
      files = s.filter(Files::isRegularFile).toList();
    }
    Assertions.assertTrue(
        files.stream().anyMatch(f -> f.toString().contains("_delta_log")),
        "the walk covers the Delta logs");
    for (Path f : files) {
      assertFalse(contains(Files.readAllBytes(f), needle), "the secret is in " + f);
    }
    for (String text : outputs) {
      assertFalse(text.contains(secret), "the secret was printed");
    }
  }

  private static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  @Test
  void privacyLedgerSumsCommittedAndReservedAndConvertsAtDelta() throws Exception {
    Path dir = tempDir("ledger-report");
    String ledger = dir.resolve("ledger").toString();
    List<String> base =
        List.of(
            "gsd-synthesize",
            "--input",
            repoFile("data/pums/PUMS.csv").toString(),
            "--domain",
            repoFile(PUMS_DOMAIN).toString(),
            "--delta",
            "1e-6",
            "--workload",
            "marginals:1",
            "--rows",
            "50",
            "--generations",
            "300",
            "--ledger",
            ledger,
            "--dataset-id",
            "survey",
            "--budget-cap",
            "3");
    for (String eps : new String[] {"1", "0.5"}) {
      List<String> a = new ArrayList<>(base);
      a.addAll(
          List.of(
              "--epsilon",
              eps,
              "--run-id",
              "e" + eps,
              "--output",
              dir.resolve("o" + eps).toString()));
      Result r = spp(a.toArray(new String[0]));
      assertEquals(0, r.code(), r.err());
    }
    Result report =
        spp(
            "privacy-ledger",
            "--ledger",
            ledger,
            "--output",
            dir.resolve("summary").toString(),
            "--report-dir",
            dir.resolve("report").toString());
    assertEquals(0, report.code(), report.err());
    Row s = SPARK.read().format("delta").load(dir.resolve("summary").toString()).first();
    double rho = ZcdpConversion.rho(1, 1e-6) + ZcdpConversion.rho(0.5, 1e-6);
    assertEquals("survey", s.getAs("dataset_id"));
    assertEquals(2L, (long) s.getAs("releases"));
    assertEquals(0L, (long) s.getAs("reserved"));
    assertEquals(rho, s.<Double>getAs("rho_counted"), 1e-15);
    assertEquals(ZcdpConversion.epsilon(rho, 1e-6), s.<Double>getAs("epsilon_counted"), 1e-9);
    assertEquals(3.0, s.<Double>getAs("cap_epsilon"), 0);
    assertEquals(ZcdpConversion.rho(3, 1e-6) - rho, s.<Double>getAs("rho_remaining"), 1e-12);
    JsonNode m =
        new ObjectMapper().readTree(dir.resolve("report/report.json").toFile()).get("metrics");
    assertEquals(2, m.at("/datasets/survey/releases").asInt());
    Assertions.assertTrue(
        Files.readString(dir.resolve("report/report.html")).contains("Cumulative spend"));
    Assertions.assertTrue(report.out().contains("dataset 'survey': 2 release(s)"), report.out());
    // Bad input: an unknown option of the input family, a missing ledger.
    assertEquals(2, spp("privacy-ledger", "--ledger", ledger, "--input", ledger).code());
    Result missing = spp("privacy-ledger", "--ledger", dir.resolve("nope").toString());
    assertEquals(2, missing.code());
    Assertions.assertTrue(missing.err().contains("does not exist"), missing.err());
  }
}
