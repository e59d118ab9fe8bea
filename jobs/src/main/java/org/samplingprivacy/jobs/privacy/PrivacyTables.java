package org.samplingprivacy.jobs.privacy;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableContract;

/**
 * The tables of the privacy core (docs/tables.md §2.7 Ledger, §2.16): the budget ledger and the
 * {@code privacy-ledger} summary.
 */
public final class PrivacyTables {
  private PrivacyTables() {}

  /** The budget ledger: one row per reservation event (§2.7 Ledger). */
  public static final TableContract LEDGER =
      TableContract.of(
          "gsd-synthesize/ledger",
          new StructType()
              .add("dataset_id", DataTypes.StringType, false)
              .add("run_id", DataTypes.StringType, false)
              .add("sequence", DataTypes.LongType, false)
              .add("reservation_id", DataTypes.StringType, false)
              .add("status", DataTypes.StringType, false)
              .add("rho", DataTypes.DoubleType, false)
              .add("rho_exact", DataTypes.StringType, false)
              .add("epsilon", DataTypes.DoubleType, false)
              .add("delta", DataTypes.DoubleType, false)
              .add("budget_cap_epsilon", DataTypes.DoubleType, true)
              .add("recorded_at", DataTypes.TimestampType, false)
              .add("note", DataTypes.StringType, true)
              .add("command", DataTypes.StringType, false)
              .add("fingerprint", DataTypes.StringType, false)
              .add("parameters", DataTypes.StringType, false));

  /** One row per dataset of a ledger (§2.16). */
  public static final TableContract SUMMARY =
      TableContract.of(
          "privacy-ledger",
          new StructType()
              .add("dataset_id", DataTypes.StringType, false)
              .add("releases", DataTypes.LongType, false)
              .add("reserved", DataTypes.LongType, false)
              .add("stale_reserved", DataTypes.LongType, false)
              .add("refunded", DataTypes.LongType, false)
              .add("rho_committed", DataTypes.DoubleType, false)
              .add("rho_reserved", DataTypes.DoubleType, false)
              .add("rho_counted", DataTypes.DoubleType, false)
              .add("delta", DataTypes.DoubleType, false)
              .add("epsilon_counted", DataTypes.DoubleType, false)
              .add("cap_epsilon", DataTypes.DoubleType, true)
              .add("cap_rho", DataTypes.DoubleType, true)
              .add("rho_remaining", DataTypes.DoubleType, true)
              .add("first_recorded_at", DataTypes.TimestampType, true)
              .add("last_recorded_at", DataTypes.TimestampType, true));

  /** Every table of this package's commands. */
  public static final List<TableContract> CONTRACTS = List.of(LEDGER, SUMMARY);
}
