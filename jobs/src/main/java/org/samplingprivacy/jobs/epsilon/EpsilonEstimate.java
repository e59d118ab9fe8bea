package org.samplingprivacy.jobs.epsilon;

import java.io.Serializable;

/**
 * Everything the job reports for one attack's counts at one significance level: the plug-in ε, the
 * Bayesian posterior summaries and the Clopper–Pearson interval (docs/design/epsilon-estimate.md
 * §§2–4, 8). Pure Java, serializable, so executors compute it row by row.
 *
 * @param alpha the significance level used (after any Bonferroni correction)
 */
public record EpsilonEstimate(
    AttackCounts counts,
    double alpha,
    double epsPlugin,
    double bayesLo,
    double bayesHi,
    double bayesLowerBound,
    double bayesMedian,
    double bayesMean,
    double pExceedsClaim,
    double cpLo,
    double cpHi,
    double cpLowerBound,
    double gdpMuCp,
    double gdpEpsCp,
    double gdpMuBayes,
    double gdpEpsBayes,
    double oneRunEps,
    double oneRunFdpEps)
    implements Serializable {

  /**
   * Settings shared by every row of a run.
   *
   * @param claimedEpsilon the claimed ε at δ for P[ε &gt; claim] (NaN without a claim)
   * @param oneRun whether the counts come from one training run with canaries (Steinke et al. 2023;
   *     and the f-DP variant of Mahloujifar et al. 2024)
   */
  public record Settings(double delta, double kappa, double claimedEpsilon, boolean oneRun)
      implements Serializable {}

  /**
   * Estimates at significance {@code alpha}: Bayes two-sided [Q(α/2), Q(1 − α/2)], one-sided lower
   * Q(α), median, mean, P[ε > claim] (NaN without a claim); CP two-sided at α and one-sided lower
   * at α; Gaussian-DP μ lower bounds (CP both directions, and the Bayesian Q_μ(α)) with their ε at
   * δ; the one-run bounds, ε-DP and f-DP (NaN unless requested).
   */
  public static EpsilonEstimate of(AttackCounts c, double alpha, Settings s) {
    EpsilonPosterior p = EpsilonPosterior.of(c, s.kappa(), s.delta());
    double[] cp = ClopperPearson.interval(c, alpha, s.delta());
    double muCp = GaussianDp.cpLowerBound(c, alpha);
    double muBayes = new GaussianDp.Posterior(c, s.kappa()).quantile(alpha);
    long m = c.members() + c.nonMembers();
    double oneRun =
        s.oneRun() ? OneRunAudit.lowerBound(m, m, c.tp() + c.tn(), s.delta(), alpha) : Double.NaN;
    double oneRunFdp =
        s.oneRun()
            ? OneRunAudit.fdpLowerBound(m, m, c.tp() + c.tn(), s.delta(), alpha)
            : Double.NaN;
    return new EpsilonEstimate(
        c,
        alpha,
        PrivacyRegion.epsilon(c.fpr(), c.fnr(), s.delta()),
        p.quantile(alpha / 2),
        p.quantile(1 - alpha / 2),
        p.quantile(alpha),
        p.median(),
        p.mean(),
        Double.isNaN(s.claimedEpsilon()) ? Double.NaN : p.probabilityExceeds(s.claimedEpsilon()),
        cp[0],
        cp[1],
        ClopperPearson.lowerBound(c, alpha, s.delta()),
        muCp,
        GaussianDp.epsilon(muCp, s.delta()),
        muBayes,
        GaussianDp.epsilon(muBayes, s.delta()),
        oneRun,
        oneRunFdp);
  }

  /** The values the job's output row carries, in {@link #fromValues} order. */
  double[] values() {
    return new double[] {
      epsPlugin,
      bayesLo,
      bayesHi,
      bayesLowerBound,
      bayesMedian,
      bayesMean,
      pExceedsClaim,
      cpLo,
      cpHi,
      cpLowerBound,
      gdpMuCp,
      gdpEpsCp,
      gdpMuBayes,
      gdpEpsBayes,
      oneRunEps,
      oneRunFdpEps
    };
  }

  static EpsilonEstimate fromValues(AttackCounts c, double alpha, double[] v) {
    return new EpsilonEstimate(
        c, alpha, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12],
        v[13], v[14], v[15]);
  }

  /** Bayesian two-sided width over Clopper–Pearson's (NaN when CP's is infinite). */
  public double widthRatio() {
    double cpWidth = cpHi - cpLo;
    return Double.isFinite(cpWidth) && cpWidth > 0 ? (bayesHi - bayesLo) / cpWidth : Double.NaN;
  }
}
