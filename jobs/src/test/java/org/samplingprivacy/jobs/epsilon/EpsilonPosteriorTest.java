package org.samplingprivacy.jobs.epsilon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;
import org.apache.commons.statistics.distribution.BetaDistribution;
import org.apache.commons.statistics.distribution.ContinuousDistribution;
import org.junit.jupiter.api.Test;

/**
 * The exact ε posterior against the reference code's published figures, Monte Carlo and closed
 * forms.
 */
class EpsilonPosteriorTest {
  private static final double JEFFREYS = 0.5;

  @Test
  void quadratureMatchesClosedForms() {
    GaussKronrod gk = new GaussKronrod(1e-13, 1e-12);
    assertEquals(2.0, gk.integrate(Math::sin, 0, Math.PI), 1e-12);
    assertEquals(
        2.0, gk.integrate(x -> 1 / Math.sqrt(x), 0, 1), 1e-6, "integrable endpoint singularity");
    assertEquals(Math.E - 1, gk.integrate(Math::exp, 0, 1), 1e-13);
  }

  @Test
  void epsilonMapClosedAndCodeFormsAgreeAndAreSymmetric() {
    double delta = 1e-5;
    for (double a = 0; a <= 1.0001; a += 0.05) {
      for (double b = 0; b <= 1.0001; b += 0.05) {
        double aa = Math.min(a, 1);
        double bb = Math.min(b, 1);
        double e = PrivacyRegion.epsilon(aa, bb, delta);
        double closed = closedForm(aa, bb, delta);
        assertEquals(closed, e, Double.isInfinite(closed) ? 0 : 1e-12, aa + "," + bb);
        assertEquals(e, PrivacyRegion.epsilon(bb, aa, delta), 1e-12);
        assertEquals(e, PrivacyRegion.epsilon(1 - bb, 1 - aa, delta), 1e-12);
        if (Double.isFinite(e)) {
          assertTrue(inRegion(aa, bb, e + 1e-12, delta), "in R(eps)");
          if (e > 1e-6) {
            assertTrue(!inRegion(aa, bb, e - 1e-6, delta), "outside R(eps - 1e-6)");
          }
        }
      }
    }
    assertEquals(
        0,
        PrivacyRegion.epsilon(0, 1 - 1e-6, 1e-5),
        "a = 0 with b >= 1 - delta is 0, not infinity");
  }

  private static double closedForm(double a, double b, double d) {
    double m = 0;
    m = Math.max(m, ratio(1 - d - a, b));
    m = Math.max(m, ratio(1 - d - b, a));
    m = Math.max(m, ratio(a - d, 1 - b));
    m = Math.max(m, ratio(b - d, 1 - a));
    return m;
  }

  private static double ratio(double num, double den) {
    if (num <= 0) {
      return 0;
    }
    return den == 0 ? Double.POSITIVE_INFINITY : Math.log(num / den);
  }

  private static boolean inRegion(double a, double b, double e, double d) {
    double x = Math.exp(e);
    double tol = 1e-12;
    return a + x * b >= 1 - d - tol
        && x * a + b >= 1 - d - tol
        && a + x * b <= x + d + tol
        && x * a + b <= x + d + tol;
  }

