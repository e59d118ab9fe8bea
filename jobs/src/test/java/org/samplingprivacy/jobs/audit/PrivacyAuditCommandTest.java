package org.samplingprivacy.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.samplingprivacy.jobs.SparkTestBase;
import org.samplingprivacy.jobs.gsd.PlantedBugs;
import org.samplingprivacy.jobs.privacy.ZcdpConversion;

/**
 * The audit's two obligations, each with fixed seeds: no false alarm on the correct mechanism (the
 * claim's ε above the lower bound, the claimed μ = √(2ρ) inside the 99% μ interval: the closed form
 * of the Gaussian mechanism's trade-off), and power against planted bugs (σ/3, sensitivity
 * understated by √2, noise off). Oracles besides: the trial table fed to epsilon-estimate by hand
 * gives the same bounds; trial scores do not depend on the partitioning.
 */
class PrivacyAuditCommandTest extends SparkTestBase {
  private static final String COLUMNS = "sex,educ,race,married";

  @AfterEach
  void clearBugs() {
    PlantedBugs.clear();
  }

  private static List<String> base(Path dir, String epsilon) {
    return new ArrayList<>(
        List.of(
            "privacy-audit",
            "--input",
            repoFile("data/pums/PUMS.csv").toString(),
            "--domain",
            repoFile("data/pums/pums-domain.json").toString(),
            "--columns",
            COLUMNS,
            "--epsilon",
            epsilon,
            "--delta",
            "1e-6",
            "--workload",
            "marginals:2",
            "--seed",
            "5",
            "--output",
            dir.resolve("trials").toString(),
            "--report-dir",
            dir.resolve("report").toString()));
  }

  private static Result run(List<String> args, String... more) {
    List<String> a = new ArrayList<>(args);
    a.addAll(List.of(more));
    return spp(a.toArray(new String[0]));
  }

