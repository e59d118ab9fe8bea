package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * The superstore order log as a real behaviour log (docs/design/sdim.md §4): impressions derived as
 * next purchases plus popularity-sampled negatives; counts taken once from the raw CSV are the
 * oracle (8,347 rows with a strictly earlier purchase of the same customer), and no negative is an
 * item the customer bought before that date. Then the whole chain runs: item2vec, signatures,
 * point-in-time features.
 */
class SuperstoreTest extends SparkTestBase {
  @Test
  void derivedImpressionsAndTheFeatureChain() {
    Path dir = tempDir("superstore");
    String log = sharedData("superstore/superstore.csv").toString();
    String[] cols = {
      "--user-col", "Customer ID", "--time-col", "Order Date", "--item-col", "Product ID"
    };
    Result imp =
        spp(
            SdimFeaturesTest.concat(
                SdimFeaturesTest.concat(
                    new String[] {
                      "sdim-impressions",
                      "--behaviors",
                      log,
                      "--negatives",
                      "2",
                      "--seed",
                      "4",
                      "--output",
                      dir + "/impressions"
                    },
                    cols)));
    assertEquals(0, imp.code(), imp.err());
    Dataset<Row> impressions = SPARK.read().format("delta").load(dir + "/impressions");
    assertEquals(8_347, impressions.filter("label = 1").count());
    assertEquals(2 * 8_347, impressions.filter("label = 0").count());
    Dataset<Row> orders =
        SPARK
            .read()
            .option("header", "true")
            .option("inferSchema", "true")
            .csv(log)
            .selectExpr("`Customer ID` AS c", "`Order Date` AS d", "`Product ID` AS p");
    long leaks =
        impressions
            .filter("label = 0")
            .join(
                orders,
                col("Customer ID")
                    .equalTo(col("c"))
                    .and(col("Product ID").equalTo(col("p")))
                    .and(col("d").lt(col("Order Date"))))
            .count();
    assertEquals(0, leaks, "a negative was bought before the impression date");

    Result w2v =
        spp(
            SdimFeaturesTest.concat(
                new String[] {
                  "item2vec", "--behaviors", log, "--dim", "16", "--output", dir + "/items"
                },
                cols));
    assertEquals(0, w2v.code(), w2v.err());
    Assertions.assertEquals(1_862, SPARK.read().format("delta").load(dir + "/items").count());
    assertEquals(
        0, spp("sdim-signatures", "--items", dir + "/items", "--output", dir + "/sig").code());
    Result f =
        spp(
            SdimFeaturesTest.concat(
                new String[] {
                  "sdim-features",
                  "--impressions",
                  dir + "/impressions",
                  "--behaviors",
                  log,
                  "--signatures",
                  dir + "/sig",
                  "--output",
                  dir + "/features"
                },
                cols));
    assertEquals(0, f.code(), f.err());
    // Point in time on real dates: a positive's history is its customer's strictly earlier
    // purchases (from the raw CSV: median 6, max 35 over the 8,347 positives).
    Dataset<Row> pos = SPARK.read().format("delta").load(dir + "/features").filter("label = 1");
    assertEquals(8_347, pos.count());
    Row h = pos.selectExpr("max(n_hist)", "percentile(n_hist, 0.5)").first();
    assertEquals(35L, h.getLong(0));
    assertEquals(6.0, h.getDouble(1));
  }
}