  @Test
  void newtonQuantilesOnTheFixedRuleMatchBrentOnTheAdaptiveCdf() {
    // Oracle: Brent's method on the adaptive CDF (probabilities to 1e-12). Cases: perfect attacks,
    // zero counts, tiny
    // and huge samples, the reference anchors, reverse and symmetric attacks; both priors; delta 0,
    // 1e-5 and 0.1.
    AttackCounts[] cases = {
      new AttackCounts(100, 0, 100, 0),
      new AttackCounts(487, 0, 1, 512),
      new AttackCounts(5, 5, 5, 5),
      new AttackCounts(1, 0, 1, 0),
      new AttackCounts(200, 0, 200, 3),
      new AttackCounts(4_000_000, 1_000_000, 4_750_000, 250_000),
      new AttackCounts(76, 923, 982, 19),
      new AttackCounts(487, 76, 491, 72),
      new AttackCounts(7194, 17, 5413, 1798),
      new AttackCounts(10, 90, 95, 5)
    };
    double worst = 0;
    for (AttackCounts c : cases) {
      for (double kappa : new double[] {0.5, 1}) {
        for (double delta : new double[] {0, 1e-5, 0.1}) {
          EpsilonPosterior p = EpsilonPosterior.of(c, kappa, delta);
          for (double q : new double[] {0.0125, 0.05, 0.5, 0.975}) {
            double fast = p.quantile(q);
            double reference = p.referenceQuantile(q);
            assertEquals(
                reference, fast, 1e-7, c + " kappa " + kappa + " delta " + delta + " q " + q);
            worst = Math.max(worst, Math.abs(fast - reference));
            // A hint (continuation along a curve) changes nothing beyond the solver's tolerance.
            assertEquals(fast, p.quantile(q, fast * 1.1 + 0.01), 1e-9);
          }
          assertEquals(
              p.quantile(0.05), p.atDelta(delta).quantile(0.05), 1e-12, "atDelta shares the rule");
        }
      }
    }
    assertTrue(worst < 1e-7, "worst " + worst);
  }

  @Test
  void reproducesTheReferenceReadmeInterval() {
    // privacy-estimates README: TP 487, TN 1, FP 512, FN 0, delta 1e-5, alpha 0.1 -> joint-beta
    // [0.145, 6.399];
    // the reference code is accurate to about +-0.02 in epsilon (dblquad epsabs 5e-3, Brent xtol
    // 1e-2).
    AttackCounts c = new AttackCounts(487, 0, 1, 512);
    EpsilonPosterior p = EpsilonPosterior.of(c, JEFFREYS, 1e-5);
    assertEquals(0.145, p.quantile(0.05), 0.02);
    assertEquals(6.399, p.quantile(0.95), 0.02);
    double[] cp = ClopperPearson.interval(c, 0.1, 1e-5);
    assertEquals(0.0, cp[0]);
    assertEquals(Double.POSITIVE_INFINITY, cp[1]);
  }

  @Test
  void reproducesTheReferencePerfectAttackLowerBound() {
    // Removed upstream unit test test_eps_lo_joint: FN = FP = 0, TN = TP = 1000, delta 1e-5, alpha
    // 0.05 -> 7.21 +- 0.01.
    EpsilonPosterior p = EpsilonPosterior.of(new AttackCounts(1000, 0, 1000, 0), JEFFREYS, 1e-5);
    assertEquals(7.21, p.quantile(0.05), 0.01);
    double upper = p.quantile(0.975);
    assertTrue(
        Double.isFinite(upper) && upper > 10,
        "finite upper end above the reference code's cap: " + upper);
  }

  @Test
  void referenceOrderingsAndOneSidedConsistency() {
    double alpha = 0.05;
    double delta = 1e-5;
    AttackCounts c1 = new AttackCounts(200, 12, 200, 58);
    assertTrue(
        ClopperPearson.lowerBound(c1, alpha, delta)
            < EpsilonPosterior.of(c1, JEFFREYS, delta).quantile(alpha));
    for (AttackCounts c :
        new AttackCounts[] {new AttackCounts(2, 511, 487, 0), new AttackCounts(0, 489, 510, 1)}) {
      assertTrue(
          EpsilonPosterior.of(c, JEFFREYS, delta).quantile(1 - alpha)
              < ClopperPearson.upperBound(c, alpha, delta));
    }
    // At (FN 923, FP 19, TN 982, TP 76): the one-sided CP bound at alpha equals the Jagielski et
    // al. form
    // max(0, ln((1 - delta - FPR_ub) / FNR_ub), ln((1 - delta - FNR_ub) / FPR_ub)) with one-sided
    // bounds at alpha/2.
    AttackCounts c = new AttackCounts(76, 923, 982, 19);
    double fprUb = ClopperPearson.upper(c.fp(), c.nonMembers(), alpha / 2);
    double fnrUb = ClopperPearson.upper(c.fn(), c.members(), alpha / 2);
    double jagielski =
        Math.max(
            0,
            Math.max(Math.log((1 - delta - fprUb) / fnrUb), Math.log((1 - delta - fnrUb) / fprUb)));
    assertEquals(jagielski, ClopperPearson.lowerBound(c, alpha, delta), 1e-12);
  }

