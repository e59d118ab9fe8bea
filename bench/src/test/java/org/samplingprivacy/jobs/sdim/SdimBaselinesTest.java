package org.samplingprivacy.jobs.sdim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.bench.BenchMain;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * The SDIM benchmark's baselines are what they claim to be. Oracle for the SQL formulation: the
 * job's own output on the same small log (every impression row, n_hist exactly, the SDIM vector to
 * 1e-9); for the floor: one row per impression with the history count of the sweep.
 */
class SdimBaselinesTest extends SparkTestBase {
  static Path dir;

  @BeforeAll
  static void data() {
    dir = tempDir("sdim-bench");
    Result g =
        spp(
            "sdim-generate",
            "--users",
            "12",
            "--length",
            "40",
            "--impressions-per-user",
            "6",
            "--items",
            "60",
            "--topics",
            "4",
            "--dim",
            "6",
            "--seed",
            "11",
            "--output",
            dir + "/gen");
    assertEquals(0, g.code(), g.err());
    Result s =
        spp(
            "sdim-signatures",
            "--items",
            dir + "/gen/items",
            "--num-hashes",
            "8",
            "--bits",
            "2",
            "--seed",
            "3",
            "--output",
            dir + "/sig");
    assertEquals(0, s.code(), s.err());
  }

  private static List<Row> sorted(Dataset<Row> df) {
    return df.select("user", "ts", "item", "label", "n_hist", "sdim").collectAsList().stream()
        .sorted(
            Comparator.comparing((Row r) -> r.getString(0))
                .thenComparingLong(r -> r.getLong(1))
                .thenComparing(r -> r.getString(2))
                .thenComparingInt(r -> r.getInt(3)))
        .toList();
  }

  @Test
  void theSqlFormulationEqualsTheJob() {
    Result r =
        spp(
            "sdim-features",
            "--impressions",
            dir + "/gen/impressions",
            "--behaviors",
            dir + "/gen/behaviors",
            "--signatures",
            dir + "/sig",
            "--output",
            dir + "/job");
    assertEquals(0, r.code(), r.err());
    List<Row> job = sorted(SPARK.read().format("delta").load(dir + "/job"));
    List<Row> sql;
    try (SdimSql q =
        SdimSql.features(
            SPARK,
            SPARK.read().format("delta").load(dir + "/gen/impressions"),
            SPARK.read().format("delta").load(dir + "/gen/behaviors"),
            SPARK.read().format("delta").load(dir + "/sig"),
            8,
            6)) {
      sql = sorted(q.rows());
    }
    assertEquals(72, job.size());
    assertEquals(job.size(), sql.size());
    int withHistory = 0;
    for (int i = 0; i < job.size(); i++) {
      Row a = job.get(i);
      Row b = sql.get(i);
      for (int c = 0; c < 4; c++) {
        assertEquals(a.get(c), b.get(c), "impression " + i);
      }
      assertEquals(a.getLong(4), b.getLong(4), "n_hist of " + a);
      withHistory += a.getLong(4) > 0 ? 1 : 0;
      List<Double> x = a.getList(5);
      List<Double> y = b.getList(5);
      assertEquals(x.size(), y.size());
      for (int j = 0; j < x.size(); j++) {
        assertEquals(x.get(j), y.get(j), 1e-9, "sdim[" + j + "] of " + a);
      }
    }
    org.junit.jupiter.api.Assertions.assertTrue(
        withHistory > 60, "most impressions have a history: " + withHistory);
  }

  @Test
  void benchSdimTimesEveryBaselineAndTheFloorHasOneRowPerImpressionWithItsHistoryCount() {
    Result r =
        spp(
            BenchMain.COMMANDS,
            "bench-sdim",
            "--impressions",
            dir + "/gen/impressions",
            "--behaviors",
            dir + "/gen/behaviors",
            "--signatures",
            dir + "/sig",
            "--attention",
            "--sql",
            "--output",
            dir + "/bench");
    assertEquals(0, r.code(), r.err());
    for (String line :
        List.of(
            "floor (read, join, shuffle, sort, write; no features): median ",
            "; ratio sdim/floor ",
            "; ratio TA/SDIM ",
            "; ratio SQL/SDIM ")) {
      org.junit.jupiter.api.Assertions.assertTrue(r.out().contains(line), line + " in " + r.out());
    }
    List<Row> floor =
        SPARK
            .read()
            .format("delta")
            .load(dir + "/bench/floor")
            .select("user", "ts", "item", "label", "n_hist")
            .collectAsList();
    List<Row> job =
        SPARK
            .read()
            .format("delta")
            .load(dir + "/bench/sdim-features")
            .select("user", "ts", "item", "label", "n_hist")
            .collectAsList();
    assertEquals(72, floor.size());
    // Without a window the sweep's history is every behaviour sorted before the impression.
    assertEquals(
        job.stream().map(Row::toString).sorted().toList(),
        floor.stream().map(Row::toString).sorted().toList());
  }
}
