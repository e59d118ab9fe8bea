package org.samplingprivacy.jobs.epsilon;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * The ε posterior's CDF (or survival function) and density at one e, from quadrature panels fixed
 * per posterior, for Newton's method on the quantile equation (docs/design/epsilon-estimate.md §4,
 * "fast quantiles").
 *
 * <p>F(e) = ∫ p_x(x) [F_y(U_e(x)) − F_y(L_e(x))] dx with the outer variable x one of FPR and FNR
 * and the inner y the other (the privacy region is symmetric, so either order gives F). The outer
 * variable is the one across whose posterior the inner CDF changes least steeply at the plug-in
 * boundary, so the integrand is smooth on the scale of the outer posterior. x is split at its
 * posterior quantiles 1e-12, 1e-7, 1e-3, 0.05, ½ and their mirrors, one Gauss–Kronrod (G7/K15)
 * panel per piece whose nodes and density-weighted weights are computed once per posterior: an
 * evaluation costs only the inner CDFs at the nodes, none where the boundary lies beyond the inner
 * posterior's 1e-14 quantiles. A panel is bisected on the fly where |K15 − G7| exceeds its share of
 * 1e-10, and a piece holding a kink of L or U at the current e is split there. The density p_ε(e) =
 * ∫ p_x [p_y(U) ∂U/∂e − p_y(L) ∂L/∂e] dx is accumulated at the same nodes, which makes the Newton
 * step free.
 */
final class FixedCdfRule {
  private static final double TAIL = 1e-12;
  private static final double[] LEVELS = {1e-12, 1e-7, 1e-3, 0.05, 0.5};
  private static final double INNER_NEGLIGIBLE = 1e-14;

  /**
   * Absolute error allowed in F, shared among the pieces: quantiles to about 1e-9 at densities
   * above 0.1.
   */
  private static final double ABS_TOL = 1e-10;

  /**
   * Relative round-off of a panel (the Beta CDFs are accurate to about 1e-12 relative for large
   * parameters).
   */
  private static final double NOISE = 1e-12;

  private static final int MAX_DEPTH = 30;

  /**
   * Extra panels one evaluation may add; beyond it panels are accepted as they are (a guard, not a
   * tolerance).
   */
  private static final int MAX_PANELS = 2000;

  /**
   * Kronrod nodes on [−1, 1] (QUADPACK), in increasing order, and the K15 and embedded G7 weights
   * (0 off G7).
   */
  private static final double[] KRONROD_NODES = new double[15];

  private static final double[] KRONROD_WEIGHTS = new double[15];
  private static final double[] GAUSS_WEIGHTS = new double[15];

  static {
    double[] xgk = {
      0.991455371120812639206854697526329,
      0.949107912342758524526189684047851,
      0.864864423359769072789712788640926,
      0.741531185599394439863864773280788,
      0.586087235467691130294144845693013,
      0.405845151377397166906606412076961,
      0.207784955007898467600689403773245,
      0.0
    };
    double[] wgk = {
      0.022935322010529224963732008058970,
      0.063092092629978553290700663189204,
      0.104790010322250183839876322541518,
      0.140653259715525918745189590510238,
      0.169004726639267902826583426598550,
      0.190350578064785409913256402421014,
      0.204432940075298892414161999234649,
      0.209482141084727828012999174891714
    };
    double[] wg = {
      0.129484966168869693270611432679082,
      0.279705391489276667901467771423780,
      0.381830050505118944950369775488975,
      0.417959183673469387755102040816327
    };
    for (int j = 0; j < 8; j++) {
      KRONROD_NODES[j] = -xgk[j];
      KRONROD_NODES[14 - j] = xgk[j];
      KRONROD_WEIGHTS[j] = wgk[j];
      KRONROD_WEIGHTS[14 - j] = wgk[j];
      double g = j % 2 == 1 ? wg[j / 2] : 0;
      GAUSS_WEIGHTS[j] = g;
      GAUSS_WEIGHTS[14 - j] = g;
    }
  }

  private final double delta;
  private final BetaDistribution outer;
  private final BetaDistribution inner;
  private final double innerLo;
  private final double innerHi;
  private final double first;
  private final double last;
  private final double[] cuts;
  private final int pieces;

  /** Per piece, 15 Kronrod nodes with their weights (K15 and G7) times the outer density. */
  private final double[] nodes;

  private final double[] weights;
  private final double[] gaussWeights;

  /**
   * Panels added by bisection in the current evaluation (an instance is used by one thread at a
   * time).
   */
  private int panels;

  /** F (or S) and dF/de at one e. */
  record Value(double probability, double density) {}

