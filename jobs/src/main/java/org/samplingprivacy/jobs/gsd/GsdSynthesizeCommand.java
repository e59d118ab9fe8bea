package org.samplingprivacy.jobs.gsd;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.privacy.BudgetLedger;
import org.samplingprivacy.jobs.privacy.ZcdpAccountant;
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
 * {@code gsd-synthesize}: a differentially private synthetic table by Private-GSD (Liu, Tang,
 * Vietri &amp; Wu, ICML 2023). The plan: check the release against the budget ledger; reserve its
 * ρ-zCDP budget (the tight conversion of (ε, δ)) before reading any data; read and count the
 * workload's true answers in one Spark pass (a bad input refunds the reservation); measure through
 * the accountant, whose first draw commits the reservation; fit the synthetic rows on the driver
 * ({@link PrivateGsd}); write the table and the report ({@link GsdReport}).
 * docs/design/private-gsd.md and docs/design/privacy-core.md give the method and the guarantees.
 */
@Command(
    name = "gsd-synthesize",
    description =
        "Differentially private synthetic data by a genetic algorithm fitted to noisy workload answers "
            + "(Private-GSD).")
public final class GsdSynthesizeCommand extends InputJobCommand {
  /**
   * The synthetic rows: one column per synthesised column, with the input's types (docs/tables.md
   * §2.7).
   */
  public static final TableContract SYNTHETIC =
      TableContract.withInputColumns("gsd-synthesize/synthetic", new StructType());

  @Mixin GsdMechanismOptions mechanism;

  @Option(
      names = "--rows",
      paramLabel = "N",
      description = "Rows of the synthetic table (public; 1..1000000).")
  Integer rows;

  @Option(
      names = "--ledger",
      paramLabel = "PATH",
      description =
          "Delta table of the budget's reservations and releases (created if absent; "
              + "docs/tables.md 2.7). Read it with privacy-ledger.")
  String ledger;

  @Option(
      names = "--dataset-id",
      paramLabel = "ID",
      description = "Names the dataset whose budget the ledger tracks.")
  String datasetId;

  @Option(
      names = "--budget-cap",
      paramLabel = "EPS",
      description =
          "Refuse a release that takes the dataset's total spend (committed and reserved releases, "
              + "zCDP composition) past this epsilon at --delta; checked when the budget is reserved, before any data is read.")
  Double budgetCap;

  @Option(
      names = "--noise-seed",
      paramLabel = "SECRET",
      description =
          "A secret of at least 16 characters (e.g. "
              + "openssl rand -hex 16), or env:VAR / file:PATH holding it, that with the dataset and run ids keys an HMAC_DRBG "
              + "noise stream: re-running a recorded run id is then a replay. Never written anywhere. Default: fresh noise "
              + "from the operating system's CSPRNG.")
  String noiseSeed;

  @Option(
      names = "--generations",
      paramLabel = "G",
      defaultValue = "100000",
      description = "Generation cap per fit (per round in adaptive mode).")
  long generations;

  @Option(
      names = "--threads",
      paramLabel = "T",
      defaultValue = "1",
      description = "Driver threads scoring children (0: all cores). Results do not depend on it.")
  int threads;

  @Option(
      names = "--non-private-evaluation",
      description =
          "Also report errors against the TRUE answers. Not "
              + "private: for evaluating the method, never for a release.")
  boolean nonPrivateEvaluation;

  private NoiseSecret secret;
  private ZcdpBudget rho;

