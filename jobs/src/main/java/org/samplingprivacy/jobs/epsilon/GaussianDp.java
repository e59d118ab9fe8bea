package org.samplingprivacy.jobs.epsilon;

import org.apache.commons.numbers.rootfinder.BrentSolver;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;

/**
 * Gaussian differential privacy (Dong, Roth, Su 2022) from the same attack counts: μ-GDP means
 * every test has FNR ≥ Φ(Φ⁻¹(1 − FPR) − μ). Two estimates (docs/design/epsilon-estimate.md §8): the
 * Clopper–Pearson lower bound of Nasr et al. 2023, taken in both decision directions under one
 * budget (the {@code abs(μ)} shortcut is invalid on confidence bounds), and a Bayesian posterior of
 * μ(a, b) = |Φ⁻¹(1 − a) − Φ⁻¹(b)| under the same Beta posteriors as ε. Either converts to ε at δ
 * through δ(ε; μ) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2). GDP assumes a Gaussian trade-off curve:
 * these are not lower bounds on ε without that assumption, and are reported as their own columns.
 */
public final class GaussianDp {
  private static final NormalDistribution PHI = NormalDistribution.of(0, 1);

  private GaussianDp() {}

  /**
   * μ(a, b) = |Φ⁻¹(1 − a) − Φ⁻¹(b)|, the least μ whose trade-off curve admits the test (a, b) or
   * its flip.
   */
  public static double mu(double a, double b) {
    return Math.abs(PHI.inverseSurvivalProbability(a) - PHI.inverseCumulativeProbability(b));
  }

  /** δ(ε; μ) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2): the δ at which μ-GDP implies (ε, δ)-DP. */
  public static double delta(double eps, double mu) {
    if (mu <= 0) {
      return 0;
    }
    return PHI.cumulativeProbability(-eps / mu + mu / 2)
        - Math.exp(eps) * PHI.cumulativeProbability(-eps / mu - mu / 2);
  }

  /** The least ε ≥ 0 with δ(ε; μ) ≤ δ (δ decreases in ε); +∞ for μ &gt; 0 at δ = 0. */
  public static double epsilon(double mu, double delta) {
    if (mu <= 0 || delta(0, mu) <= delta) {
      return 0;
    }
    if (delta <= 0 || Double.isInfinite(mu)) {
      return Double.POSITIVE_INFINITY;
    }
    double hi = 1;
    while (delta(hi, mu) > delta) {
      hi *= 2;
      if (hi > 1e6) {
        return Double.POSITIVE_INFINITY;
      }
    }
    return new BrentSolver(1e-12, 1e-14, 1e-300).findRoot(e -> delta(e, mu) - delta, 0, hi);
  }

  /**
   * Clopper–Pearson lower bound on μ at significance α, both directions: α/2 per direction, each
   * from upper bounds on its two error rates at α/4. Direction 1: Φ⁻¹(1 − FPR_ub) − Φ⁻¹(FNR_ub);
   * direction 2 (flipped guesses, rates 1 − FPR and 1 − FNR): Φ⁻¹(FPR_lb) − Φ⁻¹(1 − FNR_lb).
   */
  public static double cpLowerBound(AttackCounts c, double alpha) {
    double g = alpha / 4;
    double fprUb = ClopperPearson.upper(c.fp(), c.nonMembers(), g);
    double fnrUb = ClopperPearson.upper(c.fn(), c.members(), g);
    double fprLb = ClopperPearson.lower(c.fp(), c.nonMembers(), g);
    double fnrLb = ClopperPearson.lower(c.fn(), c.members(), g);
    double d1 = PHI.inverseSurvivalProbability(fprUb) - PHI.inverseCumulativeProbability(fnrUb);
    double d2 = PHI.inverseCumulativeProbability(fprLb) - PHI.inverseSurvivalProbability(fnrLb);
    double best = Math.max(d1, d2);
    return Double.isNaN(best) || best < 0 ? 0 : best;
  }

  /** The posterior of μ(a, b) given the counts, under Beta(κ, κ) priors. */
  public static final class Posterior {
    private final BetaDistribution b;
    private final BetaDistribution bFlipped;
    private final BetaWeightedIntegral overA;

    public Posterior(AttackCounts c, double kappa) {
      BetaDistribution a = BetaDistribution.of(c.fp() + kappa, c.tn() + kappa);
      this.b = BetaDistribution.of(c.fn() + kappa, c.tp() + kappa);
      this.bFlipped = BetaDistribution.of(c.tp() + kappa, c.fn() + kappa);
      this.overA = new BetaWeightedIntegral(a, new GaussKronrod(1e-12, 1e-9));
    }

    /** F(m) = ∫ p_a(x) [F_b(Φ(z_x + m)) − F_b(Φ(z_x − m))] dx, z_x = Φ⁻¹(1 − x). */
    public double cdf(double m) {
      if (m < 0) {
        return 0;
      }
      return Math.min(
          1,
          overA.integrate(
              x -> {
                double z = PHI.inverseSurvivalProbability(x);
                return b.probability(
                    PHI.cumulativeProbability(z - m), PHI.cumulativeProbability(z + m));
              },
              new double[0]));
    }

    /**
     * S(m) = ∫ p_a(x) [F_b(Φ(z − m)) + S_b(Φ(z + m))] dx, with S_b(Φ(y)) = F_{1−b}(Φ(−y)) for
     * accuracy.
     */
    public double survival(double m) {
      if (m < 0) {
        return 1;
      }
      return Math.min(
          1,
          overA.integrate(
              x -> {
                double z = PHI.inverseSurvivalProbability(x);
                return b.cumulativeProbability(PHI.cumulativeProbability(z - m))
                    + bFlipped.cumulativeProbability(PHI.cumulativeProbability(-z - m));
              },
              new double[0]));
    }

    public double quantile(double q) {
      return MonotoneQuantile.find(this::cdf, this::survival, q, 1e3, 1e-9);
    }
  }
}
