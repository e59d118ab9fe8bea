package org.samplingprivacy.jobs.privacy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * An exact non-negative rational number, the arithmetic of privacy budgets and of the exact
 * samplers' probabilities (docs/design/privacy-core.md §2): sums and splits of budgets are exact,
 * and the only roundings are explicit conversions to and from {@code double} whose direction the
 * caller names.
 */
public final class Rational implements Comparable<Rational> {
  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);

  private final BigInteger num;
  private final BigInteger den;

  private Rational(BigInteger num, BigInteger den) {
    this.num = num;
    this.den = den;
  }

  /** {@code num/den} in lowest terms; both non-negative, {@code den} positive. */
  public static Rational of(BigInteger num, BigInteger den) {
    if (num.signum() < 0 || den.signum() <= 0) {
      throw new IllegalArgumentException(
          "a rational must be non-negative with a positive denominator, got " + num + "/" + den);
    }
    BigInteger g = num.gcd(den);
    return g.equals(BigInteger.ONE)
        ? new Rational(num, den)
        : new Rational(num.divide(g), den.divide(g));
  }

  public static Rational of(long num, long den) {
    return of(BigInteger.valueOf(num), BigInteger.valueOf(den));
  }

  /** The exact value of a finite non-negative double (every double is a dyadic rational). */
  public static Rational exactly(double v) {
    if (!(v >= 0) || !Double.isFinite(v)) {
      throw new IllegalArgumentException("expected a finite non-negative number, got " + v);
    }
    BigDecimal d = new BigDecimal(v);
    return d.scale() <= 0
        ? of(d.toBigIntegerExact(), BigInteger.ONE)
        : of(d.unscaledValue(), BigInteger.TEN.pow(d.scale()));
  }

  /** The largest multiple of 2^−bits not above {@code v} (v ≥ 0 finite). */
  public static Rational dyadicFloor(double v, int bits) {
    return dyadic(v, bits, RoundingMode.FLOOR);
  }

  /** The smallest multiple of 2^−bits not below {@code v} (v ≥ 0 finite). */
  public static Rational dyadicCeil(double v, int bits) {
    return dyadic(v, bits, RoundingMode.CEILING);
  }

  private static Rational dyadic(double v, int bits, RoundingMode mode) {
    BigInteger scale = BigInteger.ONE.shiftLeft(bits);
    BigInteger n =
        new BigDecimal(exactly(v).num)
            .multiply(new BigDecimal(scale))
            .divide(new BigDecimal(exactly(v).den), 0, mode)
            .toBigIntegerExact();
    return of(n, scale);
  }

  public BigInteger numerator() {
    return num;
  }

  public BigInteger denominator() {
    return den;
  }

  public boolean isZero() {
    return num.signum() == 0;
  }

  public Rational plus(Rational o) {
    return of(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
  }

  /** {@code this − o}; fails if that would be negative. */
  public Rational minus(Rational o) {
    BigInteger n = num.multiply(o.den).subtract(o.num.multiply(den));
    if (n.signum() < 0) {
      throw new ArithmeticException(this + " - " + o + " is negative");
    }
    return of(n, den.multiply(o.den));
  }

  public Rational times(Rational o) {
    return of(num.multiply(o.num), den.multiply(o.den));
  }

  public Rational times(long k) {
    return of(num.multiply(BigInteger.valueOf(k)), den);
  }

  public Rational dividedBy(long k) {
    if (k <= 0) {
      throw new IllegalArgumentException("divisor must be positive, got " + k);
    }
    return of(num, den.multiply(BigInteger.valueOf(k)));
  }

  public Rational dividedBy(Rational o) {
    if (o.isZero()) {
      throw new ArithmeticException("division by zero");
    }
    return of(num.multiply(o.den), den.multiply(o.num));
  }

  /** The nearest double not below the exact value: for amounts spent. */
  public double doubleUp() {
    return toDouble(RoundingMode.CEILING);
  }

  /** The nearest double not above the exact value: for amounts remaining or allowed. */
  public double doubleDown() {
    return toDouble(RoundingMode.FLOOR);
  }

  private double toDouble(RoundingMode mode) {
    if (isZero()) {
      return 0;
    }
    // 40 significant digits pin the value far below a double's spacing; then step to the named side
    // if needed.
    BigDecimal q =
        new BigDecimal(num)
            .divide(new BigDecimal(den), new MathContext(40, RoundingMode.HALF_EVEN));
    double d = q.doubleValue();
    int c = exactly(d).compareTo(this);
    if (mode == RoundingMode.CEILING && c < 0) {
      d = Math.nextUp(d);
    } else if (mode == RoundingMode.FLOOR && c > 0) {
      d = Math.nextDown(d);
    }
    return d;
  }

  @Override
  public int compareTo(Rational o) {
    return num.multiply(o.den).compareTo(o.num.multiply(den));
  }

  public Rational min(Rational o) {
    return compareTo(o) <= 0 ? this : o;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rational r && num.equals(r.num) && den.equals(r.den);
  }

  @Override
  public int hashCode() {
    return num.hashCode() * 31 + den.hashCode();
  }

  /** {@code num/den}, exact and parseable by {@link #parse}. */
  @Override
  public String toString() {
    return num + "/" + den;
  }

  /** Reads {@link #toString()}'s form. */
  public static Rational parse(String s) {
    int slash = s.indexOf('/');
    if (slash < 0) {
      return of(new BigInteger(s.trim()), BigInteger.ONE);
    }
    return of(
        new BigInteger(s.substring(0, slash).trim()),
        new BigInteger(s.substring(slash + 1).trim()));
  }
}
