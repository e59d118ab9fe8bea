package org.samplingprivacy.jobs.epsilon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code epsilon-estimate}: the ε a membership-inference audit supports (Zanella-Béguelin et al., ICML 2023), per
 * group and decision threshold: the exact Bayesian posterior (credible interval, one-sided lower bound, median,
 * mean, P[ε &gt; claim]) beside the Clopper–Pearson confidence interval, with the threshold choice made honest by a
 * held-out split or a Bonferroni correction.
 *
 * <p>Spark work: for a threshold sweep, a deterministic hash sample of the scores; then one aggregation of (group,
 * part, score bucket, label) counts against the broadcast threshold grid, which also validates the input (labels,
 * null or NaN scores, members and non-members per group): TP/FP per threshold are suffix sums of that small table.
 * The estimates, a few per group and threshold, are computed in executors over the count rows.
 */
@Command(name = "epsilon-estimate",
    description = "Bayesian and Clopper-Pearson estimates of epsilon from membership-inference results.")
public final class EpsilonEstimateCommand extends JobCommand {
  @Option(names = "--member-col", paramLabel = "COL", description = "Label column: 1/true = member, 0/false = not.")
  String memberCol;

  @Option(names = "--score-col", paramLabel = "COL", description = "Attack score (numeric; see --score-orientation).")
  String scoreCol;

  @Option(names = "--guess-col", paramLabel = "COL", description = "Attack guess (1/true = member) instead of scores.")
  String guessCol;

  @Option(names = "--group-cols", paramLabel = "C1,C2", description = "Estimate separately per value of these columns.")
  String groupCols;

  @Option(names = "--challenge-col", paramLabel = "COL",
      description = "Challenge key for --selection split (default: a hash of the whole row).")
  String challengeCol;

  @Option(names = "--delta", paramLabel = "D", description = "The δ of (ε, δ)-DP, in [0, 1).")
  Double delta;

  @Option(names = "--alpha", paramLabel = "A", defaultValue = "0.05",
      description = "Significance: two-sided intervals at 1 - A, one-sided bounds at 1 - A.")
  double alpha;

  @Option(names = "--thresholds", paramLabel = "T1,T2",
      description = "Decision thresholds: guess member iff score >= T (wins over --threshold-sweep).")
  String thresholds;

  @Option(names = "--threshold-sweep", paramLabel = "K",
      description = "K thresholds at the score quantiles j/(K+1) (of a deterministic hash sample of max(100000, "
          + "10000 K) scores; labels unused).")
  Integer thresholdSweep;

  @Option(names = "--selection", paramLabel = "S", defaultValue = "bonferroni",
      description = "Threshold choice: bonferroni (level A/K for K thresholds), split (choose on one part of the "
          + "challenges, estimate on the other) or none (uncorrected: optimistic).")
  String selection;

  @Option(names = "--split-fraction", paramLabel = "F", defaultValue = "0.5",
      description = "With --selection split: the share of challenges used to choose the threshold.")
  double splitFraction;

  @Option(names = "--prior", paramLabel = "P", defaultValue = "jeffreys",
      description = "Beta prior of FPR and FNR: jeffreys (Beta(1/2, 1/2), the paper's) or uniform.")
  String prior;

  @Option(names = "--claimed-epsilon", paramLabel = "E", description = "Also report P[epsilon > E] (posterior).")
  Double claimedEpsilon;

  @Option(names = "--one-run", description = "The table is one training run whose canaries were each included with "
      + "probability 1/2: also report the one-run lower bound of Steinke et al. 2023.")
  boolean oneRun;

  @Option(names = "--score-orientation", paramLabel = "O", defaultValue = "higher",
      description = "higher: a higher score means member; lower: a lower score does.")
  String scoreOrientation;

