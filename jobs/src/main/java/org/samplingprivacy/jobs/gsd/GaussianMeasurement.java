package org.samplingprivacy.jobs.gsd;

import java.util.random.RandomGenerator;

/**
 * The Gaussian mechanism on one workload's counts, as a value that carries its privacy map: given the workload's
 * count sensitivity Δ and the ρ it may spend, it fixes σ (discrete Gaussian, {@link DiscreteGaussian#sigmaFor})
 * and states the ρ it costs before anything is measured. Answers are released as (count + noise)/N clipped to
 * [0, 1] (post-processing, note §2.4); N is public under replace-one neighbours.
 */
public record GaussianMeasurement(int workload, double countSensitivity, double rho, double countSigma, long queries) {
  /** A measurement of {@code w} (with {@code queries} queries) spending at most {@code rho}. */
  public static GaussianMeasurement of(int w, Workload workload, double rho) {
    double delta = workload.countSensitivity();
    return new GaussianMeasurement(w, delta, rho, DiscreteGaussian.sigmaFor(delta, rho, workload.size()),
        workload.size());
  }

  /** The ρ this measurement costs (≤ the ρ it was given). */
  public double cost() {
    return DiscreteGaussian.rhoOf(countSensitivity, countSigma, queries);
  }

  /** σ on the answer scale (fraction of rows). */
  public double answerSigma(long n) {
    return countSigma / n;
  }

  /** Writes the noisy answers of this workload's queries [from, from + queries) into {@code noisy}. */
  public void measure(long[] trueCounts, long n, int from, double[] noisy, RandomGenerator rng) {
    DiscreteGaussian g = DiscreteGaussian.withSigma(countSigma);
    for (int j = from; j < from + queries; j++) {
      double a = (trueCounts[j] + g.sample(rng)) / (double) n;
      noisy[j] = a < 0 ? 0 : a > 1 ? 1 : a;
    }
  }
}
