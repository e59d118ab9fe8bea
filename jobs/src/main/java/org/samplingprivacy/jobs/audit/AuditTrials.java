package org.samplingprivacy.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.gsd.PrivateGsd;
import org.samplingprivacy.jobs.gsd.QuerySet;
import org.samplingprivacy.jobs.gsd.TrueAnswers;
import org.samplingprivacy.jobs.gsd.Workload;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.privacy.Rational;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The trials of {@code privacy-audit} (docs/design/privacy-audit.md §2–§4), as a table in the
 * trials contract ({@link AuditTables#TRIALS}): the removed row of the neighbours, then white-box
 * trials (the touched measurements' likelihood-ratio score, computed in executors from the trial
 * id), black-box trials (one whole release per Spark task, attacked through its synthetic table) or
 * one one-run release with keyed canaries. Every trial is keyed by (seed, trial, hypothesis), so
 * the table does not depend on partitioning.
 */
final class AuditTrials {
  private final String audit;
  private final double epsilon;
  private final double delta;
  private final ZcdpBudget rho;
  private final long seed;
  private final long trials;
  private final int canaries;
  private final PrivateGsd.Settings releaseSettings;

  /**
   * {@code releaseSettings}: the whole-release settings of the black-box and one-run audits (null
   * for white-box, which runs no release).
   */
  AuditTrials(
      String audit,
      double epsilon,
      double delta,
      ZcdpBudget rho,
      long seed,
      long trials,
      int canaries,
      PrivateGsd.Settings releaseSettings) {
    this.audit = audit;
    this.epsilon = epsilon;
    this.delta = delta;
    this.rho = rho;
    this.seed = seed;
    this.trials = trials;
    this.canaries = canaries;
    this.releaseSettings = releaseSettings;
  }

  /**
   * The removed row: the input row with the smallest keyed hash (the same whatever the
   * partitioning).
   */
  double[] removedRow(Dataset<Row> data, Domain domain) {
    Column[] all = Arrays.stream(data.columns()).map(n -> Columns.named(n)).toArray(Column[]::new);
    Column[] keyed = new Column[all.length + 1];
    System.arraycopy(all, 0, keyed, 0, all.length);
    keyed[all.length] = lit(seed);
    Row r = data.orderBy(xxhash64(keyed), xxhash64(all)).first();
    double[] x = TrueAnswers.encode(r, domain);
    if (x == null) {
      throw new InputException("--input row " + r + " cannot be encoded by --domain");
    }
    return x;
  }

  Dataset<Row> whiteBox(JobContext c, QuerySet queries, Neighbours nb) {
    int m = queries.workloads().size();
    ZcdpBudget share = rho.share(m);
    Rational[] actual = new Rational[m];
    double[] claimed = new double[m];
    for (int w = 0; w < m; w++) {
      Workload wl = queries.workloads().get(w);
      actual[w] = PrivateGsd.mechanismFor(wl, share).sigma2();
      claimed[w] = wl.countSensitivitySquared() / (2 * share.rhoDown());
    }
    WhiteBoxTrials t = new WhiteBoxTrials(nb.touched(), actual, claimed, seed);
    long k = trials;
    int slices =
        Math.max(
            1,
            (int) Math.min(10_000, 2 * k / 50_000 + c.spark().sparkContext().defaultParallelism()));
    // A narrow projection of the trial ids: the score by a UDF, the audit's constants as literals
    // (no Row per trial).
    org.apache.spark.sql.expressions.UserDefinedFunction score =
        org.apache
            .spark
            .sql
            .functions
            .udf(
                (org.apache.spark.sql.api.java.UDF1<Long, Double>)
                    id -> t.score(id >>> 1, (id & 1) == 1),
                DataTypes.DoubleType)
            .asNondeterministic();
    return withConstants(
        c.spark()
            .range(0, 2 * k, 1, slices)
            .select(
                col("id").divide(2).cast("bigint").as("trial"),
                col("id").bitwiseAND(1).cast("int").as("is_member"),
                score.apply(col("id")).as("score")));
  }

  /**
   * The trial table's columns: (trial, is_member, score) plus the audit's parameters, in the
   * contract's order.
   */
  private Dataset<Row> withConstants(Dataset<Row> trialScores) {
    return trialScores.select(
        lit("").as("audit_id"),
        lit(audit).as("audit"),
        col("trial"),
        col("is_member"),
        col("score"),
        lit(epsilon).as("epsilon"),
        lit(delta).as("delta"),
        lit(rho.rhoUp()).as("rho"),
        lit(Math.sqrt(2 * rho.rhoDown())).as("mu_claimed"));
  }

  Dataset<Row> blackBox(
      JobContext c, Domain domain, QuerySet queries, TrueAnswers.Counts truth, Neighbours nb) {
    ReleaseTrials releases = new ReleaseTrials(domain, queries, rho, releaseSettings, seed);
    SyntheticAttack attack = new SyntheticAttack(queries, truth.counts(), nb.canary());
    long[] countsD = truth.counts();
    long[] countsD2 = nb.neighbourCounts(countsD);
    long n = truth.rows();
    double e = epsilon;
    double d = delta;
    double r = rho.rhoUp();
    double mu = Math.sqrt(2 * rho.rhoDown());
    String name = audit;
    int slices = (int) Math.min(2 * trials, 100_000);
    return c.spark()
        .createDataFrame(
            c.spark()
                .range(0, 2 * trials, 1, slices)
                .javaRDD()
                .map(
                    id -> { // one release per task
                      boolean member = (id & 1) == 1;
                      double[] syn =
                          releases.release(member ? countsD2 : countsD, n, id >>> 1, member);
                      return RowFactory.create(
                          "",
                          name,
                          id >>> 1,
                          member ? 1 : 0,
                          attack.score(syn, releases.rows(), releases.columns()),
                          e,
                          d,
                          r,
                          mu);
                    }),
            AuditTables.TRIALS_SCHEMA);
  }

  /**
   * One release of D plus the canaries whose keyed coins came up: each canary's score is how
   * strongly the synthetic table shows it. Under replace-one the public n grows by the number
   * included (the report says so).
   */
  List<Row> oneRun(JobContext c, Domain domain, QuerySet queries, TrueAnswers.Counts truth) {
    List<OneRunCanaries.Canary> chosen =
        OneRunCanaries.choose(domain, queries, truth.counts(), canaries, seed);
    long[] counts = truth.counts().clone();
    long n = truth.rows();
    boolean[] in = new boolean[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      in[i] = (TrialKeys.key(seed, i, true) & 1) == 1;
      if (in[i]) {
        queries.countRow(chosen.get(i).row(), 0, counts);
        n++;
      }
    }
    ReleaseTrials releases = new ReleaseTrials(domain, queries, rho, releaseSettings, seed);
    double[] syn = releases.release(counts, n, 0, false);
    List<Row> out = new ArrayList<>();
    double mu = Math.sqrt(2 * rho.rhoDown());
    for (int i = 0; i < chosen.size(); i++) {
      double s =
          SyntheticAttack.cellCount(
              queries,
              chosen.get(i).partition(),
              chosen.get(i).cell(),
              syn,
              releases.rows(),
              releases.columns());
      out.add(
          RowFactory.create(
              "", audit, (long) i, in[i] ? 1 : 0, s, epsilon, delta, rho.rhoUp(), mu));
    }
    return out;
  }
}