  @Test
  void symmetricUnderSwappingRatesAndFlippingGuesses() {
    AttackCounts c = new AttackCounts(430, 70, 480, 20);
    EpsilonPosterior p = EpsilonPosterior.of(c, JEFFREYS, 1e-5);
    for (AttackCounts d : new AttackCounts[] {c.swapRates(), c.flipGuesses()}) {
      EpsilonPosterior q = EpsilonPosterior.of(d, JEFFREYS, 1e-5);
      for (double e : new double[] {0.5, 1.5, 2.5, 4}) {
        assertEquals(p.cdf(e), q.cdf(e), 1e-9, d + " at " + e);
      }
      assertEquals(
          ClopperPearson.interval(c, 0.05, 1e-5)[0],
          ClopperPearson.interval(d, 0.05, 1e-5)[0],
          1e-12);
    }
  }

  @Test
  void cdfAndSurvivalAreComplementaryMonotoneAndMatchMonteCarlo() {
    AttackCounts c = new AttackCounts(300, 60, 330, 30);
    double delta = 1e-5;
    EpsilonPosterior p = EpsilonPosterior.of(c, JEFFREYS, delta);
    int m = 400_000;
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(12345L);
    ContinuousDistribution.Sampler sa =
        BetaDistribution.of(c.fp() + 0.5, c.tn() + 0.5).createSampler(rng);
    ContinuousDistribution.Sampler sb =
        BetaDistribution.of(c.fn() + 0.5, c.tp() + 0.5).createSampler(rng);
    double[] draws = new double[m];
    for (int i = 0; i < m; i++) {
      draws[i] = PrivacyRegion.epsilon(sa.sample(), sb.sample(), delta);
    }
    double previous = 0;
    for (double e : new double[] {1.2, 1.5, 1.7, 2.0, 2.5}) {
      double f = p.cdf(e);
      assertEquals(1.0, f + p.survival(e), 1e-12);
      assertTrue(f >= previous);
      previous = f;
      long below = java.util.Arrays.stream(draws).filter(x -> x <= e).count();
      double se = Math.sqrt(f * (1 - f) / m);
      assertEquals(f, (double) below / m, 5 * se + 1e-12, "F(" + e + ")");
    }
    double mcMean = java.util.Arrays.stream(draws).average().orElseThrow();
    double sd =
        Math.sqrt(
            java.util.Arrays.stream(draws).map(x -> (x - mcMean) * (x - mcMean)).sum() / (m - 1));
    assertEquals(mcMean, p.mean(), 5 * sd / Math.sqrt(m), "posterior mean");
    double median = p.median();
    assertTrue(p.quantile(0.025) <= median && median <= p.quantile(0.975));
    assertEquals(1 - p.cdf(1.8), p.probabilityExceeds(1.8), 1e-12);
  }

  @Test
  void zeroCountsAndPerfectAttacksGiveFiniteIncreasingQuantiles() {
    double previous = 0;
    for (long mm : new long[] {10, 100, 1000}) {
      EpsilonPosterior p = EpsilonPosterior.of(new AttackCounts(mm, 0, mm, 0), JEFFREYS, 0);
      double lo = p.quantile(0.05);
      double hi = p.quantile(0.95);
      assertTrue(
          Double.isFinite(lo) && Double.isFinite(hi) && lo > previous, mm + ": " + lo + ", " + hi);
      previous = lo;
    }
    // At delta = 0, F(0) = 0 and F has no atom.
    assertEquals(
        0, EpsilonPosterior.of(new AttackCounts(50, 50, 50, 50), JEFFREYS, 0).cdf(0), 1e-12);
    // Tail: S(e) decays like exp(-(min count + kappa) e); with a zero count and Jeffreys the slope
    // is -1/2.
    EpsilonPosterior z = EpsilonPosterior.of(new AttackCounts(200, 0, 200, 3), JEFFREYS, 0);
    double slope = (Math.log(z.survival(18)) - Math.log(z.survival(14))) / 4;
    assertEquals(-0.5, slope, 0.01);
  }

