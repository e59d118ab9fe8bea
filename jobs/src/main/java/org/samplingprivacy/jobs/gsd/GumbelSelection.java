package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Adaptive selection of Private-GSD (note §2.3): report-noisy-max with Gumbel noise, top K at once. Each score is a
 * workload's maximum absolute error of the current synthetic answers against the true ones (sensitivity 1/N). One
 * pick is the exponential mechanism at ε′ = 2√(2ρ_sel/K), i.e. ε′²/8-zCDP by bounded range (Cesar &amp; Rogers
 * 2021), so K picks cost ρ_sel; Gumbel noise of scale β = 2Δu/ε′ = √K/(N√(2ρ_sel)) implements it, and one-shot
 * top-K with Gumbel noise equals K sequential picks (Durfee &amp; Rogers 2019).
 */
public final class GumbelSelection {
  private GumbelSelection() {}

  /** The Gumbel scale for K picks at total ρ_sel over N rows. */
  public static double scale(int k, double rhoSelect, long n) {
    return Math.sqrt(k) / (n * Math.sqrt(2 * rhoSelect));
  }

  /** One standard Gumbel draw times {@code beta}. */
  static double gumbel(double beta, RandomGenerator rng) {
    double u = rng.nextDouble();
    while (u == 0) {
      u = rng.nextDouble();
    }
    return -beta * Math.log(-Math.log(u));
  }

  /** The K highest noisy scores among the candidates ({@code candidate[w]} true). */
  public static List<Integer> topK(double[] scores, boolean[] candidate, int k, double beta, RandomGenerator rng) {
    List<double[]> noisy = new ArrayList<>();
    for (int w = 0; w < scores.length; w++) {
      double g = gumbel(beta, rng); // drawn for every workload, so the draws do not depend on the candidate set
      if (candidate[w]) {
        noisy.add(new double[] {scores[w] + g, w});
      }
    }
    noisy.sort(Comparator.comparingDouble((double[] x) -> -x[0]));
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < Math.min(k, noisy.size()); i++) {
      out.add((int) noisy.get(i)[1]);
    }
    return out;
  }
}
