package org.samplingprivacy.jobs.audit;

import java.io.Serializable;
import java.util.List;
import org.samplingprivacy.jobs.privacy.DiscreteGaussian;
import org.samplingprivacy.jobs.privacy.RandomBits;
import org.samplingprivacy.jobs.privacy.Rational;

/**
 * White-box trials of a release's measurements (docs/design/privacy-audit.md §2): everything after
 * the noisy answers is post-processing, so the attacker sees them. Noise on untouched queries has
 * the same law under D and D′, so a trial draws only the touched coordinates: y_j − a_j(D) = Δ_j·h
 * + Z_j with h = 1 under D′, Z_j from the release's own mechanism. The attack is the
 * likelihood-ratio test of the claimed Gaussian mechanism, score = Σ_j Δ_j (y_j − a_j(D)) / σ_j² /
 * μ, with the claimed σ_j² and μ = ‖Δ/σ‖₂: N(0, 1) under D and N(μ, 1) under D′ when the
 * implementation keeps its claim, so its trade-off curve is μ-GDP's (Dong, Roth &amp; Su 2022).
 * Each trial's noise is keyed by (seed, trial, hypothesis): the same whatever the partitioning.
 */
public final class WhiteBoxTrials implements Serializable {
  private static final long serialVersionUID = 1L;
  private final int[] change;
  private final String[] sigma2;
  private final double[] weight;
  private final long seed;
  private transient DiscreteGaussian[] noise;

  /**
   * @param touched the queries D and D′ differ in
   * @param actualSigma2 the implementation's σ² per workload (the mechanism under audit)
   * @param claimedSigma2 the claimed σ² per workload (the accounting the release states)
   */
  public WhiteBoxTrials(
      List<Neighbours.Touched> touched,
      Rational[] actualSigma2,
      double[] claimedSigma2,
      long seed) {
    int k = touched.size();
    this.change = new int[k];
    this.sigma2 = new String[k];
    this.weight = new double[k];
    double mu2 = 0;
    for (int i = 0; i < k; i++) {
      Neighbours.Touched t = touched.get(i);
      change[i] = t.change();
      sigma2[i] = actualSigma2[t.workload()].toString();
      weight[i] = t.change() / claimedSigma2[t.workload()];
      mu2 += 1 / claimedSigma2[t.workload()];
    }
    double mu = Math.sqrt(mu2);
    for (int i = 0; i < k; i++) {
      weight[i] /= mu;
    }
    this.seed = seed;
  }

  /**
   * The attack's μ = ‖Δ/σ‖₂ under the claimed σ (the mean of the score under D′ if the claim
   * holds).
   */
  public static double claimedMu(List<Neighbours.Touched> touched, double[] claimedSigma2) {
    double mu2 = 0;
    for (Neighbours.Touched t : touched) {
      mu2 += 1 / claimedSigma2[t.workload()];
    }
    return Math.sqrt(mu2);
  }

  /**
   * The attack's score in trial {@code trial} under hypothesis {@code member} (true: D′, the canary
   * is in).
   */
  public double score(long trial, boolean member) {
    if (noise == null) {
      noise = new DiscreteGaussian[change.length];
      for (int i = 0; i < change.length; i++) {
        noise[i] = DiscreteGaussian.withSigma2(Rational.parse(sigma2[i]));
      }
    }
    RandomBits bits = RandomBits.simulation(TrialKeys.key(seed, trial, member));
    double s = 0;
    for (int i = 0; i < change.length; i++) {
      long y = (member ? change[i] : 0) + noise[i].sample(bits);
      s += weight[i] * y;
    }
    return s;
  }
}
