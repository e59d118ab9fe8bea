package org.samplingprivacy.jobs.epsilon;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.runner.InputJobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code epsilon-estimate}: the ε a membership-inference audit supports (Zanella-Béguelin et al.,
 * ICML 2023), per group and decision threshold: the exact Bayesian posterior (credible interval,
 * one-sided lower bound, median, mean, P[ε &gt; claim]) beside the Clopper–Pearson confidence
 * interval, Gaussian-DP and one-run bounds, the attack's AUROC and TPR at low FPR, and optionally
 * the ε(δ) curve against a claimed one (docs/design/epsilon-estimate.md).
 *
 * <p>The plan: count the outcomes ({@link OutcomeCounts}: one aggregation over per-challenge rows,
 * or a sum over a counts table), estimate every count row in the executors ({@link
 * EpsilonEstimate}), mark each group's reported threshold ({@link ThresholdSelection}), evaluate
 * curves per group in the executors ({@link EpsilonCurve}), write, report ({@link EpsilonReport}).
 */
@Command(
    name = "epsilon-estimate",
    description =
        "Bayesian and Clopper-Pearson estimates of epsilon from membership-inference results.")
public final class EpsilonEstimateCommand extends InputJobCommand {
  @Option(
      names = "--counts",
      paramLabel = "PATH",
      description =
          "A table of attack counts (group columns, optional threshold, tp, fp, tn, fn) instead of "
              + "per-challenge --input; rows with the same group and threshold are summed.")
  String counts;

  @Option(
      names = "--count-cols",
      paramLabel = "TP,FP,TN,FN",
      defaultValue = "tp,fp,tn,fn",
      description = "With --counts: the count columns, in the order TP, FP, TN, FN.")
  String countCols;

  @Option(
      names = "--threshold-col",
      paramLabel = "COL",
      description =
          "With --counts: the threshold column (required to exist when given; default: a column named"
              + " threshold if the table has one, else each group's rows are one threshold-free attack).")
  String thresholdCol;

  @Option(
      names = "--member-col",
      paramLabel = "COL",
      description = "Label column: 1/true = member, 0/false = not.")
  String memberCol;

  @Option(
      names = "--score-col",
      paramLabel = "COL",
      description = "Attack score (numeric; see --score-orientation).")
  String scoreCol;

  @Option(
      names = "--guess-col",
      paramLabel = "COL",
      description = "Attack guess (1/true = member) instead of scores.")
  String guessCol;

  @Option(
      names = "--group-cols",
      paramLabel = "C1,C2",
      description = "Estimate separately per value of these columns.")
  String groupCols;

  @Option(
      names = "--challenge-col",
      paramLabel = "COL",
      description = "Challenge key for --selection split (default: a hash of the whole row).")
  String challengeCol;

  @Option(names = "--delta", paramLabel = "D", description = "The δ of (ε, δ)-DP, in [0, 1).")
  Double delta;

  @Option(
      names = "--alpha",
      paramLabel = "A",
      defaultValue = "0.05",
      description = "Significance: two-sided intervals at 1 - A, one-sided bounds at 1 - A.")
  double alpha;

  @Option(
      names = "--thresholds",
      paramLabel = "T1,T2",
      description =
          "Decision thresholds: guess member iff score >= T (wins over --threshold-sweep).")
  String thresholds;

  @Option(
      names = "--threshold-sweep",
      paramLabel = "K",
      description =
          "K thresholds at the score quantiles j/(K+1) (of a deterministic hash sample of max(100000, "
              + "10000 K) scores; labels unused).")
  Integer thresholdSweep;

  @Option(
      names = "--selection",
      paramLabel = "S",
      defaultValue = "bonferroni",
      description =
          "Threshold choice: bonferroni (level A/K for K thresholds), split (choose on one part of the "
              + "challenges, estimate on the other) or none (uncorrected: optimistic).")
  String selection;

  @Option(
      names = "--split-fraction",
      paramLabel = "F",
      defaultValue = "0.5",
      description = "With --selection split: the share of challenges used to choose the threshold.")
  double splitFraction;

  @Option(
      names = "--prior",
      paramLabel = "P",
      defaultValue = "jeffreys",
      description = "Beta prior of FPR and FNR: jeffreys (Beta(1/2, 1/2), the paper's) or uniform.")
  String prior;

