package org.samplingprivacy.jobs.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

class TableChecksTest extends SparkTestBase {
  private final Dataset<Row> t =
      SPARK.sql(
          "SELECT * FROM VALUES (1, 0.5D, 'a'), (2, CAST('NaN' AS DOUBLE), 'b'), (3, NULL, NULL) AS t(id, x, s)");

  private static String message(Runnable r) {
    return assertThrows(InputException.class, r::run).getMessage();
  }

  @Test
  void namesTheMissingColumnAndTheWrongType() {
    assertEquals(
        "T has no column 'y' (columns: id, x, s)",
        message(() -> TableChecks.requireColumns(t, "T", List.of("id", "y"))));
    assertEquals(
        "T column 's' must be numeric, but is string",
        message(() -> TableChecks.requireNumeric(t, "T", List.of("id", "s"))));
    assertEquals(
        "T column 'x' must be bigint, but is double",
        message(() -> TableChecks.requireType(t, "T", "x", DataTypes.LongType)));
    TableChecks.requireType(t, "T", "id", DataTypes.IntegerType, DataTypes.LongType);
  }

  @Test
  void countsNullAndNaNPerColumnInOnePass() {
    // Oracle by inspection of the three literal rows: x has one NaN and one NULL, s one NULL.
    String m = message(() -> TableChecks.requireComplete(t, "T", List.of("id", "x", "s")));
    assertEquals("T column 'x' has 2 null or NaN values of 3 rows (also: s)", m);
    assertEquals(3, TableChecks.requireComplete(t, "T", List.of("id")));
    Assertions.assertTrue(
        message(() -> TableChecks.requireComplete(t.limit(0), "T", List.of("id")))
            .equals("T is empty"));
  }

  @Test
  void parameterChecksNameTheOption() {
    assertEquals(
        "--fraction must be in (0, 1], got 1.5",
        message(() -> Params.requireInHalfOpen("--fraction", 1.5, 0, 1)));
    assertEquals(
        "--p must be a finite number, got NaN",
        message(() -> Params.requireInRange("--p", Double.NaN, 1, 10)));
    assertEquals(
        "--method must be one of uniform, lewis, got 'lewiss'",
        message(() -> Params.requireOneOf("--method", "lewiss", "uniform", "lewis")));
    Assertions.assertTrue(
        message(() -> Params.requireRunId("--run-id", "a'; DROP")).startsWith("--run-id must be"));
    assertEquals("2024-01-01", Params.requireRunId("--run-id", "2024-01-01"));
    assertEquals(
        "scheduled__2024-01-01T00:00:00+00:00",
        Params.requireRunId("--run-id", "scheduled__2024-01-01T00:00:00+00:00"));
    assertEquals(
        "--features lists 'a' twice", message(() -> Params.requireList("--features", "a,b,a")));
  }
}
