package org.samplingprivacy.jobs.audit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.epsilon.AttackCounts;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.gsd.GsdInput;
import org.samplingprivacy.jobs.gsd.GsdMechanismOptions;
import org.samplingprivacy.jobs.gsd.QuerySet;
import org.samplingprivacy.jobs.gsd.TrueAnswers;
import org.samplingprivacy.jobs.gsd.Workload;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
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
    double[] canaryRow = canary.equals("auto") ? null : CanaryRows.read(domain, canary);
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
    AuditTrials made =
        new AuditTrials(
            audit,
            epsilon,
            delta,
            rho,
            common.seed,
            trials,
            canaries,
            audit.equals("white-box")
                ? null
                : mechanism.settings(rows, generations, 1, common.seed));
    double[] removed = c.phase("choose the removed row", () -> made.removedRow(data, domain));
    double[] canaryValues =
        canaryRow != null
            ? canaryRow
            : Neighbours.worstCaseCanary(
                domain, queries, truth.counts(), removed, common.seed, 20_000);
    Neighbours nb = Neighbours.of(queries, truth.counts(), removed, canaryValues);
    String auditId = c.runId();
    Dataset<Row> table =
        switch (audit) {
          case "white-box" -> made.whiteBox(c, queries, nb);
          case "black-box" -> made.blackBox(c, domain, queries, truth, nb);
          default ->
              c.spark()
                  .createDataFrame(
                      c.phase("one-run release", () -> made.oneRun(c, domain, queries, truth)),
                      AuditTables.TRIALS_SCHEMA);
        };
    long start = System.nanoTime();
    c.phase(
        "run the trials",
        () ->
            c.write(
                AuditTables.TRIALS,
                table.withColumn("audit_id", lit(auditId)),
                common.output,
                out));
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
    double[] thresholds = TrialOutcomes.thresholds(trials, audit.equals("white-box"));
    AttackCounts[] counts =
        c.phase("count outcomes per threshold", () -> TrialOutcomes.counts(trials, thresholds));
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
        c.spark()
            .createDataFrame(
                AuditTables.estimateRows(auditId, est), AuditTables.ESTIMATES.columns()),
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
}