  @Test
  void randomizedResponseAuditsCoverTheTrueEpsilonAtAboutTheNominalRate() {
    // Randomized response at eps0 reports the true bit with probability e^eps0 / (1 + e^eps0); its
    // optimal attack
    // guesses the reported bit, so FPR = FNR = 1 / (1 + e^eps0) and the attack's epsilon is exactly
    // eps0 (delta 0).
    double eps0 = 1.5;
    double flip = 1 / (1 + Math.exp(eps0));
    int m = 1000;
    int seeds = 200;
    double alpha = 0.1;
    int bayesCovers = 0;
    int cpCovers = 0;
    int lowerBelow = 0;
    UniformRandomProvider rng = RandomSource.XO_RO_SHI_RO_128_PP.create(99L);
    for (int s = 0; s < seeds; s++) {
      long fn = 0;
      long fp = 0;
      for (int i = 0; i < m; i++) {
        fn += rng.nextDouble() < flip ? 1 : 0;
        fp += rng.nextDouble() < flip ? 1 : 0;
      }
      AttackCounts c = new AttackCounts(m - fn, fn, m - fp, fp);
      EpsilonPosterior p = EpsilonPosterior.of(c, JEFFREYS, 0);
      bayesCovers += p.quantile(alpha / 2) <= eps0 && eps0 <= p.quantile(1 - alpha / 2) ? 1 : 0;
      double[] cp = ClopperPearson.interval(c, alpha, 0);
      cpCovers += cp[0] <= eps0 && eps0 <= cp[1] ? 1 : 0;
      lowerBelow += ClopperPearson.lowerBound(c, alpha, 0) <= eps0 ? 1 : 0;
    }
    double se = Math.sqrt(alpha * (1 - alpha) / seeds);
    double bayes = (double) bayesCovers / seeds;
    assertTrue(Math.abs(bayes - (1 - alpha)) <= 4 * se, "Bayes coverage " + bayes);
    assertTrue((double) cpCovers / seeds >= 1 - alpha - 4 * se, "CP coverage " + cpCovers);
    assertTrue((double) lowerBelow / seeds >= 1 - alpha - 4 * se, "CP one-sided " + lowerBelow);
  }

  @Test
  @org.junit.jupiter.api.Timeout(
      300) // a regression guard: these counts once sent the quadrature into endless bisection
  void millionsOfChallengesConcentrateEveryEstimateOnThePlugIn() {
    // 5 million challenges per class: the posteriors are so narrow that every estimate sits at the
    // plug-in value.
    // Oracle: a normal approximation, sd(eps) ~ sqrt(Var(FPR)/FPR^2 + Var(FNR)/FNR^2) by the delta
    // method.
    long n = 5_000_000;
    AttackCounts c = new AttackCounts(n - 1_000_000, 1_000_000, n - 250_000, 250_000);
    double plugIn = PrivacyRegion.epsilon(c.fpr(), c.fnr(), 1e-5);
    double sd = Math.sqrt((1 - c.fpr()) / (c.fpr() * n) + c.fnr() / ((1 - c.fnr()) * n));
    EpsilonEstimate e =
        EpsilonEstimate.of(
            c, 0.05, new EpsilonEstimate.Settings(1e-5, JEFFREYS, Double.NaN, false));
    assertEquals(plugIn, e.bayesMedian(), 0.05 * sd);
    assertEquals(plugIn - 1.96 * sd, e.bayesLo(), 0.1 * sd);
    assertEquals(plugIn + 1.96 * sd, e.bayesHi(), 0.1 * sd);
    assertEquals(GaussianDp.mu(c.fpr(), c.fnr()), e.gdpMuBayes(), 0.01);
    AttackCounts nullAttack = new AttackCounts(n / 2, n / 2, n / 2, n / 2);
    EpsilonEstimate z =
        EpsilonEstimate.of(
            nullAttack, 0.05, new EpsilonEstimate.Settings(1e-5, JEFFREYS, Double.NaN, false));
    assertTrue(z.bayesHi() < 0.01 && z.gdpMuBayes() < 0.01, z.toString());
  }

