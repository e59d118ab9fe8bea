package org.samplingprivacy.jobs.audit;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.epsilon.AttackCounts;
import org.samplingprivacy.jobs.io.TableContract;

/**
 * The output tables of {@code privacy-audit} (docs/tables.md §2.17): the trials and the estimates.
 */
public final class AuditTables {
  private AuditTables() {}

  /** One row per trial (§2.17 Trials), in epsilon-estimate's input contract. */
  static final StructType TRIALS_SCHEMA =
      new StructType()
          .add("audit_id", DataTypes.StringType, false)
          .add("audit", DataTypes.StringType, false)
          .add("trial", DataTypes.LongType, false)
          .add("is_member", DataTypes.IntegerType, false)
          .add("score", DataTypes.DoubleType, false)
          .add("epsilon", DataTypes.DoubleType, false)
          .add("delta", DataTypes.DoubleType, false)
          .add("rho", DataTypes.DoubleType, false)
          .add("mu_claimed", DataTypes.DoubleType, false);

  /** One row per threshold (§2.17 Estimates). */
  public static final TableContract ESTIMATES =
      TableContract.of(
          "privacy-audit/estimates",
          new StructType()
              .add("audit_id", DataTypes.StringType, false)
              .add("audit", DataTypes.StringType, false)
              .add("threshold", DataTypes.DoubleType, false)
              .add("tp", DataTypes.LongType, false)
              .add("fn", DataTypes.LongType, false)
              .add("tn", DataTypes.LongType, false)
              .add("fp", DataTypes.LongType, false)
              .add("alpha", DataTypes.DoubleType, false)
              .add("bayes_lower_bound", DataTypes.DoubleType, false)
              .add("cp_lower_bound", DataTypes.DoubleType, false)
              .add("gdp_mu_bayes_lower_bound", DataTypes.DoubleType, false)
              .add("one_run_eps_lower_bound", DataTypes.DoubleType, true)
              .add("selected", DataTypes.BooleanType, false)
              .add("epsilon_claimed", DataTypes.DoubleType, false)
              .add("mu_claimed", DataTypes.DoubleType, false)
              .add("mu_lo", DataTypes.DoubleType, true)
              .add("mu_hi", DataTypes.DoubleType, true)
              .add("verdict", DataTypes.StringType, false));

  /** The trials' contract. */
  public static final TableContract TRIALS =
      TableContract.of("privacy-audit/trials", TRIALS_SCHEMA);

  /** Every table {@code privacy-audit} writes. */
  public static final List<TableContract> CONTRACTS = List.of(TRIALS, ESTIMATES);

  /** The estimate rows of an audit, in {@link #ESTIMATES}' column order. */
  static List<Row> estimateRows(String auditId, AuditEstimate est) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < est.rows().size(); i++) {
      AuditEstimate.Row r = est.rows().get(i);
      AttackCounts k = r.counts();
      var e = r.estimate();
      rows.add(
          RowFactory.create(
              auditId,
              est.whiteBox() ? "white-box" : est.oneRun() ? "one-run" : "black-box",
              r.threshold(),
              k.tp(),
              k.fn(),
              k.tn(),
              k.fp(),
              e.alpha(),
              e.bayesLowerBound(),
              e.cpLowerBound(),
              e.gdpMuBayes(),
              est.oneRun() ? e.oneRunEps() : null,
              i == est.selected(),
              est.claimedEpsilon(),
              est.claimedMu(),
              est.whiteBox() ? est.muLo() : null,
              est.whiteBox() ? est.muHi() : null,
              est.verdict()));
    }
    return rows;
  }
}
