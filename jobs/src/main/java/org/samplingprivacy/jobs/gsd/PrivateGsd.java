package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.privacy.DiscreteGaussianMechanism;
import org.samplingprivacy.jobs.privacy.ExponentialSelection;
import org.samplingprivacy.jobs.privacy.ZcdpAccountant;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.runner.ProgressLog;

/**
 * Private-GSD (Liu, Tang, Vietri &amp; Wu, ICML 2023, Algorithms 1 and 2) on the workload's true
 * counts, without Spark: measure the workloads through the accountant, then fit N′ synthetic rows
 * to the noisy answers with the genetic algorithm. One-shot: every workload measured once at ρ/m.
 * Adaptive: T rounds, each an exponential-mechanism selection of K unmeasured workloads at ρ/(2T)
 * (score: a workload's largest absolute error of the current synthetic answers, in integer units of
 * 1/(n·N′), sensitivity N′) and K measurements at ρ/(2TK) each, then a GA fit. Either way the
 * shares sum to ρ exactly. Everything after the measurements is post-processing
 * (docs/design/private-gsd.md).
 */
public final class PrivateGsd {
  private PrivateGsd() {}

  /**
   * Bugs an audit must catch, planted by tests only (privacy-audit's power tests): no option or
   * configuration reaches this field, and production code never sets it.
   */
  enum PlantedBug {
    NONE,
    /** σ three times too small: the share is treated as 9 times larger. */
    SIGMA_DIVIDED_BY_3,
    /** The L2 sensitivity understated by √2: Δ² halved. */
    SENSITIVITY_UNDERSTATED,
    /** The genetic algorithm fitted to the true answers: the noise is drawn and ignored. */
    NO_NOISE
  }

  static volatile PlantedBug plantedBug = PlantedBug.NONE;

  /** The release's shape. */
  public record Settings(
      boolean adaptive,
      int rounds,
      int perRound,
      int rows,
      GeneticSynthesizer.Settings ga,
      long seed)
      implements java.io.Serializable {}

  /** One workload's measurement. */
  public record Measurement(int workload, String kind, DiscreteGaussianMechanism mechanism) {}

  /**
   * What a release produced: the noisy answers (clipped to [0, 1]), what was measured, the fitted
   * rows.
   */
  public record Release(
      double[] noisy,
      boolean[] measured,
      List<Measurement> measurements,
      SyntheticStatistics stats,
      List<GeneticSynthesizer.Result> fits) {}

  /** Names a phase of the run (Spark UI, logs) around work that has no result. */
  public interface Phases {
    void run(String phase, Runnable work);
  }

  public static Release run(
      Domain domain,
      QuerySet queries,
      TrueAnswers.Counts truth,
      Settings s,
      ZcdpAccountant accountant,
      Phases phases,
      ProgressLog.Factory progress) {
    int m = queries.workloads().size();
    long n = truth.rows();
    double[] noisy = new double[queries.size()];
    double[] weight = new double[queries.size()];
    boolean[] measured = new boolean[m];
    List<Measurement> measurements = new ArrayList<>();
    SplittableRandom gaRandom = new SplittableRandom(s.seed());
    double[] start = GeneticSynthesizer.uniformRows(domain, s.rows(), gaRandom.split());
    SyntheticStatistics stats =
        SyntheticStatistics.of(
            queries,
            start,
            s.rows(),
            domain.size(),
            new double[queries.size()],
            new double[queries.size()]);
    List<GeneticSynthesizer.Result> fits = new ArrayList<>();
    ZcdpBudget rho = accountant.budget();
    if (!s.adaptive()) {
      ZcdpBudget share = rho.share(m);
      for (int w = 0; w < m; w++) {
        measurements.add(measure(w, share, queries, truth, noisy, weight, measured, accountant));
      }
      stats.reweight(noisy, weight);
      phases.run(
          "genetic algorithm",
          () ->
              fits.add(
                  GeneticSynthesizer.of(stats, domain, s.ga(), gaRandom.nextLong())
                      .run(progress, "genetic algorithm generations")));
    } else {
      ZcdpBudget selectShare = rho.share(2L * s.rounds());
      ZcdpBudget measureShare = rho.share(2L * s.rounds() * s.perRound());
      for (int t = 0; t < s.rounds(); t++) {
        long[] scores = new long[m];
        boolean[] candidate = new boolean[m];
        for (int w = 0; w < m; w++) {
          candidate[w] = !measured[w];
          for (int j = queries.start(w); j < queries.start(w + 1); j++) {
            // |true_j − syn_j| · n·N′ = |count_j·N′ − S_j·n|: an integer, changed by at most N′ by
            // one row.
            long gap =
                Math.abs(
                    Math.subtractExact(
                        Math.multiplyExact(truth.counts()[j], (long) s.rows()),
                        Math.multiplyExact((long) stats.count(j), n)));
            scores[w] = Math.max(scores[w], gap);
          }
        }
        List<Integer> chosen =
            accountant.select(
                "round " + (t + 1) + ": select " + s.perRound() + " workload(s)",
                ExponentialSelection.forShare(s.perRound(), s.rows(), selectShare),
                scores,
                candidate);
        for (int w : chosen) {
          measurements.add(
              measure(w, measureShare, queries, truth, noisy, weight, measured, accountant));
        }
        stats.reweight(noisy, weight);
        int round = t + 1;
        phases.run(
            "genetic algorithm, round " + round,
            () ->
                fits.add(
                    GeneticSynthesizer.of(stats, domain, s.ga(), gaRandom.nextLong())
                        .run(progress, "genetic algorithm generations, round " + round)));
      }
    }
    return new Release(noisy, measured, measurements, stats, fits);
  }

  /**
   * The measurement of one workload at a budget share: the release's mechanism, and the one
   * privacy-audit simulates, so an audit tests the code that releases.
   */
  public static DiscreteGaussianMechanism mechanismFor(Workload wl, ZcdpBudget share) {
    return switch (plantedBug) {
      case SIGMA_DIVIDED_BY_3 ->
          DiscreteGaussianMechanism.forShare(
              wl.countSensitivitySquared(), wl.size(), share.times(9));
      case SENSITIVITY_UNDERSTATED ->
          DiscreteGaussianMechanism.forShare(
              Math.max(1, wl.countSensitivitySquared() / 2), wl.size(), share);
      default -> DiscreteGaussianMechanism.forShare(wl.countSensitivitySquared(), wl.size(), share);
    };
  }

  private static Measurement measure(
      int w,
      ZcdpBudget share,
      QuerySet queries,
      TrueAnswers.Counts truth,
      double[] noisy,
      double[] weight,
      boolean[] measured,
      ZcdpAccountant accountant) {
    Workload wl = queries.workloads().get(w);
    DiscreteGaussianMechanism g = mechanismFor(wl, share);
    int from = queries.start(w);
    long[] counts = accountant.measure("measure " + wl.name(), g, truth.counts(), from);
    long n = truth.rows();
    for (int j = 0; j < counts.length; j++) {
      long c = plantedBug == PlantedBug.NO_NOISE ? truth.counts()[from + j] : counts[j];
      double a = c / (double) n; // post-processing of the integer release
      noisy[from + j] = a < 0 ? 0 : a > 1 ? 1 : a;
    }
    Arrays.fill(weight, from, from + counts.length, 1.0);
    measured[w] = true;
    return new Measurement(w, wl.kind(), g);
  }
}
