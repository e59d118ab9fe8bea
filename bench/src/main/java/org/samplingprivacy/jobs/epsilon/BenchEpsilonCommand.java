package org.samplingprivacy.jobs.epsilon;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.samplingprivacy.udfs.StableHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-epsilon}: Bayesian ε intervals per second on one core (two quantiles each, to about
 * 1e-9), and ε(δ) curves per second (lower bound and interval at 100 log-spaced δ), against
 * Clopper–Pearson intervals and curves of the same counts in the same JVM. The counts span 100 to
 * 100,000 challenges per class and FPR/FNR from 0 to 0.45, fixed by the seed. Timed after one
 * untimed pass over the same work (JIT warm-up).
 */
@Command(
    name = "bench-epsilon",
    description =
        "Time Bayesian epsilon intervals and curves against Clopper-Pearson, " + "print rates.")
public final class BenchEpsilonCommand implements Callable<Integer> {
  @Option(
      names = "--intervals",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Intervals to time.")
  int intervals;

  @Option(
      names = "--curves",
      paramLabel = "N",
      defaultValue = "20",
      description = "Curves to time (100 delta values each).")
  int curves;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "Seed of the counts.")
  long seed;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  private static final double ALPHA = 0.05;
  private static final double DELTA = 1e-5;

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
    double[] deltas = EpsilonCurve.logGrid(1e-10, 1e-1, 100);
    double sink = 0;
    long[] bayes = new long[2];
    long[] cp = new long[2];
    long[] bayesCurves = new long[2];
    long[] cpCurves = new long[2];
    int cpReps = 20;
    for (int pass = 0; pass < 2; pass++) { // pass 0 warms the JIT up; pass 1 is timed
      long t0 = System.nanoTime();
      for (AttackCounts c : counts) {
        EpsilonPosterior p = EpsilonPosterior.of(c, 0.5, DELTA);
        sink += p.quantile(ALPHA / 2) + p.quantile(1 - ALPHA / 2);
      }
      long t1 = System.nanoTime();
      for (int r = 0; r < cpReps; r++) {
        for (AttackCounts c : counts) {
          sink += ClopperPearson.interval(c, ALPHA, DELTA)[0];
        }
      }
      long t2 = System.nanoTime();
      for (int i = 0; i < curves; i++) {
        for (EpsilonCurve.Point pt :
            EpsilonCurve.bayes(counts.get(i % counts.size()), 0.5, ALPHA, deltas)) {
          sink += pt.lowerBound() + pt.hi();
        }
      }
      long t3 = System.nanoTime();
      for (int r = 0; r < cpReps; r++) {
        for (int i = 0; i < curves; i++) {
          AttackCounts c = counts.get(i % counts.size());
          for (double d : deltas) {
            sink += ClopperPearson.lowerBound(c, ALPHA, d);
          }
        }
      }
      long t4 = System.nanoTime();
      bayes[pass] = t1 - t0;
      cp[pass] = t2 - t1;
      bayesCurves[pass] = t3 - t2;
      cpCurves[pass] = t4 - t3;
    }
    double bayesRate = intervals / (bayes[1] / 1e9);
    double cpRate = (double) intervals * cpReps / (cp[1] / 1e9);
    double curveRate = curves / (bayesCurves[1] / 1e9);
    double cpCurveRate = (double) curves * cpReps / (cpCurves[1] / 1e9);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        String.format(
            Locale.ROOT,
            "Bayesian intervals: %d in %.3f s = %.1f intervals/s (one core; goal 1000)",
            intervals,
            bayes[1] / 1e9,
            bayesRate));
    out.println(String.format(Locale.ROOT, "Clopper-Pearson intervals: %.0f intervals/s", cpRate));
    out.println(
        String.format(
            Locale.ROOT,
            "ratio Bayesian/Clopper-Pearson time per interval: %.1f",
            cpRate / bayesRate));
    out.println(
        String.format(
            Locale.ROOT,
            "Bayesian epsilon(delta) curves (%d deltas, bound and interval): %.2f "
                + "curves/s; Clopper-Pearson curves: %.0f curves/s",
            deltas.length,
            curveRate,
            cpCurveRate));
    out.println(String.format(Locale.ROOT, "(checksum %.6f)", sink));
    out.flush();
    return 0;
  }
}
