package org.samplingprivacy.jobs.epsilon;

import java.util.Arrays;
import java.util.TreeSet;
import java.util.function.DoubleUnaryOperator;
import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * ∫₀¹ p(x) g(x) dx for a Beta density p and 0 ≤ g ≤ 1, accurate to about 1e-12: split at the Beta
 * quantiles 1e-12, 1e-9, 1e-6, 1e-4, 0.01, 0.1, 0.3 and ½ from both sides (fixed per distribution,
 * so every piece holds a well-scaled part of the density, the singularity of a zero count and both
 * tails included) and at the caller's kinks of g, each piece by adaptive Gauss–Kronrod. The two
 * outer pieces hold 1e-12 of mass each and count as mass × g at their inner end. The quantiles are
 * computed once, so no inverse CDF is evaluated per quadrature node.
 */
final class BetaWeightedIntegral {
  private static final double TAIL = 1e-12;
  private static final double[] LEVELS = {1e-12, 1e-9, 1e-6, 1e-4, 1e-2, 0.1, 0.3};

  private final BetaDistribution dist;
  private final double[] breaks;
  private final GaussKronrod quadrature;

  BetaWeightedIntegral(BetaDistribution dist, GaussKronrod quadrature) {
    this.dist = dist;
    this.quadrature = quadrature;
    TreeSet<Double> cuts = new TreeSet<>();
    cuts.add(dist.inverseCumulativeProbability(0.5));
    for (double q : LEVELS) {
      cuts.add(dist.inverseCumulativeProbability(q));
      cuts.add(dist.inverseSurvivalProbability(q));
    }
    this.breaks =
        cuts.stream().mapToDouble(Double::doubleValue).filter(x -> x > 0 && x < 1).toArray();
  }

  double integrate(DoubleUnaryOperator g, double[] kinks) {
    double first = breaks[0];
    double last = breaks[breaks.length - 1];
    double[] cuts = Arrays.copyOf(breaks, breaks.length + kinks.length);
    int n = breaks.length;
    for (double k : kinks) {
      if (k > first && k < last) {
        cuts[n++] = k;
      }
    }
    cuts = Arrays.copyOf(cuts, n);
    Arrays.sort(cuts);
    DoubleUnaryOperator weighted =
        x -> {
          double gx = g.applyAsDouble(x);
          return gx == 0 ? 0 : dist.density(x) * gx;
        };
    double sum = TAIL * g.applyAsDouble(first) + TAIL * g.applyAsDouble(last);
    for (int i = 0; i + 1 < cuts.length; i++) {
      if (cuts[i + 1] > cuts[i]) {
        sum += quadrature.integrate(weighted, cuts[i], cuts[i + 1]);
      }
    }
    return sum;
  }
}