  @Option(
      names = "--claimed-epsilon",
      paramLabel = "E",
      description =
          "The mechanism's claimed epsilon: P[epsilon > claim] per row, and with --delta-grid the claimed "
              + "curve of (E, --claimed-delta)-DP.")
  Double claimedEpsilon;

  @Option(
      names = "--claimed-delta",
      paramLabel = "D",
      description = "The delta of --claimed-epsilon (default: --delta).")
  Double claimedDelta;

  @Option(
      names = "--claimed-rho",
      paramLabel = "R",
      description =
          "A claimed rho-zCDP guarantee instead of "
              + "--claimed-epsilon: its epsilon at each delta is the claim.")
  Double claimedRho;

  @Option(
      names = "--claimed-mu",
      paramLabel = "M",
      description =
          "A claimed mu-GDP guarantee instead of "
              + "--claimed-epsilon: its epsilon at each delta is the claim.")
  Double claimedMu;

  @Option(
      names = "--delta-grid",
      paramLabel = "a:b:K|D1,D2",
      description =
          "Also estimate the epsilon(delta) curve: K log-spaced deltas from a to b, or a comma list (0 "
              + "allowed); written to --curve-output and plotted.")
  String deltaGrid;

  @Option(
      names = "--curve-output",
      paramLabel = "PATH",
      description =
          "With --delta-grid: the curve table (one row per group and delta), in --output-format.")
  String curveOutput;

  @Option(
      names = "--fpr-targets",
      paramLabel = "F1,F2",
      defaultValue = "0.001,0.01",
      description =
          "FPRs at which to report the attack's TPR (with Clopper-Pearson intervals at --alpha).")
  String fprTargets;

  @Option(
      names = "--roc-points",
      paramLabel = "B",
      defaultValue = "1000",
      description =
          "With --score-col: thresholds of the ROC grid (score quantiles of the hash sample; every "
              + "distinct score when the table is smaller than the sample) for the AUROC and TPR at FPR.")
  int rocPoints;

  @Option(
      names = "--one-run",
      description =
          "The table is one training run whose canaries were each included with "
              + "probability 1/2: also report the one-run lower bounds of Steinke et al. 2023 (epsilon-DP) and Mahloujifar "
              + "et al. 2024 (f-DP, Gaussian trade-off).")
  boolean oneRun;

  @Option(
      names = "--score-orientation",
      paramLabel = "O",
      defaultValue = "higher",
      description = "higher: a higher score (or threshold) means member; lower: a lower one does.")
  String scoreOrientation;

