package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.privacy.BudgetLedger;
import org.samplingprivacy.jobs.privacy.ZcdpAccountant;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.Report;
import org.samplingprivacy.jobs.report.SvgPlot;

/**
 * The report of a {@code gsd-synthesize} release: workload errors of Private-GSD beside two
 * baselines that cost no extra privacy (independent 1-way marginals summed out of the same noisy
 * answers, and a uniform table), the itemised privacy budget with each mechanism's exact noise
 * parameters, and the ledger's view of the dataset.
 */
final class GsdReport {
  /** The release's public parameters that the report states. */
  record Facts(
      double epsilon,
      double delta,
      ZcdpBudget rho,
      String datasetId,
      String mode,
      int rounds,
      int rows,
      long seed,
      boolean seededNoise,
      boolean nonPrivateEvaluation) {}

  /** The headline of a finished release, for the command's result line. */
  record Summary(ZcdpBudget spent, int measured, long generations, double meanErrorToNoisy) {}

  private GsdReport() {}

  static Summary write(
      Report report,
      Facts f,
      Domain domain,
      QuerySet queries,
      TrueAnswers.Counts truth,
      PrivateGsd.Release release,
      ZcdpAccountant accountant,
      BudgetLedger.Reservation reservation) {
    int d = domain.size();
    long n = truth.rows();
    SplittableRandom baselineRandom = new SplittableRandom(f.seed() ^ 0x6A09E667F3BCC909L);
    double[] independent =
        IndependentBaseline.rows(
            domain, queries, release.noisy(), release.measured(), f.rows(), baselineRandom.split());
    double[] uniform = GeneticSynthesizer.uniformRows(domain, f.rows(), baselineRandom.split());
    Map<String, double[]> methods = new LinkedHashMap<>();
    methods.put("Private-GSD", release.stats().answers());
    methods.put("independent marginals", answers(queries, independent, f.rows(), d));
    methods.put("uniform", answers(queries, uniform, f.rows(), d));
    List<List<Object>> table = new ArrayList<>();
    Map<String, Map<String, WorkloadErrors.Error>> vsNoisy = new LinkedHashMap<>();
    methods.forEach(
        (name, a) ->
            vsNoisy.put(name, WorkloadErrors.of(queries, a, release.noisy(), release.measured())));
    addRows(table, vsNoisy, "noisy answers (measured workloads)");
    Map<String, Map<String, WorkloadErrors.Error>> vsTrue = new LinkedHashMap<>();
    if (f.nonPrivateEvaluation()) {
      double[] trueAnswers = new double[queries.size()];
      for (int j = 0; j < trueAnswers.length; j++) {
        trueAnswers[j] = truth.counts()[j] / (double) n;
      }
      boolean[] all = new boolean[queries.workloads().size()];
      Arrays.fill(all, true);
      methods.forEach(
          (name, a) -> vsTrue.put(name, WorkloadErrors.of(queries, a, trueAnswers, all)));
      addRows(table, vsTrue, "TRUE answers, all workloads (NOT PRIVATE)");
    }
    report.table(
        "Workload error (max = l-infinity, mean = average absolute error per query)",
        List.of("against", "method", "query class", "queries", "max error", "mean error"),
        table);
    budgetTable(report, f, accountant, n);

    List<GeneticSynthesizer.Result> fits = release.fits();
    GeneticSynthesizer.Result last = fits.get(fits.size() - 1);
    SvgPlot plot =
        SvgPlot.xy(
                "Fitness (squared L2 to noisy answers) over generations", "generation", "fitness")
            .logY();
    for (int i = 0; i < fits.size(); i++) {
      GeneticSynthesizer.Result r = fits.get(i);
      if (fits.size() <= 6 || i == fits.size() - 1 || i % Math.max(1, fits.size() / 5) == 0) {
        plot.line(
            fits.size() == 1 ? "Private-GSD" : "round " + (i + 1),
            r.historyGenerations(),
            positive(r.historyFitness()));
      }
    }
    report.plot(plot);
    List<String> labels = new ArrayList<>(vsNoisy.keySet());
    double[] means = labels.stream().mapToDouble(k -> vsNoisy.get(k).get("all").mean()).toArray();
    report.plot(
        SvgPlot.bars("Mean absolute error against the noisy answers", "mean error", labels, means));
    long gens = fits.stream().mapToLong(GeneticSynthesizer.Result::generations).sum();
    long evals = fits.stream().mapToLong(GeneticSynthesizer.Result::childEvaluations).sum();
    double secs = fits.stream().mapToDouble(GeneticSynthesizer.Result::seconds).sum();
    ZcdpBudget datasetTotal = reservation.decision().prior().plus(f.rho());
    report
        .metric("epsilon", f.epsilon())
        .metric("delta", f.delta())
        .metric("rho", f.rho().rhoDown())
        .metric("rho_exact", f.rho().rho().toString())
        .metric("rho_spent", accountant.spent().rhoUp())
        .metric("rho_spent_exact", accountant.spent().rho().toString())
        .metric("dataset_id", f.datasetId())
        .metric("dataset_rho_total", datasetTotal.rhoUp())
        .metric("dataset_epsilon_total_at_delta", datasetTotal.epsilonAt(f.delta()))
        .metric("ledger_replay", reservation.replay())
        .metric("mode", f.mode())
        .metric("workloads", queries.workloads().size())
        .metric("workloads_measured", release.measurements().size())
        .metric("queries", queries.size())
        .metric("synthetic_rows", f.rows())
        .metric("generations", gens)
        .metric("child_evaluations", evals)
        .metric("child_evaluations_per_second", secs > 0 ? evals / secs : 0)
        .metric("fitness", last.fitness())
        .metric("stalled", last.stalled())
        .metric(
            "noise",
            f.seededNoise() ? "seeded (--noise-seed, HMAC_DRBG)" : "SecureRandom (OS CSPRNG)")
        .metric("error_vs_noisy", errorMap(vsNoisy));
    if (f.nonPrivateEvaluation()) {
      report.metric("error_vs_true_NOT_PRIVATE", errorMap(vsTrue));
      report.note(
          "--non-private-evaluation: the errors against TRUE answers are computed from the private data "
              + "without noise. They are for evaluating the method and must not be released.");
    }
    report.note(
        "Noise is exact: each count gets a discrete Gaussian draw with the rational variance sigma^2 shown in "
            + "the budget table (rounded up from the accountant's value, so it only adds noise), sampled with integer "
            + "arithmetic only (Canonne, Kamath & Steinke 2020); adaptive selection is the exponential mechanism sampled "
            + "exactly by rejection at a rational epsilon'.");
    report.note(
        "The independent-marginals baseline draws each column from a 1-way marginal summed out of the "
            + "same noisy answers, so it costs no extra privacy; uniform draws every cell uniformly from the domain.");
    report.note(
        "n = " + n + " rows is public under replace-one neighbours (it scales the sensitivity).");
    return new Summary(
        accountant.spent(),
        release.measurements().size(),
        gens,
        vsNoisy.get("Private-GSD").get("all").mean());
  }

