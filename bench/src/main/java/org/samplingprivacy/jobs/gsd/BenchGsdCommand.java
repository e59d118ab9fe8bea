package org.samplingprivacy.jobs.gsd;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.samplingprivacy.jobs.cli.SparkOptions;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.ProgressLog;
import org.samplingprivacy.jobs.runner.SparkSessions;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-gsd}: child evaluations per second of the Private-GSD genetic algorithm on a real
 * workload, with incremental fitness on one thread and on all cores, against the same GA scoring
 * each child by recounting every query over all N′ rows (the from-scratch baseline), in one JVM.
 * Targets are the table's true answers (a benchmark, not a release). The GA runs a fixed number of
 * generations with the stall rule off.
 */
@Command(
    name = "bench-gsd",
    description =
        "Time the Private-GSD genetic algorithm: incremental vs from-scratch "
            + "fitness, one thread vs all cores; print rates and ratios.")
public final class BenchGsdCommand implements Callable<Integer> {
  @Option(names = "--input", paramLabel = "PATH", description = "Table whose answers are targets.")
  String input;

  @Option(names = "--domain", paramLabel = "FILE", description = "Domain JSON of the columns.")
  String domainFile;

  @Option(names = "--columns", paramLabel = "C1,C2", description = "Columns to synthesise.")
  String columns;

  @Option(
      names = "--workload",
      paramLabel = "W",
      defaultValue = "marginals:3",
      description = "Workload.")
  String workload;

  @Option(
      names = "--rows",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Synthetic rows.")
  int rows;

  @Option(
      names = "--generations",
      paramLabel = "G",
      defaultValue = "20000",
      description = "Generations per incremental run.")
  long generations;

  @Option(
      names = "--baseline-generations",
      paramLabel = "G",
      defaultValue = "20",
      description = "Generations of the from-scratch baseline.")
  long baselineGenerations;

  @Option(
      names = "--population",
      paramLabel = "P",
      defaultValue = "100",
      description = "Children per generation.")
  int population;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed.")
  long seed;

  @Mixin SparkOptions sparkOptions;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    Params.requirePresent("--input", input);
    Params.requirePresent("--domain", domainFile);
    Params.requirePresent("--columns", columns);
    SparkSession spark = SparkSessions.getOrCreate("bench-gsd", sparkOptions);
    List<String> names = Arrays.asList(columns.split(","));
    Domain domain = Domain.read(domainFile).select(names, "(--columns)");
    QuerySet q = new QuerySet(WorkloadSpec.parse(workload, domain, seed), domain.size());
    Dataset<Row> data =
        TableIO.read(spark, "--input", input, null)
            .data()
            .select(names.stream().map(n -> Columns.named(n)).toArray(Column[]::new));
    TrueAnswers.Counts counts = TrueAnswers.compute(data, domain, q);
    double[] target = new double[q.size()];
    for (int j = 0; j < target.length; j++) {
      target[j] = counts.counts()[j] / (double) counts.rows();
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "workload %s over %d columns: %d workloads, %d queries; %d synthetic rows, population %d%n",
        workload,
        names.size(),
        q.workloads().size(),
        q.size(),
        rows,
        population);
    int cores = Runtime.getRuntime().availableProcessors();
    run(domain, q, target, 1, Math.min(2000, generations), false); // JIT warm-up, untimed
    GeneticSynthesizer.Result one = run(domain, q, target, 1, generations, false);
    GeneticSynthesizer.Result all = run(domain, q, target, cores, generations, false);
    GeneticSynthesizer.Result full = run(domain, q, target, 1, baselineGenerations, true);
    out.printf(
        Locale.ROOT,
        "incremental, 1 thread: %d generations in %.2f s = %.3g child evaluations/s%n",
        one.generations(),
        one.seconds(),
        one.evaluationsPerSecond());
    out.printf(
        Locale.ROOT,
        "incremental, %d threads: %d generations in %.2f s = %.3g child evaluations/s "
            + "(ratio to 1 thread %.2f)%n",
        cores,
        all.generations(),
        all.seconds(),
        all.evaluationsPerSecond(),
        all.evaluationsPerSecond() / one.evaluationsPerSecond());
    out.printf(
        Locale.ROOT,
        "from scratch, 1 thread: %d generations in %.2f s = %.3g child evaluations/s%n",
        full.generations(),
        full.seconds(),
        full.evaluationsPerSecond());
    out.printf(
        Locale.ROOT,
        "ratio incremental/from-scratch (1 thread): %.0f%n",
        one.evaluationsPerSecond() / full.evaluationsPerSecond());
    out.flush();
    return 0;
  }

  private GeneticSynthesizer.Result run(
      Domain domain, QuerySet q, double[] target, int threads, long gens, boolean fromScratch) {
    double[] weight = new double[q.size()];
    Arrays.fill(weight, 1);
    SyntheticStatistics s =
        SyntheticStatistics.of(
            q,
            GeneticSynthesizer.uniformRows(domain, rows, new SplittableRandom(seed)),
            rows,
            domain.size(),
            target.clone(),
            weight);
    GeneticSynthesizer.Settings settings =
        new GeneticSynthesizer.Settings(population, 5, gens, Long.MAX_VALUE / 2, threads);
    return fromScratch
        ? GeneticSynthesizer.withFullRecompute(s, domain, settings, seed)
            .run(ProgressLog.SILENT, "generations")
        : GeneticSynthesizer.of(s, domain, settings, seed).run(ProgressLog.SILENT, "generations");
  }
}
