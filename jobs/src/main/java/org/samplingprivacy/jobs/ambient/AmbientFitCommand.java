package org.samplingprivacy.jobs.ambient;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
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
    Map<String, List<ScalingLawFits.Point>> groups =
        new LinkedHashMap<>(); // "source|learner|metric" -> points
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
            .add(
                new ScalingLawFits.Point(
                    x.getInt(1), x.getInt(2), x.getDouble(3), x.getDouble(4), Double.NaN));
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
                new ScalingLawFits.Point(
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
          for (Map.Entry<String, List<ScalingLawFits.Point>> g : groups.entrySet()) {
            String[] k = g.getKey().split("\\|");
            rows.addAll(
                ScalingLawFits.fitGroup(
                    k[0], k[1], k[2], g.getValue(), c.seed(), bootstrap, level));
          }
          c.write(
              AmbientTables.FITS,
              c.spark().createDataFrame(rows, AmbientTables.FITS.columns()),
              common.output,
              out);
          FitReport.write(c.report(), rows, groups);
          spec.commandLine()
              .getOut()
              .println("wrote " + rows.size() + " fit rows to " + common.output);
        });
  }
}
