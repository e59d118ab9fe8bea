package org.samplingprivacy.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.samplingprivacy.jobs.epsilon.AttackCounts;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.gsd.GsdInput;
import org.samplingprivacy.jobs.gsd.GsdMechanismOptions;
import org.samplingprivacy.jobs.gsd.PrivateGsd;
import org.samplingprivacy.jobs.gsd.QuerySet;
import org.samplingprivacy.jobs.gsd.TrueAnswers;
import org.samplingprivacy.jobs.gsd.Workload;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.privacy.Rational;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.runner.InputJobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code privacy-audit}: an empirical audit of a gsd-synthesize release configuration
 * (docs/design/privacy-audit.md). The plan: read the (public) table and count the workload's true
 * answers; choose the removed row and the canary (the neighbours D, D′); run the trials in
 * executors, each keyed by (seed, trial, hypothesis); write the trial table in epsilon-estimate's
 * input contract; estimate what the attack demonstrates with epsilon-estimate's estimators; write
 * the estimates, the report and the verdict. White-box: the release's measurements (Gaussian
 * likelihood-ratio attack); black-box: whole releases, attacked through the synthetic table;
 * one-run: m canaries, one release (Steinke, Nasr &amp; Jagielski 2023). An audit never touches the
 * ledger, and its outputs are not private.
 */
@Command(
    name = "privacy-audit",
    description =
        "Audit a gsd-synthesize configuration: attack it many times on "
            + "neighbouring datasets and report the epsilon the attack demonstrates against the epsilon claimed. NOT "
            + "differentially private itself: run it on a public table of the same domain, or inside the trusted environment.")
public final class PrivacyAuditCommand extends InputJobCommand {
  @Mixin GsdMechanismOptions mechanism;

  /**
   * White-box thresholds: the score's N(0, 1) quantiles under D at these false-positive rates,
   * fixed in advance.
   */
  private static final double[] WHITE_BOX_FPR = {0.5, 0.1, 1e-2, 1e-3, 1e-4, 1e-5};

  private static final int SWEEP = 8;

  @Option(
      names = "--audit",
      paramLabel = "A",
      defaultValue = "white-box",
      description =
          "white-box: attack the "
              + "noisy measurements (one-shot mode); black-box: attack whole releases' synthetic tables; one-run: m canaries "
              + "in one release (Steinke, Nasr & Jagielski 2023).")
  String audit;

  @Option(
      names = "--canary",
      paramLabel = "auto|FILE",
      defaultValue = "auto",
      description =
          "auto: a domain row "
              + "whose cells no input row (or as few as possible) occupies and that differs from the removed row everywhere; "
              + "or a JSON file {\"column\": value, ...} naming every audited column.")
  String canary;

  @Option(
      names = "--trials",
      paramLabel = "K",
      description = "Trials per hypothesis (default: 100000 white-box, " + "200 black-box).")
  Long trials;

  @Option(
      names = "--canaries",
      paramLabel = "M",
      defaultValue = "200",
      description = "one-run: canaries, each " + "included by a keyed coin.")
  int canaries;

  @Option(
      names = "--alpha",
      paramLabel = "A",
      defaultValue = "0.05",
      description =
          "Significance of the bounds "
              + "(Bonferroni over the thresholds) and of the two-sided mu interval.")
  double alpha;

  @Option(
      names = "--estimates",
      paramLabel = "PATH",
      description = "Table of the estimates and the verdict " + "(default: <output>_estimates).")
  String estimates;

