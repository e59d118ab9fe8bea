package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * A zero-concentrated DP budget (Bun &amp; Steinke 2016) declared up front and enforced: every mechanism charges its ρ
 * with a label, charges compose by addition, and a charge past the budget fails. The (ε, δ) conversions are the
 * tight ones of Canonne, Kamath &amp; Steinke (2020, Prop. 12 / Cor. 13), as Private-GSD uses them (Liu et al., ICML
 * 2023): δ(ρ, ε) = min over α &gt; 1 of exp((α−1)(αρ−ε) + α·ln(1−1/α)) / (α−1).
 */
public final class ZcdpAccountant {
  /** Relative slack for rounding when charges that split the budget exactly are summed back. */
  private static final double SLACK = 1e-12;

  /** One itemised charge of the ledger. */
  public record Charge(String label, double rho) {}

  private final double budget;
  private final List<Charge> charges = new ArrayList<>();
  private double spent;

  private ZcdpAccountant(double budget) {
    this.budget = budget;
  }

  /** An accountant for a total budget of ρ-zCDP. */
  public static ZcdpAccountant withBudget(double rho) {
    if (!(rho > 0) || !Double.isFinite(rho)) {
      throw new IllegalArgumentException("zCDP budget must be positive and finite, got " + rho);
    }
    return new ZcdpAccountant(rho);
  }

  /** Charges ρ for the mechanism named {@code label}; fails if the budget would be exceeded. */
  public void charge(String label, double rho) {
    if (!(rho >= 0) || !Double.isFinite(rho)) {
      throw new IllegalArgumentException(label + ": a charge must be finite and non-negative, got " + rho);
    }
    if (spent + rho > budget * (1 + SLACK)) {
      throw new IllegalStateException(String.format(Locale.ROOT,
          "%s: charging rho=%.6g would spend %.6g of a budget of %.6g", label, rho, spent + rho, budget));
    }
    charges.add(new Charge(label, rho));
    spent += rho;
  }

  public double budget() {
    return budget;
  }

  public double spent() {
    return spent;
  }

  public List<Charge> charges() {
    return Collections.unmodifiableList(charges);
  }

  /** The smallest δ at which ρ-zCDP implies (ε, δ)-DP. */
  public static double delta(double rho, double eps) {
    requireNonNegative("rho", rho);
    requireNonNegative("epsilon", eps);
    if (rho == 0) {
      return 0;
    }
    // The exponent is convex in alpha; its derivative (2α−1)ρ − ε + ln(1−1/α) has one root, found by bisection.
    double lo = 1.0 + 1e-9;
    double hi = (eps + 1) / (2 * rho) + 2;
    for (int i = 0; i < 400 && hi - lo > 1e-15 * hi; i++) {
      double a = 0.5 * (lo + hi);
      double derivative = (2 * a - 1) * rho - eps + Math.log1p(-1.0 / a);
      if (derivative < 0) {
        lo = a;
      } else {
        hi = a;
      }
    }
    double a = 0.5 * (lo + hi);
    double d = Math.exp((a - 1) * (a * rho - eps) + a * Math.log1p(-1.0 / a)) / (a - 1);
    return Math.min(d, 1.0);
  }

  /** The largest ρ whose (ε, δ) conversion stays within δ: the zCDP budget of an (ε, δ) target. */
  public static double rho(double eps, double delta) {
    if (!(eps > 0) || !Double.isFinite(eps)) {
      throw new InputException("--epsilon must be positive and finite, got " + eps);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new InputException("--delta must be in (0, 1), got " + delta);
    }
    double lo = 0;
    double hi = eps + 1;
    for (int i = 0; i < 400 && hi - lo > 1e-15 * hi; i++) {
      double r = 0.5 * (lo + hi);
      if (delta(r, eps) <= delta) {
        lo = r;
      } else {
        hi = r;
      }
    }
    return lo;
  }

  /** The smallest ε with (ε, δ)-DP implied by ρ-zCDP. */
  public static double epsilon(double rho, double delta) {
    requireNonNegative("rho", rho);
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), got " + delta);
    }
    double lo = 0;
    double hi = rho + 2 * Math.sqrt(rho * Math.log(1 / delta)) + 1e-12;
    for (int i = 0; i < 400 && hi - lo > 1e-15 * hi; i++) {
      double e = 0.5 * (lo + hi);
      if (delta(rho, e) <= delta) {
        hi = e;
      } else {
        lo = e;
      }
    }
    return hi;
  }

  /** The σ of the Gaussian mechanism for a query of L2 sensitivity Δ at ρ-zCDP: σ = Δ/√(2ρ). */
  public static double gaussianSigma(double sensitivity, double rho) {
    if (!(sensitivity > 0) || !(rho > 0)) {
      throw new IllegalArgumentException("sensitivity and rho must be positive, got " + sensitivity + ", " + rho);
    }
    return sensitivity / Math.sqrt(2 * rho);
  }

  private static void requireNonNegative(String what, double v) {
    if (!(v >= 0) || Double.isNaN(v)) {
      throw new IllegalArgumentException(what + " must be non-negative, got " + v);
    }
  }
}
