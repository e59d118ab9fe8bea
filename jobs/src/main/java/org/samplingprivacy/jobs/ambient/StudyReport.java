package org.samplingprivacy.jobs.ambient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.Report;
import org.samplingprivacy.jobs.report.SvgPlot;

/** The report of {@code ambient-study}: the results table, the learning curves, the notes. */
final class StudyReport {
  private StudyReport() {}

  static void write(Report report, List<Row> results, int components, List<String> learnerList) {
    List<List<Object>> table = new ArrayList<>();
    Map<String, Map<Double, List<double[]>>> curves = new LinkedHashMap<>();
    for (Row r : results) {
      table.add(
          List.of(
              r.getString(0),
              r.getInt(4),
              r.getInt(5),
              r.getDouble(3),
              r.getString(6),
              Numbers.sig4(r.getDouble(8)),
              Numbers.sig4(r.getDouble(9)),
              r.getInt(11),
              r.getString(13)));
      String group =
          r.getString(6)
              + (r.getDouble(2) == 1
                  ? " all clean"
                  : String.format(Locale.ROOT, " f=%s", Numbers.exact(r.getDouble(2))));
      curves
          .computeIfAbsent(group, k -> new LinkedHashMap<>())
          .computeIfAbsent(r.getDouble(2) == 1 ? -1.0 : r.getDouble(3), k -> new ArrayList<>())
          .add(new double[] {r.getInt(1), r.getDouble(9)});
    }
    SvgPlot plot =
        SvgPlot.xy(
                "Frechet distance (random Fourier features) on the holdout",
                "mix size",
                "Frechet distance")
            .logX()
            .logY();
    int lines = 0;
    for (Map.Entry<String, Map<Double, List<double[]>>> g : curves.entrySet()) {
      for (Map.Entry<Double, List<double[]>> s : g.getValue().entrySet()) {
        if (lines++ >= 12) {
          break;
        }
        List<double[]> pts = s.getValue();
        pts.sort((a, b) -> Double.compare(a[0], b[0]));
        plot.line(
            g.getKey() + (s.getKey() < 0 ? "" : " sigma=" + Numbers.exact(s.getKey())),
            pts.stream().mapToDouble(p -> p[0]).toArray(),
            pts.stream().mapToDouble(p -> Math.max(p[1], 1e-9)).toArray());
      }
    }
    report.plot(plot);
    report.table(
        "Fits per mix",
        List.of(
            "mix",
            "clean",
            "noisy",
            "sigma",
            "learner",
            "holdout NLL",
            "Frechet (RFF)",
            "iterations",
            "strategy"),
        table);
    report
        .metric("fits", results.size())
        .metric("components", components)
        .metric("learners", learnerList);
    report.note(
        "The Frechet distance is computed in a fixed random-Fourier-feature embedding of the holdout, a "
            + "CPU stand-in for FID (not FID). Lower is better for both metrics.");
  }
}