  @Option(
      names = "--fail-on-violation",
      description =
          "Exit 1 (after writing the trials, estimates and report) when "
              + "the verdict is VIOLATION, so a scheduler stops the release that follows.")
  boolean failOnViolation;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description =
          "Synthetic rows of each release (black-box, one-run; "
              + "small: a one-row change below 1/N' of the synthetic table is invisible to the attack).")
  Integer rows;

  @Option(
      names = "--generations",
      paramLabel = "G",
      defaultValue = "2000",
      description = "GA generation cap per fit " + "(black-box, one-run).")
  long generations;

  private ZcdpBudget rho;
  private double epsilon;
  private double delta;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
    Params.requireOneOf("--audit", audit, "white-box", "black-box", "one-run");
    mechanism.validate();
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new InputException("--alpha must be in (0, 0.5), got " + alpha);
    }
    if (audit.equals("white-box") && mechanism.adaptive()) {
      throw new InputException(
          "--audit white-box audits one-shot releases: in adaptive mode which workloads are "
              + "measured depends on the data; audit it with --audit black-box or one-run");
    }
    if (!audit.equals("white-box")) {
      Params.requirePresent("--rows", rows);
      Params.requireInRange("--rows", rows, 1, 100_000);
    }
    long k = trials != null ? trials : audit.equals("white-box") ? 100_000 : 200;
    trials = Params.requireInRange("--trials", k, 10, 100_000_000L);
    Params.requireInRange("--canaries", canaries, 10, 100_000);
    Params.requireInRange("--generations", generations, 1, 1_000_000_000L);
    rho = mechanism.rho();
    epsilon = mechanism.epsilon();
    delta = mechanism.delta();
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    GsdMechanismOptions.Resolved resolved = mechanism.resolve(common.seed);
    List<String> names = resolved.names();
    Domain domain = resolved.domain();
    List<Workload> workloads = resolved.workloads();
    QuerySet queries = resolved.queries();
    double[] canaryRow = canary.equals("auto") ? null : readCanary(domain, canary);
    SourceTable in = ctx.readInput();
    GsdInput.check(in, domain, names);
    Dataset<Row> data =
        in.data().select(names.stream().map(n -> Columns.named(n)).toArray(Column[]::new));
    String estimatesPath = estimates != null ? estimates : common.output + "_estimates";
    double mu = Math.sqrt(2 * rho.rhoDown());
    Plan.Builder steps =
        Plan.builder()
            .read(
                in,
                ""
                    + names.size()
                    + " columns; count "
                    + queries.size()
                    + " queries of "
                    + workloads.size()
                    + " workloads in one pass (no ledger: an audit spends no budget)")
            .step(
                String.format(
                    Locale.ROOT,
                    "claim: epsilon=%s delta=%s -> rho=%.6g zCDP, mu=sqrt(2 rho)=%.4f",
                    epsilon,
                    delta,
                    rho.rhoDown(),
                    mu))
            .step(
                "neighbours: D, and D' = D with a keyed row replaced by "
                    + (canaryRow == null ? "a worst-case canary" : "the " + "canary of " + canary))
            .step(
                switch (audit) {
                  case "white-box" ->
                      trials
                          + " trials per hypothesis of the touched measurements, likelihood-ratio attack";
                  case "black-box" ->
                      trials
                          + " whole releases per hypothesis ("
                          + rows
                          + " rows, up to "
                          + generations
                          + " generations), one per Spark task, attacked through the synthetic table";
                  default ->
                      "one release with " + canaries + " canaries, each included by a keyed coin";
                })
            .step(
                "write the trials to "
                    + common.output
                    + ", the estimates and verdict to "
                    + estimatesPath);
    return steps.then(c -> execute(c, domain, queries, data, canaryRow, estimatesPath, out, mu));
  }

  private void execute(
      JobContext c,
      Domain domain,
      QuerySet queries,
      Dataset<Row> data,
      double[] canaryRow,
      String estimatesPath,
      TableIO.WriteSpec out,
      double claimedMu) {
    TrueAnswers.Counts truth =
        c.phase(
            "count the workload's true answers", () -> TrueAnswers.compute(data, domain, queries));
    GsdInput.checkEncoded(truth, domain, "--input " + in.input);
    double[] removed = c.phase("choose the removed row", () -> removedRow(data, domain));
    double[] canaryValues =
        canaryRow != null
            ? canaryRow
            : Neighbours.worstCaseCanary(
                domain, queries, truth.counts(), removed, common.seed, 20_000);
    Neighbours nb = Neighbours.of(queries, truth.counts(), removed, canaryValues);
    String auditId = c.runId();
    Dataset<Row> made =
        switch (audit) {
          case "white-box" -> whiteBox(c, queries, nb);
          case "black-box" -> blackBox(c, domain, queries, truth, nb);
          default ->
              c.spark()
                  .createDataFrame(
                      c.phase("one-run release", () -> oneRun(c, domain, queries, truth)),
                      AuditTables.TRIALS_SCHEMA);
        };
    long start = System.nanoTime();
    c.phase(
        "run the trials",
        () ->
            c.write(
                AuditTables.TRIALS, made.withColumn("audit_id", lit(auditId)), common.output, out));
    double seconds = (System.nanoTime() - start) / 1e9;
    long runs = audit.equals("one-run") ? 1 : 2 * trials;
    c.report()
        .metric("trial_seconds", seconds)
        .metric(
            audit.equals("white-box") ? "trials_per_second" : "releases_per_minute",
            audit.equals("white-box") ? runs / seconds : 60 * runs / seconds);
    // The written table is the record: count from it (this run's slice), not from a second run of
    // the trials.
    Dataset<Row> trials =
        TableIO.read(c.spark(), "--output", common.output, out.format())
            .data()
            .filter(col("audit_id").equalTo(auditId));
    // Thresholds: fixed normal quantiles for the white-box score; score quantiles otherwise
    // (Bonferroni either way).
    double[] thresholds =
        audit.equals("white-box")
            ? Arrays.stream(WHITE_BOX_FPR)
                .map(f -> NormalDistribution.of(0, 1).inverseSurvivalProbability(f))
                .toArray()
            : sweep(trials);
    AttackCounts[] counts =
        c.phase("count outcomes per threshold", () -> counts(trials, thresholds));
    finish(c, domain, nb, estimatesPath, out, claimedMu, auditId, thresholds, counts);
  }

  private void finish(
      JobContext c,
      Domain domain,
      Neighbours nb,
      String estimatesPath,
      TableIO.WriteSpec out,
      double claimedMu,
      String auditId,
      double[] thresholds,
      AttackCounts[] counts) {
    AttackCounts atZero = audit.equals("white-box") ? counts[0] : null;
    AuditEstimate est =
        AuditEstimate.of(
            thresholds,
            counts,
            atZero,
            alpha,
            delta,
            epsilon,
            claimedMu,
            audit.equals("white-box"),
            audit.equals("one-run"));
    c.write(
        AuditTables.ESTIMATES,
        c.spark().createDataFrame(estimateRows(auditId, est), AuditTables.ESTIMATES.columns()),
        estimatesPath,
        out);
    AuditReport.write(
        c.report(),
        new AuditReport.Facts(
            audit, epsilon, delta, rho, claimedMu, trials(), canaries, rows, alpha),
        domain,
        nb,
        est);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "privacy-audit %s (%s): %s; epsilon lower bound %.4g (claimed " + "%s)%s%n",
            auditId,
            audit,
            est.verdict(),
            est.epsilonLowerBound(),
            epsilon,
            est.whiteBox()
                ? String.format(
                    Locale.ROOT,
                    ", mu in [%.4f, %.4f] (claimed %.4f)",
                    est.muLo(),
                    est.muHi(),
                    claimedMu)
                : "");
    if (failOnViolation && (est.epsilonViolation() || est.muViolation())) {
      // Written and reported first: the evidence stays for whoever looks at the failed run.
      if (common.reportDir != null) {
        try {
          c.report()
              .provenance(c.provenance())
              .writeTo(common.reportDir, TableIO.hadoopConf(c.spark()));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      throw new org.samplingprivacy.jobs.runner.JobFailure(
          "--fail-on-violation: "
              + est.verdict()
              + " (trials in "
              + common.output
              + ", estimates in "
              + estimatesPath
              + ")",
          null);
    }
  }

  private long trials() {
    return audit.equals("one-run") ? canaries : trials;
  }

  /**
   * The removed row: the input row with the smallest keyed hash (the same whatever the
   * partitioning).
   */
  private double[] removedRow(Dataset<Row> data, Domain domain) {
    Column[] all = Arrays.stream(data.columns()).map(n -> Columns.named(n)).toArray(Column[]::new);
    Column[] keyed = new Column[all.length + 1];
    System.arraycopy(all, 0, keyed, 0, all.length);
    keyed[all.length] = lit(common.seed);
    Row r = data.orderBy(xxhash64(keyed), xxhash64(all)).first();
    double[] x = TrueAnswers.encode(r, domain);
    if (x == null) {
      throw new InputException("--input row " + r + " cannot be encoded by --domain");
    }
    return x;
  }

  private Dataset<Row> whiteBox(JobContext c, QuerySet queries, Neighbours nb) {
    int m = queries.workloads().size();
    ZcdpBudget share = rho.share(m);
    Rational[] actual = new Rational[m];
    double[] claimed = new double[m];
    for (int w = 0; w < m; w++) {
      Workload wl = queries.workloads().get(w);
      actual[w] = PrivateGsd.mechanismFor(wl, share).sigma2();
      claimed[w] = wl.countSensitivitySquared() / (2 * share.rhoDown());
    }
    WhiteBoxTrials t = new WhiteBoxTrials(nb.touched(), actual, claimed, common.seed);
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

  private PrivateGsd.Settings settings() {
    return mechanism.settings(rows, generations, 1, common.seed);
  }

  private Dataset<Row> blackBox(
      JobContext c, Domain domain, QuerySet queries, TrueAnswers.Counts truth, Neighbours nb) {
    ReleaseTrials releases = new ReleaseTrials(domain, queries, rho, settings(), common.seed);
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
  private List<Row> oneRun(
      JobContext c, Domain domain, QuerySet queries, TrueAnswers.Counts truth) {
    List<OneRunCanaries.Canary> chosen =
        OneRunCanaries.choose(domain, queries, truth.counts(), canaries, common.seed);
    long[] counts = truth.counts().clone();
    long n = truth.rows();
    boolean[] in = new boolean[chosen.size()];
    for (int i = 0; i < chosen.size(); i++) {
      in[i] = (TrialKeys.key(common.seed, i, true) & 1) == 1;
      if (in[i]) {
        queries.countRow(chosen.get(i).row(), 0, counts);
        n++;
      }
    }
    ReleaseTrials releases = new ReleaseTrials(domain, queries, rho, settings(), common.seed);
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

  /**
   * {@value #SWEEP} distinct score quantiles of the pooled trials (as epsilon-estimate's
   * --threshold-sweep); the black-box and one-run tables hold one row per release or canary, so
   * their scores fit on the driver.
   */
  private static double[] sweep(Dataset<Row> trials) {
    double[] s =
        trials.select("score").collectAsList().stream()
            .mapToDouble(r -> r.getDouble(0))
            .sorted()
            .toArray();
    java.util.TreeSet<Double> t = new java.util.TreeSet<>();
    for (int j = 1; j <= SWEEP; j++) {
      t.add(s[(int) Math.min(s.length - 1, Math.floor((double) j / (SWEEP + 1) * s.length))]);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** TP, FN, TN, FP at each threshold ("member" iff score ≥ threshold), in one aggregation. */
  private static AttackCounts[] counts(Dataset<Row> trials, double[] thresholds) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(sum(col("is_member")));
    aggs.add(sum(lit(1).minus(col("is_member"))));
    for (double t : thresholds) {
      aggs.add(sum(when(col("score").geq(t).and(col("is_member").equalTo(1)), 1).otherwise(0)));
      aggs.add(sum(when(col("score").geq(t).and(col("is_member").equalTo(0)), 1).otherwise(0)));
    }
    Row r = trials.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long members = r.getLong(0);
    long nonMembers = r.getLong(1);
    AttackCounts[] out = new AttackCounts[thresholds.length];
    for (int i = 0; i < thresholds.length; i++) {
      long tp = r.getLong(2 + 2 * i);
      long fp = r.getLong(3 + 2 * i);
      out[i] = new AttackCounts(tp, members - tp, nonMembers - fp, fp);
    }
    return out;
  }

  private static List<Row> estimateRows(String auditId, AuditEstimate est) {
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

  /** A canary given as JSON {"column": value}: every audited column, each value in the domain. */
  private static double[] readCanary(Domain domain, String file) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(Domain.readText(file));
    } catch (IOException e) {
      throw new InputException(
          "--canary " + file + " cannot be read as JSON: " + e.getMessage(), e);
    }
    double[] x = new double[domain.size()];
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      JsonNode v = node.get(col.name);
      if (v == null || v.isNull()) {
        throw new InputException(
            "--canary " + file + " has no value for column '" + col.name + "'");
      }
      if (col.kind == Domain.Kind.NUMERIC) {
        if (!v.isNumber()) {
          throw new InputException(
              "--canary " + file + " column '" + col.name + "' must be a number, got " + v);
        }
        x[c] = col.scale(v.asDouble());
      } else {
        int code = col.code(v.isNumber() ? (Object) v.numberValue() : v.asText());
        if (code < 0) {
          throw new InputException(
              "--canary "
                  + file
                  + " column '"
                  + col.name
                  + "': "
                  + v
                  + " is not a category "
                  + "of --domain");
        }
        x[c] = code;
      }
    }
    return x;
  }

  static Map<String, Object> describe(Domain domain, double[] row) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      m.put(
          col.name,
          col.kind == Domain.Kind.NUMERIC ? col.unscale(row[c]) : col.decode((int) row[c]));
    }
    return m;
  }
}
