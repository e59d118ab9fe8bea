package org.samplingprivacy.jobs.privacy;

import java.util.Locale;

/**
 * A ρ-zCDP budget as an exact value (Bun &amp; Steinke 2016; composition adds ρ): what a release
 * may spend, what a mechanism is charged, what a dataset has spent. Arithmetic is exact ({@link
 * Rational}); the only roundings are the conversions, each in the safe direction: an (ε, δ) target
 * becomes a ρ that is not larger than the tight conversion allows, a spent ρ is shown as a double
 * not below it, and its ε at a δ is not below the true one.
 */
public final class ZcdpBudget implements Comparable<ZcdpBudget> {
  public static final ZcdpBudget ZERO = new ZcdpBudget(Rational.ZERO);

  private final Rational rho;

  private ZcdpBudget(Rational rho) {
    this.rho = rho;
  }

  public static ZcdpBudget ofRho(Rational rho) {
    return new ZcdpBudget(rho);
  }

  /**
   * The exact value of a recorded ρ (a double is an exact dyadic rational, so nothing is rounded).
   */
  public static ZcdpBudget ofRecorded(double rho) {
    return new ZcdpBudget(Rational.exactly(rho));
  }

  /** The ρ-zCDP budget of an (ε, δ)-DP target, rounded down (ZcdpConversion#rho). */
  public static ZcdpBudget fromEpsilonDelta(double epsilon, double delta) {
    return new ZcdpBudget(Rational.exactly(ZcdpConversion.rho(epsilon, delta)));
  }

  public Rational rho() {
    return rho;
  }

  public ZcdpBudget plus(ZcdpBudget o) {
    return new ZcdpBudget(rho.plus(o.rho));
  }

  /** What is left of this budget after {@code o}; fails if {@code o} is larger. */
  public ZcdpBudget minus(ZcdpBudget o) {
    return new ZcdpBudget(rho.minus(o.rho));
  }

  /** One of {@code parts} equal shares; the shares sum back to this budget exactly. */
  public ZcdpBudget share(long parts) {
    return new ZcdpBudget(rho.dividedBy(parts));
  }

  public ZcdpBudget times(long k) {
    return new ZcdpBudget(rho.times(k));
  }

  public boolean exceeds(ZcdpBudget o) {
    return compareTo(o) > 0;
  }

  public boolean isZero() {
    return rho.isZero();
  }

  /** ρ as a double not below the exact value: for spent amounts. */
  public double rhoUp() {
    return rho.doubleUp();
  }

  /** ρ as a double not above the exact value: for remaining amounts. */
  public double rhoDown() {
    return rho.doubleDown();
  }

  /** The ε of the (ε, δ)-DP statement this budget implies at δ (not below the tight value). */
  public double epsilonAt(double delta) {
    return ZcdpConversion.epsilon(rhoUp(), delta);
  }

  @Override
  public int compareTo(ZcdpBudget o) {
    return rho.compareTo(o.rho);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ZcdpBudget b && rho.equals(b.rho);
  }

  @Override
  public int hashCode() {
    return rho.hashCode();
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "rho=%.6g", rhoUp());
  }
}
