package org.samplingprivacy.jobs.epsilon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;

class GaussianDpAndOneRunTest {
  private static final NormalDistribution PHI = NormalDistribution.of(0, 1);

  @Test
  void gdpConversionMatchesTheClosedFormAndRoundTrips() {
    for (double mu : new double[] {0.3, 1, 2.5}) {
      // At epsilon = 0: delta = Phi(mu/2) - Phi(-mu/2) = 2 Phi(mu/2) - 1.
      assertEquals(2 * PHI.cumulativeProbability(mu / 2) - 1, GaussianDp.delta(0, mu), 1e-15);
      for (double eps : new double[] {0.5, 1, 3}) {
        double d = GaussianDp.delta(eps, mu);
        if (d > 1e-300) {
          assertEquals(eps, GaussianDp.epsilon(mu, d), 1e-9, "mu " + mu + " eps " + eps);
        }
      }
    }
    assertEquals(Double.POSITIVE_INFINITY, GaussianDp.epsilon(1, 0));
    assertEquals(0, GaussianDp.epsilon(0.01, 0.5));
    // mu(a, b) for a test on the 1-GDP curve: b = Phi(Phi^-1(1 - a) - 1).
    double a = 0.1;
    double b = PHI.cumulativeProbability(PHI.inverseSurvivalProbability(a) - 1);
    assertEquals(1, GaussianDp.mu(a, b), 1e-12);
    assertEquals(1, GaussianDp.mu(1 - a, 1 - b), 1e-12, "the flipped test");
  }

  @Test
  void bayesianMuPosteriorMatchesMonteCarlo() {
    AttackCounts c = new AttackCounts(400, 100, 420, 80);
    GaussianDp.Posterior p = new GaussianDp.Posterior(c, 0.5);
    int m = 300_000;
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(7L);
    ContinuousDistribution.Sampler sa =
        BetaDistribution.of(c.fp() + 0.5, c.tn() + 0.5).createSampler(rng);
    ContinuousDistribution.Sampler sb =
        BetaDistribution.of(c.fn() + 0.5, c.tp() + 0.5).createSampler(rng);
    double[] draws = new double[m];
    for (int i = 0; i < m; i++) {
      draws[i] = GaussianDp.mu(sa.sample(), sb.sample());
    }
    for (double x : new double[] {1.5, 1.7, 1.9}) {
      double f = p.cdf(x);
      assertEquals(1, f + p.survival(x), 1e-11);
      double mc = (double) java.util.Arrays.stream(draws).filter(d -> d <= x).count() / m;
      assertEquals(f, mc, 5 * Math.sqrt(f * (1 - f) / m) + 1e-12, "F_mu(" + x + ")");
    }
    double q = p.quantile(0.05);
    assertEquals(0.05, p.cdf(q), 1e-8);
  }

  @Test
  void cpGdpBoundIsZeroOnNullAttacksAtTheNominalRateInBothDirections() {
    // Members and non-members from one distribution, a threshold at the median: every bound > 0 is
    // a false alarm.
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(5L);
    int reps = 400;
    int n = 500;
    double alpha = 0.05;
    int positives = 0;
    for (int r = 0; r < reps; r++) {
      long tp = 0;
      long fp = 0;
      for (int i = 0; i < n; i++) {
        tp += rng.nextBoolean() ? 1 : 0;
        fp += rng.nextBoolean() ? 1 : 0;
      }
      positives +=
          GaussianDp.cpLowerBound(new AttackCounts(tp, n - tp, n - fp, fp), alpha) > 0 ? 1 : 0;
    }
    double rate = (double) positives / reps;
    assertTrue(
        rate <= alpha + 4 * Math.sqrt(alpha * (1 - alpha) / reps), "false alarm rate " + rate);
  }

  @Test
  void oneRunBoundSolvesTheBinomialTailEquation() {
    // delta = 0 and all r guesses right: q^r = alpha, so eps = ln(q / (1 - q)) with q =
    // alpha^(1/r).
    long r = 200;
    double alpha = 0.05;
    double q = Math.pow(alpha, 1.0 / r);
    assertEquals(Math.log(q / (1 - q)), OneRunAudit.lowerBound(1000, r, r, 0, alpha), 1e-8);
    // In general the bound is the eps at which P[Bin(r, q) >= v] = alpha.
    double e = OneRunAudit.lowerBound(1000, 500, 400, 0, alpha);
    double qe = 1 / (1 + Math.exp(-e));
    assertEquals(alpha, OneRunAudit.binomialTail(500, qe, 400), 1e-9);
    // Chance-level guessing proves nothing; a delta > 0 can only lower the bound.
    assertEquals(0, OneRunAudit.lowerBound(1000, 500, 250, 0, alpha));
    assertTrue(OneRunAudit.lowerBound(1000, 500, 400, 1e-5, alpha) <= e);
  }
}
