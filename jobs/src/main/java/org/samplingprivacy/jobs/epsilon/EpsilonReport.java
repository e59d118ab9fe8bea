package org.samplingprivacy.jobs.epsilon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.Report;
import org.samplingprivacy.jobs.report.SvgPlot;

/**
 * The report of {@code epsilon-estimate}: the selected estimate per group, the posterior densities,
 * the ROC with the TPR-at-FPR marks, the ε(δ) curves against the claimed curve; and the curve
 * table's rows (docs/tables.md §2.4).
 */
final class EpsilonReport {
  /** One group's curve. */
  record GroupCurve(List<Object> group, List<EpsilonCurve.Selected> points) {}

  private final Report report;
  private final List<String> groups;
  private final String prior;
  private final double delta;
  private final double alpha;
  private final double level;
  private final String correction;
  private final EpsilonCurve.Claim claim;

  EpsilonReport(
      Report report,
      List<String> groups,
      String prior,
      double delta,
      double alpha,
      double level,
      String correction,
      EpsilonCurve.Claim claim) {
    this.report = report;
    this.groups = groups;
    this.prior = prior;
    this.delta = delta;
    this.alpha = alpha;
    this.level = level;
    this.correction = correction;
    this.claim = claim;
  }

  static List<Row> curveRows(
      List<GroupCurve> curves,
      double level,
      EpsilonCurve.Claim claim,
      String prior,
      String correction) {
    List<Row> rows = new ArrayList<>();
    for (GroupCurve g : curves) {
      for (EpsilonCurve.Selected s : g.points()) {
        EpsilonCurve.Point p = s.point();
        AttackCounts c = s.counts();
        Double claimed = claim == null ? null : claim.epsilon(p.delta());
        List<Object> values = new ArrayList<>(g.group());
        values.addAll(
            Arrays.asList(
                p.delta(),
                Double.isNaN(s.threshold()) ? null : s.threshold(),
                c.tp(),
                c.fn(),
                c.tn(),
                c.fp(),
                level,
                p.lowerBound(),
                p.lo(),
                p.hi(),
                p.cpLowerBound(),
                claim == null ? null : claim.describe(),
                claimed,
                claimed == null ? null : claimed - p.lowerBound(),
                prior,
                correction));
        rows.add(RowFactory.create(values.toArray()));
      }
    }
    return rows;
  }

