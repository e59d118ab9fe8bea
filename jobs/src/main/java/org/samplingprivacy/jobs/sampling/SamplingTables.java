package org.samplingprivacy.jobs.sampling;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;

/**
 * The output tables of {@code sensitivity-sample} and {@code lp-regression} (docs/tables.md §2.5,
 * §2.6).
 */
public final class SamplingTables {
  private SamplingTables() {}

  /** The sample: every input column, then the columns the sampler adds (§2.5). */
  public static final TableContract SAMPLE =
      TableContract.withInputColumns(
          "sensitivity-sample",
          new StructType()
              .add("weight", DataTypes.DoubleType, false)
              .add("score", DataTypes.DoubleType, false)
              .add("inclusion_prob", DataTypes.DoubleType, false));

  /** One row per coefficient (§2.6). */
  public static final TableContract COEFFICIENTS =
      TableContract.of(
          "lp-regression",
          new StructType()
              .add("term", DataTypes.StringType, false)
              .add("coefficient", DataTypes.DoubleType, false)
              .add("p", DataTypes.DoubleType, false)
              .add("objective", DataTypes.DoubleType, false)
              .add("iterations", DataTypes.IntegerType, false)
              .add("converged", DataTypes.BooleanType, false)
              .add("full_objective", DataTypes.DoubleType, true));

  /** Every table of this package's commands. */
  public static final List<TableContract> CONTRACTS = List.of(SAMPLE, COEFFICIENTS);
}
