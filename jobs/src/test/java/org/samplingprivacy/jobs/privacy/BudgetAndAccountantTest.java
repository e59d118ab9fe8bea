package org.samplingprivacy.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Oracles: exact rational arithmetic by hand (shares of 1/3, 1/7), closed forms of the mechanisms'
 * costs (Δ²/(2σ²), Kε′²/8), the conversion the budget came from, and the exponential mechanism's
 * probabilities exp(ε′s/(2Δ))/Z by brute force against frequencies within 5 standard errors.
 */
class BudgetAndAccountantTest {
  /** Counts the bits a mechanism consumed, so a test can tell that nothing was drawn. */
  private static final class CountingBits extends RandomBits {
    private final RandomBits inner =
        RandomBits.replayable(new byte[32], "count".getBytes(StandardCharsets.UTF_8));
    long words;

    @Override
    protected long nextWord() {
      words++;
      return inner.nextBits(32) << 32 | inner.nextBits(32);
    }
  }

  @Test
  void rationalsRoundInTheNamedDirection() {
    Rational third = Rational.of(1, 3);
    assertTrue(Rational.exactly(third.doubleUp()).compareTo(third) >= 0);
    assertTrue(Rational.exactly(third.doubleDown()).compareTo(third) <= 0);
    assertEquals(Math.nextUp(third.doubleDown()), third.doubleUp());
    assertEquals(0.5, Rational.of(1, 2).doubleUp());
    assertEquals(0.5, Rational.of(1, 2).doubleDown());
    assertEquals(Rational.of(1, 1), third.plus(third).plus(third));
    assertEquals(Rational.parse(Rational.of(22, 7).toString()), Rational.of(22, 7));
    assertEquals(
        Rational.of(BigInteger.valueOf(3), BigInteger.ONE.shiftLeft(3)),
        Rational.dyadicFloor(0.4, 3));
    assertEquals(
        Rational.of(BigInteger.valueOf(4), BigInteger.ONE.shiftLeft(3)),
        Rational.dyadicCeil(0.4, 3));
    assertThrows(ArithmeticException.class, () -> third.minus(Rational.of(1, 2)));
  }

  @Test
  void aBudgetFromEpsilonDeltaIsNotAboveTheConversionAndSharesSumBackExactly() {
    ZcdpBudget rho = ZcdpBudget.fromEpsilonDelta(1, 1e-6);
    assertTrue(ZcdpConversion.delta(rho.rhoUp(), 1) <= 1e-6 * (1 + 1e-12));
    assertTrue(rho.epsilonAt(1e-6) >= 1 - 1e-9 && rho.epsilonAt(1e-6) <= 1 + 1e-9);
    ZcdpBudget sum = ZcdpBudget.ZERO;
    for (int i = 0; i < 7; i++) {
      sum = sum.plus(rho.share(7));
    }
    assertEquals(rho, sum);
  }

  @Test
  void aDiscreteGaussianMechanismCostsAtMostItsShareAndNoMoreNoiseThanNeeded() {
    ZcdpBudget share = ZcdpBudget.fromEpsilonDelta(1, 1e-9).share(35);
    DiscreteGaussianMechanism g = DiscreteGaussianMechanism.forShare(2, 1000, share);
    assertTrue(g.cost().compareTo(share) <= 0);
    double sigma2 = 2 / (2 * share.rhoDown()); // Δ²/(2ρ): the continuous Gaussian's variance
    assertEquals(sigma2, g.sigma2().doubleUp(), 2e-6 * sigma2);
    assertTrue(g.sigma2().doubleUp() >= sigma2);
    // A huge share makes sigma tiny, where the tau term of CKS Theorem 14 matters: still within the
    // share.
    ZcdpBudget big = ZcdpBudget.ofRho(Rational.of(4, 1));
    DiscreteGaussianMechanism small = DiscreteGaussianMechanism.forShare(2, 1_000_000, big);
    assertTrue(small.cost().compareTo(big) <= 0);
    assertTrue(small.sigma2().doubleUp() > 2 / 8.0, "tau forces sigma above the continuous value");
  }