  private static JsonNode metrics(Path dir) throws Exception {
    return new ObjectMapper().readTree(dir.resolve("report/report.json").toFile()).get("metrics");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.5", "1", "2"})
  void theCorrectMechanismIsConsistentWithItsClaim(String epsilon) throws Exception {
    Path dir = tempDir("audit-ok");
    Result r = run(base(dir, epsilon), "--trials", "40000", "--alpha", "0.01");
    assertEquals(0, r.code(), r.err());
    JsonNode m = metrics(dir);
    double eps = Double.parseDouble(epsilon);
    double mu = Math.sqrt(2 * ZcdpConversion.rho(eps, 1e-6));
    assertEquals(mu, m.get("mu_claimed").asDouble(), 1e-9);
    Assertions.assertTrue(m.get("epsilon_lower_bound").asDouble() < eps, m.toString());
    Assertions.assertTrue(
        m.get("mu_lo").asDouble() <= mu && mu <= m.get("mu_hi").asDouble(), m.toString());
    assertEquals("consistent with the claim", m.get("verdict").asText());
    Assertions.assertTrue(r.out().contains("consistent with the claim"), r.out());
    Assertions.assertTrue(
        Files.readString(dir.resolve("report/report.html")).contains("not differentially private"));
    assertFalse(Files.exists(dir.resolve("ledger")));
  }

  @Test
  void sigmaDividedByThreeIsAViolationByBothKindsOfEvidence() throws Exception {
    PlantedBugs.plant("SIGMA_DIVIDED_BY_3");
    Path dir = tempDir("audit-sigma");
    Result r = run(base(dir, "1"), "--trials", "200000");
    assertEquals(0, r.code(), r.err());
    JsonNode m = metrics(dir);
    Assertions.assertTrue(m.get("verdict").asText().startsWith("VIOLATION"), m.toString());
    Assertions.assertTrue(m.get("epsilon_lower_bound").asDouble() > 1, "assumption-free: " + m);
    Assertions.assertTrue(m.get("mu_lo").asDouble() > m.get("mu_claimed").asDouble(), "GDP: " + m);
  }

  @Test
  void anUnderstatedSensitivityIsAViolationOfMu() throws Exception {
    PlantedBugs.plant("SENSITIVITY_UNDERSTATED");
    Path dir = tempDir("audit-sens");
    Result r = run(base(dir, "1"), "--trials", "100000", "--fail-on-violation");
    assertEquals(1, r.code(), "--fail-on-violation fails the run: " + r.err());
    Assertions.assertTrue(r.err().contains("VIOLATION") && !r.err().contains("\tat "), r.err());
    Assertions.assertTrue(
        Files.exists(dir.resolve("trials")) && Files.exists(dir.resolve("trials_estimates")));
    JsonNode m = metrics(dir);
    Assertions.assertTrue(m.get("verdict").asText().startsWith("VIOLATION"), m.toString());
    // sigma / sqrt(2): the interval is centred near sqrt(2) mu.
    double mu = m.get("mu_claimed").asDouble();
    Assertions.assertTrue(
        m.get("mu_lo").asDouble() > mu && m.get("mu_hi").asDouble() > Math.sqrt(2) * mu * 0.95,
        m.toString());
  }

  @Test
  void theTrialTableFedToEpsilonEstimateGivesTheSameBounds() throws Exception {
    Path dir = tempDir("audit-chain");
    Result r = run(base(dir, "1"), "--trials", "30000");
    assertEquals(0, r.code(), r.err());
    Dataset<Row> est =
        SPARK
            .read()
            .format("delta")
            .load(dir.resolve("trials_estimates").toString())
            .orderBy("threshold");
    List<Row> rows = est.collectAsList();
    String thresholds =
        rows.stream()
            .map(x -> Double.toString(x.<Double>getAs("threshold")))
            .collect(Collectors.joining(","));
    Result e =
        spp(
            "epsilon-estimate",
            "--input",
            dir.resolve("trials").toString(),
            "--member-col",
            "is_member",
            "--score-col",
            "score",
            "--thresholds",
            thresholds,
            "--selection",
            "bonferroni",
            "--alpha",
            "0.05",
            "--delta",
            "1e-6",
            "--claimed-epsilon",
            "1",
            "--output",
            dir.resolve("by-hand").toString());
    assertEquals(0, e.code(), e.err());
    List<Row> byHand =
        SPARK
            .read()
            .format("delta")
            .load(dir.resolve("by-hand").toString())
            .orderBy("threshold")
            .collectAsList();
    assertEquals(rows.size(), byHand.size());
    for (int i = 0; i < rows.size(); i++) {
      for (String c : new String[] {"tp", "fn", "tn", "fp"}) {
        assertEquals((long) rows.get(i).getAs(c), (long) byHand.get(i).getAs(c), c);
      }
      for (String c :
          new String[] {
            "alpha", "bayes_lower_bound", "cp_lower_bound", "gdp_mu_bayes_lower_bound"
          }) {
        assertEquals(
            rows.get(i).<Double>getAs(c),
            byHand.get(i).<Double>getAs(c),
            1e-9,
            c + " at threshold " + i);
      }
      assertEquals(
          rows.get(i).<Boolean>getAs("selected"), byHand.get(i).<Boolean>getAs("selected"));
    }
  }

  @Test
  void trialScoresDoNotDependOnThePartitioning() throws Exception {
    // 20,000 trials run in 2 Spark partitions, 60,000 in 4: the first 20,000 trials' scores are the
    // same.
    Path a = tempDir("audit-part-a");
    Path b = tempDir("audit-part-b");
    assertEquals(0, run(base(a, "1"), "--trials", "20000").code());
    assertEquals(0, run(base(b, "1"), "--trials", "60000").code());
    Dataset<Row> ta =
        SPARK
            .read()
            .format("delta")
            .load(a.resolve("trials").toString())
            .select("trial", "is_member", "score");
    Dataset<Row> tb =
        SPARK
            .read()
            .format("delta")
            .load(b.resolve("trials").toString())
            .filter("trial < 20000")
            .select("trial", "is_member", "score");
    assertEquals(40_000, ta.count());
    assertEquals(0, ta.except(tb).count());
    assertEquals(0, tb.except(ta).count());
  }

  @Test
  void aSynthesizerFittedToTheTrueAnswersIsABlackBoxViolation() throws Exception {
    // n = 100 rows and N' = n, so one row is visible in the synthetic table.
    Path dir = tempDir("audit-black");
    Path small = dir.resolve("small.csv");
    List<String> lines = Files.readAllLines(repoFile("data/pums/PUMS.csv")).subList(0, 101);
    Files.write(small, lines);
    List<String> args =
        new ArrayList<>(
            List.of(
                "privacy-audit",
                "--audit",
                "black-box",
                "--input",
                small.toString(),
                "--domain",
                repoFile("data/pums/pums-domain.json").toString(),
                "--columns",
                COLUMNS,
                "--epsilon",
                "1",
                "--delta",
                "1e-4",
                "--workload",
                "marginals:2",
                "--rows",
                "100",
                "--generations",
                "3000",
                "--trials",
                "60",
                "--seed",
                "3"));
    PlantedBugs.plant("NO_NOISE");
    Result broken =
        run(
            args,
            "--output",
            dir.resolve("broken").toString(),
            "--report-dir",
            dir.resolve("report").toString());
    assertEquals(0, broken.code(), broken.err());
    JsonNode m = metrics(dir);
    Assertions.assertTrue(m.get("verdict").asText().startsWith("VIOLATION"), m.toString());
    PlantedBugs.clear();
    Result ok = run(args, "--output", dir.resolve("ok").toString());
    assertEquals(0, ok.code(), ok.err());
    Assertions.assertTrue(ok.out().contains("consistent with the claim"), ok.out());
  }

  @Test
  void oneRunFlagsANoiselessReleaseAndNotTheRealMechanism() throws Exception {
    Path dir = tempDir("audit-one-run");
    Path small = dir.resolve("small.csv");
    Files.write(small, Files.readAllLines(repoFile("data/pums/PUMS.csv")).subList(0, 101));
    List<String> args =
        new ArrayList<>(
            List.of(
                "privacy-audit",
                "--audit",
                "one-run",
                "--input",
                small.toString(),
                "--domain",
                repoFile("data/pums/pums-domain.json").toString(),
                "--columns",
                COLUMNS,
                "--epsilon",
                "1",
                "--delta",
                "1e-4",
                "--workload",
                "marginals:2",
                "--rows",
                "200",
                "--generations",
                "20000",
                "--stall-window",
                "5000",
                "--canaries",
                "40",
                "--seed",
                "3"));
    PlantedBugs.plant("NO_NOISE");
    Result broken =
        run(
            args,
            "--output",
            dir.resolve("broken").toString(),
            "--report-dir",
            dir.resolve("report").toString());
    assertEquals(0, broken.code(), broken.err());
    JsonNode m = metrics(dir);
    Assertions.assertTrue(m.get("one_run_eps_lower_bound").asDouble() > 1, m.toString());
    PlantedBugs.clear();
    Result ok = run(args, "--output", dir.resolve("ok").toString());
    assertEquals(0, ok.code(), ok.err());
    Assertions.assertTrue(ok.out().contains("consistent with the claim"), ok.out());
  }

  @Test
  void badInputExitsTwoAndWritesNothing() throws Exception {
    Path dir = tempDir("audit-bad");
    Path canary = dir.resolve("canary.json");
    Files.writeString(canary, "{\"sex\": 1, \"educ\": 99, \"race\": 1, \"married\": 0}");
    Object[][] cases = {
      {List.of("--audit", "grey-box"), "--audit"},
      {List.of("--mode", "adaptive"), "adaptive"},
      {List.of("--audit", "black-box"), "--rows"},
      {List.of("--canary", canary.toString()), "99"},
      {List.of("--columns", "sex,nope"), "nope"},
      {List.of("--trials", "3"), "--trials"},
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      List<String> extra = (List<String>) c[0];
      List<String> args = base(dir, "1");
      args.removeIf(x -> false);
      int i = args.indexOf("--columns");
      if (extra.contains("--columns")) {
        args.remove(i);
        args.remove(i);
      }
      args.addAll(extra);
      Result r = spp(args.toArray(new String[0]));
      assertEquals(2, r.code(), extra + ": " + r.err());
      Assertions.assertTrue(r.err().contains((String) c[1]), extra + ": " + r.err());
      assertFalse(Files.exists(dir.resolve("trials")), extra.toString());
    }
  }
}
