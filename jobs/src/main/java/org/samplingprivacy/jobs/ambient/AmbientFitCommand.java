package org.samplingprivacy.jobs.ambient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ambient-fit}: scaling laws error(n) = a·n^(−b) + c per (learner, clean fraction, σ) of a
 * study's results (or of external results such as FID tables of real diffusion runs), with
 * bootstrap intervals; and, by inverting the all-clean curve, the clean-equivalent size n_eq of
 * each mix and the value of one noisy sample v = (n_eq − n_clean)/n_noisy
 * (docs/design/ambient-study.md §4; the paper's "pricing" of noisy data, Daras et al. ICLR 2025).
 */
@Command(
    name = "ambient-fit",
    description =
        "Fit scaling laws to study (or external FID) results and price noisy "
            + "samples in clean-sample equivalents.")
public final class AmbientFitCommand extends JobCommand {
  @Option(
      names = "--results",
      paramLabel = "PATH",
      description = "Results table written by ambient-study.")
  String results;

  @Option(
      names = "--external",
      paramLabel = "CSV",
      description =
          "External results: columns dataset, n_clean, "
              + "n_noisy, sigma, fid and optionally fid_std (e.g. data/ambient/table1.csv).")
  String external;

  @Option(
      names = "--metric",
      paramLabel = "M",
      defaultValue = "frechet_rff",
      description =
          "Study metric to fit: frechet_rff (floor >= 0) or holdout_nll (floor of any sign).")
  String metric;

  @Option(
      names = "--bootstrap",
      paramLabel = "B",
      defaultValue = "200",
      description = "Bootstrap refits.")
  int bootstrap;

  @Option(
      names = "--level",
      paramLabel = "L",
      defaultValue = "0.95",
      description = "Interval level.")
  double level;

  /** One observation: n_clean, n_noisy, σ, error (and its std for external results, else NaN). */
  record Point(long nClean, long nNoisy, double sigma, double error, double std) {
    long size() {
      return nClean + nNoisy;
    }

    double cleanFraction() {
      return size() == 0 ? 0 : nClean / (double) size();
    }
  }

  @Override
  protected void validateParameters() {
    if (results == null && external == null) {
      throw new InputException("give --results, --external or both");
    }
    Params.requirePresent("--output", common.output);
    Params.requireOneOf("--metric", metric, "frechet_rff", "holdout_nll");
    Params.requireInRange("--bootstrap", bootstrap, 10, 100_000);
    if (!(level > 0 && level < 1)) {
      throw new InputException("--level must be in (0, 1), got " + level);
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    Map<String, List<Point>> groups = new LinkedHashMap<>(); // "source|learner|metric" -> points
    if (results != null) {
      SourceTable r = ctx.read("--results", results);
      TableChecks.requireColumns(
          r.data(),
          "--results " + results,
          List.of("learner", "n_clean", "n_noisy", "sigma", metric));
      for (Row x :
          r.data().select("learner", "n_clean", "n_noisy", "sigma", metric).collectAsList()) {
        groups
            .computeIfAbsent("study|" + x.getString(0) + "|" + metric, k -> new ArrayList<>())
            .add(new Point(x.getInt(1), x.getInt(2), x.getDouble(3), x.getDouble(4), Double.NaN));
      }
    }
    if (external != null) {
      SourceTable e = ctx.read("--external", external);
      String t = "--external " + external;
      TableChecks.requireColumns(
          e.data(), t, List.of("dataset", "n_clean", "n_noisy", "sigma", "fid"));
      TableChecks.requireNumeric(e.data(), t, List.of("n_clean", "n_noisy", "sigma", "fid"));
      boolean hasStd = Arrays.asList(e.data().columns()).contains("fid_std");
      Dataset<Row> sel =
          e.data()
              .selectExpr(
                  "cast(dataset as string)",
                  "cast(n_clean as bigint)",
                  "cast(n_noisy as bigint)",
                  "cast(sigma as double)",
                  "cast(fid as double)",
                  hasStd ? "cast(fid_std as double)" : "cast(null as double)");
      for (Row x : sel.collectAsList()) {
        if (x.anyNull()
            && (x.isNullAt(0)
                || x.isNullAt(1)
                || x.isNullAt(2)
                || x.isNullAt(3)
                || x.isNullAt(4))) {
          throw new InputException(
              t + " has a row with an empty dataset, n_clean, n_noisy, sigma or fid: " + x);
        }
        groups
            .computeIfAbsent("external:" + x.getString(0) + "|-|fid", k -> new ArrayList<>())
            .add(
                new Point(
                    x.getLong(1),
                    x.getLong(2),
                    x.getDouble(3),
                    x.getDouble(4),
                    x.isNullAt(5) ? Double.NaN : x.getDouble(5)));
      }
    }
    if (groups.isEmpty()) {
      throw new InputException("no results to fit");
    }
    Plan.Builder steps =
        Plan.builder()
            .step("fit " + groups.size() + " result set(s): " + groups.keySet())
            .step(
                "bootstrap "
                    + bootstrap
                    + " refits, "
                    + level
                    + " intervals; write "
                    + common.output);
    return steps.then(
        c -> {
          List<Row> rows = new ArrayList<>();
          for (Map.Entry<String, List<Point>> g : groups.entrySet()) {
            String[] k = g.getKey().split("\\|");
            rows.addAll(fitGroup(k[0], k[1], k[2], g.getValue(), c.seed()));
          }
          c.write(
              AmbientTables.FITS,
              c.spark().createDataFrame(rows, AmbientTables.FITS.columns()),
              common.output,
              out);
          report(c, rows, groups);
        });
  }

  /** The all-clean curve, a curve per (clean fraction, σ), and n_eq and v per mix. */
  List<Row> fitGroup(String source, String learner, String metricName, List<Point> pts, long seed) {
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

  private void report(JobContext c, List<Row> rows, Map<String, List<Point>> groups) {
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
    c.report()
        .table(
            "Scaling laws error(n) = a n^-b + c",
            List.of(
                "results", "kind", "clean fraction", "sigma", "a", "b [interval]", "c", "points"),
            curves);
    c.report()
        .table(
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
    for (Map.Entry<String, List<Point>> g : groups.entrySet()) {
      SvgPlot plot =
          SvgPlot.xy("Error vs mix size: " + g.getKey().replace('|', ' '), "mix size", "error")
              .logX();
      Map<String, TreeMap<Long, Double>> lines = new LinkedHashMap<>();
      for (Point p : g.getValue()) {
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
      c.report().plot(plot);
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
      c.report().plot(v);
    }
    c.report().metric("rows", rows.size()).metric("result_sets", groups.size());
    spec.commandLine().getOut().println("wrote " + rows.size() + " fit rows to " + common.output);
  }
}
