package org.samplingprivacy.jobs.audit;

import java.io.Serializable;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.gsd.PrivateGsd;
import org.samplingprivacy.jobs.gsd.QuerySet;
import org.samplingprivacy.jobs.gsd.TrueAnswers;
import org.samplingprivacy.jobs.privacy.RandomBits;
import org.samplingprivacy.jobs.privacy.Rational;
import org.samplingprivacy.jobs.privacy.ZcdpAccountant;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.runner.ProgressLog;

/**
 * Whole releases as an audit runs them (docs/design/privacy-audit.md §§3–4): the release's own code
 * ({@link PrivateGsd#run}: measurement through the accountant, then the genetic algorithm) on given
 * true counts, with noise from a keyed simulation stream instead of the OS CSPRNG, scored by the
 * synthetic-table attack. Nothing here touches the ledger: an audit spends no release budget.
 */
final class ReleaseTrials implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Domain domain;
  private final QuerySet queries;
  private final String rho;
  private final PrivateGsd.Settings settings;
  private final long seed;

  ReleaseTrials(
      Domain domain, QuerySet queries, ZcdpBudget rho, PrivateGsd.Settings settings, long seed) {
    this.domain = domain;
    this.queries = queries;
    this.rho = rho.rho().toString();
    this.settings = settings;
    this.seed = seed;
  }

  /**
   * The synthetic rows of one release of {@code counts} over {@code n} rows, keyed by (seed, trial,
   * member).
   */
  double[] release(long[] counts, long n, long trial, boolean member) {
    long key = TrialKeys.key(seed, trial, member);
    ZcdpAccountant accountant =
        ZcdpAccountant.of(
            ZcdpBudget.ofRho(Rational.parse(rho)), RandomBits.simulation(key), () -> {});
    TrueAnswers.Counts truth =
        new TrueAnswers.Counts(
            n, counts, new long[domain.size()], new long[domain.size()], new long[domain.size()]);
    PrivateGsd.Settings s =
        new PrivateGsd.Settings(
            settings.adaptive(),
            settings.rounds(),
            settings.perRound(),
            settings.rows(),
            settings.ga(),
            key);
    return PrivateGsd.run(
            domain, queries, truth, s, accountant, (phase, work) -> work.run(), ProgressLog.SILENT)
        .stats()
        .data();
  }

  int rows() {
    return settings.rows();
  }

  int columns() {
    return domain.size();
  }
}
