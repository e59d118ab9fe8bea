package org.samplingprivacy.jobs.sdim;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;

/** The output tables of the SDIM commands (docs/tables.md §2.11 to §2.15). */
public final class SdimTables {
  private SdimTables() {}

  /** One row per item: the item (as {@code --id-col}), then these (§2.11). */
  public static final TableContract SIGNATURES =
      TableContract.withInputColumns(
          "sdim-signatures",
          new StructType()
              .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
              .add("signatures", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
              .add("num_hashes", DataTypes.IntegerType, false)
              .add("bits", DataTypes.IntegerType, false)
              .add("hash_seed", DataTypes.LongType, false));

  /** One row per impression: its columns, then these (§2.12). */
  public static final TableContract FEATURES =
      TableContract.withInputColumns(
          "sdim-features",
          new StructType()
              .add("candidate", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
              .add("n_hist", DataTypes.LongType, false)
              .add("sdim", DataTypes.createArrayType(DataTypes.DoubleType, false), false));

  /** One row per impression: its columns, then these (§2.12). */
  public static final TableContract TARGET_ATTENTION =
      TableContract.withInputColumns(
          "target-attention-features",
          new StructType()
              .add("candidate", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
              .add("n_hist", DataTypes.LongType, false)
              .add(
                  "target_attention", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
              .add("mean_last", DataTypes.createArrayType(DataTypes.DoubleType, false), false));

  /** The BSE bucket table: one row per non-empty (user, signature, bucket) (§2.13). */
  public static final TableContract BSE =
      TableContract.of(
          "sdim-bse",
          new StructType()
              .add("user", DataTypes.StringType, false)
              .add("sig_idx", DataTypes.IntegerType, false)
              .add("bucket", DataTypes.IntegerType, false)
              .add("sum", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
              .add("count", DataTypes.LongType, false)
              .add("as_of", DataTypes.DoubleType, false));

  /** One row per feature set (§2.14). */
  public static final TableContract CTR_EVAL =
      TableContract.of(
          "ctr-eval",
          new StructType()
              .add("feature_set", DataTypes.StringType, false)
              .add("table", DataTypes.StringType, true)
              .add("train_rows", DataTypes.LongType, false)
              .add("test_rows", DataTypes.LongType, false)
              .add("auc", DataTypes.DoubleType, false)
              .add("log_loss", DataTypes.DoubleType, false));

  /** One row per item (§2.15). */
  public static final TableContract ITEM2VEC =
      TableContract.of(
          "item2vec",
          new StructType()
              .add("item", DataTypes.StringType, false)
              .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType, false), false));

  /** The log's user, time and item columns (their names), then the label (§2.15). */
  public static final TableContract IMPRESSIONS =
      TableContract.withInputColumns(
          "sdim-impressions", new StructType().add("label", DataTypes.IntegerType, false));

  /** The generated items (§2.15). */
  public static final TableContract GENERATED_ITEMS =
      TableContract.of(
          "sdim-generate/items",
          new StructType()
              .add("item", DataTypes.StringType, false)
              .add("topic", DataTypes.IntegerType, false)
              .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType, false), false));

  /** The generated behaviours (§2.15). */
  public static final TableContract GENERATED_BEHAVIORS =
      TableContract.of(
          "sdim-generate/behaviors",
          new StructType()
              .add("user", DataTypes.StringType, false)
              .add("ts", DataTypes.LongType, false)
              .add("item", DataTypes.StringType, false));

  /** The generated impressions (§2.15). */
  public static final TableContract GENERATED_IMPRESSIONS =
      TableContract.of(
          "sdim-generate/impressions",
          new StructType()
              .add("user", DataTypes.StringType, false)
              .add("ts", DataTypes.LongType, false)
              .add("item", DataTypes.StringType, false)
              .add("label", DataTypes.IntegerType, false));

  /** Every table of this package's commands. */
  public static final List<TableContract> CONTRACTS =
      List.of(
          SIGNATURES,
          FEATURES,
          TARGET_ATTENTION,
          BSE,
          CTR_EVAL,
          ITEM2VEC,
          IMPRESSIONS,
          GENERATED_ITEMS,
          GENERATED_BEHAVIORS,
          GENERATED_IMPRESSIONS);
}
