package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ℓp Lewis weights (Cohen &amp; Peng, "ℓp Row Sampling by Lewis Weights", STOC 2015): the unique w
 * &gt; 0 with w_i^{2/p} = a_iᵀ (Aᵀ W^{1−2/p} A)⁻¹ a_i, Σ w_i = rank(A). Each iteration is one
 * distributed pass: rows compute their weight from the broadcast d×d factors of earlier passes (no
 * per-row state) and add w_i^{1−2/p} a_i a_iᵀ to the next Gram matrix.
 *
 * <p>For p &lt; 4 the Cohen–Peng map T(w)_i = (a_iᵀ M_w⁻¹ a_i)^{p/2} is used, normalised after each
 * pass to Σ w = rank(A). T is homogeneous of degree 1 − p/2 and contracts the projective (Hilbert)
 * distance by |1 − p/2| (Cohen–Peng, Lemma 3.3), so the normalised iterates converge at that rate
 * to the same fixed point; without the normalisation the scale alone, off by √(n/d) after the first
 * pass from w = 1, would take about log₂(ln(n/d)/tol) extra passes (9 at n = 10⁷, d = 21, tol =
 * 0.01). For p ≥ 4 T diverges and the damped update w ← w^{1−2/p} · a_iᵀ M⁻¹ a_i (the leverage of
 * W^{1/2−1/p}A, whose sum is rank(A) already; docs/design/sensitivity-sampling.md §1.2, converging
 * at rate 1 − 2/p without a published guarantee) is used, whose row weight depends on every earlier
 * factor. Iteration stops when max_i |ln w_new − ln w_old| &lt; tolerance or at the cap; for
 * full-rank A that maximum is bounded from above over all of ℝ^d by a d×d generalised eigenvalue
 * problem, so a pass computes one quadratic form per row, not two. For p = 2 they are the leverage
 * scores (zero iterations).
 */
