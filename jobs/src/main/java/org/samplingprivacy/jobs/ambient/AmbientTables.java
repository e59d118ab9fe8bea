package org.samplingprivacy.jobs.ambient;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;

/** The output tables of the ambient data-mix study (docs/tables.md §2.8 to §2.10). */
public final class AmbientTables {
  private AmbientTables() {}

  /** One row per (mix, sample) (§2.8 Mixes). */
  public static final TableContract MIXES =
      TableContract.of(
          "ambient-mix/mixes",
          new StructType()
              .add("mix_id", DataTypes.StringType, false)
              .add("sample_id", DataTypes.LongType, false)
              .add("source_key", DataTypes.LongType, false)
              .add("is_noisy", DataTypes.BooleanType, false)
              .add("sigma", DataTypes.DoubleType, false)
              .add("vector", DataTypes.createArrayType(DataTypes.DoubleType, false), false));

  /**
   * A mix as the manifest describes it and the study repeats it: id, size, clean fraction, σ and
   * the clean and noisy counts. Declared before the contracts that start with it.
   */
  private static final StructType MIX_COLUMNS =
      new StructType()
          .add("mix_id", DataTypes.StringType, false)
          .add("size", DataTypes.IntegerType, false)
          .add("clean_fraction", DataTypes.DoubleType, false)
          .add("sigma", DataTypes.DoubleType, false)
          .add("n_clean", DataTypes.IntegerType, false)
          .add("n_noisy", DataTypes.IntegerType, false);

  /** One row per mix (§2.8 Manifest). */
  public static final TableContract MANIFEST =
      TableContract.of(
          "ambient-mix/manifest",
          MIX_COLUMNS
              .add("dim", DataTypes.IntegerType, false)
              .add("seed", DataTypes.LongType, false)
              .add("holdout_rows", DataTypes.LongType, false)
              .add("source", DataTypes.StringType, false)
              .add("source_version", DataTypes.LongType, true)
              .add("pca", DataTypes.IntegerType, true));

  /** The clean rows set aside before any mix is formed (§2.8 Holdout). */
  public static final TableContract HOLDOUT =
      TableContract.of(
          "ambient-mix/holdout",
          new StructType()
              .add("sample_id", DataTypes.LongType, false)
              .add("vector", DataTypes.createArrayType(DataTypes.DoubleType, false), false));

  /** One row per (mix, learner) (§2.9). */
  public static final TableContract STUDY =
      TableContract.of(
          "ambient-study",
          MIX_COLUMNS
              .add("learner", DataTypes.StringType, false)
              .add("components", DataTypes.IntegerType, false)
              .add("holdout_nll", DataTypes.DoubleType, false)
              .add("frechet_rff", DataTypes.DoubleType, false)
              .add("train_log_lik", DataTypes.DoubleType, false)
              .add("iterations", DataTypes.IntegerType, false)
              .add("converged", DataTypes.BooleanType, false)
              .add("strategy", DataTypes.StringType, false)
              .add("seed", DataTypes.LongType, false));

  /** The fitted scaling laws and sample values (§2.10). */
  public static final TableContract FITS =
      TableContract.of(
          "ambient-fit",
          new StructType()
              .add("source", DataTypes.StringType, false)
              .add("learner", DataTypes.StringType, false)
              .add("metric", DataTypes.StringType, false)
              .add("kind", DataTypes.StringType, false)
              .add("clean_fraction", DataTypes.DoubleType, true)
              .add("sigma", DataTypes.DoubleType, true)
              .add("n_clean", DataTypes.LongType, true)
              .add("n_noisy", DataTypes.LongType, true)
              .add("error", DataTypes.DoubleType, true)
              .add("a", DataTypes.DoubleType, true)
              .add("b", DataTypes.DoubleType, true)
              .add("b_lo", DataTypes.DoubleType, true)
              .add("b_hi", DataTypes.DoubleType, true)
              .add("c", DataTypes.DoubleType, true)
              .add("points", DataTypes.IntegerType, true)
              .add("n_eq", DataTypes.DoubleType, true)
              .add("n_eq_lo", DataTypes.DoubleType, true)
              .add("n_eq_hi", DataTypes.DoubleType, true)
              .add("value", DataTypes.DoubleType, true)
              .add("value_lo", DataTypes.DoubleType, true)
              .add("value_hi", DataTypes.DoubleType, true)
              .add("note", DataTypes.StringType, true));

  /** Every table of this package's commands. */
  public static final List<TableContract> CONTRACTS =
      List.of(MIXES, MANIFEST, HOLDOUT, STUDY, FITS);
}