  @Override
  protected void validateParameters() {
    if ((in.input == null) == (counts == null)) {
      throw new InputException(
          "give exactly one of --input (one row per challenge) and --counts (attack counts)");
    }
    Params.requirePresent("--output", common.output);
    if (counts == null) {
      Params.requirePresent("--member-col", memberCol);
      if ((scoreCol == null) == (guessCol == null)) {
        throw new InputException("give exactly one of --score-col and --guess-col");
      }
      if (guessCol != null && thresholds != null) {
        throw new InputException("--thresholds needs --score-col, not --guess-col");
      }
      if (scoreCol != null && thresholds == null && thresholdSweep == null) {
        throw new InputException("with --score-col give --thresholds or --threshold-sweep");
      }
    } else {
      for (String[] o :
          new String[][] {
            {"--member-col", memberCol},
            {"--score-col", scoreCol},
            {"--guess-col", guessCol},
            {"--thresholds", thresholds},
            {"--challenge-col", challengeCol},
            {"--threshold-sweep", thresholdSweep == null ? null : "x"}
          }) {
        if (o[1] != null) {
          throw new InputException(o[0] + " applies to per-challenge --input, not to --counts");
        }
      }
      if (selection.equals("split")) {
        throw new InputException(
            "--selection split needs per-challenge --input: counts cannot be split");
      }
      List<String> cc = Params.requireList("--count-cols", countCols);
      if (cc.size() != 4) {
        throw new InputException("--count-cols needs four columns (TP,FP,TN,FN), got " + cc.size());
      }
    }
    Params.requirePresent("--delta", delta);
    Params.requireFinite("--delta", delta);
    if (!(delta >= 0 && delta < 1)) {
      throw new InputException("--delta must be in [0, 1), got " + delta);
    }
    Params.requireFinite("--alpha", alpha);
    if (!(alpha > 0 && alpha < 0.5)) {
      throw new InputException("--alpha must be in (0, 0.5), got " + alpha);
    }
    Params.requireOneOf("--selection", selection, "bonferroni", "split", "none");
    Params.requireOneOf("--prior", prior, "jeffreys", "uniform");
    Params.requireOneOf("--score-orientation", scoreOrientation, "higher", "lower");
    Params.requireInHalfOpen("--split-fraction", splitFraction, 0, 1);
    if (splitFraction == 1) {
      throw new InputException("--split-fraction must be below 1, got 1");
    }
    int claims =
        (claimedEpsilon != null ? 1 : 0)
            + (claimedRho != null ? 1 : 0)
            + (claimedMu != null ? 1 : 0);
    if (claims > 1) {
      throw new InputException(
          "give at most one of --claimed-epsilon, --claimed-rho and --claimed-mu");
    }
    if (claimedEpsilon != null) {
      Params.requireInRange("--claimed-epsilon", claimedEpsilon, 0, 1e6);
    }
    if (claimedDelta != null) {
      if (claimedEpsilon == null) {
        throw new InputException("--claimed-delta needs --claimed-epsilon");
      }
      Params.requireFinite("--claimed-delta", claimedDelta);
      Params.requireInHalfOpen("--claimed-delta", claimedDelta, 0, 1);
    }
    if (claimedRho != null) {
      Params.requireInRange("--claimed-rho", claimedRho, 0, 1e6);
    }
    if (claimedMu != null) {
      Params.requireInRange("--claimed-mu", claimedMu, 0, 1e3);
    }
    if (thresholdSweep != null) {
      Params.requireInRange("--threshold-sweep", thresholdSweep, 1, 10_000);
    }
    Params.requireInRange("--roc-points", rocPoints, 1, 100_000);
    fprTargetValues();
    if (deltaGrid != null) {
      EpsilonCurve.parseGrid("--delta-grid", deltaGrid);
      Params.requirePresent("--curve-output", curveOutput);
    } else if (curveOutput != null) {
      throw new InputException("--curve-output needs --delta-grid");
    }
  }

