package org.samplingprivacy.jobs.audit;

import java.util.ArrayList;
import java.util.List;
import org.samplingprivacy.jobs.epsilon.AttackCounts;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.Report;
import org.samplingprivacy.jobs.report.SvgPlot;

/**
 * The report of a privacy audit: the claim, the two kinds of evidence kept apart, the attack's ROC,
 * the verdict.
 */
final class AuditReport {
  record Facts(
      String audit,
      double epsilon,
      double delta,
      ZcdpBudget rho,
      double mu,
      long trials,
      int canaries,
      Integer rows,
      double alpha) {}

  private AuditReport() {}

  static void write(Report report, Facts f, Domain domain, Neighbours nb, AuditEstimate est) {
    report
        .metric("audit", f.audit())
        .metric("verdict", est.verdict())
        .metric("epsilon_claimed", f.epsilon())
        .metric("delta", f.delta())
        .metric("rho_claimed", f.rho().rhoDown())
        .metric("mu_claimed", f.mu())
        .metric("epsilon_lower_bound", est.epsilonLowerBound())
        .metric("bayes_lower_bound", est.best().bayesLowerBound())
        .metric("cp_lower_bound", est.best().cpLowerBound())
        .metric("trials_per_hypothesis", f.trials())
        .metric("alpha", f.alpha());
    if (est.whiteBox()) {
      report
          .metric("mu_lo", est.muLo())
          .metric("mu_hi", est.muHi())
          .metric("mu_lo_over_claimed", est.muLo() / f.mu());
    }
    if (est.oneRun()) {
      report.metric("one_run_eps_lower_bound", est.best().oneRunEps());
    }
    report.note("VERDICT: " + est.verdict() + ".");
    List<List<Object>> claim = new ArrayList<>();
    claim.add(List.of("claimed (epsilon, delta)", "(" + f.epsilon() + ", " + f.delta() + ")"));
    claim.add(List.of("zCDP rho (tight conversion)", Numbers.sig4(f.rho().rhoDown())));
    claim.add(List.of("Gaussian-DP mu = sqrt(2 rho)", Numbers.sig4(f.mu())));
    claim.add(
        List.of(
            "assumption-free epsilon lower bound (Bayesian or Clopper-Pearson, Bonferroni over "
                + est.rows().size()
                + " thresholds, alpha "
                + f.alpha()
                + ")",
            Numbers.sig4(est.epsilonLowerBound())));
    if (est.whiteBox()) {
      claim.add(
          List.of(
              "GDP mu interval at the threshold with FPR 1/2 (two-sided, " + (1 - f.alpha()) + ")",
              "[" + Numbers.sig4(est.muLo()) + ", " + Numbers.sig4(est.muHi()) + "]"));
    }
    if (est.oneRun()) {
      claim.add(
          List.of(
              "one-run epsilon lower bound (Steinke, Nasr & Jagielski 2023)",
              Numbers.sig4(est.best().oneRunEps())));
    }
    claim.add(
        List.of(f.audit().equals("one-run") ? "canaries" : "trials per hypothesis", f.trials()));
    report.table("Claim and evidence", List.of("quantity", "value"), claim);
    List<List<Object>> rows = new ArrayList<>();
    double[] fpr = new double[est.rows().size()];
    double[] tpr = new double[est.rows().size()];
    for (int i = 0; i < est.rows().size(); i++) {
      AuditEstimate.Row r = est.rows().get(i);
      AttackCounts c = r.counts();
      fpr[i] = Math.max(c.fpr(), 1e-9);
      tpr[i] = Math.max(1 - c.fnr(), 1e-9);
      rows.add(
          List.of(
              Numbers.sig4(r.threshold()),
              c.tp(),
              c.fn(),
              c.tn(),
              c.fp(),
              Numbers.sig4(r.estimate().bayesLowerBound()),
              Numbers.sig4(r.estimate().cpLowerBound()),
              Numbers.sig4(r.estimate().gdpMuBayes()),
              i == est.selected() ? "selected" : ""));
    }
    report.table(
        "Per threshold (guess 'canary in' iff score >= threshold)",
        List.of(
            "threshold",
            "TP",
            "FN",
            "TN",
            "FP",
            "Bayes lower bound",
            "CP lower bound",
            "GDP mu lower bound",
            ""),
        rows);
    SvgPlot roc =
        SvgPlot.xy(
                "Attack ROC at the thresholds (log axes) against the claimed mu-GDP curve",
                "false positive rate",
                "true positive rate")
            .logX()
            .logY();
    roc.points("attack", fpr, tpr);
    double[] gx = new double[40];
    double[] gy = new double[40];
    org.apache.commons.statistics.distribution.NormalDistribution phi =
        org.apache.commons.statistics.distribution.NormalDistribution.of(0, 1);
    for (int i = 0; i < 40; i++) {
      gx[i] = Math.pow(10, -7 + 7.0 * i / 39);
      gy[i] = phi.survivalProbability(phi.inverseSurvivalProbability(gx[i]) - f.mu());
    }
    roc.line("claimed mu-GDP", gx, gy);
    report.plot(roc);
    List<List<Object>> canary = new ArrayList<>();
    java.util.Map<String, Object> removed = CanaryRows.describe(domain, nb.removed());
    CanaryRows.describe(domain, nb.canary())
        .forEach(
            (k, v) -> canary.add(List.of(k, String.valueOf(v), String.valueOf(removed.get(k)))));
    report.table(
        "Neighbours: D' replaces the removed row by the canary ("
            + nb.partitionsDiffering()
            + " of "
            + nb.partitions()
            + " query partitions differ; "
            + nb.occupancy()
            + " input rows share the canary's cells, "
            + "summed over partitions; "
            + nb.touched().size()
            + " queries touched)",
        List.of("column", "canary", "removed row"),
        canary);
    report.note(
        "This audit is not differentially private: its outputs come from many unreleased runs on the input. "
            + "Run it on a public table of the same domain, or inside the trusted environment. It never touches a ledger.");
    report.note(
        "Why the assumption-free bound sits far below the claim: the claim (epsilon, delta) concerns events "
            + "of probability about delta, which "
            + f.trials()
            + " trials cannot observe; a lower bound near the claimed "
            + "epsilon needs tests at false-positive rates near delta. The white-box mu interval, in contrast, is "
            + "estimated where both error rates are large, so it can be tight; it assumes a Gaussian trade-off curve.");
    if (f.audit().equals("white-box")) {
      report.note(
          "White-box: only the "
              + nb.touched().size()
              + " queries whose cells the change touches differ "
              + "between D and D'; noise elsewhere has the same law under both, so each trial draws just those "
              + "coordinates with the release's own mechanism, and the attack is the likelihood-ratio test.");
    } else {
      report.note(
          "Black-box and one-run audits attack the synthetic table of "
              + f.rows()
              + " rows: a one-row change "
              + "below 1/N' of the table is invisible to this attack, so their power needs small tables (N' close to n).");
    }
    if (f.audit().equals("one-run")) {
      report.note(
          "One-run: each canary is added to the input when its keyed coin comes up, so the public n grows by "
              + "the number included.");
    }
  }
}
