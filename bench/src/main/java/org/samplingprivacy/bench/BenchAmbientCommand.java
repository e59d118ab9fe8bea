package org.samplingprivacy.bench;

import static org.apache.spark.sql.functions.col;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.Main;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-ambient}: times a whole {@code ambient-study} over an {@code ambient-mix} table
 * (every mix, both learners) and, in the same session, one MLlib {@code GaussianMixture} fit of the
 * largest mix with the same number of components; prints mixes per minute and the ratio study time
 * / one MLlib fit.
 */
@Command(
    name = "bench-ambient",
    description =
        "Time ambient-study over every mix against one MLlib GaussianMixture "
            + "fit of the largest mix.")
public final class BenchAmbientCommand extends JobCommand {
  @Option(
      names = "--mixes",
      paramLabel = "PATH",
      description = "Mixes table written by ambient-mix.")
  String mixes;

  @Option(
      names = "--components",
      paramLabel = "K",
      defaultValue = "5",
      description = "Mixture components.")
  int components;

  @Option(
      names = "--restarts",
      paramLabel = "R",
      defaultValue = "2",
      description = "Restarts per study fit.")
  int restarts;

  @Option(
      names = "--tolerance",
      paramLabel = "T",
      defaultValue = "1e-4",
      description = "EM tolerance of the study and of MLlib.")
  double tolerance;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--mixes", mixes);
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--components", components, 1, 1000);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    Dataset<Row> manifest = ctx.read("--manifest", mixes + "_manifest").data();
    List<Row> largest =
        manifest.orderBy(col("size").desc()).limit(1).select("mix_id", "size").collectAsList();
    long count = manifest.count();
    if (largest.isEmpty()) {
      throw new InputException("--mixes " + mixes + " has no mixes");
    }
    String big = largest.get(0).getString(0);
    return Plan.builder()
        .step("ambient-study over " + count + " mixes")
        .step("MLlib GaussianMixture on " + big)
        .then(
            c -> {
              String[] study = {
                "ambient-study",
                "--mixes",
                mixes,
                "--components",
                Integer.toString(components),
                "--restarts",
                Integer.toString(restarts),
                "--tolerance",
                Double.toString(tolerance),
                "--output",
                common.output
              };
              StringWriter err = new StringWriter();
              long t0 = System.nanoTime();
              int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), study);
              long t1 = System.nanoTime();
              if (code != 0) {
                throw new InputException(
                    "bench-ambient: ambient-study exited " + code + ": " + err.toString().trim());
              }
              Dataset<Row> rows =
                  c.spark()
                      .read()
                      .format("delta")
                      .load(mixes)
                      .filter(col("mix_id").equalTo(big))
                      .select(
                          org.apache
                              .spark
                              .ml
                              .functions
                              .array_to_vector(col("vector"))
                              .as("features"))
                      .cache();
              rows.count();
              long t2 = System.nanoTime();
              new GaussianMixture()
                  .setK(components)
                  .setSeed(c.seed())
                  .setTol(tolerance)
                  .setMaxIter(200)
                  .fit(rows);
              long t3 = System.nanoTime();
              rows.unpersist();
              double studySeconds = (t1 - t0) / 1e9;
              double mllibSeconds = (t3 - t2) / 1e9;
              PrintWriter out = spec.commandLine().getOut();
              out.printf(
                  Locale.ROOT,
                  "ambient-study: %d mixes x 2 learners x %d restarts in %.1f s = %.1f mixes/minute%n",
                  count,
                  restarts,
                  studySeconds,
                  count / (studySeconds / 60));
              out.printf(
                  Locale.ROOT,
                  "MLlib GaussianMixture, one fit of %s (%d rows, k = %d): %.1f s%n",
                  big,
                  largest.get(0).getInt(1),
                  components,
                  mllibSeconds);
              out.printf(
                  Locale.ROOT, "ratio study/one MLlib fit: %.1f%n", studySeconds / mllibSeconds);
              c.report()
                  .metric("study_seconds", studySeconds)
                  .metric("mllib_seconds", mllibSeconds)
                  .metric("mixes", count);
            });
  }
}
