package org.samplingprivacy.jobs.privacy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The only way a release reaches noise: a ρ-zCDP budget, the noise source, and the mechanisms run
 * against them. Each call charges the mechanism's share and draws its noise together, so nothing is
 * measured without being charged and a mechanism past the budget never draws (OpenDP's
 * measurement-carries-its-map, Tumult's session). Charges are exact, so the itemised charges of a
 * release sum to its budget exactly when it is spent in full. A hook runs once, before the first
 * draw: the budget ledger commits the release's reservation there (docs/design/privacy-core.md §3).
 */
public final class ZcdpAccountant {
  /**
   * One itemised charge: what ran, the share charged, and the cost its parameters guarantee (≤ the
   * share).
   */
  public record Charge(String label, ZcdpBudget charged, ZcdpBudget cost, String detail) {}

  private final ZcdpBudget budget;
  private final RandomBits noise;
  private final Runnable beforeFirstDraw;
  private final List<Charge> charges = new ArrayList<>();
  private ZcdpBudget spent = ZcdpBudget.ZERO;

  private ZcdpAccountant(ZcdpBudget budget, RandomBits noise, Runnable beforeFirstDraw) {
    this.budget = budget;
    this.noise = noise;
    this.beforeFirstDraw = beforeFirstDraw;
  }

  public static ZcdpAccountant of(ZcdpBudget budget, RandomBits noise, Runnable beforeFirstDraw) {
    if (budget.isZero()) {
      throw new IllegalArgumentException("a zCDP budget must be positive");
    }
    return new ZcdpAccountant(budget, noise, beforeFirstDraw);
  }

  /** Charges {@code m} and returns noisy copies of counts[from, from + m.dims()). */
  public long[] measure(String label, DiscreteGaussianMechanism m, long[] counts, int from) {
    charge(
        label,
        m.charge(),
        m.cost(),
        String.format(
            Locale.ROOT,
            "discrete Gaussian, sensitivity^2 %d, sigma^2 %s " + "(%.6g)",
            m.sensitivity2(),
            m.sigma2(),
            m.sigma2().doubleUp()));
    return m.draw(counts, from, noise);
  }

  /** Charges {@code m} and returns the indices it picks among {@code candidate}. */
  public List<Integer> select(
      String label, ExponentialSelection m, long[] scores, boolean[] candidate) {
    charge(
        label,
        m.charge(),
        m.cost(),
        String.format(
            Locale.ROOT,
            "exponential mechanism, %d pick(s) at epsilon' %s " + "(%.6g)",
            m.picks(),
            m.epsilon(),
            m.epsilon().doubleUp()));
    return m.draw(scores, candidate, noise);
  }

  private void charge(String label, ZcdpBudget charged, ZcdpBudget cost, String detail) {
    ZcdpBudget after = spent.plus(charged);
    if (after.exceeds(budget)) {
      throw new IllegalStateException(
          String.format(
              Locale.ROOT,
              "%s cannot run: it would spend rho=%.6g of a budget " + "of rho=%.6g",
              label,
              after.rhoUp(),
              budget.rhoDown()));
    }
    if (charges.isEmpty()) {
      beforeFirstDraw.run();
    }
    charges.add(new Charge(label, charged, cost, detail));
    spent = after;
  }

  /** True once any noise has been drawn. */
  public boolean hasDrawn() {
    return !charges.isEmpty();
  }

  public ZcdpBudget budget() {
    return budget;
  }

  public ZcdpBudget spent() {
    return spent;
  }

  public List<Charge> charges() {
    return Collections.unmodifiableList(charges);
  }
}
