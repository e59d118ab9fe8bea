package org.samplingprivacy.jobs.ambient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The fits of {@code ambient-fit} (docs/design/ambient-study.md §4): per result set, the all-clean
 * scaling law error(n) = a·n^−b + c, a law per (clean fraction, σ), and each mix's clean-equivalent
 * size n_eq and value per noisy sample, with residual-bootstrap intervals.
 */
final class ScalingLawFits {
  private ScalingLawFits() {}

  /** One observation: n_clean, n_noisy, σ, error (and its std for external results, else NaN). */
  record Point(long nClean, long nNoisy, double sigma, double error, double std) {
    long size() {
      return nClean + nNoisy;
    }

    double cleanFraction() {
      return size() == 0 ? 0 : nClean / (double) size();
    }
  }

  /** The all-clean curve, a curve per (clean fraction, σ), and n_eq and v per mix. */
  static List<Row> fitGroup(
      String source,
      String learner,
      String metricName,
      List<Point> pts,
      long seed,
      int bootstrap,
      double level) {
    List<Row> out = new ArrayList<>();
    PowerLawFit.Floor floor =
        metricName.equals("holdout_nll") ? PowerLawFit.Floor.FREE : PowerLawFit.Floor.NON_NEGATIVE;
    List<Point> clean = pts.stream().filter(p -> p.nNoisy() == 0 && p.nClean() > 0).toList();
    PowerLawFit cleanFit = null;
    List<PowerLawFit> boots = new ArrayList<>();
    if (clean.stream().mapToLong(Point::nClean).distinct().count() >= 2) {
      double[] n = clean.stream().mapToDouble(Point::nClean).toArray();
      double[] e = clean.stream().mapToDouble(Point::error).toArray();
      double[] std =
          clean.stream().allMatch(p -> Double.isFinite(p.std()))
              ? clean.stream().mapToDouble(Point::std).toArray()
              : null;
      cleanFit = PowerLawFit.fit(n, e, floor);
      cleanFit.bootstrap(n, e, std, bootstrap, seed, boots::add);
      double[] bi = PowerLawFit.interval(boots.stream().mapToDouble(f -> f.b).toArray(), level);
      out.add(
          RowFactory.create(
              source,
              learner,
              metricName,
              "clean_curve",
              1.0,
              0.0,
              null,
              null,
              null,
              cleanFit.a,
              cleanFit.b,
              bi[0],
              bi[1],
              cleanFit.c,
              cleanFit.points,
              null,
              null,
              null,
              null,
              null,
              null,
              cleanFit.floor == PowerLawFit.Floor.ZERO && floor != PowerLawFit.Floor.ZERO
                  ? "fewer than 4 clean sizes: floor c fixed at 0"
                  : null));
    }
    Map<String, List<Point>> mixGroups = new TreeMap<>();
    for (Point p : pts) {
      if (p.nNoisy() > 0) {
        mixGroups
            .computeIfAbsent(
                String.format(Locale.ROOT, "%.6f|%.6f", p.cleanFraction(), p.sigma()),
                k -> new ArrayList<>())
            .add(p);
      }
    }
    for (List<Point> g : mixGroups.values()) {
      Point first = g.get(0);
      if (g.stream().mapToLong(Point::size).distinct().count() >= 2
          && g.stream().allMatch(p -> p.error() > 0 || floor == PowerLawFit.Floor.FREE)) {
        try {
          double[] n = g.stream().mapToDouble(Point::size).toArray();
          double[] e = g.stream().mapToDouble(Point::error).toArray();
          PowerLawFit f = PowerLawFit.fit(n, e, floor);
          List<Double> bs = new ArrayList<>();
          f.bootstrap(n, e, null, bootstrap, seed + 1, x -> bs.add(x.b));
          double[] bi =
              PowerLawFit.interval(bs.stream().mapToDouble(Double::doubleValue).toArray(), level);
          out.add(
              RowFactory.create(
                  source,
                  learner,
                  metricName,
                  "mix_curve",
                  first.cleanFraction(),
                  first.sigma(),
                  null,
                  null,
                  null,
                  f.a,
                  f.b,
                  bi[0],
                  bi[1],
                  f.c,
                  f.points,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null,
                  null));
        } catch (IllegalArgumentException ex) {
          // not fittable (e.g. non-positive errors): the per-mix values below still stand
        }
      }
      for (Point p : g) {
        Double neq = null;
        Double neqLo = null;
        Double neqHi = null;
        Double v = null;
        Double vLo = null;
        Double vHi = null;
        String note = null;
        if (cleanFit != null) {
          double x = cleanFit.invert(p.error());
          PowerLawFit cf = cleanFit;
          double[] nb = boots.stream().mapToDouble(f -> f.invert(p.error())).toArray();
          double[] ni = PowerLawFit.interval(nb, level);
          if (Double.isNaN(x)) {
            note = "error at or below the clean floor: value unidentified";
          } else {
            neq = x;
            neqLo = ni[0];
            neqHi = ni[1];
            v = (x - p.nClean()) / p.nNoisy();
            double[] vi =
                PowerLawFit.interval(
                    Arrays.stream(nb).map(y -> (y - p.nClean()) / p.nNoisy()).toArray(), level);
            vLo = vi[0];
            vHi = vi[1];
            double maxClean = clean.stream().mapToLong(Point::nClean).max().orElse(0);
            double minClean = clean.stream().mapToLong(Point::nClean).min().orElse(0);
            if (x > maxClean || x < minClean) {
              note =
                  "n_eq outside the clean sizes fitted ("
                      + (long) minClean
                      + ".."
                      + (long) maxClean
                      + "): extrapolated";
            }
          }
          if (cf.floor == PowerLawFit.Floor.ZERO
              && note == null
              && floor != PowerLawFit.Floor.ZERO) {
            note = "two-point clean curve (c = 0)";
          }
        } else {
          note = "no clean curve (needs all-clean results at 2+ sizes)";
        }
        out.add(
            RowFactory.create(
                source,
                learner,
                metricName,
                "mix_value",
                p.cleanFraction(),
                p.sigma(),
                p.nClean(),
                p.nNoisy(),
                p.error(),
                null,
                null,
                null,
                null,
                null,
                null,
                neq,
                neqLo,
                neqHi,
                v,
                vLo,
                vHi,
                note));
      }
    }
    return out;
  }
}
