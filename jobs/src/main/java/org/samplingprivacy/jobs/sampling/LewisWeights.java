package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * ℓp Lewis weights (Cohen &amp; Peng, "ℓp Row Sampling by Lewis Weights", STOC 2015): the unique w &gt; 0 with
 * w_i^{2/p} = a_iᵀ (Aᵀ W^{1−2/p} A)⁻¹ a_i, Σ w_i = rank(A). Each iteration is one distributed pass: rows compute
 * their weight from the broadcast d×d factors of earlier passes (no per-row state) and add w_i^{1−2/p} a_i a_iᵀ to
 * the next Gram matrix.
 *
 * <p>For p &lt; 4 the Cohen–Peng update w ← (a_iᵀ M⁻¹ a_i)^{p/2} contracts with factor |1 − p/2|; for p ≥ 4 it
 * diverges, and the damped update w ← w^{1−2/p} · a_iᵀ M⁻¹ a_i (the leverage of W^{1/2−1/p}A; design note §1.2,
 * converging at rate 1 − 2/p without a published guarantee) is used, whose row weight depends on every earlier
 * factor. Iteration stops when max_i |ln w_new − ln w_old| &lt; tolerance or at the cap. For p = 2 they are the
 * leverage scores (zero iterations).
 */
public final class LewisWeights implements Serializable {
  private final double p;
  private final boolean damped;
  private final List<InverseForm> factors;
  private final double floor;

  private LewisWeights(double p, List<InverseForm> factors, double floor) {
    this.p = p;
    this.damped = p >= 4;
    this.factors = List.copyOf(factors);
    this.floor = floor;
  }

  /** The iteration's record: per-iteration maximum log change and Σ w, and whether it converged. */
  public record Trace(List<Double> steps, List<Double> sums, boolean converged, String factorization) {}

  /**
   * Iterates to {@code tolerance}; {@code pass} runs one distributed pass with a visitor (see {@link MatrixPass});
   * {@code first} is the unweighted Gram pass (M_0 = AᵀA) already done by the caller.
   */
  public static LewisWeights compute(double p, MatrixPass.Acc first, Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      double tolerance, int maxIterations, List<Double> steps, List<Double> sums) {
    return compute(p, first, pass, tolerance, maxIterations, steps, sums, Function.identity());
  }

  /** As above, with every factor passed through {@code form} (e.g. a Johnson–Lindenstrauss projection). */
  public static LewisWeights compute(double p, MatrixPass.Acc first, Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      double tolerance, int maxIterations, List<Double> steps, List<Double> sums,
      Function<InverseForm, InverseForm> form) {
    int d = first.d;
    double floor = 1e-12 * d / Math.max(1, first.rows());
    List<InverseForm> factors = new ArrayList<>();
    factors.add(form.apply(InverseForm.of(first.gram())));
    if (p == 2) {
      return new LewisWeights(p, factors, floor);
    }
    double exponent = 1 - 2 / p;
    for (int t = 1; t <= maxIterations; t++) {
      LewisWeights current = new LewisWeights(p, factors, floor);
      MatrixPass.Acc acc = pass.apply((a, x) -> {
        double[] w = current.lastTwo(a);
        x.addOuter(a, Math.pow(w[1], exponent));
        x.max(Math.abs(Math.log(w[1]) - Math.log(w[0])));
        x.add(w[1]);
      });
      steps.add(acc.max());
      sums.add(acc.sum());
      factors.add(form.apply(InverseForm.of(acc.gram())));
      if (acc.max() < tolerance) {
        break;
      }
    }
    return new LewisWeights(p, factors, floor);
  }

  /** The weight of row {@code a} at the last iteration. */
  public double weight(double[] a) {
    return p == 2 ? factors.get(0).apply(a) : lastTwo(a)[1];
  }

  /** Iterations run (0 for p = 2). */
  public int iterations() {
    return factors.size() - 1;
  }

  public String factorization() {
    return factors.get(factors.size() - 1).method();
  }

  public int rank() {
    return factors.get(0).rank();
  }

  /** (w^{(t−1)}, w^{(t)}) of row a, where t is the number of factors: w^{(0)} = 1. */
  double[] lastTwo(double[] a) {
    int t = factors.size();
    if (!damped) {
      double prev = t >= 2 ? clamp(Math.pow(factors.get(t - 2).apply(a), p / 2)) : 1;
      double cur = clamp(Math.pow(factors.get(t - 1).apply(a), p / 2));
      return new double[] {prev, cur};
    }
    double exponent = 1 - 2 / p;
    double prev = 1;
    double w = 1;
    for (InverseForm f : factors) {
      prev = w;
      w = clamp(Math.pow(w, exponent) * f.apply(a));
    }
    return new double[] {prev, w};
  }

  private double clamp(double w) {
    return Math.max(w, floor);
  }
}