  private static final String MEMBER = "__member";
  private static final String SCORE = "__score";
  private static final String PART = "__part";

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", common.input);
    Params.requirePresent("--output", common.output);
    Params.requirePresent("--member-col", memberCol);
    if ((scoreCol == null) == (guessCol == null)) {
      throw new InputException("give exactly one of --score-col and --guess-col");
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
    if (claimedEpsilon != null) {
      Params.requireInRange("--claimed-epsilon", claimedEpsilon, 0, 1e6);
    }
    if (guessCol != null && thresholds != null) {
      throw new InputException("--thresholds needs --score-col, not --guess-col");
    }
    if (thresholdSweep != null) {
      Params.requireInRange("--threshold-sweep", thresholdSweep, 1, 10_000);
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable in = ctx.readInput();
    String table = "--input " + in.path();
    Dataset<Row> raw = in.data();
    List<String> groups = groupCols == null ? List.of() : Params.requireList("--group-cols", groupCols);
    TableChecks.requireColumns(raw, table, groups);
    Column member = labelColumn(raw, table, "--member-col", memberCol);
    Column score = scoreCol != null ? scoreColumn(raw, table) : labelColumn(raw, table, "--guess-col", guessCol);
    boolean split = selection.equals("split");
    Column part = lit("all");
    if (split) {
      Column key = challengeCol != null ? keyColumn(raw, table) : xxhash64(Arrays.stream(raw.columns())
          .map(c -> col("`" + c + "`")).toArray(Column[]::new));
      Column u = shiftrightunsigned(xxhash64(key, lit(ctx.seed())), 11).multiply(lit(0x1.0p-53));
      part = when(u.lt(splitFraction), lit("select")).otherwise(lit("evaluate"));
    }
    List<Column> keep = new ArrayList<>();
    groups.forEach(g -> keep.add(col("`" + g + "`")));
    keep.add(member.as(MEMBER));
    keep.add(score.as(SCORE));
    keep.add(part.as(PART));
    Dataset<Row> data = raw.select(keep.toArray(new Column[0]));
    if (guessCol != null) {
      thresholdSweep = null; // a sweep from a config file does not apply to guesses
    }
    double[] grid = scoreCol == null ? new double[] {0.5} : grid(ctx, data, table);
    int k = grid.length;
    // One pass over the table: the (group, part, bucket, label) counts, which also validate labels, scores and groups.
    List<Row> cells = ctx.phase("count outcomes per threshold", () -> cells(data, groups, grid));
    validate(cells, table, groups, split);
    List<CountRow> countRows = countRows(cells, groups.size(), grid);
    String correction = switch (selection) {
      case "bonferroni" -> k > 1 ? "bonferroni:" + k : "none";
      case "split" -> "split";
      default -> "none";
    };
    double level = selection.equals("bonferroni") ? alpha / k : alpha;
    List<String> steps = List.of(
        "read " + in.path() + " (" + in.format().id() + ")" + (groups.isEmpty() ? "" : ", grouped by " + groups),
        scoreCol == null ? "counted guesses (TP, FN, TN, FP): " + countRows.size() + " group(s)"
            : "counted TP, FN, TN, FP at " + k + " threshold" + (k == 1 ? "" : "s") + " of " + scoreCol
                + (thresholds != null ? " (--thresholds)" : " (--threshold-sweep " + thresholdSweep + ")") + ": "
                + countRows.size() + " rows",
        "estimate epsilon per group and threshold at delta " + delta + ", significance " + fmt(level)
            + " (correction: " + correction + ", prior " + prior + ")",
        "write " + common.output + " (" + out.format().id() + ")");
    return new Plan(steps, c -> {
      List<Estimated> estimates = c.phase("estimate epsilon", () -> estimate(c, countRows, level));
      List<Row> rows = select(estimates, groups.size(), correction, split);
      StructType schema = outputSchema(raw.schema(), groups);
      Dataset<Row> result = c.spark().createDataFrame(rows, schema);
      c.write(result, common.output, out);
      report(c, rows, schema, groups, estimates, correction, level);
    });
  }

  /** The member label as 0/1: boolean, or an integer column holding only 0 and 1 (checked in the validation pass). */
  private Column labelColumn(Dataset<Row> df, String table, String option, String name) {
    TableChecks.requireColumns(df, table, List.of(name));
    StructField f = df.schema().apply(name);
    if (f.dataType() instanceof BooleanType) {
      return col("`" + name + "`").cast("int");
    }
    if (f.dataType() instanceof IntegralType) {
      return col("`" + name + "`").cast("int");
    }
    throw new InputException(table + " column '" + name + "' (" + option + ") must be boolean or a 0/1 integer, but is "
        + f.dataType().simpleString());
  }

  private Column scoreColumn(Dataset<Row> df, String table) {
    TableChecks.requireNumeric(df, table, List.of(scoreCol));
    Column s = col("`" + scoreCol + "`").cast("double");
    return scoreOrientation.equals("lower") ? s.multiply(-1.0) : s;
  }

  private Column keyColumn(Dataset<Row> df, String table) {
    TableChecks.requireColumns(df, table, List.of(challengeCol));
    return col("`" + challengeCol + "`");
  }

  /**
   * Checks the count cells (keys, part, bucket, label, count): every label 0/1, no null or NaN score (bucket −1), and
   * members and non-members in every group and, under split, in both parts.
   */
  private void validate(List<Row> cells, String table, List<String> groups, boolean split) {
    if (cells.isEmpty()) {
      throw new InputException(table + " is empty");
    }
    int n = groups.size();
    long badLabels = cells.stream().filter(r -> r.isNullAt(n + 2) || (r.getInt(n + 2) != 0 && r.getInt(n + 2) != 1))
        .mapToLong(r -> r.getLong(n + 3)).sum();
    if (badLabels > 0) {
      throw new InputException(table + " column '" + memberCol + "' (--member-col) has " + badLabels
          + " values other than 0/1 or true/false (nulls included)");
    }
    long badScores = cells.stream().filter(r -> r.getInt(n + 1) < 0).mapToLong(r -> r.getLong(n + 3)).sum();
    if (badScores > 0) {
      throw new InputException(table + (scoreCol != null
          ? " column '" + scoreCol + "' (--score-col) has " + badScores + " null or NaN values"
          : " column '" + guessCol + "' (--guess-col) has " + badScores + " values other than 0/1 or true/false"));
    }
    Map<List<Object>, long[]> perGroupPart = new LinkedHashMap<>();
    Map<List<Object>, java.util.Set<Object>> partsPerGroup = new LinkedHashMap<>();
    for (Row r : cells) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i <= n; i++) {
        key.add(r.get(i));
      }
      perGroupPart.computeIfAbsent(key, x -> new long[2])[r.getInt(n + 2)] += r.getLong(n + 3);
      partsPerGroup.computeIfAbsent(key.subList(0, n), x -> new java.util.HashSet<>()).add(r.get(n));
    }
    perGroupPart.forEach((key, byLabel) -> {
      if (byLabel[0] == 0 || byLabel[1] == 0) {
        throw new InputException(table + ": " + describeGroup(key, groups, split) + " has no "
            + (byLabel[1] == 0 ? "members" : "non-members") + " (" + memberCol + ")");
      }
    });
    if (split) {
      partsPerGroup.forEach((g, parts) -> {
        if (parts.size() < 2) {
          throw new InputException(table + ": " + describeGroup(g, groups, false) + " has too few challenges to "
              + "split into selection and evaluation parts");
        }
      });
    }
  }

  private static String describeGroup(List<Object> key, List<String> groups, boolean split) {
    List<String> kv = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      kv.add(groups.get(i) + "=" + key.get(i));
    }
    if (split) {
      kv.add("part=" + key.get(groups.size()));
    }
    return kv.isEmpty() ? "the table" : "group (" + String.join(", ", kv) + ")";
  }

  /** The threshold grid: given, or K score quantiles of a deterministic hash sample (about 10,000 per threshold). */
  private double[] grid(JobContext ctx, Dataset<Row> data, String table) {
    if (thresholds != null) {
      TreeSet<Double> t = new TreeSet<>();
      for (String s : Params.requireList("--thresholds", thresholds)) {
        try {
          double v = Double.parseDouble(s);
          Params.requireFinite("--thresholds", v);
          t.add(scoreOrientation.equals("lower") ? -v : v);
        } catch (NumberFormatException e) {
          throw new InputException("--thresholds: '" + s + "' is not a number");
        }
      }
      return t.stream().mapToDouble(Double::doubleValue).toArray();
    }
    if (thresholdSweep == null) {
      throw new InputException("with --score-col give --thresholds or --threshold-sweep");
    }
    int k = thresholdSweep;
    int target = (int) Math.max(100_000L, 10_000L * k);
    double[] sample = ctx.phase("sample scores for the threshold grid", () -> {
      // Bottom-k by a hash of (score, label, seed): a uniform sample of `target` rows in one pass (Spark merges
      // per-partition top-k), the same whatever the partitioning, without first counting the table.
      Column u = xxhash64(col(SCORE), col(MEMBER), lit(ctx.seed()));
      return data.filter(col(SCORE).isNotNull().and(isnan(col(SCORE)).unary_$bang()))
          .select(u.as("__u"), col(SCORE)).orderBy(col("__u"), col(SCORE)).limit(target).select(SCORE)
          .collectAsList().stream().mapToDouble(r -> r.getDouble(0)).toArray();
    });
    if (sample.length == 0) {
      throw new InputException(table + " has no non-null scores in '" + scoreCol + "'");
    }
    Arrays.sort(sample);
    TreeSet<Double> t = new TreeSet<>();
    for (int j = 1; j <= k; j++) {
      int idx = (int) Math.min(sample.length - 1, Math.floor((double) j / (k + 1) * sample.length));
      t.add(sample[idx]);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** One group × part × threshold and its counts. */
  record CountRow(List<Object> group, String part, double threshold, AttackCounts counts) {}

  /**
   * The one aggregation over the table: (group, part, bucket, label) → count, where bucket = number of thresholds ≤
   * score (binary search against the broadcast grid; −1 for a null or NaN score), or the guess itself.
   */
  private List<Row> cells(Dataset<Row> data, List<String> groups, double[] grid) {
    List<Column> keys = new ArrayList<>();
    groups.forEach(g -> keys.add(col("`" + g + "`")));
    keys.add(col(PART));
    Column bucket;
    if (scoreCol == null) {
      bucket = when(col(SCORE).isin(0, 1), col(SCORE)).otherwise(lit(-1));
    } else {
      double[] g = grid.clone();
      UserDefinedFunction b = functions.udf((UDF1<Double, Integer>) s -> {
        if (s == null || s.isNaN()) {
          return -1;
        }
        int i = Arrays.binarySearch(g, s);
        return i >= 0 ? upperIndex(g, i) : -i - 1;
      }, DataTypes.IntegerType);
      bucket = b.apply(col(SCORE));
    }
    keys.add(bucket.as("__bucket"));
    keys.add(col(MEMBER));
    return data.groupBy(keys.toArray(new Column[0])).count().collectAsList();
  }

  /** TP_j = members with bucket ≥ j, FP_j likewise: suffix sums of the (validated) cells. */
  private List<CountRow> countRows(List<Row> cells, int n, double[] grid) {
    int k = grid.length;
    Map<List<Object>, long[][]> byGroup = new LinkedHashMap<>();
    for (Row r : cells) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i <= n; i++) {
        key.add(r.get(i));
      }
      long[][] hist = byGroup.computeIfAbsent(key, x -> new long[2][k + 1]);
      hist[r.getInt(n + 2)][r.getInt(n + 1)] += r.getLong(n + 3);
    }
    List<CountRow> rows = new ArrayList<>();
    byGroup.entrySet().stream().sorted(Comparator.comparing(e -> e.getKey().toString())).forEach(e -> {
      long[][] h = e.getValue();
      long members = Arrays.stream(h[1]).sum();
      long nonMembers = Arrays.stream(h[0]).sum();
      long tp = members;
      long fp = nonMembers;
      for (int j = 1; j <= k; j++) {
        tp -= h[1][j - 1];
        fp -= h[0][j - 1];
        double threshold = scoreCol == null ? Double.NaN
            : scoreOrientation.equals("lower") ? -grid[j - 1] : grid[j - 1];
        rows.add(new CountRow(e.getKey().subList(0, n), (String) e.getKey().get(n), threshold,
            new AttackCounts(tp, members - tp, nonMembers - fp, fp)));
      }
    });
    return rows;
  }

  /** With duplicate-free grid, a score equal to grid[i] counts grid[0..i] as ≤ it. */
  private static int upperIndex(double[] g, int i) {
    int j = i;
    while (j + 1 < g.length && g[j + 1] == g[i]) {
      j++;
    }
    return j + 1;
  }

  record Estimated(CountRow row, EpsilonEstimate estimate) {}

  private static final StructType TASK_SCHEMA = new StructType()
      .add("i", DataTypes.IntegerType).add("tp", DataTypes.LongType).add("fn", DataTypes.LongType)
      .add("tn", DataTypes.LongType).add("fp", DataTypes.LongType).add("alpha", DataTypes.DoubleType);
  private static final StructType RESULT_SCHEMA = new StructType()
      .add("i", DataTypes.IntegerType).add("e", DataTypes.createArrayType(DataTypes.DoubleType, false));

  /** Estimates every count row in the executors (each is independent; a few seconds at most). */
  private List<Estimated> estimate(JobContext ctx, List<CountRow> rows, double level) {
    List<Row> tasks = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      AttackCounts c = rows.get(i).counts();
      tasks.add(RowFactory.create(i, c.tp(), c.fn(), c.tn(), c.fp(), level));
    }
    EpsilonEstimate.Settings settings = new EpsilonEstimate.Settings(delta, prior.equals("uniform") ? 1.0 : 0.5,
        claimedEpsilon == null ? Double.NaN : claimedEpsilon, oneRun);
    int partitions = Math.max(1, Math.min(rows.size(), ctx.spark().sparkContext().defaultParallelism() * 4));
    List<Row> results = ctx.spark().createDataFrame(tasks, TASK_SCHEMA).repartition(partitions)
        .mapPartitions((MapPartitionsFunction<Row, Row>) it -> {
          List<Row> out = new ArrayList<>();
          while (it.hasNext()) {
            Row t = it.next();
            EpsilonEstimate e = EpsilonEstimate.of(new AttackCounts(t.getLong(1), t.getLong(2), t.getLong(3),
                t.getLong(4)), t.getDouble(5), settings);
            out.add(RowFactory.create(t.getInt(0), e.values()));
          }
          return out.iterator();
        }, Encoders.row(RESULT_SCHEMA)).collectAsList();
    Estimated[] byIndex = new Estimated[rows.size()];
    for (Row r : results) {
      int i = r.getInt(0);
      List<Double> v = r.getList(1);
      AttackCounts c = rows.get(i).counts();
      byIndex[i] = new Estimated(rows.get(i), EpsilonEstimate.fromValues(c, level, v));
    }
    return List.of(byIndex);
  }

  /**
   * Marks the reported row of each group: the threshold with the greatest Bayesian lower bound (for split: chosen
   * on the selection part, and the evaluation part's row at that threshold is the one reported).
   */
  private List<Row> select(List<Estimated> estimates, int nGroups, String correction, boolean split) {
    Map<List<Object>, Double> chosen = new HashMap<>();
    Map<List<Object>, Double> best = new HashMap<>();
    String choosingPart = split ? "select" : "all";
    for (Estimated e : estimates) {
      if (!e.row().part().equals(choosingPart)) {
        continue;
      }
      List<Object> g = e.row().group();
      double lb = e.estimate().bayesLowerBound();
      if (!best.containsKey(g) || lb > best.get(g)) {
        best.put(g, lb);
        chosen.put(g, e.row().threshold());
      }
    }
    String reportedPart = split ? "evaluate" : "all";
    List<Row> rows = new ArrayList<>();
    for (Estimated e : estimates) {
      CountRow r = e.row();
      EpsilonEstimate x = e.estimate();
      AttackCounts c = r.counts();
      Double t = chosen.get(r.group());
      boolean selected = r.part().equals(reportedPart) && t != null
          && (Double.isNaN(t) ? Double.isNaN(r.threshold()) : t == r.threshold());
      List<Object> values = new ArrayList<>(r.group());
      values.addAll(Arrays.asList(Double.isNaN(r.threshold()) ? null : r.threshold(), r.part(), c.tp(), c.fn(), c.tn(),
          c.fp(), c.fpr(), c.fnr(), x.epsPlugin(), x.alpha(), x.bayesLo(), x.bayesHi(), x.bayesLowerBound(),
          x.bayesMedian(), x.bayesMean(), Double.isNaN(x.pExceedsClaim()) ? null : x.pExceedsClaim(), x.cpLo(),
          x.cpHi(), x.cpLowerBound(), Double.isNaN(x.widthRatio()) ? null : x.widthRatio(), x.gdpMuCp(),
          x.gdpEpsCp(), x.gdpMuBayes(), x.gdpEpsBayes(), Double.isNaN(x.oneRunEps()) ? null : x.oneRunEps(), delta,
          prior, correction, selected));
      rows.add(RowFactory.create(values.toArray()));
    }
    return rows;
  }

  static StructType outputSchema(StructType input, List<String> groups) {
    StructType s = new StructType();
    for (String g : groups) {
      s = s.add(input.apply(g));
    }
    return s.add("threshold", DataTypes.DoubleType, true).add("part", DataTypes.StringType, false)
        .add("tp", DataTypes.LongType, false).add("fn", DataTypes.LongType, false)
        .add("tn", DataTypes.LongType, false).add("fp", DataTypes.LongType, false)
        .add("fpr_hat", DataTypes.DoubleType, false).add("fnr_hat", DataTypes.DoubleType, false)
        .add("eps_plugin", DataTypes.DoubleType, false).add("alpha", DataTypes.DoubleType, false)
        .add("bayes_lo", DataTypes.DoubleType, false).add("bayes_hi", DataTypes.DoubleType, false)
        .add("bayes_lower_bound", DataTypes.DoubleType, false).add("bayes_median", DataTypes.DoubleType, false)
        .add("bayes_mean", DataTypes.DoubleType, false).add("p_eps_exceeds_claim", DataTypes.DoubleType, true)
        .add("cp_lo", DataTypes.DoubleType, false).add("cp_hi", DataTypes.DoubleType, false)
        .add("cp_lower_bound", DataTypes.DoubleType, false).add("width_ratio", DataTypes.DoubleType, true)
        .add("gdp_mu_cp_lower_bound", DataTypes.DoubleType, false)
        .add("gdp_eps_cp_lower_bound", DataTypes.DoubleType, false)
        .add("gdp_mu_bayes_lower_bound", DataTypes.DoubleType, false)
        .add("gdp_eps_bayes_lower_bound", DataTypes.DoubleType, false)
        .add("one_run_eps_lower_bound", DataTypes.DoubleType, true)
        .add("delta", DataTypes.DoubleType, false).add("prior", DataTypes.StringType, false)
        .add("correction", DataTypes.StringType, false).add("selected", DataTypes.BooleanType, false);
  }

  private void report(JobContext c, List<Row> rows, StructType schema, List<String> groups, List<Estimated> estimates,
      String correction, double level) {
    int n = groups.size();
    List<String> header = new ArrayList<>(groups);
    header.addAll(List.of("threshold", "TP", "FN", "TN", "FP", "eps plug-in", "Bayes interval", "Bayes lower bound",
        "CP interval", "CP lower bound", "width ratio"));
    List<List<Object>> table = new ArrayList<>();
    int plotted = 0;
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      if (!r.getBoolean(schema.fieldIndex("selected"))) {
        continue;
      }
      List<Object> cells = new ArrayList<>();
      for (int g = 0; g < n; g++) {
        cells.add(String.valueOf(r.get(g)));
      }
      Estimated e = estimates.get(i);
      EpsilonEstimate x = e.estimate();
      cells.addAll(List.of(r.isNullAt(n) ? "-" : fmt(r.getDouble(n)), x.counts().tp(), x.counts().fn(),
          x.counts().tn(), x.counts().fp(), fmt(x.epsPlugin()), "[" + fmt(x.bayesLo()) + ", " + fmt(x.bayesHi()) + "]",
          fmt(x.bayesLowerBound()), "[" + fmt(x.cpLo()) + ", " + fmt(x.cpHi()) + "]", fmt(x.cpLowerBound()),
          Double.isNaN(x.widthRatio()) ? "-" : fmt(x.widthRatio())));
      table.add(cells);
      if (plotted++ < 6) {
        c.report().plot(densityPlot(e, groups.isEmpty() ? "" : " " + cells.subList(0, n)));
      }
    }
    c.report().table("Selected estimate per group (significance " + fmt(level) + ", correction " + correction + ")",
        header, table);
    c.report().plot(rocPlot(estimates, n));
    c.report().metric("groups", table.size()).metric("rows", rows.size()).metric("delta", delta)
        .metric("alpha", alpha).metric("alpha_per_threshold", level).metric("correction", correction)
        .metric("prior", prior);
    if (!table.isEmpty()) {
      Estimated first = estimates.get(indexOfFirstSelected(rows, schema));
      c.report().metric("bayes_lower_bound", first.estimate().bayesLowerBound())
          .metric("bayes_interval", List.of(first.estimate().bayesLo(), first.estimate().bayesHi()))
          .metric("cp_lower_bound", first.estimate().cpLowerBound());
    }
    c.report().note("The Bayesian interval is a credible interval under the " + prior + " prior; Clopper-Pearson is a "
        + "confidence interval. Both bound what this attack demonstrates: a lower bound on the mechanism's epsilon.");
    if (correction.equals("none") && estimates.size() > table.size()) {
      c.report().note("Thresholds were chosen on the same challenges without correction: the lower bounds are "
          + "optimistic (winner's curse). Use --selection split or bonferroni for valid bounds.");
    }
    spec.commandLine().getOut().println("estimated " + table.size() + " group(s) into " + common.output);
  }

  private static int indexOfFirstSelected(List<Row> rows, StructType schema) {
    for (int i = 0; i < rows.size(); i++) {
      if (rows.get(i).getBoolean(schema.fieldIndex("selected"))) {
        return i;
      }
    }
    return 0;
  }

  private SvgPlot densityPlot(Estimated e, String label) {
    EpsilonEstimate x = e.estimate();
    EpsilonPosterior p = EpsilonPosterior.of(x.counts(), prior.equals("uniform") ? 1.0 : 0.5, delta);
    double hi = Math.max(x.bayesHi() * 1.3, 0.5);
    int points = 80;
    double[] xs = new double[points];
    double[] ys = new double[points];
    for (int i = 0; i < points; i++) {
      xs[i] = hi * (i + 0.5) / points;
      ys[i] = p.density(xs[i]);
    }
    return SvgPlot.xy("Posterior density of epsilon" + label, "epsilon", "density")
        .line("posterior", xs, ys)
        .line("Bayes interval", new double[] {x.bayesLo(), x.bayesLo(), x.bayesHi(), x.bayesHi()},
            new double[] {0, max(ys), max(ys), 0});
  }

  private static SvgPlot rocPlot(List<Estimated> estimates, int nGroups) {
    SvgPlot plot = SvgPlot.xy("Attack ROC (per group and part)", "false positive rate", "true positive rate")
        .legendBottomRight();
    Map<String, List<AttackCounts>> curves = new LinkedHashMap<>();
    for (Estimated e : estimates) {
      curves.computeIfAbsent(e.row().group() + " " + e.row().part(), k -> new ArrayList<>()).add(e.row().counts());
    }
    int shown = 0;
    for (Map.Entry<String, List<AttackCounts>> c : curves.entrySet()) {
      if (shown++ >= 6) {
        break;
      }
      List<AttackCounts> pts = new ArrayList<>(c.getValue());
      pts.sort(Comparator.comparingDouble(AttackCounts::fpr));
      double[] x = new double[pts.size() + 2];
      double[] y = new double[pts.size() + 2];
      for (int i = 0; i < pts.size(); i++) {
        x[i + 1] = pts.get(i).fpr();
        y[i + 1] = 1 - pts.get(i).fnr();
      }
      x[x.length - 1] = 1;
      y[y.length - 1] = 1;
      plot.line(nGroups == 0 ? c.getKey().replace("[] ", "") : c.getKey(), x, y);
    }
    return plot.line("chance", new double[] {0, 1}, new double[] {0, 1});
  }

  private static double max(double[] v) {
    return Arrays.stream(v).filter(Double::isFinite).max().orElse(1);
  }

  private static String fmt(double v) {
    return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.4g", v);
  }
}