  FixedCdfRule(AttackCounts c, double kappa, double delta) {
    this.delta = delta;
    BetaDistribution a = BetaDistribution.of(c.fp() + kappa, c.tn() + kappa);
    BetaDistribution b = BetaDistribution.of(c.fn() + kappa, c.tp() + kappa);
    // The order is chosen at δ = 0, so one rule serves every δ of a curve ({@link #withDelta}).
    boolean outerIsB = outerIsFnr(c, kappa, 0);
    this.outer = outerIsB ? b : a;
    this.inner = outerIsB ? a : b;
    this.innerLo = inner.inverseCumulativeProbability(INNER_NEGLIGIBLE);
    this.innerHi = inner.inverseSurvivalProbability(INNER_NEGLIGIBLE);
    List<Double> cutList = new ArrayList<>();
    for (double level : LEVELS) {
      cutList.add(outer.inverseCumulativeProbability(level));
    }
    for (int i = LEVELS.length - 2; i >= 0; i--) {
      cutList.add(outer.inverseSurvivalProbability(LEVELS[i]));
    }
    // Quantiles of a very concentrated or lopsided posterior can coincide: keep strictly increasing
    // cuts.
    this.cuts = cutList.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray();
    this.pieces = cuts.length - 1;
    this.first = cuts[0];
    this.last = cuts[pieces];
    this.nodes = new double[15 * pieces];
    this.weights = new double[nodes.length];
    this.gaussWeights = new double[nodes.length];
    for (int i = 0; i < pieces; i++) {
      fill(cuts[i], cuts[i + 1], nodes, weights, gaussWeights, 15 * i);
    }
  }

  private FixedCdfRule(FixedCdfRule r, double delta) {
    this.delta = delta;
    this.outer = r.outer;
    this.inner = r.inner;
    this.innerLo = r.innerLo;
    this.innerHi = r.innerHi;
    this.first = r.first;
    this.last = r.last;
    this.cuts = r.cuts;
    this.pieces = r.pieces;
    this.nodes = r.nodes;
    this.weights = r.weights;
    this.gaussWeights = r.gaussWeights;
  }

  /**
   * The same posterior's rule at another δ: the panels depend only on the posterior, so nothing is
   * recomputed.
   */
  FixedCdfRule withDelta(double otherDelta) {
    return new FixedCdfRule(this, otherDelta);
  }

  /**
   * Whether to integrate over the FNR b (else over the FPR a). At the plug-in rates the boundary of
   * the region through (a, b) has slope s = da/db; with b outside, the integrand F_a(L(b)) changes
   * over a b-width of sd_a/|s|; with a outside, over an a-width of sd_b·|s|. The better order is
   * the one whose width is larger relative to the outer posterior's own spread.
   */
  private static boolean outerIsFnr(AttackCounts c, double kappa, double delta) {
    double a = (c.fp() + kappa) / (c.nonMembers() + 2 * kappa);
    double b = (c.fn() + kappa) / (c.members() + 2 * kappa);
    double sdA = Math.sqrt(a * (1 - a) / (c.nonMembers() + 2 * kappa + 1));
    double sdB = Math.sqrt(b * (1 - b) / (c.members() + 2 * kappa + 1));
    if (a + b > 1) {
      double ra = 1 - b;
      b = 1 - a;
      a = ra;
    }
    // Boundary pieces through (a, b) below the anti-diagonal: a = (1-δ-b)e^-e (slope a/(1-δ-b))
    // when a < b,
    // b = (1-δ-a)e^-e (slope (1-δ-a)/b) otherwise.
    double slope =
        a < b ? a / Math.max(1 - delta - b, 1e-300) : (1 - delta - a) / Math.max(b, 1e-300);
    double ratioIfBOuter = sdA / (slope * sdB);
    double ratioIfAOuter = sdB * slope / sdA;
    return !(ratioIfAOuter > ratioIfBOuter);
  }

  /** F(e) and dF/de (or S(e) and dS/de = −dF/de when {@code survival}). */
  Value evaluate(double e, boolean survival) {
    panels = 0;
    double ee = Math.exp(e);
    double k1 = (1 - delta) / (1 + ee);
    double k2 = (1 - delta) / ee;
    double[] kinks = {k1, k2, 1 - delta, 1 - k1, 1 - k2, delta};
    Arrays.sort(kinks);
    double[] acc = new double[3];
    add(first, TAIL, TAIL, ee, survival, acc);
    add(last, TAIL, TAIL, ee, survival, acc);
    double tolerance = ABS_TOL / pieces;
    int kink = 0;
    double[] panel = new double[3];
    for (int p = 0; p < pieces; p++) {
      double lo = cuts[p];
      double hi = cuts[p + 1];
      while (kink < kinks.length && kinks[kink] <= lo) {
        kink++;
      }
      if (kink < kinks.length && kinks[kink] < hi) {
        double from = lo;
        int k = kink;
        while (true) {
          double to = k < kinks.length && kinks[k] < hi ? kinks[k] : hi;
          if (to > from) {
            adaptive(from, to, ee, survival, tolerance, 0, acc);
          }
          if (to == hi) {
            break;
          }
          from = to;
          k++;
        }
      } else {
        // The piece's own precomputed panel; bisected on the fly only where its error estimate is
        // too large.
        Arrays.fill(panel, 0);
        for (int i = 15 * p; i < 15 * p + 15; i++) {
          add(nodes[i], weights[i], gaussWeights[i], ee, survival, panel);
        }
        if (Math.abs(panel[0] - panel[2]) <= Math.max(tolerance, NOISE * Math.abs(panel[0]))) {
          acc[0] += panel[0];
          acc[1] += panel[1];
        } else {
          double mid = 0.5 * (lo + hi);
          adaptive(lo, mid, ee, survival, tolerance / 2, 1, acc);
          adaptive(mid, hi, ee, survival, tolerance / 2, 1, acc);
        }
      }
    }
    return new Value(Math.min(1, acc[0]), survival ? -acc[1] : acc[1]);
  }

