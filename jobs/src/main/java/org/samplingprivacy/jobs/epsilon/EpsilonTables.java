package org.samplingprivacy.jobs.epsilon;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;

/**
 * The output schemas of {@code epsilon-estimate} (docs/tables.md §2.4): the estimate table and the
 * curve table, and their contracts.
 */
public final class EpsilonTables {
  private EpsilonTables() {}

  /** One TPR-at-FPR entry of the estimate table's {@code tpr_at_fpr} array. */
  static final StructType TPR_AT_FPR =
      new StructType()
          .add("fpr_target", DataTypes.DoubleType, false)
          .add("threshold", DataTypes.DoubleType, true)
          .add("fpr", DataTypes.DoubleType, false)
          .add("tpr", DataTypes.DoubleType, false)
          .add("tpr_lo", DataTypes.DoubleType, false)
          .add("tpr_hi", DataTypes.DoubleType, false);

  /** One row per group × part × threshold, after the group columns. */
  static StructType estimates(StructType groups) {
    return groups
        .add("threshold", DataTypes.DoubleType, true)
        .add("part", DataTypes.StringType, false)
        .add("tp", DataTypes.LongType, false)
        .add("fn", DataTypes.LongType, false)
        .add("tn", DataTypes.LongType, false)
        .add("fp", DataTypes.LongType, false)
        .add("fpr_hat", DataTypes.DoubleType, false)
        .add("fnr_hat", DataTypes.DoubleType, false)
        .add("eps_plugin", DataTypes.DoubleType, false)
        .add("alpha", DataTypes.DoubleType, false)
        .add("bayes_lo", DataTypes.DoubleType, false)
        .add("bayes_hi", DataTypes.DoubleType, false)
        .add("bayes_lower_bound", DataTypes.DoubleType, false)
        .add("bayes_median", DataTypes.DoubleType, false)
        .add("bayes_mean", DataTypes.DoubleType, false)
        .add("p_eps_exceeds_claim", DataTypes.DoubleType, true)
        .add("cp_lo", DataTypes.DoubleType, false)
        .add("cp_hi", DataTypes.DoubleType, false)
        .add("cp_lower_bound", DataTypes.DoubleType, false)
        .add("width_ratio", DataTypes.DoubleType, true)
        .add("gdp_mu_cp_lower_bound", DataTypes.DoubleType, false)
        .add("gdp_eps_cp_lower_bound", DataTypes.DoubleType, false)
        .add("gdp_mu_bayes_lower_bound", DataTypes.DoubleType, false)
        .add("gdp_eps_bayes_lower_bound", DataTypes.DoubleType, false)
        .add("one_run_eps_lower_bound", DataTypes.DoubleType, true)
        .add("one_run_fdp_eps_lower_bound", DataTypes.DoubleType, true)
        .add("auroc", DataTypes.DoubleType, false)
        .add("auroc_lo", DataTypes.DoubleType, false)
        .add("auroc_hi", DataTypes.DoubleType, false)
        .add("auroc_ci_method", DataTypes.StringType, false)
        .add("tpr_at_fpr", new ArrayType(TPR_AT_FPR, false), false)
        .add("delta", DataTypes.DoubleType, false)
        .add("prior", DataTypes.StringType, false)
        .add("correction", DataTypes.StringType, false)
        .add("selected", DataTypes.BooleanType, false);
  }

  /** One row per group × δ of {@code --delta-grid}, after the group columns. */
  static StructType curve(StructType groups) {
    return groups
        .add("delta", DataTypes.DoubleType, false)
        .add("threshold", DataTypes.DoubleType, true)
        .add("tp", DataTypes.LongType, false)
        .add("fn", DataTypes.LongType, false)
        .add("tn", DataTypes.LongType, false)
        .add("fp", DataTypes.LongType, false)
        .add("alpha", DataTypes.DoubleType, false)
        .add("bayes_lower_bound", DataTypes.DoubleType, false)
        .add("bayes_lo", DataTypes.DoubleType, false)
        .add("bayes_hi", DataTypes.DoubleType, false)
        .add("cp_lower_bound", DataTypes.DoubleType, false)
        .add("claim", DataTypes.StringType, true)
        .add("claimed_epsilon", DataTypes.DoubleType, true)
        .add("gap", DataTypes.DoubleType, true)
        .add("prior", DataTypes.StringType, false)
        .add("correction", DataTypes.StringType, false);
  }

  // After TPR_AT_FPR: static fields initialise in order.
  /** The estimates ({@code --output}): the group columns, then {@link #estimates}'s. */
  public static final TableContract ESTIMATES =
      TableContract.withInputColumns("epsilon-estimate/estimates", estimates(new StructType()));

  /** The ε(δ) curve ({@code --curve-output}): the group columns, then {@link #curve}'s. */
  public static final TableContract CURVE =
      TableContract.withInputColumns("epsilon-estimate/curve", curve(new StructType()));

  /** Every table {@code epsilon-estimate} writes. */
  public static final java.util.List<TableContract> CONTRACTS = java.util.List.of(ESTIMATES, CURVE);
}