  /** One row per mechanism kind (charges summed exactly), then the total against the budget. */
  private static void budgetTable(Report report, Facts f, ZcdpAccountant accountant, long n) {
    Map<String, ZcdpBudget[]> byKind = new LinkedHashMap<>();
    Map<String, Integer> counts = new LinkedHashMap<>();
    Map<String, String> detail = new LinkedHashMap<>();
    for (ZcdpAccountant.Charge c : accountant.charges()) {
      String kind = c.label().startsWith("measure") ? "measurement" : "selection";
      String key = kind + ": " + c.detail();
      ZcdpBudget[] sums =
          byKind.computeIfAbsent(key, k -> new ZcdpBudget[] {ZcdpBudget.ZERO, ZcdpBudget.ZERO});
      sums[0] = sums[0].plus(c.charged());
      sums[1] = sums[1].plus(c.cost());
      counts.merge(key, 1, Integer::sum);
      detail.put(key, c.detail());
    }
    List<List<Object>> rows = new ArrayList<>();
    byKind.forEach(
        (key, sums) ->
            rows.add(
                List.of(
                    counts.get(key) + " x " + key.substring(0, key.indexOf(':')),
                    Numbers.sig4(sums[0].rhoUp()),
                    Numbers.sig4(sums[1].rhoUp()),
                    detail.get(key))));
    rows.add(
        List.of(
            "total charged",
            Numbers.sig4(accountant.spent().rhoUp()),
            "",
            "of budget rho "
                + Numbers.sig4(f.rho().rhoDown())
                + " = ("
                + f.epsilon()
                + ", "
                + f.delta()
                + ")-DP; exact: "
                + accountant.spent().rho()
                + " of "
                + f.rho().rho()));
    report.table(
        "Privacy budget (zCDP, composed by addition; counts' noise per answer is sigma/" + n + ")",
        List.of("mechanisms", "rho charged", "rho guaranteed by the noise (<= charged)", "noise"),
        rows);
  }

  private static double[] positive(double[] v) {
    return Arrays.stream(v).map(x -> Math.max(x, 1e-12)).toArray();
  }

  private static Map<String, Object> errorMap(
      Map<String, Map<String, WorkloadErrors.Error>> errors) {
    Map<String, Object> m = new LinkedHashMap<>();
    errors.forEach(
        (method, byKind) -> {
          Map<String, Object> k = new LinkedHashMap<>();
          byKind.forEach(
              (kind, e) ->
                  k.put(kind, Map.of("max", e.max(), "mean", e.mean(), "queries", e.queries())));
          m.put(method, k);
        });
    return m;
  }

  private static void addRows(
      List<List<Object>> table,
      Map<String, Map<String, WorkloadErrors.Error>> errors,
      String against) {
    errors.forEach(
        (method, byKind) ->
            byKind.forEach(
                (kind, e) ->
                    table.add(
                        List.of(
                            against,
                            method,
                            kind,
                            e.queries(),
                            Numbers.sig4(e.max()),
                            Numbers.sig4(e.mean())))));
  }

  static double[] answers(QuerySet q, double[] data, int rows, int d) {
    long[] counts = new long[q.size()];
    q.count(data, rows, d, counts);
    double[] a = new double[counts.length];
    for (int j = 0; j < a.length; j++) {
      a[j] = counts[j] / (double) rows;
    }
    return a;
  }
}
