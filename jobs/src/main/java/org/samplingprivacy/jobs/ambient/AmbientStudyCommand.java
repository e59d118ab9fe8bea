package org.samplingprivacy.jobs.ambient;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
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
 * {@code ambient-study}: fits every mix of an {@code ambient-mix} table with a Gaussian mixture by
 * extreme deconvolution (each row's known σ) and, as the control, naive EM (σ ignored): the
 * noise-aware proxy learner of the data-mix study (docs/design/ambient-study.md §3). Scored on the
 * clean holdout by mean negative log-likelihood and a Fréchet distance in random Fourier features.
 * Strategy by size: mixes of at most {@code --task-rows} rows are fitted one per Spark task (rows
 * grouped by mix); larger ones one at a time with each EM iteration's E-step run over the rows in
 * executors and merged (sufficient statistics), the driver keeping only the k·d² parameters.
 */
@Command(
    name = "ambient-study",
    description =
        "Fit a noise-aware proxy learner (XD-EM) and naive EM to every data "
            + "mix; score them on the clean holdout.")
public final class AmbientStudyCommand extends JobCommand {
  @Option(
      names = "--mixes",
      paramLabel = "PATH",
      description = "Mixes table written by ambient-mix.")
  String mixes;

  @Option(
      names = "--manifest",
      paramLabel = "PATH",
      description = "Its manifest (default: <mixes>_manifest).")
  String manifest;

  @Option(
      names = "--holdout",
      paramLabel = "PATH",
      description = "Its clean holdout (default: <mixes>_holdout).")
  String holdout;

  @Option(
      names = "--learner",
      paramLabel = "L1,L2",
      defaultValue = "xd-em,naive-em",
      description =
          "Learners: xd-em (uses each row's sigma) and/or naive-em (treats noisy rows as clean).")
  String learners;

  @Option(
      names = "--components",
      paramLabel = "K",
      defaultValue = "5",
      description = "Mixture components.")
  int components;

  @Option(
      names = "--restarts",
      paramLabel = "R",
      defaultValue = "3",
      description =
          "k-means++ initialisations per fit (clean rows when there are enough); the best is kept.")
  int restarts;

  @Option(
      names = "--max-iterations",
      paramLabel = "N",
      defaultValue = "200",
      description = "EM iteration cap.")
  int maxIterations;

  @Option(
      names = "--tolerance",
      paramLabel = "T",
      defaultValue = "1e-6",
      description = "Stop when the mean log-likelihood changes by less than this (relative).")
  double tolerance;

  @Option(
      names = "--ridge",
      paramLabel = "R",
      defaultValue = "1e-6",
      description = "Added to covariance diagonals in each M-step (keeps them positive definite).")
  double ridge;

  @Option(
      names = "--task-rows",
      paramLabel = "N",
      defaultValue = "200000",
      description =
          "Mixes up to this size are fitted one per task; larger ones with distributed E-steps.")
  long taskRows;

  @Option(
      names = "--fd-features",
      paramLabel = "F",
      defaultValue = "64",
      description = "Random Fourier features of the Frechet distance.")
  int fdFeatures;

  @Option(
      names = "--holdout-rows",
      paramLabel = "N",
      defaultValue = "5000",
      description = "Holdout rows used for scoring (the first N by id; the driver holds them).")
  int holdoutRows;

  private List<String> learnerList;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--mixes", mixes);
    Params.requirePresent("--output", common.output);
    learnerList = Params.requireList("--learner", learners);
    for (String l : learnerList) {
      Params.requireOneOf("--learner", l, "xd-em", "naive-em");
    }
    Params.requireInRange("--components", components, 1, 1000);
    Params.requireInRange("--restarts", restarts, 1, 100);
    Params.requireInRange("--max-iterations", maxIterations, 1, 100_000);
    Params.requireInRange("--tolerance", tolerance, 0, 1);
    Params.requireInRange("--ridge", ridge, 0, 1e6);
    Params.requireInRange("--task-rows", taskRows, 1, Long.MAX_VALUE);
    Params.requireInRange("--fd-features", fdFeatures, 2, 4096);
    Params.requireInRange("--holdout-rows", holdoutRows, 10, 10_000_000);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable mixTable = ctx.read("--mixes", mixes);
    SourceTable man = ctx.read("--manifest", AmbientMixCommand.manifestPath(mixes, manifest));
    SourceTable hold = ctx.read("--holdout", AmbientMixCommand.holdoutPath(mixes, holdout));
    TableChecks.requireColumns(
        mixTable.data(), "--mixes " + mixes, List.of("mix_id", "is_noisy", "sigma", "vector"));
    TableChecks.requireColumns(
        man.data(),
        "--manifest",
        List.of("mix_id", "size", "clean_fraction", "sigma", "n_clean", "n_noisy"));
    TableChecks.requireColumns(hold.data(), "--holdout", List.of("sample_id", "vector"));
    List<Row> manifestRows =
        man.data()
            .select("mix_id", "size", "clean_fraction", "sigma", "n_clean", "n_noisy")
            .orderBy("size", "clean_fraction", "sigma")
            .collectAsList(); // one row per mix: small
    if (manifestRows.isEmpty()) {
      throw new InputException("--manifest has no mixes");
    }
    List<Row> heldRows =
        hold.data().orderBy("sample_id").limit(holdoutRows).select("vector").collectAsList();
    if (heldRows.size() < 2) {
      throw new InputException("--holdout has fewer than 2 rows");
    }
    double[][] held =
        heldRows.stream().map(r -> MixSampler.toArray(r.getList(0))).toArray(double[][]::new);
    List<Row> small = manifestRows.stream().filter(r -> r.getInt(1) <= taskRows).toList();
    List<Row> large = manifestRows.stream().filter(r -> r.getInt(1) > taskRows).toList();
    Plan.Builder steps =
        Plan.builder()
            .step(
                "read "
                    + manifestRows.size()
                    + " mixes from "
                    + mixes
                    + ", "
                    + held.length
                    + " holdout rows of dimension "
                    + held[0].length)
            .step(
                "fit "
                    + learnerList
                    + " with "
                    + components
                    + " components, "
                    + restarts
                    + " restarts: "
                    + small.size()
                    + " mixes one per task (<= "
                    + taskRows
                    + " rows), "
                    + large.size()
                    + " with distributed E-steps")
            .step(
                "score on the holdout (NLL, Frechet distance in "
                    + fdFeatures
                    + " random Fourier features); write "
                    + common.output
                    + " ("
                    + out.format().id()
                    + ")");
    return steps.then(
        c -> {
          long seed = c.seed();
          FrechetFeatures fd = FrechetFeatures.of(held, fdFeatures, seed);
          StudyFits.Settings settings =
              new StudyFits.Settings(
                  new XdEm.Settings(components, maxIterations, tolerance, restarts, ridge),
                  learnerList,
                  seed,
                  held,
                  fd);
          // Captured by the task closure (Java serialization): records are not Kryo-serialisable,
          // and the holdout
          // used for scoring is small (--holdout-rows).
          Map<String, Row> byId = new LinkedHashMap<>();
          manifestRows.forEach(r -> byId.put(r.getString(0), r));
          List<Row> results = new ArrayList<>();
          if (!small.isEmpty()) {
            List<String> ids = small.stream().map(r -> r.getString(0)).toList();
            Dataset<Row> rows =
                mixTable
                    .data()
                    .filter(col("mix_id").isin(ids.toArray()))
                    .select("mix_id", "sigma", "is_noisy", "vector", "sample_id");
            Map<String, Row> meta = new LinkedHashMap<>(byId);
            results.addAll(
                c.phase(
                    "fit " + small.size() + " mixes, one per task",
                    () ->
                        rows.groupByKey(
                                (MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
                            .flatMapGroups(
                                (FlatMapGroupsFunction<String, Row, Row>)
                                    (id, it) ->
                                        StudyFits.fitInTask(settings, meta.get(id), it).iterator(),
                                Encoders.row(AmbientTables.STUDY.columns()))
                            .collectAsList())); // one row per mix and learner
          }
          for (Row m : large) {
            results.addAll(
                c.phase(
                    "fit mix " + m.getString(0) + " with distributed E-steps",
                    () -> StudyFits.fitDistributed(mixTable.data(), m, settings)));
          }
          results.sort(
              (x, y) -> {
                int k = Integer.compare(x.getInt(1), y.getInt(1));
                k = k != 0 ? k : Double.compare(x.getDouble(2), y.getDouble(2));
                k = k != 0 ? k : Double.compare(x.getDouble(3), y.getDouble(3));
                return k != 0 ? k : x.getString(6).compareTo(y.getString(6));
              });
          c.write(
              AmbientTables.STUDY,
              c.spark().createDataFrame(results, AmbientTables.STUDY.columns()),
              common.output,
              out);
          StudyReport.write(c.report(), results, components, learnerList);
          spec.commandLine()
              .getOut()
              .println("fitted " + results.size() + " (mix, learner) pairs into " + common.output);
        });
  }
}