  @Test
  void bayesianIntervalIsNarrowerThanClopperPearsonOnBalancedSamplesOfAThousandAndMore() {
    // The paper's claim (up to 40 % narrower); the rectangle's union bound makes CP conservative.
    // Rates span weak to
    // strong attacks with both error counts positive, so CP's interval is finite.
    for (long n : new long[] {1000, 5000}) {
      for (double[] rates : new double[][] {{0.05, 0.3}, {0.1, 0.1}, {0.2, 0.5}, {0.02, 0.6}}) {
        long fp = Math.round(rates[0] * n);
        long fn = Math.round(rates[1] * n);
        AttackCounts c = new AttackCounts(n - fn, fn, n - fp, fp);
        EpsilonPosterior p = EpsilonPosterior.of(c, JEFFREYS, 1e-5);
        double bayes = p.quantile(0.975) - p.quantile(0.025);
        double[] cp = ClopperPearson.interval(c, 0.05, 1e-5);
        assertTrue(bayes < cp[1] - cp[0], c + ": Bayes " + bayes + " vs CP " + (cp[1] - cp[0]));
      }
    }
  }

  @Test
  void lowerBoundGrowsWithSampleSizeAtFixedRates() {
    AttackCounts base = new AttackCounts(45, 5, 48, 2); // plug-in epsilon about 2.8
    double previous = 0;
    for (long k : new long[] {1, 2, 4, 8, 16}) {
      double lo = EpsilonPosterior.of(base.times(k), JEFFREYS, 1e-5).quantile(0.05);
      assertTrue(lo >= previous, k + ": " + lo + " < " + previous);
      previous = lo;
    }
  }

  @Test
  void clopperPearsonEqualsTheBetaQuantileClosedForms() {
    long n = 500;
    double g = 0.0125;
    assertEquals(1 - Math.pow(g, 1.0 / n), ClopperPearson.upper(0, n, g), 1e-12);
    assertEquals(Math.pow(g, 1.0 / n), ClopperPearson.lower(n, n, g), 1e-12);
    // Binomial tails at the bounds equal gamma: P[Bin(n, upper) <= k] = P[Bin(n, lower) >= k] =
    // gamma.
    long k = 37;
    double up = ClopperPearson.upper(k, n, g);
    double lo = ClopperPearson.lower(k, n, g);
    assertEquals(g, binomialCdf(k, n, up), 1e-10);
    assertEquals(g, 1 - binomialCdf(k - 1, n, lo), 1e-10);
    // Perfect attack: one-sided lower bound ln((1 - delta - u) / u), u = 1 - (alpha / 2)^(1/m).
    long m = 1000;
    double alpha = 0.05;
    double delta = 1e-5;
    double u = 1 - Math.pow(alpha / 2, 1.0 / m);
    assertEquals(
        Math.log((1 - delta - u) / u),
        ClopperPearson.lowerBound(new AttackCounts(m, 0, m, 0), alpha, delta),
        1e-9);
  }

  private static double binomialCdf(long k, long n, double p) {
    double sum = 0;
    for (long i = 0; i <= k; i++) {
      sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
    }
    return sum;
  }

  private static double logChoose(long n, long k) {
    return org.apache.commons.numbers.gamma.LogGamma.value(n + 1.0)
        - org.apache.commons.numbers.gamma.LogGamma.value(k + 1.0)
        - org.apache.commons.numbers.gamma.LogGamma.value(n - k + 1.0);
  }
}
