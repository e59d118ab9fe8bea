package org.samplingprivacy.jobs.gsd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;
import org.samplingprivacy.jobs.privacy.ZcdpConversion;

/**
 * The command end to end on the real datasets of ../shared/data (their PROVENANCE.md): the
 * independent-marginals baseline and the true answers are the oracles for quality; the ledger's
 * rows and the budget arithmetic for accounting; exit codes and untouched outputs for bad input.
 */
class GsdSynthesizeCommandTest extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ADULT_COLUMNS =
      "workclass,education-num,marital-status,relationship,race,sex,income>50K";

  private static String adult() {
    return sharedData("adult-private-pgm/adult.csv").toString();
  }

  private static String adultDomain() {
    return sharedData("adult-private-pgm/adult-domain.json").toString();
  }

  private static JsonNode metrics(Path report) throws Exception {
    return JSON.readTree(report.resolve("report.json").toFile()).get("metrics");
  }

  @Test
  void adultAtEpsilonOneBeatsTheIndependentBaselineAndRecordsTheReleaseOnce() throws Exception {
    Path dir = tempDir("gsd-adult");
    double n = 48_842;
    String delta = Double.toString(1 / (n * n));
    String[] args = {
      "gsd-synthesize",
      "--input",
      adult(),
      "--domain",
      adultDomain(),
      "--columns",
      ADULT_COLUMNS,
      "--epsilon",
      "1",
      "--delta",
      delta,
      "--workload",
      "marginals:3",
      "--rows",
      "2000",
      "--seed",
      "3",
      "--noise-seed",
      "test-noise-secret-11",
      "--ledger",
      dir.resolve("ledger").toString(),
      "--dataset-id",
      "adult",
      "--run-id",
      "release-1",
      "--output",
      dir.resolve("synthetic").toString(),
      "--report-dir",
      dir.resolve("report").toString(),
      "--non-private-evaluation"
    };
    Result r = spp(args);
    assertEquals(0, r.code(), r.err());
    JsonNode m = metrics(dir.resolve("report"));
    assertEquals(ZcdpConversion.rho(1, 1 / (n * n)), m.get("rho").asDouble(), 1e-15);
    assertEquals(1.427e-2, m.get("rho").asDouble(), 1.427e-4); // note, "What a test can assert" 2
    Assertions.assertTrue(m.get("rho_spent").asDouble() <= m.get("rho").asDouble() * (1 + 1e-12));
    assertEquals(35, m.get("workloads_measured").asInt()); // C(7, 3)
    double gsdTrue = m.at("/error_vs_true_NOT_PRIVATE/Private-GSD/all/mean").asDouble();
    double indTrue = m.at("/error_vs_true_NOT_PRIVATE/independent marginals/all/mean").asDouble();
    double gsdNoisy = m.at("/error_vs_noisy/Private-GSD/all/mean").asDouble();
    double indNoisy = m.at("/error_vs_noisy/independent marginals/all/mean").asDouble();
    double uniTrue = m.at("/error_vs_true_NOT_PRIVATE/uniform/all/mean").asDouble();
    System.out.printf(
        "GSD-ADULT mean error vs true: Private-GSD %.3g, independent %.3g, uniform %.3g; vs noisy: "
            + "%.3g vs %.3g%n",
        gsdTrue, indTrue, uniTrue, gsdNoisy, indNoisy);
    Assertions.assertTrue(gsdTrue < 0.5 * indTrue, gsdTrue + " vs independent " + indTrue);
    Assertions.assertTrue(gsdNoisy < 0.5 * indNoisy, gsdNoisy + " vs independent " + indNoisy);
    Assertions.assertTrue(indTrue < uniTrue);
    for (String method : new String[] {"Private-GSD", "independent marginals", "uniform"}) {
      JsonNode e = m.at("/error_vs_true_NOT_PRIVATE/" + method + "/all");
      Assertions.assertTrue(e.get("max").asDouble() >= e.get("mean").asDouble());
    }

    Dataset<Row> out = SPARK.read().format("delta").load(dir.resolve("synthetic").toString());
    assertEquals(2000, out.count()); // --rows, never the input's n
    assertEquals(List.of(ADULT_COLUMNS.split(",")), List.of(out.columns()));
    Assertions.assertTrue(out.schema().apply("sex").dataType() == DataTypes.IntegerType);
    assertEquals(
        0,
        out.filter("sex not in (0, 1) or race < 0 or race >= 5 or `education-num` >= 16").count());

    Dataset<Row> ledger = SPARK.read().format("delta").load(dir.resolve("ledger").toString());
    assertEquals(List.of("reserved", "committed"), statuses(dir.resolve("ledger")));
    Row entry = ledger.filter("status = 'committed'").first();
    assertEquals("adult", entry.getAs("dataset_id"));
    assertEquals(m.get("rho").asDouble(), entry.<Double>getAs("rho"), 0);
    String params = entry.getAs("parameters");
    Assertions.assertTrue(
        params.contains("\"noise-seed\":\"<redacted>\"") && !params.contains("test-noise-secret"),
        params);

    // The same run again: a replay with the same noise seed, so the same rows and no second ledger
    // entry.
    List<Row> first = out.orderBy(out.columns()[0], out.columns()).collectAsList();
    Result again = spp(args);
    assertEquals(0, again.code(), again.err());
    assertEquals(
        List.of("reserved", "committed"),
        statuses(dir.resolve("ledger")),
        "a replay records nothing");
    Dataset<Row> out2 = SPARK.read().format("delta").load(dir.resolve("synthetic").toString());
    assertEquals(first, out2.orderBy(out2.columns()[0], out2.columns()).collectAsList());
  }

  @Test
  void theLedgerRefusesAReleasePastTheCapBeforeReadingAndRecordsAcceptedOnesOnce()
      throws Exception {
    Path dir = tempDir("gsd-cap");
    String ledger = dir.resolve("ledger").toString();
    List<String> base =
        List.of(
            "gsd-synthesize",
            "--input",
            adult(),
            "--domain",
            adultDomain(),
            "--columns",
            "race,sex,income>50K",
            "--delta",
            "1e-9",
            "--workload",
            "marginals:2",
            "--rows",
            "200",
            "--generations",
            "2000",
            "--ledger",
            ledger,
            "--dataset-id",
            "adult",
            "--budget-cap",
            "1.3");
    Result one =
        spp(with(base, "--epsilon", "1", "--run-id", "a", "--output", dir.resolve("a").toString()));
    assertEquals(0, one.code(), one.err());
    // A second release of epsilon 1: rho composes additively, and 2 x rho(1) is past the cap's
    // rho(1.3).
    Assertions.assertTrue(2 * ZcdpConversion.rho(1, 1e-9) > ZcdpConversion.rho(1.3, 1e-9));
    Result two =
        spp(with(base, "--epsilon", "1", "--run-id", "b", "--output", dir.resolve("b").toString()));
    assertEquals(2, two.code(), two.out());
    Assertions.assertTrue(
        two.err().contains("--budget-cap")
            && two.err().contains("rho=0.0149")
            && two.err().contains("cap epsilon=1.3"),
        two.err());
    assertFalse(Files.exists(dir.resolve("b")));
    assertEquals(1, reservations(ledger));
    // A small release that fits is recorded; re-running it unseeded would be new noise: refused.
    Result three =
        spp(
            with(
                base,
                "--epsilon",
                "0.2",
                "--run-id",
                "c",
                "--output",
                dir.resolve("c").toString()));
    assertEquals(0, three.code(), three.err());
    assertEquals(2, reservations(ledger));
    Result rerun =
        spp(
            with(
                base,
                "--epsilon",
                "0.2",
                "--run-id",
                "c",
                "--output",
                dir.resolve("c").toString()));
    assertEquals(2, rerun.code());
    Assertions.assertTrue(rerun.err().contains("--noise-seed"), rerun.err());
    assertEquals(2, reservations(ledger));
    double spent =
        SPARK
            .read()
            .format("delta")
            .load(ledger)
            .filter("status = 'committed'")
            .agg(org.apache.spark.sql.functions.sum("rho"))
            .first()
            .getDouble(0);
    assertEquals(ZcdpConversion.rho(1, 1e-9) + ZcdpConversion.rho(0.2, 1e-9), spent, 1e-15);
  }

  @Test
  void pumsMixedColumnsAdaptiveModeKeepsTypesAndPublicBounds() throws Exception {
    Path dir = tempDir("gsd-pums");
    Result r =
        spp(
            "gsd-synthesize",
            "--input",
            sharedData("pums-smartnoise/PUMS.csv").toString(),
            "--domain",
            repoFile("data/pums/pums-domain.json").toString(),
            "--epsilon",
            "2",
            "--delta",
            "1e-6",
            "--workload",
            "marginals:1,marginals:2:sex+educ+race+married,range:age,range:income|sex,prefix:10,halfspace:10",
            "--mode",
            "adaptive",
            "--rounds",
            "6",
            "--per-round",
            "3",
            "--rows",
            "500",
            "--generations",
            "5000",
            "--seed",
            "2",
            "--ledger",
            dir.resolve("ledger").toString(),
            "--dataset-id",
            "pums",
            "--output",
            dir.resolve("out").toString(),
            "--report-dir",
            dir.resolve("report").toString());
    assertEquals(0, r.code(), r.err());
    JsonNode m = metrics(dir.resolve("report"));
    assertEquals(18, m.get("workloads_measured").asInt());
    double rho = ZcdpConversion.rho(2, 1e-6);
    assertEquals(rho, m.get("rho_spent").asDouble(), rho * 1e-9); // T (rho/2T + K rho/2TK) = rho
    assertEquals(
        m.get("rho_exact").asText(),
        m.get("rho_spent_exact").asText(),
        "the charges sum to rho exactly");
    Dataset<Row> out = SPARK.read().format("delta").load(dir.resolve("out").toString());
    assertEquals(500, out.count());
    assertEquals(DataTypes.IntegerType, out.schema().apply("age").dataType());
    assertEquals(DataTypes.DoubleType, out.schema().apply("income").dataType()); // 1e+05 in the CSV
    assertEquals(
        0,
        out.filter(
                "age < 0 or age > 100 or income < 0 or income > 500000 or educ < 1 or educ > 16 "
                    + "or race < 1 or race > 6")
            .count());
    Assertions.assertTrue(
        m.at("/error_vs_noisy/Private-GSD/all/mean").asDouble()
            < m.at("/error_vs_noisy/uniform/all/mean").asDouble());
  }

  @Test
  void nullsNeedANullableCategory() throws Exception {
    Path dir = tempDir("gsd-null");
    String input = sharedData("pums-smartnoise/PUMS_null.csv").toString();
    List<String> base =
        List.of(
            "gsd-synthesize",
            "--input",
            input,
            "--epsilon",
            "1",
            "--delta",
            "1e-6",
            "--rows",
            "100",
            "--generations",
            "500",
            "--workload",
            "marginals:2",
            "--ledger",
            dir.resolve("ledger").toString(),
            "--dataset-id",
            "pums-null");
    Result bad =
        spp(
            with(
                base,
                "--domain",
                repoFile("data/pums/pums-domain.json").toString(),
                "--columns",
                "age,sex,educ,race,income,married",
                "--output",
                dir.resolve("bad").toString()));
    assertEquals(2, bad.code());
    Assertions.assertTrue(bad.err().contains("column 'age' has 116 null values"), bad.err());
    assertFalse(Files.exists(dir.resolve("bad")));
    // The reservation was made before the data was read, then refunded: the ledger counts nothing.
    assertEquals(List.of("reserved", "refunded"), statuses(dir.resolve("ledger")));
    Row refunded =
        SPARK
            .read()
            .format("delta")
            .load(dir.resolve("ledger").toString())
            .filter("status = 'refunded'")
            .first();
    Assertions.assertTrue(refunded.<String>getAs("note").contains("116 null values"));
    Result ok =
        spp(
            with(
                base,
                "--domain",
                repoFile("data/pums/pums-null-domain.json").toString(),
                "--columns",
                "sex,educ,race,married",
                "--output",
                dir.resolve("ok").toString()));
    assertEquals(0, ok.code(), ok.err());
    assertEquals(100, SPARK.read().format("delta").load(dir.resolve("ok").toString()).count());
  }

  @Test
  void badParametersExitTwoBeforeAnyDataIsRead() throws Exception {
    Path dir = tempDir("gsd-bad");
    Path domain = dir.resolve("d.json");
    Files.writeString(domain, "{\"a\": 3, \"b\": 2}");
    Path input = dir.resolve("t.csv");
    Files.writeString(input, "a,b,c\n0,1,5\n1,0,2\n");
    String missing = dir.resolve("no-such-table").toString();
    List<String> base =
        List.of(
            "gsd-synthesize",
            "--domain",
            domain.toString(),
            "--rows",
            "10",
            "--ledger",
            dir.resolve("ledger").toString(),
            "--dataset-id",
            "t",
            "--output",
            dir.resolve("out").toString());
    Object[][] cases = {
      {List.of("--input", missing, "--epsilon", "0", "--delta", "1e-6"), "--epsilon"},
      {List.of("--input", missing, "--epsilon", "1", "--delta", "1"), "--delta"},
      {List.of("--input", missing, "--epsilon", "1", "--delta", "0"), "--delta"},
      {List.of("--input", missing, "--epsilon", "1", "--delta", "1e-6", "--rows", "0"), "--rows"},
      {
        List.of("--input", missing, "--epsilon", "1", "--delta", "1e-6", "--noise-seed", "11"),
        "--noise-seed"
      },
      {
        List.of(
            "--input",
            missing,
            "--epsilon",
            "1",
            "--delta",
            "1e-6",
            "--columns",
            "a,b",
            "--workload",
            "marginals:2:a+zz"),
        "column 'zz'"
      },
      {
        List.of("--input", missing, "--epsilon", "1", "--delta", "1e-6", "--columns", "a,c"),
        "column 'c' (--columns) is missing from --domain"
      },
      {
        List.of(
            "--input", input.toString(), "--epsilon", "1", "--delta", "1e-6", "--columns", "a,c"),
        "column 'c' (--columns) is missing from --domain"
      },
    };
    for (Object[] c : cases) {
      @SuppressWarnings("unchecked")
      List<String> extra = (List<String>) c[0];
      List<String> args = new ArrayList<>(base);
      args.addAll(extra);
      Result r = spp(args.toArray(new String[0]));
      assertEquals(2, r.code(), extra + ": " + r.err());
      Assertions.assertTrue(r.err().contains((String) c[1]), extra + ": " + r.err());
      assertFalse(Files.exists(dir.resolve("out")));
      assertFalse(Files.exists(dir.resolve("ledger")));
    }
  }

  @Test
  void anInputMissingADomainColumnIsBadInputFoundAfterTheReservationAndRefunded() throws Exception {
    Path dir = tempDir("gsd-missing");
    Path domain = dir.resolve("d.json");
    Files.writeString(domain, "{\"a\": 3, \"b\": 2}");
    Path input = dir.resolve("t.csv");
    Files.writeString(input, "a,c\n0,5\n1,2\n");
    Result r =
        spp(
            "gsd-synthesize",
            "--input",
            input.toString(),
            "--domain",
            domain.toString(),
            "--epsilon",
            "1",
            "--delta",
            "1e-6",
            "--rows",
            "10",
            "--ledger",
            dir.resolve("ledger").toString(),
            "--dataset-id",
            "t",
            "--budget-cap",
            "1.2",
            "--output",
            dir.resolve("out").toString());
    assertEquals(2, r.code(), r.err());
    Assertions.assertTrue(r.err().contains("no column 'b'"), r.err());
    assertFalse(Files.exists(dir.resolve("out")));
    assertEquals(List.of("reserved", "refunded"), statuses(dir.resolve("ledger")));
    // Refunded budget is free again: a release that needs the whole cap still fits.
    Files.writeString(input, "a,b\n0,1\n1,0\n2,1\n");
    Result ok =
        spp(
            "gsd-synthesize",
            "--input",
            input.toString(),
            "--domain",
            domain.toString(),
            "--epsilon",
            "1.2",
            "--delta",
            "1e-6",
            "--rows",
            "10",
            "--generations",
            "200",
            "--ledger",
            dir.resolve("ledger").toString(),
            "--dataset-id",
            "t",
            "--budget-cap",
            "1.2",
            "--output",
            dir.resolve("out").toString());
    assertEquals(0, ok.code(), ok.err());
  }

  @Test
  void aLedgerWrittenBeforeStatusesExistedCountsItsReleases() throws Exception {
    Path dir = tempDir("gsd-old-ledger");
    String ledger = dir.resolve("ledger").toString();
    double oldRho = ZcdpConversion.rho(1, 1e-6);
    org.apache.spark.sql.types.StructType old =
        new org.apache.spark.sql.types.StructType()
            .add("dataset_id", "string")
            .add("run_id", "string")
            .add("rho", "double")
            .add("epsilon", "double")
            .add("delta", "double")
            .add("recorded_at", "timestamp")
            .add("command", "string")
            .add("fingerprint", "string")
            .add("parameters", "string");
    SPARK
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create(
                    "pums",
                    "2024-01-01",
                    oldRho,
                    1.0,
                    1e-6,
                    new java.sql.Timestamp(0),
                    "gsd-synthesize",
                    "f",
                    "{}")),
            old)
        .write()
        .format("delta")
        .save(ledger);
    List<String> base =
        List.of(
            "gsd-synthesize",
            "--input",
            repoFile("data/pums/PUMS.csv").toString(),
            "--domain",
            repoFile("data/pums/pums-domain.json").toString(),
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
            "pums",
            "--budget-cap",
            "1.3");
    // Two releases of epsilon 1 compose to epsilon 1.45 at 1e-6: past 1.3. With 0.3 they make about
    // 1.05.
    Result tooMuch =
        spp(
            with(
                base,
                "--epsilon",
                "1",
                "--run-id",
                "new",
                "--output",
                dir.resolve("a").toString()));
    assertEquals(2, tooMuch.code(), tooMuch.err());
    Assertions.assertTrue(tooMuch.err().contains("over 1 release(s)"), tooMuch.err());
    Result fits =
        spp(
            with(
                base,
                "--epsilon",
                "0.3",
                "--run-id",
                "new",
                "--output",
                dir.resolve("b").toString()));
    assertEquals(0, fits.code(), fits.err());
    Dataset<Row> rows = SPARK.read().format("delta").load(ledger);
    assertEquals(3, rows.count());
    Row added = rows.filter("status = 'committed'").first();
    assertEquals(1L, (long) added.getAs("sequence"));
    Assertions.assertTrue(
        added.<String>getAs("parameters").contains("\"inputs\""),
        "provenance with the inputs read");
  }

  /** The ledger's events in the order they were written (Delta version, then row). */
  private static List<String> statuses(Path ledger) {
    return SPARK
        .read()
        .format("delta")
        .load(ledger.toString())
        .orderBy("recorded_at")
        .select("status")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  private static long reservations(String ledger) {
    return SPARK.read().format("delta").load(ledger).filter("status = 'reserved'").count();
  }

  private static String[] with(List<String> base, String... more) {
    List<String> a = new ArrayList<>(base);
    a.addAll(List.of(more));
    return a.toArray(new String[0]);
  }
}
