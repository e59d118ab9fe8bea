package org.samplingprivacy.jobs.epsilon;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.samplingprivacy.jobs.privacy.ZcdpConversion;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * ε(δ) curves: the ε an attack demonstrates at each δ of a grid (docs/design/epsilon-estimate.md
 * §5), beside the ε(δ) curve a mechanism claims. Each point is exactly what a run of {@code
 * epsilon-estimate --delta δ} reports: the threshold is chosen per δ by the same rule (greatest
 * Bayesian lower bound on the choosing part), and the quantiles are the same Newton solves, started
 * from the neighbouring δ's answers (continuation), which changes them by less than the solver's
 * tolerance. The quadrature panels of a posterior do not depend on δ and are shared along the curve
 * ({@link EpsilonPosterior#atDelta}).
 */
final class EpsilonCurve {
  private EpsilonCurve() {}

  /**
   * One point: the Bayesian lower bound Q(level), interval [Q(level/2), Q(1 − level/2)], and CP
   * lower bound.
   */
  public record Point(double delta, double lowerBound, double lo, double hi, double cpLowerBound)
      implements Serializable {}

  /**
   * A candidate threshold of one group: the counts it is chosen on and the counts it reports (the
   * same unless split).
   */
  public record Candidate(double threshold, AttackCounts choose, AttackCounts report)
      implements Serializable {}

  /** The point of a curve at one δ with the threshold chosen there. */
  public record Selected(double threshold, AttackCounts counts, Point point)
      implements Serializable {}

  /** K log-spaced values from a to b inclusive. */
  public static double[] logGrid(double a, double b, int k) {
    double[] g = new double[k];
    for (int i = 0; i < k; i++) {
      g[i] = i == k - 1 ? b : Math.exp(Math.log(a) + (Math.log(b) - Math.log(a)) * i / (k - 1));
    }
    return g;
  }

  /**
   * Parses {@code a:b:K} (K log-spaced values, 0 < a < b < 1, 2 ≤ K ≤ 1000) or a comma list in [0,
   * 1).
   */
  public static double[] parseGrid(String option, String spec) {
    String s = spec.trim();
    if (s.contains(":")) {
      String[] parts = s.split(":", -1);
      if (parts.length != 3) {
        throw new InputException(option + " must be a:b:K or a comma list, got '" + spec + "'");
      }
      double a = number(option, parts[0]);
      double b = number(option, parts[1]);
      int k;
      try {
        k = Integer.parseInt(parts[2].trim());
      } catch (NumberFormatException e) {
        throw new InputException(option + ": K must be an integer, got '" + parts[2].trim() + "'");
      }
      if (!(a > 0 && a < b && b < 1)) {
        throw new InputException(
            option + " a:b:K needs 0 < a < b < 1 (log-spaced), got " + a + ":" + b);
      }
      if (k < 2 || k > 1000) {
        throw new InputException(option + ": K must be in [2, 1000], got " + k);
      }
      return logGrid(a, b, k);
    }
    TreeSet<Double> values = new TreeSet<>();
    for (String part : s.split(",")) {
      if (part.isBlank()) {
        throw new InputException(option + " has an empty entry: '" + spec + "'");
      }
      double d = number(option, part);
      if (!(d >= 0 && d < 1)) {
        throw new InputException(option + " values must be in [0, 1), got " + part.trim());
      }
      values.add(d);
    }
    if (values.size() > 1000) {
      throw new InputException(option + " has " + values.size() + " values; at most 1000");
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double number(String option, String s) {
    try {
      double v = Double.parseDouble(s.trim());
      if (!Double.isFinite(v)) {
        throw new InputException(option + ": '" + s.trim() + "' is not a finite number");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InputException(option + ": '" + s.trim() + "' is not a number");
    }
  }

  /** The Bayesian and CP curve of one attack's counts at significance {@code level}. */
  public static List<Point> bayes(AttackCounts c, double kappa, double level, double[] deltas) {
    List<Point> out = new ArrayList<>(deltas.length);
    EpsilonPosterior base = null;
    Point previous = null;
    for (double d : deltas) {
      EpsilonPosterior p = base == null ? EpsilonPosterior.of(c, kappa, d) : base.atDelta(d);
      base = base == null ? p : base;
      Point pt = point(p, c, level, d, previous);
      out.add(pt);
      previous = pt;
    }
    return out;
  }

  private static Point point(
      EpsilonPosterior p, AttackCounts c, double level, double d, Point previous) {
    double lb = p.quantile(level, previous == null ? Double.NaN : previous.lowerBound());
    double lo = p.quantile(level / 2, previous == null ? Double.NaN : previous.lo());
    double hi = p.quantile(1 - level / 2, previous == null ? Double.NaN : previous.hi());
    return new Point(d, lb, lo, hi, ClopperPearson.lowerBound(c, level, d));
  }

  /**
   * The curve of one group over candidate thresholds: at each δ the candidate with the greatest
   * Bayesian lower bound on its choosing counts (the first on ties, candidates in threshold order),
   * reported on its reporting counts.
   */
  public static List<Selected> select(
      List<Candidate> candidates, double kappa, double level, double[] deltas) {
    int n = candidates.size();
    EpsilonPosterior[] choose = new EpsilonPosterior[n];
    EpsilonPosterior[] report = new EpsilonPosterior[n];
    double[] previousChoice = new double[n];
    java.util.Arrays.fill(previousChoice, Double.NaN);
    Point[] previousReport = new Point[n];
    List<Selected> out = new ArrayList<>(deltas.length);
    for (double d : deltas) {
      int best = -1;
      double bestValue = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < n; i++) {
        Candidate c = candidates.get(i);
        choose[i] =
            choose[i] == null ? EpsilonPosterior.of(c.choose(), kappa, d) : choose[i].atDelta(d);
        double v = choose[i].quantile(level, previousChoice[i]);
        previousChoice[i] = v;
        if (best < 0 || v > bestValue) {
          best = i;
          bestValue = v;
        }
      }
      Candidate chosen = candidates.get(best);
      Point pt;
      if (chosen.report().equals(chosen.choose())) {
        report[best] = choose[best];
      } else {
        report[best] =
            report[best] == null
                ? EpsilonPosterior.of(chosen.report(), kappa, d)
                : report[best].atDelta(d);
      }
      pt = point(report[best], chosen.report(), level, d, previousReport[best]);
      previousReport[best] = pt;
      out.add(new Selected(chosen.threshold(), chosen.report(), pt));
    }
    return out;
  }

  /**
   * A curve as doubles (threshold, tp, fn, tn, fp, bound, lo, hi, CP bound per δ), to return it
   * from a task.
   */
  static double[] encode(List<Selected> curve) {
    double[] v = new double[9 * curve.size()];
    for (int i = 0; i < curve.size(); i++) {
      Selected s = curve.get(i);
      AttackCounts c = s.counts();
      Point p = s.point();
      System.arraycopy(
          new double[] {
            s.threshold(),
            c.tp(),
            c.fn(),
            c.tn(),
            c.fp(),
            p.lowerBound(),
            p.lo(),
            p.hi(),
            p.cpLowerBound()
          },
          0,
          v,
          9 * i,
          9);
    }
    return v;
  }

  static List<Selected> decode(double[] v, double[] deltas) {
    List<Selected> out = new ArrayList<>();
    for (int i = 0; i < deltas.length; i++) {
      int o = 9 * i;
      out.add(
          new Selected(
              v[o],
              new AttackCounts((long) v[o + 1], (long) v[o + 2], (long) v[o + 3], (long) v[o + 4]),
              new Point(deltas[i], v[o + 5], v[o + 6], v[o + 7], v[o + 8])));
    }
    return out;
  }

  /**
   * A mechanism's claimed privacy as an ε(δ) curve: (ε₀, δ₀)-DP, ρ-zCDP or μ-GDP. For (ε₀, δ₀) the
   * curve is the least ε whose region R(ε, δ) contains R(ε₀, δ₀): for δ ≥ δ₀, ε(δ) = max(0, ln((1 −
   * δ)(1 + e^ε₀)/(1 − δ₀) − 1)) (the corner a = b = (1 − δ₀)/(1 + e^ε₀) must lie in R(ε, δ); the
   * other vertices do for any δ ≥ δ₀), and +∞ below δ₀. For ρ-zCDP the tight conversion of Canonne,
   * Kamath and Steinke; for μ-GDP the inverse of δ(ε) = Φ(−ε/μ + μ/2) − e^ε Φ(−ε/μ − μ/2) (Dong,
   * Roth and Su).
   */
  public record Claim(String kind, double value, double claimDelta) implements Serializable {
    public static Claim epsilonDelta(double epsilon, double delta) {
      return new Claim("epsilon-delta", epsilon, delta);
    }

    public static Claim rho(double rho) {
      return new Claim("rho", rho, Double.NaN);
    }

    public static Claim mu(double mu) {
      return new Claim("mu", mu, Double.NaN);
    }

    /** The claimed ε at δ (+∞ where the claim bounds nothing at that δ). */
    public double epsilon(double delta) {
      return switch (kind) {
        case "epsilon-delta" -> {
          if (delta < claimDelta) {
            yield Double.POSITIVE_INFINITY;
          }
          double x = (1 - delta) * (1 + Math.exp(value)) / (1 - claimDelta) - 1;
          yield x <= 1 ? 0 : Math.log(x);
        }
        case "rho" -> delta <= 0 ? Double.POSITIVE_INFINITY : ZcdpConversion.epsilon(value, delta);
        case "mu" -> GaussianDp.epsilon(value, delta);
        default -> throw new IllegalStateException(kind);
      };
    }

    public String describe() {
      return switch (kind) {
        case "epsilon-delta" -> String.format(Locale.ROOT, "(%.4g, %.3g)-DP", value, claimDelta);
        case "rho" -> String.format(Locale.ROOT, "%.4g-zCDP", value);
        default -> String.format(Locale.ROOT, "%.4g-GDP", value);
      };
    }
  }
}
