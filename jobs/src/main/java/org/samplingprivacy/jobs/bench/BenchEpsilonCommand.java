package org.samplingprivacy.jobs.bench;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.samplingprivacy.jobs.epsilon.AttackCounts;
import org.samplingprivacy.jobs.epsilon.ClopperPearson;
import org.samplingprivacy.jobs.epsilon.EpsilonPosterior;
import org.samplingprivacy.udfs.StableHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-epsilon}: Bayesian ε intervals per second on one core (two quantiles each, root tolerance 1e-9),
 * against Clopper–Pearson intervals of the same counts in the same JVM. The counts span 100 to 100,000 challenges
 * per class and FPR/FNR from 0 to 0.45, fixed by the seed.
 */
@Command(name = "bench-epsilon", description = "Time Bayesian epsilon intervals against Clopper-Pearson, print rates.")
public final class BenchEpsilonCommand implements Callable<Integer> {
  @Option(names = "--intervals", paramLabel = "N", defaultValue = "200", description = "Intervals to time.")
  int intervals;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the counts.")
  long seed;

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    List<AttackCounts> counts = new ArrayList<>();
    for (int i = 0; i < intervals; i++) {
      long n = (long) Math.pow(10, 2 + 3 * StableHash.uniform(i, StableHash.streamSeed(seed, 1)));
      double fpr = 0.45 * StableHash.uniform(i, StableHash.streamSeed(seed, 2));
      double fnr = 0.45 * StableHash.uniform(i, StableHash.streamSeed(seed, 3));
      long fp = Math.round(fpr * n);
      long fn = Math.round(fnr * n);
      counts.add(new AttackCounts(n - fn, fn, n - fp, fp));
    }
    double alpha = 0.05;
    double delta = 1e-5;
    double sink = 0;
    // Warm-up of both, untimed (JIT).
    for (int i = 0; i < Math.min(20, intervals); i++) {
      sink += EpsilonPosterior.of(counts.get(i), 0.5, delta).quantile(alpha / 2);
      sink += ClopperPearson.interval(counts.get(i), alpha, delta)[0];
    }
    long t0 = System.nanoTime();
    for (AttackCounts c : counts) {
      EpsilonPosterior p = EpsilonPosterior.of(c, 0.5, delta);
      sink += p.quantile(alpha / 2) + p.quantile(1 - alpha / 2);
    }
    long t1 = System.nanoTime();
    int cpReps = 50;
    for (int r = 0; r < cpReps; r++) {
      for (AttackCounts c : counts) {
        double[] cp = ClopperPearson.interval(c, alpha, delta);
        sink += cp[0];
      }
    }
    long t2 = System.nanoTime();
    double bayesRate = intervals / ((t1 - t0) / 1e9);
    double cpRate = (double) intervals * cpReps / ((t2 - t1) / 1e9);
    PrintWriter out = spec.commandLine().getOut();
    out.println(String.format(Locale.ROOT, "Bayesian intervals: %d in %.3f s = %.1f intervals/s (one core)",
        intervals, (t1 - t0) / 1e9, bayesRate));
    out.println(String.format(Locale.ROOT, "Clopper-Pearson intervals: %.0f intervals/s", cpRate));
    out.println(String.format(Locale.ROOT, "ratio Bayesian/Clopper-Pearson time per interval: %.1f", cpRate / bayesRate));
    out.println(String.format(Locale.ROOT, "(checksum %.6f)", sink));
    out.flush();
    return 0;
  }
}
