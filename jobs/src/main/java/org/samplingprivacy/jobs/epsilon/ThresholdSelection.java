package org.samplingprivacy.jobs.epsilon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Marks the reported row of each group (docs/design/epsilon-estimate.md §3): the threshold with the
 * greatest Bayesian lower bound; under split it is chosen on the selection part and the evaluation
 * part's row at that threshold is the one reported. Builds the estimate table's rows
 * (docs/tables.md §2.4).
 */
final class ThresholdSelection {
  private ThresholdSelection() {}

  static List<Row> mark(
      List<EstimateTasks.Estimated> estimates,
      Map<List<Object>, RocSummary> roc,
      boolean split,
      String correction,
      double delta,
      String prior) {
    Map<List<Object>, Double> chosen = new HashMap<>();
    Map<List<Object>, Double> best = new HashMap<>();
    String choosingPart = split ? "select" : "all";
    for (EstimateTasks.Estimated e : estimates) {
      if (!e.row().part().equals(choosingPart)) {
        continue;
      }
      List<Object> g = e.row().group();
      double lb = e.estimate().bayesLowerBound();
      if (!best.containsKey(g) || lb > best.get(g)) {
        best.put(g, lb);
        chosen.put(g, e.row().threshold());
      }
    }
    String reportedPart = split ? "evaluate" : "all";
    List<Row> rows = new ArrayList<>();
    for (EstimateTasks.Estimated e : estimates) {
      CountRow r = e.row();
      EpsilonEstimate x = e.estimate();
      AttackCounts c = r.counts();
      Double t = chosen.get(r.group());
      boolean selected =
          r.part().equals(reportedPart)
              && t != null
              && (Double.isNaN(t) ? Double.isNaN(r.threshold()) : t == r.threshold());
      List<Object> key = new ArrayList<>(r.group());
      key.add(r.part());
      RocSummary s = roc.get(key);
      List<Row> tpr = new ArrayList<>();
      for (RocSummary.TprAtFpr p : s.tprAtFpr()) {
        tpr.add(
            RowFactory.create(
                p.fprTarget(), p.threshold(), p.fpr(), p.tpr(), p.tprLo(), p.tprHi()));
      }
      List<Object> values = new ArrayList<>(r.group());
      values.addAll(
          Arrays.asList(
              Double.isNaN(r.threshold()) ? null : r.threshold(),
              r.part(),
              c.tp(),
              c.fn(),
              c.tn(),
              c.fp(),
              c.fpr(),
              c.fnr(),
              x.epsPlugin(),
              x.alpha(),
              x.bayesLo(),
              x.bayesHi(),
              x.bayesLowerBound(),
              x.bayesMedian(),
              x.bayesMean(),
              nullIfNaN(x.pExceedsClaim()),
              x.cpLo(),
              x.cpHi(),
              x.cpLowerBound(),
              nullIfNaN(x.widthRatio()),
              x.gdpMuCp(),
              x.gdpEpsCp(),
              x.gdpMuBayes(),
              x.gdpEpsBayes(),
              nullIfNaN(x.oneRunEps()),
              nullIfNaN(x.oneRunFdpEps()),
              s.auroc(),
              s.aurocLo(),
              s.aurocHi(),
              s.aurocMethod(),
              tpr,
              delta,
              prior,
              correction,
              selected));
      rows.add(RowFactory.create(values.toArray()));
    }
    return rows;
  }

  static long selectedCount(List<Row> rows) {
    return rows.stream().filter(r -> r.getBoolean(r.length() - 1)).count();
  }

  private static Double nullIfNaN(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