public final class LewisWeights implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LewisWeights.class);
  private final double p;
  private final boolean damped;

  /** M_0 = AᵀA, then the Gram matrix of each normalised iterate. */
  private final List<InverseForm> factors;

  /**
   * Cohen–Peng: c_t with w^(t) = c_t·(a_iᵀ M_{t−1}⁻¹ a_i)^{p/2} (c_1 .. c_T; empty when damped or p
   * = 2).
   */
  private final List<Double> scales;

  private final double floor;

  private LewisWeights(double p, List<InverseForm> factors, List<Double> scales, double floor) {
    this.p = p;
    this.damped = p >= 4;
    this.factors = List.copyOf(factors);
    this.scales = List.copyOf(scales);
    this.floor = floor;
  }

  /**
   * Iterates to {@code tolerance}; {@code pass} runs one distributed pass with a visitor (see
   * {@link MatrixPass}); {@code first} is the unweighted Gram pass (M_0 = AᵀA) already done by the
   * caller.
   */
  public static LewisWeights compute(
      double p,
      MatrixPass.Acc first,
      Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      double tolerance,
      int maxIterations,
      List<Double> steps,
      List<Double> sums) {
    return compute(p, first, pass, tolerance, maxIterations, steps, sums, Function.identity());
  }

  /**
   * As above, with every factor passed through {@code form} (e.g. a Johnson–Lindenstrauss
   * projection).
   */
  public static LewisWeights compute(
      double p,
      MatrixPass.Acc first,
      Function<MatrixPass.Visitor, MatrixPass.Acc> pass,
      double tolerance,
      int maxIterations,
      List<Double> steps,
      List<Double> sums,
      Function<InverseForm, InverseForm> form) {
    int d = first.d;
    double floor = 1e-12 * d / Math.max(1, first.rows());
    List<InverseForm> factors = new ArrayList<>();
    List<Double> scales = new ArrayList<>();
    factors.add(form.apply(InverseForm.of(first.gram())));
    if (p == 2) {
      return new LewisWeights(p, factors, scales, floor);
    }
    int rank = factors.get(0).rank();
    double exponent = 1 - 2 / p;
    for (int t = 1; t <= maxIterations; t++) {
      long start = System.nanoTime();
      LewisWeights current = new LewisWeights(p, factors, scales, floor);
      // With two exact factors, every row's ratio of new to old quadratic form lies in the range of
      // the pencil of
      // the two d×d matrices (InverseForm.ratioRange): the step is bounded on the driver and rows
      // score only against
      // the newest factor. Otherwise (w_old = 1, rank-deficient or projected factors, damped) rows
      // report the ratio.
      double[] pencil =
          current.damped || t == 1 ? null : factors.get(t - 1).ratioRange(factors.get(t - 2));
      MatrixPass.Acc acc;
      if (pencil != null) {
        int last = t - 1;
        acc =
            pass.apply(
                (a, x) -> {
                  double u = current.clamp(pow(current.factors.get(last).apply(a), p / 2));
                  x.addOuter(a, pow(u, exponent));
                  x.add(u);
                });
      } else {
        acc =
            pass.apply(
                (a, x) -> {
                  double[] w = current.next(a);
                  x.addOuter(a, pow(w[1], exponent));
                  x.add(w[1]);
                  double ratio = w[1] / w[0];
                  x.max(ratio);
                  x.min(ratio);
                });
      }
      double c = current.damped ? 1 : rank / acc.sum();
      double lo;
      double hi;
      if (pencil != null) {
        double shift = Math.log(c / scales.get(t - 2));
        lo = shift + p / 2 * Math.log(pencil[0]);
        hi = shift + p / 2 * Math.log(pencil[1]);
      } else {
        lo = Math.log(c * acc.min());
        hi = Math.log(c * acc.max());
      }
      double step = Math.max(Math.abs(lo), Math.abs(hi));
      steps.add(step);
      sums.add(c * acc.sum());
      if (!current.damped) {
        scales.add(c);
      }
      LOG.info(
          "Lewis iteration {}: max |ln w_new - ln w_old| = {} ({} s)",
          t,
          String.format(Locale.ROOT, "%.3g", step),
          String.format(Locale.ROOT, "%.2f", (System.nanoTime() - start) / 1e9));
      if (step < tolerance || t == maxIterations) {
        // Cohen–Peng weights are read from the factors before the last one, with the last scale: no
        // further factor.
        if (current.damped) {
          factors.add(form.apply(InverseForm.of(acc.gram())));
        }
        break;
      }
      double[][] m = acc.gram();
      double g = pow(c, exponent);
      for (double[] row : m) {
        for (int j = 0; j < row.length; j++) {
          row[j] *= g;
        }
      }
      factors.add(form.apply(InverseForm.of(m)));
    }
    return new LewisWeights(p, factors, scales, floor);
  }

  /** The weight of row {@code a} at the last iteration. */
  public double weight(double[] a) {
    if (p == 2) {
      return factors.get(0).apply(a);
    }
    if (damped) {
      return chain(a)[1];
    }
    int t = scales.size();
    return t == 0 ? 1 : scales.get(t - 1) * clamp(pow(factors.get(t - 1).apply(a), p / 2));
  }

  /**
   * Prepares {@link #upperBound} on the driver (see {@link InverseForm#withUpperBound()}); the
   * damped iteration gets none (its weight chains every factor). Returns this.
   */
  LewisWeights withUpperBound() {
    if (!damped) {
      factors.get(p == 2 ? 0 : Math.max(0, scales.size() - 1)).withUpperBound();
    }
    return this;
  }

  /** An O(d) upper bound on {@link #weight}, +∞ unless prepared by {@link #withUpperBound()}. */
  double upperBound(double[] a) {
    if (damped) {
      return Double.POSITIVE_INFINITY;
    }
    if (p == 2) {
      return factors.get(0).upperBound(a);
    }
    int t = scales.size();
    return t == 0 ? 1 : scales.get(t - 1) * clamp(pow(factors.get(t - 1).upperBound(a), p / 2));
  }

  /** Iterations run (0 for p = 2). */
  public int iterations() {
    return damped ? factors.size() - 1 : scales.size();
  }

  public String factorization() {
    return factors.get(factors.size() - 1).method();
  }

  public int rank() {
    return factors.get(0).rank();
  }

  /**
   * (w_old, u) of row a for the next pass: its current weight and its next one, unnormalised
   * (Cohen–Peng) or final (damped).
   */
  double[] next(double[] a) {
    if (damped) {
      return chain(a);
    }
    int t = factors.size();
    double old = t == 1 ? 1 : scales.get(t - 2) * clamp(pow(factors.get(t - 2).apply(a), p / 2));
    double u = clamp(pow(factors.get(t - 1).apply(a), p / 2));
    return new double[] {old, u};
  }

  /**
   * Damped iteration: (w^(t−1), w^(t)) of row a, where t is the number of factors and w^(0) = 1.
   */
  private double[] chain(double[] a) {
    double exponent = 1 - 2 / p;
    double prev = 1;
    double w = 1;
    for (InverseForm f : factors) {
      prev = w;
      w = clamp(pow(w, exponent) * f.apply(a));
    }
    return new double[] {prev, w};
  }

  private double clamp(double w) {
    return Math.max(w, floor);
  }

  /**
   * x^e with the exponents of p = 1 and p = 2/3/4 without Math.pow, which dominates a pass's cost
   * otherwise.
   */
  static double pow(double x, double e) {
    if (e == 0.5) {
      return Math.sqrt(x);
    } else if (e == -1) {
      return 1 / x;
    } else if (e == 1) {
      return x;
    } else if (e == 2) {
      return x * x;
    } else if (e == 1.5) {
      return x * Math.sqrt(x);
    }
    return Math.pow(x, e);
  }
}