  @Test
  void chargesOfAnAdaptiveReleaseSumToItsBudgetExactly() {
    ZcdpBudget rho = ZcdpBudget.fromEpsilonDelta(2, 1e-6);
    int rounds = 7;
    int perRound = 3;
    List<String> events = new ArrayList<>();
    CountingBits bits = new CountingBits();
    ZcdpAccountant a = ZcdpAccountant.of(rho, bits, () -> events.add("commit at " + bits.words));
    long[] counts = new long[40];
    boolean[] candidate = new boolean[40];
    java.util.Arrays.fill(candidate, true);
    for (int t = 0; t < rounds; t++) {
      List<Integer> picked =
          a.select(
              "select",
              ExponentialSelection.forShare(perRound, 100, rho.share(2L * rounds)),
              counts,
              candidate);
      assertEquals(perRound, picked.size());
      for (int w : picked) {
        candidate[w] = false;
        a.measure(
            "measure",
            DiscreteGaussianMechanism.forShare(2, 1, rho.share(2L * rounds * perRound)),
            counts,
            w);
      }
    }
    assertEquals(rho, a.spent(), "the shares sum to the budget exactly");
    ZcdpBudget cost = ZcdpBudget.ZERO;
    for (ZcdpAccountant.Charge c : a.charges()) {
      assertTrue(c.cost().compareTo(c.charged()) <= 0, c.label());
      cost = cost.plus(c.cost());
    }
    assertTrue(cost.compareTo(rho) <= 0);
    assertEquals(List.of("commit at 0"), events, "the hook runs once, before any bit is drawn");
    long used = bits.words;
    ExponentialSelection one =
        ExponentialSelection.forShare(1, 100, ZcdpBudget.ofRho(Rational.of(1, 1000)));
    assertThrows(IllegalStateException.class, () -> a.select("one more", one, counts, candidate));
    assertEquals(used, bits.words, "a mechanism past the budget draws nothing");
    assertEquals(rho, a.spent());
  }

  @Test
  void exponentialSelectionPicksWithTheExponentialMechanismsProbabilities() {
    long[] scores = {0, 3, 5, 9, 9, 2};
    long sensitivity = 4;
    ZcdpBudget share = ZcdpBudget.ofRho(Rational.of(1, 2)); // one pick: eps' = 2
    ExponentialSelection sel = ExponentialSelection.forShare(1, sensitivity, share);
    assertEquals(2.0, sel.epsilon().doubleUp(), 1e-11);
    assertTrue(sel.cost().compareTo(share) <= 0);
    double eps = sel.epsilon().doubleUp();
    double[] p = new double[scores.length];
    double z = 0;
    for (int i = 0; i < p.length; i++) {
      p[i] = Math.exp(eps * scores[i] / (2.0 * sensitivity));
      z += p[i];
    }
    boolean[] all = new boolean[scores.length];
    java.util.Arrays.fill(all, true);
    RandomBits bits = RandomBits.replayable(new byte[32], "em".getBytes(StandardCharsets.UTF_8));
    int n = 200_000;
    long[] hits = new long[scores.length];
    for (int i = 0; i < n; i++) {
      hits[sel.draw(scores, all, bits).get(0)]++;
    }
    for (int i = 0; i < p.length; i++) {
      double q = p[i] / z;
      assertEquals(
          q, hits[i] / (double) n, 5 * Math.sqrt(q * (1 - q) / n) + 1e-12, "candidate " + i);
    }
    // Two picks without replacement never repeat and leave non-candidates alone.
    boolean[] some = {true, false, true, true, false, true};
    for (int i = 0; i < 1000; i++) {
      List<Integer> two =
          ExponentialSelection.forShare(2, sensitivity, share).draw(scores, some, bits);
      assertEquals(2, two.size());
      assertTrue(!two.get(0).equals(two.get(1)) && some[two.get(0)] && some[two.get(1)]);
    }
  }
}
