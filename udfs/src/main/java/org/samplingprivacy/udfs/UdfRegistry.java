package org.samplingprivacy.udfs;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;

/**
 * Registers the project's functions as Spark SQL functions, so Zeppelin {@code %spark.sql}
 * paragraphs and SQL users can call them by name. Each function is a thin null-propagating wrapper
 * over a plain Java method in this module.
 *
 * <ul>
 *   <li>{@code spp_hash64(key STRING, seed BIGINT) -> BIGINT}: {@link StableHash#hash64(String,
 *       long)}
 *   <li>{@code spp_uniform(key STRING, seed BIGINT) -> DOUBLE}: {@link StableHash#uniform(String,
 *       long)}
 *   <li>{@code simhash_signatures(embedding ARRAY<FLOAT|DOUBLE>, num_hashes INT, bits INT, seed
 *       BIGINT) -> ARRAY<INT>}: {@link SimHash} (SDIM's signatures; null if any argument or element
 *       is null)
 * </ul>
 */
public final class UdfRegistry {
  private UdfRegistry() {}

  /** Registers every function on {@code spark}; a second call on the same session does nothing. */
  public static void registerAll(SparkSession spark) {
    if (spark.catalog().functionExists("simhash_signatures")) {
      return;
    }
    spark
        .udf()
        .register(
            "spp_hash64",
            (UDF2<String, Long, Long>)
                (key, seed) -> key == null || seed == null ? null : StableHash.hash64(key, seed),
            DataTypes.LongType);
    spark
        .udf()
        .register(
            "spp_uniform",
            (UDF2<String, Long, Double>)
                (key, seed) -> key == null || seed == null ? null : StableHash.uniform(key, seed),
            DataTypes.DoubleType);
    spark
        .udf()
        .register(
            "simhash_signatures",
            (org.apache.spark.sql.api.java.UDF4<
                    scala.collection.Seq<Object>, Integer, Integer, Long, int[]>)
                (emb, numHashes, bits, seed) -> {
                  if (emb == null || numHashes == null || bits == null || seed == null) {
                    return null;
                  }
                  double[] x = new double[emb.size()];
                  for (int i = 0; i < x.length; i++) {
                    Object v = emb.apply(i);
                    if (v == null) {
                      return null;
                    }
                    x[i] = ((Number) v).doubleValue();
                  }
                  return SimHash.signatures(x, numHashes, bits, seed);
                },
            DataTypes.createArrayType(DataTypes.IntegerType, false));
  }
}