  @Override
  protected Map<String, String> outputTables() {
    Map<String, String> m = new java.util.LinkedHashMap<>(super.outputTables());
    if (curveOutput != null) {
      m.put(curveOutput, "--curve-output");
    }
    return m;
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    List<String> groups =
        groupCols == null ? List.of() : Params.requireList("--group-cols", groupCols);
    boolean split = selection.equals("split");
    SourceTable in = counts == null ? ctx.readInput() : ctx.read("--counts", counts);
    Dataset<Row> raw = counts == null ? in.data() : ctx.filterWhere(in, "--counts").data();
    String table = (counts == null ? "--input " : "--counts ") + in.path();
    OutcomeCounts.Outcomes outcomes =
        counts == null
            ? OutcomeCounts.fromChallenges(
                ctx,
                raw,
                table,
                groups,
                new OutcomeCounts.Settings(
                    memberCol,
                    scoreCol,
                    guessCol,
                    challengeCol,
                    scoreOrientation.equals("lower"),
                    thresholdValues(),
                    thresholdSweep,
                    rocPoints,
                    split,
                    splitFraction,
                    ctx.seed(),
                    fprTargetValues(),
                    alpha))
            : OutcomeCounts.fromCounts(
                ctx,
                raw,
                table,
                groups,
                countColumns(),
                scoreOrientation.equals("lower"),
                fprTargetValues(),
                alpha);
    int k = outcomes.thresholds();
    String correction =
        switch (selection) {
          case "bonferroni" -> k > 1 ? "bonferroni:" + k : "none";
          case "split" -> "split";
          default -> "none";
        };
    double level = selection.equals("bonferroni") ? alpha / k : alpha;
    EpsilonCurve.Claim claim = claim();
    double[] deltas = deltaGrid == null ? null : EpsilonCurve.parseGrid("--delta-grid", deltaGrid);
    Plan.Builder steps =
        Plan.builder()
            .read(in, groups.isEmpty() ? "" : "grouped by " + groups)
            .step(outcomes.description())
            .step(
                "estimate epsilon per group and threshold at delta "
                    + delta
                    + ", significance "
                    + Numbers.sig4(level)
                    + " (correction: "
                    + correction
                    + ", prior "
                    + prior
                    + ")"
                    + (claim == null ? "" : ", claim " + claim.describe()));
    if (deltas != null) {
      steps.step(
          "estimate the epsilon(delta) curve per group at "
              + deltas.length
              + " deltas from "
              + Numbers.sig4(deltas[0])
              + " to "
              + Numbers.sig4(deltas[deltas.length - 1])
              + ", written to "
              + curveOutput);
    }
    steps.write(common.output, out);
    return steps.then(
        c -> {
          List<EstimateTasks.Estimated> estimates =
              c.phase(
                  "estimate epsilon",
                  () ->
                      EstimateTasks.estimate(
                          c,
                          outcomes.rows(),
                          level,
                          new EpsilonEstimate.Settings(
                              delta,
                              kappa(),
                              claim == null ? Double.NaN : claim.epsilon(delta),
                              oneRun)));
          List<Row> rows =
              ThresholdSelection.mark(estimates, outcomes.roc(), split, correction, delta, prior);
          c.write(
              EpsilonTables.ESTIMATES,
              c.spark().createDataFrame(rows, EpsilonTables.estimates(outcomes.groupSchema())),
              common.output,
              out);
          List<EpsilonReport.GroupCurve> curves = List.of();
          if (deltas != null) {
            curves =
                c.phase(
                    "estimate epsilon(delta) curves",
                    () -> EstimateTasks.curves(c, outcomes.rows(), split, level, deltas, kappa()));
            List<Row> curveRows = EpsilonReport.curveRows(curves, level, claim, prior, correction);
            c.write(
                EpsilonTables.CURVE,
                c.spark().createDataFrame(curveRows, EpsilonTables.curve(outcomes.groupSchema())),
                curveOutput,
                out);
          }
          new EpsilonReport(c.report(), groups, prior, delta, alpha, level, correction, claim)
              .write(rows, estimates, outcomes.roc(), split, curves);
          spec.commandLine()
              .getOut()
              .println(
                  "estimated "
                      + ThresholdSelection.selectedCount(rows)
                      + " group(s) into "
                      + common.output
                      + (deltas == null ? "" : "; curves into " + curveOutput));
        });
  }

  private double kappa() {
    return prior.equals("uniform") ? 1.0 : 0.5;
  }

  private EpsilonCurve.Claim claim() {
    if (claimedEpsilon != null) {
      return EpsilonCurve.Claim.epsilonDelta(
          claimedEpsilon, claimedDelta != null ? claimedDelta : delta);
    }
    if (claimedRho != null) {
      return EpsilonCurve.Claim.rho(claimedRho);
    }
    return claimedMu != null ? EpsilonCurve.Claim.mu(claimedMu) : null;
  }

  private OutcomeCounts.CountColumns countColumns() {
    List<String> cc = Params.requireList("--count-cols", countCols);
    return new OutcomeCounts.CountColumns(cc.get(0), cc.get(1), cc.get(2), cc.get(3), thresholdCol);
  }

  private double[] thresholdValues() {
    if (thresholds == null) {
      return null;
    }
    TreeSet<Double> t = new TreeSet<>();
    for (String s : Params.requireList("--thresholds", thresholds)) {
      t.add(parse("--thresholds", s));
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private double[] fprTargetValues() {
    TreeSet<Double> t = new TreeSet<>();
    for (String s : Params.requireList("--fpr-targets", fprTargets)) {
      double v = parse("--fpr-targets", s);
      if (!(v > 0 && v < 1)) {
        throw new InputException("--fpr-targets values must be in (0, 1), got " + s);
      }
      t.add(v);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static double parse(String option, String s) {
    try {
      return Params.requireFinite(option, Double.parseDouble(s));
    } catch (NumberFormatException e) {
      throw new InputException(option + ": '" + s + "' is not a number");
    }
  }
}
