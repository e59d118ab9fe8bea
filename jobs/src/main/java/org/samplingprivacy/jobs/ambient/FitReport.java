package org.samplingprivacy.jobs.ambient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.Report;
import org.samplingprivacy.jobs.report.SvgPlot;

/** The report of {@code ambient-fit}: the curves and values tables and the value-per-σ plots. */
final class FitReport {
  private FitReport() {}

  static void write(Report report, List<Row> rows, Map<String, List<ScalingLawFits.Point>> groups) {
    List<List<Object>> curves = new ArrayList<>();
    List<List<Object>> values = new ArrayList<>();
    Map<String, TreeMap<Double, List<Double>>> valueBySigma = new LinkedHashMap<>();
    for (Row r : rows) {
      String who = r.getString(0) + " " + r.getString(1);
      if (r.getString(3).endsWith("curve")) {
        curves.add(
            List.of(
                who,
                r.getString(3),
                Numbers.sig4(r.getDouble(4)),
                Numbers.sig4(r.getDouble(5)),
                Numbers.sig4(r.getDouble(9)),
                Numbers.sig4(r.getDouble(10))
                    + " ["
                    + Numbers.sig4(r.getDouble(11))
                    + ", "
                    + Numbers.sig4(r.getDouble(12))
                    + "]",
                Numbers.sig4(r.getDouble(13)),
                r.getInt(14)));
      } else {
        values.add(
            List.of(
                who,
                r.getLong(6),
                r.getLong(7),
                Numbers.sig4(r.getDouble(5)),
                Numbers.sig4(r.getDouble(8)),
                r.isNullAt(15)
                    ? "-"
                    : Numbers.sig4(r.getDouble(15))
                        + " ["
                        + Numbers.sig4(r.getDouble(16))
                        + ", "
                        + Numbers.sig4(r.getDouble(17))
                        + "]",
                r.isNullAt(18)
                    ? "-"
                    : Numbers.sig4(r.getDouble(18))
                        + " ["
                        + Numbers.sig4(r.getDouble(19))
                        + ", "
                        + Numbers.sig4(r.getDouble(20))
                        + "]",
                r.isNullAt(21) ? "" : r.getString(21)));
        if (!r.isNullAt(18)) {
          valueBySigma
              .computeIfAbsent(
                  who
                      + String.format(
                          Locale.ROOT, " f=%.2f n=%d", r.getDouble(4), r.getLong(6) + r.getLong(7)),
                  k -> new TreeMap<>())
              .computeIfAbsent(r.getDouble(5), k -> new ArrayList<>())
              .add(r.getDouble(18));
        }
      }
    }
    report.table(
        "Scaling laws error(n) = a n^-b + c",
        List.of("results", "kind", "clean fraction", "sigma", "a", "b [interval]", "c", "points"),
        curves);
    report.table(
        "Value of a noisy sample (clean-sample equivalents)",
        List.of(
            "results",
            "n clean",
            "n noisy",
            "sigma",
            "error",
            "n_eq [interval]",
            "value [interval]",
            "note"),
        values);
    for (Map.Entry<String, List<ScalingLawFits.Point>> g : groups.entrySet()) {
      SvgPlot plot =
          SvgPlot.xy("Error vs mix size: " + g.getKey().replace('|', ' '), "mix size", "error")
              .logX();
      Map<String, TreeMap<Long, Double>> lines = new LinkedHashMap<>();
      for (ScalingLawFits.Point p : g.getValue()) {
        String name =
            p.nNoisy() == 0
                ? "all clean"
                : String.format(
                    Locale.ROOT, "f=%.2f sigma=%s", p.cleanFraction(), Numbers.exact(p.sigma()));
        lines
            .computeIfAbsent(name, k -> new TreeMap<>())
            .merge(p.size(), p.error(), (a, b) -> (a + b) / 2);
      }
      int shown = 0;
      for (Map.Entry<String, TreeMap<Long, Double>> l : lines.entrySet()) {
        if (shown++ >= 10) {
          break;
        }
        plot.line(
            l.getKey(),
            l.getValue().keySet().stream().mapToDouble(Long::doubleValue).toArray(),
            l.getValue().values().stream().mapToDouble(Double::doubleValue).toArray());
      }
      report.plot(plot);
    }
    if (!valueBySigma.isEmpty()) {
      SvgPlot v =
          SvgPlot.xy(
              "Value of a noisy sample against sigma", "sigma", "clean samples per noisy sample");
      int shown = 0;
      for (Map.Entry<String, TreeMap<Double, List<Double>>> e : valueBySigma.entrySet()) {
        if (e.getValue().size() < 2 || shown++ >= 10) {
          continue;
        }
        v.points(
            e.getKey(),
            e.getValue().keySet().stream().mapToDouble(Double::doubleValue).toArray(),
            e.getValue().values().stream()
                .mapToDouble(
                    l -> l.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN))
                .toArray());
      }
      report.plot(v);
    }
    report.metric("rows", rows.size()).metric("result_sets", groups.size());
  }
}
