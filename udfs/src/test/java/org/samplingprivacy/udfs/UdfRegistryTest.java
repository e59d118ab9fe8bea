package org.samplingprivacy.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class UdfRegistryTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("udfs-test")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .getOrCreate();
    UdfRegistry.registerAll(spark);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void sqlFunctionsEqualTheJavaMethodsAndSparksXxhash() {
    List<Row> rows =
        spark
            .sql(
                "SELECT k, spp_hash64(k, 42L) AS h, spp_uniform(k, 42L) AS u, xxhash64(k) AS spark_h "
                    + "FROM VALUES ('a'), ('bb'), ('a much longer key that spans the 32-byte stripes') AS t(k)")
            .collectAsList();
    assertEquals(3, rows.size());
    for (Row r : rows) {
      String k = r.getString(0);
      // Spark's built-in xxhash64 uses seed 42 on the UTF-8 bytes of a string: an independent
      // oracle.
      assertEquals(r.getLong(3), r.getLong(1), k);
      assertEquals(StableHash.uniform(k, 42L), r.getDouble(2), 0.0, k);
    }
  }

  @Test
  void simhashSignaturesInSqlEqualTheJavaMethodForFloatAndDoubleArrays() {
    Row r =
        spark
            .sql(
                "SELECT simhash_signatures(array(0.5D, -1.0D, 2.0D), 16, 3, 7L) AS d, "
                    + "simhash_signatures(array(CAST(0.5 AS FLOAT), CAST(-1 AS FLOAT), CAST(2 AS FLOAT)), 16, 3, 7L) AS f, "
                    + "simhash_signatures(array(1.0D, NULL), 4, 3, 7L) AS n")
            .first();
    int[] expected = SimHash.signatures(new double[] {0.5, -1.0, 2.0}, 16, 3, 7L);
    List<Integer> d = r.getList(0);
    List<Integer> f = r.getList(1);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], d.get(i));
      assertEquals(expected[i], f.get(i));
    }
    assertTrue(r.isNullAt(2));
  }

  @Test
  void nullsPropagate() {
    Row r =
        spark
            .sql(
                "SELECT spp_hash64(CAST(NULL AS STRING), 1L), spp_uniform('x', CAST(NULL AS BIGINT))")
            .first();
    assertTrue(r.isNullAt(0) && r.isNullAt(1));
  }
}
