package org.samplingprivacy.jobs.sampling;

import java.io.Serializable;

/**
 * A row's sampling score s_i (an upper bound on its ℓp sensitivity, up to the method) and the total
 * S = Σ s_i that turns a target size m into inclusion probabilities q_i = min(1, m·s_i/S) (Woodruff
 * &amp; Yasuda, ICML 2023; docs/design/ sensitivity-sampling.md §§1.3, 2.3). Serializable:
 * executors score rows with the broadcast d×d factors it holds.
 */
public abstract class Scores implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The total S, or NaN when it must be summed in a pass (root leverage). */
  public abstract double total();

  public abstract double score(double[] a);

  /**
   * An upper bound on {@link #score} in O(d) (+∞ when none): the sampling pass skips the O(d²)
   * score of a row whose bound already rules it out, which for m ≪ n is nearly every row. It never
   * changes which rows are kept.
   */
  public double upperBound(double[] a) {
    return Double.POSITIVE_INFINITY;
  }

  /** Every row alike: Spark's own sampling, with inclusion m/n. */
  static Scores uniform(long n) {
    return new Scores() {
      public double total() {
        return n;
      }

      public double score(double[] a) {
        return 1;
      }

      @Override
      public double upperBound(double[] a) {
        return 1;
      }
    };
  }

  /** Leverage τ_i = a_iᵀ(AᵀA)⁺a_i, the p = 2 sensitivities; Σ τ_i = rank(A). */
  static Scores leverage(InverseForm gram) {
    gram.withUpperBound();
    return new Scores() {
      public double total() {
        return gram.rank();
      }

      public double score(double[] a) {
        return Math.min(1, gram.apply(a));
      }

      @Override
      public double upperBound(double[] a) {
        return Math.min(1, gram.upperBound(a));
      }
    };
  }

  /**
   * Lewis weights; Σ w_i = rank(A) at the fixed point. For p ≤ 2 they bound the ℓp sensitivities.
   */
  static Scores lewis(LewisWeights w) {
    w.withUpperBound();
    return new Scores() {
      public double total() {
        return w.rank();
      }

      public double score(double[] a) {
        return w.weight(a);
      }

      @Override
      public double upperBound(double[] a) {
        return w.upperBound(a);
      }
    };
  }

  /**
   * The sensitivity upper bound from Lewis weights: w_i for p ≤ 2, d^{p/2−1} w_i for p &gt; 2
   * (total d^{p/2}).
   */
  static Scores sensitivity(LewisWeights w, double p) {
    double factor = p <= 2 ? 1 : Math.pow(w.rank(), p / 2 - 1);
    w.withUpperBound();
    return new Scores() {
      public double total() {
        return factor * w.rank();
      }

      public double score(double[] a) {
        return factor * w.weight(a);
      }

      @Override
      public double upperBound(double[] a) {
        return factor * w.upperBound(a);
      }
    };
  }

  /**
   * Root leverage τ_i^{p/2} (the first Cohen–Peng iterate); its total is data-dependent and needs a
   * pass.
   */
  static Scores rootLeverage(InverseForm gram, double p, double summed) {
    gram.withUpperBound();
    return new Scores() {
      public double total() {
        return summed;
      }

      public double score(double[] a) {
        return Math.pow(Math.min(1, gram.apply(a)), p / 2);
      }

      @Override
      public double upperBound(double[] a) {
        return Math.pow(Math.min(1, gram.upperBound(a)), p / 2);
      }
    };
  }

  /**
   * Half the budget on leverage, half on the sensitivity bound: s_i = τ_i/(2 rank) + u_i/(2 U),
   * total 1.
   */
  static Scores mixed(Scores leverage, Scores sensitivity) {
    return new Scores() {
      public double total() {
        return 1;
      }

      public double score(double[] a) {
        return 0.5 * leverage.score(a) / leverage.total()
            + 0.5 * sensitivity.score(a) / sensitivity.total();
      }

      @Override
      public double upperBound(double[] a) {
        return 0.5 * leverage.upperBound(a) / leverage.total()
            + 0.5 * sensitivity.upperBound(a) / sensitivity.total();
      }
    };
  }
}