  /**
   * One Gauss–Kronrod panel on [lo, hi], bisected while |K15 − G7| exceeds the tolerance (depth ≤
   * 30).
   */
  private void adaptive(
      double lo,
      double hi,
      double ee,
      boolean survival,
      double tolerance,
      int depth,
      double[] acc) {
    double[] panel = new double[3];
    double mid = 0.5 * (lo + hi);
    double half = 0.5 * (hi - lo);
    for (int j = 0; j < 15; j++) {
      double x = mid + half * KRONROD_NODES[j];
      double d = outer.density(x);
      if (!(d > 0) || !Double.isFinite(d)) {
        continue;
      }
      add(x, half * KRONROD_WEIGHTS[j] * d, half * GAUSS_WEIGHTS[j] * d, ee, survival, panel);
    }
    // Accept at the tolerance, at the noise floor of the Beta CDFs (about 1e-12 of the panel's own
    // value: below it
    // |K15 − G7| is round-off, and halving tolerances would bisect forever), or out of depth or
    // budget.
    if (Math.abs(panel[0] - panel[2]) <= Math.max(tolerance, NOISE * Math.abs(panel[0]))
        || depth >= MAX_DEPTH
        || ++panels > MAX_PANELS
        || !(mid > lo && mid < hi)) {
      acc[0] += panel[0];
      acc[1] += panel[1];
      return;
    }
    adaptive(lo, mid, ee, survival, tolerance / 2, depth + 1, acc);
    adaptive(mid, hi, ee, survival, tolerance / 2, depth + 1, acc);
  }

  /** Adds w·g(x) and w·(flux at x) for one outer node x. */
  private void add(double x, double w, double wGauss, double ee, boolean survival, double[] acc) {
    if (w == 0 && wGauss == 0) {
      return;
    }
    // L(x) = max(0, 1 − δ − e^e x, (1 − δ − x) e^{−e}) and U(x) = 1 − L(1 − x), with their
    // e-derivatives.
    double l1 = 1 - delta - ee * x;
    double l2 = (1 - delta - x) / ee;
    double lower;
    double dLower;
    if (l1 <= 0 && l2 <= 0) {
      lower = 0;
      dLower = 0;
    } else if (l1 >= l2) {
      lower = l1;
      dLower = -ee * x;
    } else {
      lower = l2;
      dLower = -l2;
    }
    double m1 = 1 - delta - ee * (1 - x);
    double m2 = (1 - delta - (1 - x)) / ee;
    double upper;
    double dUpper;
    if (m1 <= 0 && m2 <= 0) {
      upper = 1;
      dUpper = 0;
    } else if (m1 >= m2) {
      upper = 1 - m1;
      dUpper = ee * (1 - x);
    } else {
      upper = 1 - m2;
      dUpper = m2;
    }
    double fLower;
    double fUpper;
    double flux = 0;
    if (upper <= lower) {
      acc[0] += survival ? w : 0;
      acc[2] += survival ? wGauss : 0;
      return;
    }
    if (lower <= innerLo) {
      fLower = 0;
    } else if (lower >= innerHi) {
      fLower = 1;
    } else {
      fLower = inner.cumulativeProbability(lower);
      flux -= inner.density(lower) * dLower;
    }
    double sUpper;
    if (upper >= innerHi) {
      sUpper = 0;
    } else if (upper <= innerLo) {
      sUpper = 1;
    } else {
      sUpper = inner.survivalProbability(upper);
      flux += inner.density(upper) * dUpper;
    }
    fUpper = 1 - sUpper;
    double g = survival ? fLower + sUpper : fUpper - fLower;
    acc[0] += w * g;
    acc[1] += w * flux;
    acc[2] += wGauss * g;
  }

  /**
   * The 15 Kronrod nodes of [lo, hi] with Kronrod and Gauss weights times the outer density, from
   * offset.
   */
  private void fill(double lo, double hi, double[] x, double[] w, double[] wg, int offset) {
    double mid = 0.5 * (lo + hi);
    double half = 0.5 * (hi - lo);
    for (int j = 0; j < 15; j++) {
      double xj = mid + half * KRONROD_NODES[j];
      x[offset + j] = xj;
      double d = outer.density(xj);
      boolean ok = d > 0 && Double.isFinite(d);
      w[offset + j] = ok ? half * KRONROD_WEIGHTS[j] * d : 0;
      wg[offset + j] = ok ? half * GAUSS_WEIGHTS[j] * d : 0;
    }
  }
}
