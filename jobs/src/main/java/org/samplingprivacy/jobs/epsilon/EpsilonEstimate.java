package org.samplingprivacy.jobs.epsilon;

import java.io.Serializable;

/**
 * Everything the job reports for one attack's counts at one significance level: the plug-in ε, the Bayesian
 * posterior summaries and the Clopper–Pearson interval (design note §§3, 5). Pure Java, serializable, so executors
 * compute it row by row.
 *
 * @param alpha the significance level used (after any Bonferroni correction)
 */
public record EpsilonEstimate(AttackCounts counts, double alpha, double epsPlugin, double bayesLo, double bayesHi,
    double bayesLowerBound, double bayesMedian, double bayesMean, double pExceedsClaim, double cpLo, double cpHi,
    double cpLowerBound) implements Serializable {

  /** Settings shared by every row of a run. */
  public record Settings(double delta, double kappa, double claimedEpsilon) implements Serializable {}

  /**
   * Estimates at significance {@code alpha}: Bayes two-sided [Q(α/2), Q(1 − α/2)], one-sided lower Q(α), median, mean,
   * P[ε > claim] (NaN without a claim); CP two-sided at α and one-sided lower at α.
   */
  public static EpsilonEstimate of(AttackCounts c, double alpha, Settings s) {
    EpsilonPosterior p = EpsilonPosterior.of(c, s.kappa(), s.delta());
    double[] cp = ClopperPearson.interval(c, alpha, s.delta());
    return new EpsilonEstimate(c, alpha, PrivacyRegion.epsilon(c.fpr(), c.fnr(), s.delta()),
        p.quantile(alpha / 2), p.quantile(1 - alpha / 2), p.quantile(alpha), p.median(), p.mean(),
        Double.isNaN(s.claimedEpsilon()) ? Double.NaN : p.probabilityExceeds(s.claimedEpsilon()),
        cp[0], cp[1], ClopperPearson.lowerBound(c, alpha, s.delta()));
  }

  /** Bayesian two-sided width over Clopper–Pearson's (NaN when CP's is infinite). */
  public double widthRatio() {
    double cpWidth = cpHi - cpLo;
    return Double.isFinite(cpWidth) && cpWidth > 0 ? (bayesHi - bayesLo) / cpWidth : Double.NaN;
  }
}
