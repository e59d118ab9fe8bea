package org.samplingprivacy.jobs.privacy;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * K picks without replacement by the exponential mechanism (McSherry &amp; Talwar 2007) on integer
 * scores of sensitivity Δ: each pick returns candidate i with probability ∝ exp(ε′·s_i/(2Δ)). It is
 * sampled exactly: propose a remaining candidate uniformly and accept it with probability
 * exp(−ε′(s* − s_i)/(2Δ)) (s* the best remaining score), a rational exponent decided by {@link
 * ExactSampling#bernoulliExpMinus}; the accepted candidate has exactly the exponential mechanism's
 * distribution. Cost: the exponential mechanism is ε′-bounded-range, hence ε′²/8-zCDP (Cesar &amp;
 * Rogers 2021), and K picks compose to K·ε′²/8. ε′ is the largest multiple of 2^−40 with K·ε′²/8 ≤
 * the share, checked in exact arithmetic.
 */
public final class ExponentialSelection {
  private static final int EPSILON_BITS = 40;
  private final int picks;
  private final long sensitivity;
  private final ZcdpBudget share;
  private final Rational epsilon;

  private ExponentialSelection(int picks, long sensitivity, ZcdpBudget share, Rational epsilon) {
    this.picks = picks;
    this.sensitivity = sensitivity;
    this.share = share;
    this.epsilon = epsilon;
  }

  /**
   * {@code picks} selections on scores of sensitivity {@code sensitivity}, spending at most {@code
   * share}.
   */
  public static ExponentialSelection forShare(int picks, long sensitivity, ZcdpBudget share) {
    if (picks < 1 || sensitivity < 1 || share.isZero()) {
      throw new IllegalArgumentException(
          "need picks >= 1, sensitivity >= 1 and a positive share, got "
              + picks
              + ", "
              + sensitivity
              + ", "
              + share);
    }
    Rational eps = Rational.dyadicFloor(Math.sqrt(8 * share.rhoDown() / picks), EPSILON_BITS);
    Rational step = Rational.of(BigInteger.ONE, BigInteger.ONE.shiftLeft(EPSILON_BITS));
    while (!eps.isZero() && costOf(picks, eps).compareTo(share.rho()) > 0) {
      eps = eps.minus(step);
    }
    if (eps.isZero()) {
      throw new IllegalArgumentException("budget share " + share + " is too small for a selection");
    }
    return new ExponentialSelection(picks, sensitivity, share, eps);
  }

  private static Rational costOf(int picks, Rational eps) {
    return eps.times(eps).times(picks).dividedBy(8);
  }

  public ZcdpBudget charge() {
    return share;
  }

  /** K·ε′²/8, exact (≤ {@link #charge()}). */
  public ZcdpBudget cost() {
    return ZcdpBudget.ofRho(costOf(picks, epsilon));
  }

  /** ε′ of each pick, exact. */
  public Rational epsilon() {
    return epsilon;
  }

  public int picks() {
    return picks;
  }

  /** The picked indices, in order. Package-private: only the accountant draws. */
  List<Integer> draw(long[] scores, boolean[] candidate, RandomBits bits) {
    List<Integer> pool = new ArrayList<>();
    for (int i = 0; i < scores.length; i++) {
      if (candidate[i]) {
        pool.add(i);
      }
    }
    BigInteger den = epsilon.denominator().multiply(BigInteger.valueOf(2 * sensitivity));
    List<Integer> out = new ArrayList<>();
    while (out.size() < picks && !pool.isEmpty()) {
      long best = Long.MIN_VALUE;
      for (int i : pool) {
        best = Math.max(best, scores[i]);
      }
      while (true) {
        int at = (int) bits.uniform(pool.size());
        int i = pool.get(at);
        BigInteger gap = BigInteger.valueOf(best).subtract(BigInteger.valueOf(scores[i]));
        if (ExactSampling.bernoulliExpMinus(epsilon.numerator().multiply(gap), den, bits)) {
          out.add(i);
          pool.remove(at);
          break;
        }
      }
    }
    return out;
  }
}