  void write(
      List<Row> rows,
      List<EstimateTasks.Estimated> estimates,
      Map<List<Object>, RocSummary> roc,
      boolean split,
      List<GroupCurve> curves) {
    int n = groups.size();
    List<String> header = new ArrayList<>(groups);
    header.addAll(
        List.of(
            "threshold",
            "TP",
            "FN",
            "TN",
            "FP",
            "eps plug-in",
            "Bayes interval",
            "Bayes lower bound",
            "CP interval",
            "CP lower bound",
            "AUROC",
            "TPR at FPR"));
    List<List<Object>> table = new ArrayList<>();
    EpsilonEstimate first = null;
    RocSummary firstRoc = null;
    int plotted = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (!r.getBoolean(r.length() - 1)) {
        continue;
      }
      EstimateTasks.Estimated e = estimates.get(i);
      EpsilonEstimate x = e.estimate();
      List<Object> key = new ArrayList<>(e.row().group());
      key.add(e.row().part());
      RocSummary s = roc.get(key);
      List<Object> cells = new ArrayList<>();
      for (int g = 0; g < n; g++) {
        cells.add(String.valueOf(r.get(g)));
      }
      List<String> tpr = new ArrayList<>();
      for (RocSummary.TprAtFpr t : s.tprAtFpr()) {
        tpr.add(Numbers.sig4(t.tpr()) + " @ " + Numbers.sig4(t.fprTarget()));
      }
      cells.addAll(
          List.of(
              r.isNullAt(n) ? "-" : Numbers.sig4(r.getDouble(n)),
              x.counts().tp(),
              x.counts().fn(),
              x.counts().tn(),
              x.counts().fp(),
              Numbers.sig4(x.epsPlugin()),
              "[" + Numbers.sig4(x.bayesLo()) + ", " + Numbers.sig4(x.bayesHi()) + "]",
              Numbers.sig4(x.bayesLowerBound()),
              "[" + Numbers.sig4(x.cpLo()) + ", " + Numbers.sig4(x.cpHi()) + "]",
              Numbers.sig4(x.cpLowerBound()),
              Numbers.sig4(s.auroc())
                  + " ["
                  + Numbers.sig4(s.aurocLo())
                  + ", "
                  + Numbers.sig4(s.aurocHi())
                  + "]",
              String.join("; ", tpr)));
      table.add(cells);
      if (first == null) {
        first = x;
        firstRoc = s;
      }
      if (plotted++ < 6) {
        report.plot(densityPlot(x, n == 0 ? "" : " " + cells.subList(0, n)));
      }
    }
    report.table(
        "Selected estimate per group (significance "
            + Numbers.sig4(level)
            + ", correction "
            + correction
            + ")",
        header,
        table);
    report.plot(rocPlot(roc, split, n));
    if (!curves.isEmpty()) {
      curveReport(curves);
    }
    report
        .metric("groups", table.size())
        .metric("rows", rows.size())
        .metric("delta", delta)
        .metric("alpha", alpha)
        .metric("alpha_per_threshold", level)
        .metric("correction", correction)
        .metric("prior", prior);
    if (claim != null) {
      report
          .metric("claim", claim.describe())
          .metric("claimed_epsilon_at_delta", claim.epsilon(delta));
    }
    if (first != null) {
      report
          .metric("bayes_lower_bound", first.bayesLowerBound())
          .metric("bayes_interval", List.of(first.bayesLo(), first.bayesHi()))
          .metric("cp_lower_bound", first.cpLowerBound())
          .metric("auroc", firstRoc.auroc())
          .metric("auroc_interval", List.of(firstRoc.aurocLo(), firstRoc.aurocHi()));
      Map<String, Object> tpr = new LinkedHashMap<>();
      for (RocSummary.TprAtFpr t : firstRoc.tprAtFpr()) {
        tpr.put(String.valueOf(t.fprTarget()), t.tpr());
      }
      report.metric("tpr_at_fpr", tpr);
    }
    report.note(
        "The Bayesian interval is a credible interval under the "
            + prior
            + " prior; Clopper-Pearson is a "
            + "confidence interval. Both bound what this attack demonstrates: a lower bound on the mechanism's epsilon.");
    if (correction.equals("none") && estimates.size() > table.size()) {
      report.note(
          "Thresholds were chosen on the same challenges without correction: the lower bounds are "
              + "optimistic (winner's curse). Use --selection split or bonferroni for valid bounds.");
    }
  }

  private void curveReport(List<GroupCurve> curves) {
    double maxGap = Double.NEGATIVE_INFINITY;
    double minGap = Double.POSITIVE_INFINITY;
    double minGapDelta = Double.NaN;
    double maxCpViolation = Double.NEGATIVE_INFINITY;
    int points = 0;
    int shown = 0;
    for (GroupCurve g : curves) {
      List<EpsilonCurve.Point> pts = g.points().stream().map(EpsilonCurve.Selected::point).toList();
      points += pts.size();
      double[] d = pts.stream().mapToDouble(EpsilonCurve.Point::delta).toArray();
      boolean logX = Arrays.stream(d).allMatch(v -> v > 0) && d.length > 1;
      String label = groups.isEmpty() ? "" : " " + g.group();
      SvgPlot plot =
          SvgPlot.xy("epsilon(delta) lower bounds" + label, "delta", "epsilon")
              .line(
                  "Bayes lower bound",
                  d,
                  pts.stream().mapToDouble(EpsilonCurve.Point::lowerBound).toArray())
              .line(
                  "Bayes upper end",
                  d,
                  finite(pts.stream().mapToDouble(EpsilonCurve.Point::hi).toArray()))
              .line(
                  "CP lower bound",
                  d,
                  pts.stream().mapToDouble(EpsilonCurve.Point::cpLowerBound).toArray());
      if (claim != null) {
        double[] claimed = Arrays.stream(d).map(claim::epsilon).toArray();
        plot.line("claimed " + claim.describe(), d, finite(claimed));
        for (EpsilonCurve.Point p : pts) {
          double c = claim.epsilon(p.delta());
          if (Double.isFinite(c)) {
            double gap = c - p.lowerBound();
            maxGap = Math.max(maxGap, gap);
            if (gap < minGap) {
              minGap = gap;
              minGapDelta = p.delta();
            }
            maxCpViolation = Math.max(maxCpViolation, p.cpLowerBound() - c);
          }
        }
      }
      if (logX) {
        plot.logX();
      }
      if (shown++ < 6) {
        report.plot(plot);
      }
    }
    report.metric("curve_groups", curves.size()).metric("curve_points", points);
    if (claim != null && Double.isFinite(minGap)) {
      report
          .metric("curve_max_gap", maxGap)
          .metric("curve_min_gap", minGap)
          .metric("curve_min_gap_delta", minGapDelta)
          .metric("curve_claim_violated_bayes", minGap < 0)
          .metric("curve_claim_violated_cp", maxCpViolation > 0);
      report.note(
          "Against the claimed "
              + claim.describe()
              + " curve: the claimed epsilon exceeds the Bayesian lower "
              + "bound by "
              + Numbers.sig4(minGap)
              + " to "
              + Numbers.sig4(maxGap)
              + " over the grid"
              + (minGap < 0
                  ? "; at delta "
                      + Numbers.sig4(minGapDelta)
                      + " the attack demonstrates more than the claim (Bayesian), which "
                      + "contradicts it"
                      + (maxCpViolation > 0 ? ", and so does Clopper-Pearson" : "")
                  : "; no point of the grid contradicts the claim")
              + ".");
    }
  }

  private static double[] finite(double[] v) {
    return Arrays.stream(v).map(x -> Double.isFinite(x) ? x : Double.NaN).toArray();
  }

  private SvgPlot densityPlot(EpsilonEstimate x, String label) {
    EpsilonPosterior p =
        EpsilonPosterior.of(x.counts(), prior.equals("uniform") ? 1.0 : 0.5, delta);
    double hi = Math.max(x.bayesHi() * 1.3, 0.5);
    int points = 80;
    double[] xs = new double[points];
    double[] ys = new double[points];
    for (int i = 0; i < points; i++) {
      xs[i] = hi * (i + 0.5) / points;
      ys[i] = p.density(xs[i]);
    }
    double top = Arrays.stream(ys).filter(Double::isFinite).max().orElse(1);
    return SvgPlot.xy("Posterior density of epsilon" + label, "epsilon", "density")
        .line("posterior", xs, ys)
        .line(
            "Bayes interval",
            new double[] {x.bayesLo(), x.bayesLo(), x.bayesHi(), x.bayesHi()},
            new double[] {0, top, top, 0});
  }

  private static SvgPlot rocPlot(Map<List<Object>, RocSummary> roc, boolean split, int nGroups) {
    SvgPlot plot =
        SvgPlot.xy(
                "Attack ROC with TPR at the FPR targets" + (split ? " (evaluation part)" : ""),
                "false positive rate",
                "true positive rate")
            .legendBottomRight();
    int shown = 0;
    for (Map.Entry<List<Object>, RocSummary> e : roc.entrySet()) {
      if (split && !"evaluate".equals(e.getKey().get(e.getKey().size() - 1))) {
        continue;
      }
      if (shown++ >= 6) {
        break;
      }
      String name =
          nGroups == 0
              ? "AUROC " + Numbers.sig4(e.getValue().auroc())
              : e.getKey().subList(0, nGroups) + " AUROC " + Numbers.sig4(e.getValue().auroc());
      double[][] c = e.getValue().curve();
      plot.line(name, c[0], c[1]);
      double[] fx =
          e.getValue().tprAtFpr().stream().mapToDouble(RocSummary.TprAtFpr::fpr).toArray();
      double[] fy =
          e.getValue().tprAtFpr().stream().mapToDouble(RocSummary.TprAtFpr::tpr).toArray();
      plot.points(
          "TPR at FPR target" + (nGroups == 0 ? "" : " " + e.getKey().subList(0, nGroups)), fx, fy);
    }
    return plot.line("chance", new double[] {0, 1}, new double[] {0, 1});
  }
}
