package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The point-in-time SDIM features (ℓ2 normalisation) as a Spark SQL user would write them without
 * this project: each impression joined to its user's earlier behaviours ({@code b.ts < i.ts}), the
 * behaviours' signatures exploded to (signature index, bucket) and matched with the candidate's,
 * the matched embeddings summed per (impression, signature), normalised, and averaged over the K
 * signatures (an empty bucket counts as zero). The benchmark's baseline for what the sweep saves:
 * this costs O(B·L·K·d) rows of shuffle where the sweep keeps O(K·2^bits·d) state per user.
 */
final class SdimSql implements AutoCloseable {
  private final Dataset<Row> numbered;
  private final Dataset<Row> rows;

  private SdimSql(Dataset<Row> numbered, Dataset<Row> rows) {
    this.numbered = numbered;
    this.rows = rows;
  }

  /** The feature rows (lazy: reading them runs the query). */
  Dataset<Row> rows() {
    return rows;
  }

  /** Releases the cached, numbered impressions. */
  @Override
  public void close() {
    numbered.unpersist();
  }

  /**
   * The features of {@code impressions} (user, ts, item, ...: every column kept) from {@code
   * behaviors} (user, ts, item) and {@code signatures} (item, embedding, signatures of K buckets),
   * with the columns sdim-features adds: candidate, n_hist, sdim. Close it when the rows are
   * written.
   */
  static SdimSql features(
      SparkSession spark,
      Dataset<Row> impressions,
      Dataset<Row> behaviors,
      Dataset<Row> signatures,
      int numHashes,
      int dim) {
    // Each impression row needs an identity: a user would number them and keep the numbering fixed
    // (cached) so that every branch of the query sees the same ids.
    Dataset<Row> imp =
        impressions
            .withColumn("imp_id", monotonically_increasing_id())
            .persist(StorageLevel.MEMORY_AND_DISK());
    imp.count();
    imp.createOrReplaceTempView("sdim_sql_impressions");
    behaviors.createOrReplaceTempView("sdim_sql_behaviors");
    signatures.createOrReplaceTempView("sdim_sql_signatures");
    String sql =
        String.format(
            Locale.ROOT,
            """
            WITH cand AS (
              SELECT i.imp_id, i.user, i.ts, s.embedding AS candidate, s.signatures AS qsig
              FROM sdim_sql_impressions i JOIN sdim_sql_signatures s ON i.item = s.item),
            hist AS (
              SELECT c.imp_id, c.qsig, s.embedding AS e, s.signatures AS bsig
              FROM cand c
              JOIN sdim_sql_behaviors b ON b.user = c.user AND b.ts < c.ts
              JOIN sdim_sql_signatures s ON b.item = s.item),
            matched AS (
              SELECT imp_id, k, e
              FROM hist LATERAL VIEW posexplode(bsig) p AS k, bucket
              WHERE bucket = qsig[k]),
            sums AS (
              SELECT imp_id, k, j, sum(v) AS v
              FROM matched LATERAL VIEW posexplode(e) q AS j, v
              GROUP BY imp_id, k, j),
            norms AS (
              SELECT imp_id, k, sqrt(sum(v * v)) AS norm FROM sums GROUP BY imp_id, k),
            feat AS (
              SELECT s.imp_id, s.j, sum(s.v / n.norm) / %d AS v
              FROM sums s JOIN norms n ON s.imp_id = n.imp_id AND s.k = n.k
              GROUP BY s.imp_id, s.j),
            vec AS (
              SELECT imp_id, transform(array_sort(collect_list(struct(j, v))), x -> x.v) AS sdim
              FROM feat GROUP BY imp_id),
            nh AS (SELECT imp_id, count(*) AS n_hist FROM hist GROUP BY imp_id)
            SELECT i.*, c.candidate, coalesce(nh.n_hist, 0L) AS n_hist,
                   coalesce(vec.sdim, array_repeat(0D, %d)) AS sdim
            FROM sdim_sql_impressions i
            JOIN cand c ON i.imp_id = c.imp_id
            LEFT JOIN nh ON i.imp_id = nh.imp_id
            LEFT JOIN vec ON i.imp_id = vec.imp_id
            """,
            numHashes,
            dim);
    return new SdimSql(imp, spark.sql(sql).drop("imp_id"));
  }
}
