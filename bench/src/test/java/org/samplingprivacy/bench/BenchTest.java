package org.samplingprivacy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

class BenchTest extends SparkTestBase {
  private static Result bench(String... args) {
    return spp(BenchMain.COMMANDS, args);
  }

  @Test
  void generatedTableIsTheSameWhateverThePartitioningAndHasTheStatedMoments() {
    Path d = tempDir("gen");
    int n = 20_000;
    for (String parts : new String[] {"3", "7"}) {
      Result r =
          bench(
              "bench-generate",
              "--output",
              d.resolve("p" + parts).toString(),
              "--rows",
              String.valueOf(n),
              "--columns",
              "3",
              "--distribution",
              "normal,uniform,int100",
              "--partitions",
              parts,
              "--seed",
              "5");
      assertEquals(0, r.code(), r.err());
    }
    Dataset<Row> a = SPARK.read().parquet(d.resolve("p3").toString());
    assertDataFrameNoOrderEquals(a, SPARK.read().parquet(d.resolve("p7").toString()));
    Row m =
        a.selectExpr("avg(c0)", "var_samp(c0)", "avg(c1)", "min(c2)", "max(c2)", "count(*)")
            .first();
    // 5 standard errors: mean of N(0,1): 1/sqrt(n); sample variance: sqrt(2/n); mean of U(0,1):
    // sqrt(1/12/n).
    Assertions.assertTrue(
        Math.abs(m.getDouble(0)) < 5 / Math.sqrt(n), "normal mean " + m.getDouble(0));
    Assertions.assertTrue(
        Math.abs(m.getDouble(1) - 1) < 5 * Math.sqrt(2.0 / n), "normal variance " + m.getDouble(1));
    Assertions.assertTrue(
        Math.abs(m.getDouble(2) - 0.5) < 5 * Math.sqrt(1 / 12.0 / n),
        "uniform mean " + m.getDouble(2));
    assertEquals(0, m.getInt(3));
    assertEquals(99, m.getInt(4));
    assertEquals(n, m.getLong(5));
  }

  @Test
  void compareTimesACommandAgainstAFullScanAndPrintsTheRatio() {
    Path d = tempDir("cmp");
    String table = d.resolve("t").toString();
    assertEquals(
        0, bench("bench-generate", "--output", table, "--rows", "2000", "--columns", "2").code());
    Result r =
        bench(
            "bench-compare",
            "--input",
            table,
            "--repeat",
            "1",
            "--",
            "export",
            "--input",
            table,
            "--output",
            d.resolve("out.csv").toString(),
            "--single-file");
    assertEquals(0, r.code(), r.err());
    Assertions.assertTrue(
        r.out().lines().anyMatch(l -> l.matches("ratio command/baseline: \\d+\\.\\d\\d")), r.out());
    Result failing =
        bench(
            "bench-compare",
            "--input",
            table,
            "--repeat",
            "1",
            "--",
            "export",
            "--input",
            "/nope",
            "--output",
            d.resolve("o").toString());
    assertEquals(2, failing.code());
    Assertions.assertTrue(failing.err().contains("/nope does not exist"), failing.err());
  }
}
