package org.samplingprivacy.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;
import org.samplingprivacy.jobs.validate.InputException;

class TableIOTest extends SparkTestBase {
  private static final Provenance PROV = new Provenance("test", "r", 1, Map.of(), List.of());

  private static TableIO.WriteSpec spec(TableFormat f, WriteMode m, String run) {
    return new TableIO.WriteSpec(f, m, run, PROV);
  }

  private static Dataset<Row> rows(long n) {
    return SPARK.range(n).toDF("id");
  }

  @Test
  void detectsEachFormatAndRejectsWhatIsNotATable() throws IOException {
    Path d = tempDir("detect");
    TableIO.write(
        rows(3), d.resolve("delta").toString(), spec(TableFormat.DELTA, WriteMode.REPLACE, "r"));
    TableIO.write(
        rows(3), d.resolve("pq").toString(), spec(TableFormat.PARQUET, WriteMode.REPLACE, "r"));
    Files.writeString(d.resolve("a.csv"), "id\n1\n");
    assertEquals(
        TableFormat.DELTA, TableIO.detect(SPARK, "--input", d.resolve("delta").toString()));
    assertEquals(TableFormat.PARQUET, TableIO.detect(SPARK, "--input", d.resolve("pq").toString()));
    assertEquals(TableFormat.CSV, TableIO.detect(SPARK, "--input", d.resolve("a.csv").toString()));
    Files.createDirectories(d.resolve("empty"));
    InputException e =
        assertThrows(
            InputException.class,
            () -> TableIO.detect(SPARK, "--behaviors", d.resolve("empty").toString()));
    Assertions.assertTrue(
        e.getMessage().startsWith("--behaviors ") && e.getMessage().contains("is not a table"),
        e.getMessage());
    InputException wrong =
        assertThrows(
            InputException.class,
            () -> TableIO.read(SPARK, "--input", d.resolve("pq").toString(), TableFormat.DELTA));
    Assertions.assertTrue(
        wrong.getMessage().contains("is a parquet table, not delta"), wrong.getMessage());
  }

  @Test
  void deltaReadIsPinnedToTheVersionItReports() {
    String p = tempDir("pin").resolve("t").toString();
    TableIO.write(rows(5), p, spec(TableFormat.DELTA, WriteMode.REPLACE, "a"));
    TableIO.write(rows(7), p, spec(TableFormat.DELTA, WriteMode.REPLACE, "b"));
    SourceTable t = TableIO.read(SPARK, "--input", p, null);
    assertEquals(1, t.deltaVersion());
    TableIO.write(rows(9), p, spec(TableFormat.DELTA, WriteMode.REPLACE, "c"));
    assertEquals(7, t.data().count(), "a read keeps its snapshot after a later commit");
    assertEquals(1L, t.describe().get("delta_version"));
  }

  @Test
  void parquetReplaceAndSliceAreStagedAndLeaveNoDebris() throws IOException {
    Path d = tempDir("pq");
    String p = d.resolve("t").toString();
    TableIO.write(rows(5), p, spec(TableFormat.PARQUET, WriteMode.REPLACE, "a"));
    TableIO.write(rows(8), p, spec(TableFormat.PARQUET, WriteMode.REPLACE, "a"));
    assertEquals(8, SPARK.read().parquet(p).count());
    Assertions.assertTrue(
        Files.readString(Path.of(p, TableIO.PROVENANCE_FILE)).contains("\"command\":\"test\""));
    String s = d.resolve("s").toString();
    TableIO.write(
        rows(5), s, spec(TableFormat.PARQUET, WriteMode.SLICE, "2024-01-01T00:00:00+00:00"));
    TableIO.write(rows(6), s, spec(TableFormat.PARQUET, WriteMode.SLICE, "2024-01-02"));
    TableIO.write(
        rows(4), s, spec(TableFormat.PARQUET, WriteMode.SLICE, "2024-01-01T00:00:00+00:00"));
    Dataset<Row> sliced = SPARK.read().parquet(s);
    assertEquals(10, sliced.count());
    assertEquals(4, sliced.filter("run_id = '2024-01-01T00:00:00+00:00'").count());
    try (Stream<Path> files = Files.list(d)) {
      assertEquals(
          List.of("s", "t"),
          files.map(f -> f.getFileName().toString()).sorted().toList(),
          "no staging or trash folders left behind");
    }
  }

  @Test
  void aFailedWriteLeavesThePreviousOutput() {
    String p = tempDir("fail").resolve("t").toString();
    TableIO.write(rows(5), p, spec(TableFormat.PARQUET, WriteMode.REPLACE, "a"));
    Dataset<Row> failing =
        SPARK
            .range(10)
            .selectExpr("IF(id < 8, id, CAST(raise_error('task failure') AS BIGINT)) AS id");
    assertThrows(
        Exception.class,
        () -> TableIO.write(failing, p, spec(TableFormat.PARQUET, WriteMode.REPLACE, "b")));
    assertEquals(5, SPARK.read().parquet(p).count());
    String dp = tempDir("fail-delta").resolve("t").toString();
    TableIO.write(rows(5), dp, spec(TableFormat.DELTA, WriteMode.REPLACE, "a"));
    assertThrows(
        Exception.class,
        () -> TableIO.write(failing, dp, spec(TableFormat.DELTA, WriteMode.REPLACE, "b")));
    assertEquals(5, SPARK.read().format("delta").load(dp).count());
  }

  @Test
  void sliceModeRefusesRowsThatAlreadyHaveARunId() {
    String p = tempDir("runid").resolve("t").toString();
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                TableIO.write(
                    SPARK.range(3).selectExpr("id", "'x' AS run_id"),
                    p,
                    spec(TableFormat.DELTA, WriteMode.SLICE, "r")));
    Assertions.assertTrue(e.getMessage().contains("already have one"), e.getMessage());
    Assertions.assertFalse(java.nio.file.Files.exists(Path.of(p)));
  }

  @Test
  void refusesToReplaceSomethingThatIsNotATableOfThatFormat() throws IOException {
    Path d = tempDir("guard");
    Files.writeString(d.resolve("precious.txt"), "keep me");
    InputException e =
        assertThrows(
            InputException.class,
            () ->
                TableIO.write(
                    rows(3), d.toString(), spec(TableFormat.DELTA, WriteMode.REPLACE, "a")));
    Assertions.assertTrue(
        e.getMessage().contains("exists and is not a table this project wrote"), e.getMessage());
    assertEquals("keep me", Files.readString(d.resolve("precious.txt")));
    String pq = d.resolve("pq").toString();
    TableIO.write(rows(3), pq, spec(TableFormat.PARQUET, WriteMode.REPLACE, "a"));
    InputException other =
        assertThrows(
            InputException.class,
            () -> TableIO.write(rows(3), pq, spec(TableFormat.DELTA, WriteMode.REPLACE, "a")));
    Assertions.assertTrue(
        other.getMessage().contains("exists and is not a delta table"), other.getMessage());
  }
}
