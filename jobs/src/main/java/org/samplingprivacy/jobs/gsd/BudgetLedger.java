package org.samplingprivacy.jobs.gsd;

import static org.apache.spark.sql.functions.col;

import java.sql.Timestamp;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Provenance;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The privacy budget ledger: a Delta table with one row per release of a dataset (docs/tables.md §2.7). Releases of
 * one dataset compose by zCDP addition, so the dataset's spend is Σρ, and its (ε, δ) statement at a δ is the tight
 * conversion of that sum. A release is checked against {@code --budget-cap} before any data is read, and recorded
 * by a MERGE keyed on (dataset_id, run_id) before its output is written: a crash after recording over-counts, never
 * under-counts, and re-running the same run records nothing twice.
 */
public final class BudgetLedger {
  public static final StructType SCHEMA = new StructType()
      .add("dataset_id", DataTypes.StringType, false)
      .add("run_id", DataTypes.StringType, false)
      .add("rho", DataTypes.DoubleType, false)
      .add("epsilon", DataTypes.DoubleType, false)
      .add("delta", DataTypes.DoubleType, false)
      .add("recorded_at", DataTypes.TimestampType, false)
      .add("command", DataTypes.StringType, false)
      .add("fingerprint", DataTypes.StringType, false)
      .add("parameters", DataTypes.StringType, false);

  /** What the check decided: a new release (to be recorded) or a replay of a recorded one. */
  public record Decision(boolean replay, double priorRho, long priorReleases) {}

  private final SparkSession spark;
  private final String path;

  private BudgetLedger(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  public static BudgetLedger at(SparkSession spark, String path) {
    return new BudgetLedger(spark, path);
  }

  private List<Row> entries(String datasetId) {
    return TableIO.readDeltaIfExists(spark, "--ledger", path)
        .map(df -> {
          for (String c : new String[] {"dataset_id", "run_id", "rho", "fingerprint"}) {
            if (!List.of(df.columns()).contains(c)) {
              throw new InputException("--ledger " + path + " is not a budget ledger: no column '" + c + "'");
            }
          }
          return df.filter(col("dataset_id").equalTo(datasetId)).select("run_id", "rho", "fingerprint")
              .collectAsList(); // one row per release of one dataset: small
        })
        .orElse(List.of());
  }

  /**
   * Checks a release of ρ for {@code datasetId}: a replay if the run is recorded with the same fingerprint and
   * reproducible noise; otherwise refuses a recorded run id, and a spend past the cap (ε at this release's δ).
   */
  public Decision check(String datasetId, String runId, String fingerprint, boolean reproducible, double rho,
      double delta, Double capEpsilon) {
    double prior = 0;
    long releases = 0;
    Row same = null;
    for (Row r : entries(datasetId)) {
      if (r.getString(0).equals(runId)) {
        same = r;
      } else {
        prior += r.getDouble(1);
        releases++;
      }
    }
    if (same != null) {
      if (same.getString(2).equals(fingerprint) && reproducible) {
        return new Decision(true, prior, releases);
      }
      throw new InputException("run '" + runId + "' of dataset '" + datasetId + "' is already in --ledger " + path
          + (same.getString(2).equals(fingerprint)
              ? "; re-running it without --noise-seed would draw new noise, a second release: give a new --run-id"
              : " with other parameters: give a new --run-id"));
    }
    if (capEpsilon != null) {
      double capRho = ZcdpAccountant.rho(capEpsilon, delta);
      double total = prior + rho;
      if (total > capRho * (1 + 1e-12)) {
        throw new InputException(String.format(Locale.ROOT, "--budget-cap refuses this release: dataset '%s' has "
            + "spent rho=%.6g over %d release(s); this one (rho=%.6g) would take it to rho=%.6g, i.e. epsilon=%.6g at "
            + "delta=%.3g, past the cap epsilon=%s (rho=%.6g)", datasetId, prior, releases, rho, total,
            ZcdpAccountant.epsilon(total, delta), delta, capEpsilon, capRho));
      }
    }
    return new Decision(false, prior, releases);
  }

  /** Records a release (no-op if the run is already recorded). */
  public void record(String datasetId, String runId, double rho, double epsilon, double delta, String command,
      String fingerprint, String parameters, Provenance provenance) {
    Row row = RowFactory.create(datasetId, runId, rho, epsilon, delta, new Timestamp(System.currentTimeMillis()),
        command, fingerprint, parameters);
    Dataset<Row> df = spark.createDataFrame(List.of(row), SCHEMA);
    TableIO.insertNew(df, path, List.of("dataset_id", "run_id"), provenance);
  }
}
