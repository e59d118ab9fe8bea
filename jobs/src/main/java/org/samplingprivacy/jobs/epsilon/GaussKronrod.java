package org.samplingprivacy.jobs.epsilon;

import java.util.function.DoubleUnaryOperator;

/**
 * Adaptive Gauss–Kronrod quadrature (7-point Gauss, 15-point Kronrod; nodes and weights from QUADPACK, Piessens et al.
 * 1983) with bisection until |K15 − G7| is within max(absolute, relative × |K15|) on every piece.
 */
final class GaussKronrod {
  private static final double[] XGK = {0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
      0.864864423359769072789712788640926, 0.741531185599394439863864773280788, 0.586087235467691130294144845693013,
      0.405845151377397166906606412076961, 0.207784955007898467600689403773245, 0.0};
  private static final double[] WGK = {0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
      0.104790010322250183839876322541518, 0.140653259715525918745189590510238, 0.169004726639267902826583426598550,
      0.190350578064785409913256402421014, 0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
  private static final double[] WG = {0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
      0.381830050505118944950369775488975, 0.417959183673469387755102040816327};
  private static final int MAX_DEPTH = 40;

  private final double absTol;
  private final double relTol;

  GaussKronrod(double absTol, double relTol) {
    this.absTol = absTol;
    this.relTol = relTol;
  }

  double integrate(DoubleUnaryOperator f, double a, double b) {
    if (!(b > a)) {
      return 0;
    }
    return adapt(f, a, b, absTol, 0);
  }

  private double adapt(DoubleUnaryOperator f, double a, double b, double tol, int depth) {
    double center = 0.5 * (a + b);
    double half = 0.5 * (b - a);
    double fc = f.applyAsDouble(center);
    double kronrod = fc * WGK[7];
    double gauss = fc * WG[3];
    for (int j = 0; j < 7; j++) {
      double dx = half * XGK[j];
      double sum = f.applyAsDouble(center - dx) + f.applyAsDouble(center + dx);
      kronrod += WGK[j] * sum;
      if (j % 2 == 1) {
        gauss += WG[j / 2] * sum;
      }
    }
    kronrod *= half;
    gauss *= half;
    double err = Math.abs(kronrod - gauss);
    if (err <= Math.max(tol, relTol * Math.abs(kronrod)) || depth >= MAX_DEPTH || half < 1e-300) {
      return kronrod;
    }
    return adapt(f, a, center, tol / 2, depth + 1) + adapt(f, center, b, tol / 2, depth + 1);
  }
}