  @Override
  protected Set<String> secretOptions() {
    return Set.of("noise-seed");
  }

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
    Params.requirePresent("--rows", rows);
    Params.requirePresent("--ledger", ledger);
    Params.requirePresent("--dataset-id", datasetId);
    mechanism.validate();
    Params.requireInRange("--rows", rows, 1, 1_000_000);
    Params.requireInRange("--generations", generations, 1, 1_000_000_000L);
    Params.requireInRange("--threads", threads, 0, 1024);
    Params.requireRunId("--dataset-id", datasetId);
    if (budgetCap != null && (!(budgetCap > 0) || !Double.isFinite(budgetCap))) {
      throw new InputException("--budget-cap must be positive and finite, got " + budgetCap);
    }
    secret = NoiseSecret.resolve(noiseSeed);
    rho = mechanism.rho();
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    GsdMechanismOptions.Resolved r = mechanism.resolve(common.seed);
    List<String> names = r.names();
    Domain domain = r.domain();
    List<Workload> workloads = r.workloads();
    QuerySet queries = r.queries();
    TableFormat format =
        ctx.locateInput(); // exists and is a table: metadata only, nothing read before the ledger
    BudgetLedger book = BudgetLedger.at(ctx.spark(), ledger);
    BudgetLedger.Request request =
        new BudgetLedger.Request(
            datasetId,
            ctx.runId(),
            rho,
            mechanism.epsilon(),
            mechanism.delta(),
            budgetCap,
            ctx.command(),
            ReleaseFingerprint.of(
                ctx.provenance().parameters(), secret.commitment(datasetId, ctx.runId())),
            secret.reproducible(),
            ctx.provenance());
    BudgetLedger.Decision decision = ctx.phase("check budget ledger", () -> book.check(request));
    long measured =
        !mechanism.adaptive() ? workloads.size() : (long) mechanism.rounds() * mechanism.perRound();
    Plan.Builder steps =
        Plan.builder()
            .step(
                String.format(
                    Locale.ROOT,
                    "budget: epsilon=%s delta=%s -> rho=%.6g zCDP; dataset '%s' counts rho=%.6g over "
                        + "%d other release(s)%s",
                    mechanism.epsilon(),
                    mechanism.delta(),
                    rho.rhoDown(),
                    datasetId,
                    decision.prior().rhoUp(),
                    decision.priorReleases(),
                    budgetCap != null ? ", cap epsilon=" + budgetCap : ""))
            .step(
                decision.replay()
                    ? "ledger "
                        + ledger
                        + ": this run is recorded with the same noise: a replay, nothing new is "
                        + "reserved"
                    : "reserve rho in --ledger "
                        + ledger
                        + " before reading any data (refunded if the input "
                        + "turns out bad)")
            .step(
                "read "
                    + in.input
                    + " ("
                    + format.id()
                    + "): "
                    + names.size()
                    + " columns "
                    + names)
            .step(
                "workload "
                    + mechanism.workload()
                    + ": "
                    + workloads.size()
                    + " workloads, "
                    + queries.size()
                    + " queries, counted in one "
                    + "pass")
            .step(
                (!mechanism.adaptive()
                        ? "measure all "
                            + measured
                            + " workloads once (exact discrete Gaussian, rho/"
                            + measured
                            + " each)"
                        : "adaptive: "
                            + mechanism.rounds()
                            + " rounds x "
                            + mechanism.perRound()
                            + " workload(s): half selection "
                            + "(exact exponential mechanism), half measurement (exact discrete Gaussian)")
                    + "; the reservation is committed before the first noise draw")
            .step(
                "genetic algorithm: "
                    + rows
                    + " rows, population "
                    + mechanism.population()
                    + ", elite "
                    + mechanism.elite()
                    + ", up to "
                    + generations
                    + " generations per fit")
            .write(common.output, out);
    return steps.then(c -> execute(c, domain, names, queries, book, request, out));
  }

  private void execute(
      JobContext c,
      Domain domain,
      List<String> names,
      QuerySet queries,
      BudgetLedger book,
      BudgetLedger.Request request,
      TableIO.WriteSpec out) {
    BudgetLedger.Reservation reservation =
        c.phase("reserve the budget in the ledger", () -> book.reserve(request));
    StructType schema;
    TrueAnswers.Counts truth;
    try {
      SourceTable in = c.readInput();
      schema = GsdInput.check(in, domain, names);
      Dataset<Row> data =
          in.data().select(names.stream().map(n -> Columns.named(n)).toArray(Column[]::new));
      truth =
          c.phase(
              "count the workload's true answers",
              () -> TrueAnswers.compute(data, domain, queries));
      GsdInput.checkEncoded(truth, domain, "--input " + in.path());
    } catch (RuntimeException e) {
      refund(c, book, reservation, request, e);
      throw e;
    }
    ZcdpAccountant accountant =
        ZcdpAccountant.of(
            rho,
            secret.open(datasetId, c.runId()),
            () ->
                c.phase(
                    "commit the reservation",
                    () -> book.commit(reservation, request, c.provenance())));
    PrivateGsd.Settings settings =
        mechanism.settings(
            rows,
            generations,
            threads > 0 ? threads : Runtime.getRuntime().availableProcessors(),
            common.seed);
    PrivateGsd.Release release;
    try {
      release = PrivateGsd.run(domain, queries, truth, settings, accountant, c::phase, c::progress);
    } catch (RuntimeException e) {
      if (!accountant.hasDrawn()) {
        refund(c, book, reservation, request, e);
      }
      throw e;
    }
    c.write(
        SYNTHETIC,
        SyntheticRows.decode(c, domain, schema, release.stats().data()),
        common.output,
        out);
    GsdReport.Summary s =
        GsdReport.write(
            c.report(),
            new GsdReport.Facts(
                mechanism.epsilon(),
                mechanism.delta(),
                rho,
                datasetId,
                mechanism.mode(),
                mechanism.rounds(),
                rows,
                common.seed,
                secret.reproducible(),
                nonPrivateEvaluation),
            domain,
            queries,
            truth,
            release,
            accountant,
            reservation);
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "synthesised %d rows into %s: rho %.6g (epsilon %s, delta %s), "
                + "%d workloads measured, %d generations, mean error to noisy answers %.4g%n",
            rows,
            common.output,
            s.spent().rhoUp(),
            mechanism.epsilon(),
            mechanism.delta(),
            s.measured(),
            s.generations(),
            s.meanErrorToNoisy());
  }

  private static void refund(
      JobContext c,
      BudgetLedger book,
      BudgetLedger.Reservation r,
      BudgetLedger.Request req,
      RuntimeException cause) {
    String reason =
        cause instanceof InputException ? "bad input: " + cause.getMessage() : "failed: " + cause;
    c.phase(
        "refund the reservation",
        () -> {
          book.refund(r, req, reason);
        });
  }
}
