package org.samplingprivacy.jobs.gsd;

import java.util.List;
import org.samplingprivacy.jobs.privacy.ZcdpBudget;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Option;

/**
 * The options that shape a Private-GSD release's mechanism, as one picocli mixin: gsd-synthesize
 * releases with them and privacy-audit attacks exactly what they describe. Synthetic rows and the
 * generation cap stay with each command (their defaults differ: a release fits long, an audit's
 * releases are many and small).
 */
public final class GsdMechanismOptions {
  @Option(
      names = "--domain",
      paramLabel = "FILE",
      description =
          "Public domain JSON: categories, numeric bounds and "
              + "bins (docs/tables.md §2.7; private-pgm's {\"col\": size} also accepted). Never derived from the data.")
  String domainFile;

  @Option(
      names = "--columns",
      paramLabel = "C1,C2",
      description =
          "Columns to synthesise, in this order (default: every column of --domain; each must be in the "
              + "input).")
  String columns;

  @Option(
      names = "--epsilon",
      paramLabel = "E",
      description = "Privacy budget epsilon of the release (> 0).")
  Double epsilon;

  @Option(
      names = "--delta",
      paramLabel = "D",
      description = "Privacy parameter delta, in (0, 1); 1/n^2 is usual.")
  Double delta;

  @Option(
      names = "--workload",
      paramLabel = "W",
      defaultValue = "marginals:2",
      description =
          "Queries to preserve: marginals:K[:a+b+c], range:COL[|CAT], prefix:M, halfspace:M, "
              + "comma-separated, or @FILE with one item per line.")
  String workload;

  @Option(
      names = "--mode",
      paramLabel = "M",
      defaultValue = "one-shot",
      description =
          "one-shot: measure every workload once, rho split equally; adaptive: --rounds rounds of "
              + "exponential-mechanism selection and measurement.")
  String mode;

  @Option(
      names = "--rounds",
      paramLabel = "T",
      defaultValue = "10",
      description = "Adaptive rounds.")
  int rounds;

  @Option(
      names = "--per-round",
      paramLabel = "K",
      defaultValue = "1",
      description = "Adaptive: workloads selected and measured per round.")
  int perRound;

  @Option(
      names = "--population",
      paramLabel = "P",
      defaultValue = "100",
      description = "Children per generation (half mutation, half crossover).")
  int population;

  @Option(
      names = "--elite",
      paramLabel = "E",
      defaultValue = "5",
      description = "Elite archive size.")
  int elite;

  @Option(
      names = "--stall-window",
      paramLabel = "G",
      defaultValue = "0",
      description =
          "Stop when fitness improves by less than 1e-4 (relative) over this many generations "
              + "(0: --rows).")
  long stallWindow;

  private Domain fullDomain;
  private ZcdpBudget rho;

  /** The columns, domain, workloads and queries of a release. */
  public record Resolved(
      List<String> names, Domain domain, List<Workload> workloads, QuerySet queries) {}

  /**
   * Checks the options (no Spark) and reads the domain; the budget becomes ρ(ε, δ), rounded down.
   */
  public void validate() {
    Params.requirePresent("--domain", domainFile);
    Params.requirePresent("--epsilon", epsilon);
    Params.requirePresent("--delta", delta);
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new InputException("--epsilon must be positive and finite, got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new InputException("--delta must be in (0, 1), got " + delta);
    }
    Params.requireOneOf("--mode", mode, "one-shot", "adaptive");
    Params.requireInRange("--rounds", rounds, 1, 10_000);
    Params.requireInRange("--per-round", perRound, 1, 10_000);
    Params.requireInRange("--population", population, 2, 100_000);
    Params.requireInRange("--elite", elite, 1, 1_000);
    Params.requireInRange("--stall-window", stallWindow, 0, 1_000_000_000L);
    rho = ZcdpBudget.fromEpsilonDelta(epsilon, delta);
    fullDomain = Domain.read(domainFile);
  }

  /** The release's columns (--columns, or the domain's), domain, workloads and queries. */
  public Resolved resolve(long seed) {
    List<String> names =
        columns != null
            ? Params.requireList("--columns", columns)
            : fullDomain.columns().stream().map(c -> c.name).toList();
    Domain domain = fullDomain.select(names, "(--columns)");
    List<Workload> workloads = WorkloadSpec.parse(workload, domain, seed);
    if (adaptive() && (long) rounds * perRound > workloads.size()) {
      throw new InputException(
          "--rounds "
              + rounds
              + " x --per-round "
              + perRound
              + " exceeds the "
              + workloads.size()
              + " workloads of --workload");
    }
    return new Resolved(names, domain, workloads, new QuerySet(workloads, domain.size()));
  }

  /** The algorithm's settings for {@code rows} synthetic rows and a generation cap per fit. */
  public PrivateGsd.Settings settings(int rows, long generations, int threads, long seed) {
    return new PrivateGsd.Settings(
        adaptive(),
        rounds,
        perRound,
        rows,
        new GeneticSynthesizer.Settings(
            population, elite, generations, stallWindow > 0 ? stallWindow : rows, threads),
        seed);
  }

  public boolean adaptive() {
    return mode.equals("adaptive");
  }

  public String mode() {
    return mode;
  }

  public int rounds() {
    return rounds;
  }

  public int perRound() {
    return perRound;
  }

  public int population() {
    return population;
  }

  public int elite() {
    return elite;
  }

  public String workload() {
    return workload;
  }

  public double epsilon() {
    return epsilon;
  }

  public double delta() {
    return delta;
  }

  /** ρ(ε, δ), available after {@link #validate()}. */
  public ZcdpBudget rho() {
    return rho;
  }
}
