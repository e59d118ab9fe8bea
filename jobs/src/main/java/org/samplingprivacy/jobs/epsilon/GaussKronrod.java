package org.samplingprivacy.jobs.epsilon;

import java.util.function.DoubleUnaryOperator;

/**
 * Adaptive Gauss–Kronrod quadrature (7-point Gauss, 15-point Kronrod; nodes and weights from
 * QUADPACK, Piessens et al. 1983), globally adaptive as QUADPACK's QAG.
 */
final class GaussKronrod {
  private static final double[] XGK = {
    0.991455371120812639206854697526329,
    0.949107912342758524526189684047851,
    0.864864423359769072789712788640926,
    0.741531185599394439863864773280788,
    0.586087235467691130294144845693013,
    0.405845151377397166906606412076961,
    0.207784955007898467600689403773245,
    0.0
  };
  private static final double[] WGK = {
    0.022935322010529224963732008058970,
    0.063092092629978553290700663189204,
    0.104790010322250183839876322541518,
    0.140653259715525918745189590510238,
    0.169004726639267902826583426598550,
    0.190350578064785409913256402421014,
    0.204432940075298892414161999234649,
    0.209482141084727828012999174891714
  };
  private static final double[] WG = {
    0.129484966168869693270611432679082,
    0.279705391489276667901467771423780,
    0.381830050505118944950369775488975,
    0.417959183673469387755102040816327
  };

  /** Subdivisions allowed per call: bounds the work when round-off keeps the error estimate up. */
  private static final int MAX_PANELS = 400;

  /**
   * Relative noise floor of a panel: the Beta CDFs in the integrands are accurate to about 1e-12
   * relative for parameters in the millions, so error estimates below that are noise, not signal.
   */
  private static final double NOISE = 1e-12;

  private final double absTol;
  private final double relTol;

  GaussKronrod(double absTol, double relTol) {
    this.absTol = absTol;
    this.relTol = relTol;
  }

  /** A panel: its Kronrod estimate and error bound. */
  private record Panel(double a, double b, double value, double error) {}

  /**
   * Global adaptive subdivision (QUADPACK's QAG): bisect the panel with the largest error until the
   * summed error is within max(absolute, relative × |integral|). A panel's error is |K15 − G7| but
   * never below the noise floor of its sum (1e-12 Σ|w f|), so noise in f cannot force endless
   * bisection; at most {@value #MAX_PANELS} panels.
   */
  double integrate(DoubleUnaryOperator f, double a, double b) {
    if (!(b > a)) {
      return 0;
    }
    java.util.PriorityQueue<Panel> queue =
        new java.util.PriorityQueue<>((x, y) -> Double.compare(y.error, x.error));
    Panel first = panel(f, a, b);
    queue.add(first);
    double total = first.value;
    double error = first.error;
    int panels = 1;
    while (error > Math.max(absTol, relTol * Math.abs(total)) && panels < MAX_PANELS) {
      Panel worst = queue.poll();
      double mid = 0.5 * (worst.a + worst.b);
      if (!(mid > worst.a && mid < worst.b)) {
        break;
      }
      Panel left = panel(f, worst.a, mid);
      Panel right = panel(f, mid, worst.b);
      total += left.value + right.value - worst.value;
      error += left.error + right.error - worst.error;
      queue.add(left);
      queue.add(right);
      panels++;
    }
    return total;
  }

  private static Panel panel(DoubleUnaryOperator f, double a, double b) {
    double center = 0.5 * (a + b);
    double half = 0.5 * (b - a);
    double fc = f.applyAsDouble(center);
    double kronrod = fc * WGK[7];
    double gauss = fc * WG[3];
    double absSum = Math.abs(fc) * WGK[7];
    for (int j = 0; j < 7; j++) {
      double dx = half * XGK[j];
      double f1 = f.applyAsDouble(center - dx);
      double f2 = f.applyAsDouble(center + dx);
      kronrod += WGK[j] * (f1 + f2);
      absSum += WGK[j] * (Math.abs(f1) + Math.abs(f2));
      if (j % 2 == 1) {
        gauss += WG[j / 2] * (f1 + f2);
      }
    }
    double err = Math.max(Math.abs(kronrod - gauss) * half, NOISE * absSum * half);
    return new Panel(a, b, kronrod * half, err);
  }
}
