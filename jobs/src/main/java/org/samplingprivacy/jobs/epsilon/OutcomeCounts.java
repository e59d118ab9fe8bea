package org.samplingprivacy.jobs.epsilon;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.TableChecks;

/**
 * The attack's outcome counts, per group, part and threshold, from either input shape of {@code
 * epsilon-estimate} (docs/design/epsilon-estimate.md §7), with the ROC of each group and part.
 *
 * <p><b>Challenges</b> (one row per challenge: label and score or guess): for scores, a
 * deterministic hash sample gives the ROC grid (and a threshold sweep); then one aggregation of
 * (group, part, score bucket, label) counts against the broadcast grid, which also validates
 * labels, scores and groups. TP/FP at every threshold are suffix sums of that small table.
 * <b>Counts</b> (one row per group [and threshold]: TP, FP, TN, FN): rows with the same group and
 * threshold are summed (counts per model pool into one attack), checked for negatives, nulls,
 * groups without members or non-members, and thresholds of one group that disagree on P or N.
 */
final class OutcomeCounts {
  static final String MEMBER = "__member";
  static final String SCORE = "__score";
  static final String PART = "__part";

  /**
   * What was counted: the estimation rows, the ROC per group and part, and how many thresholds were
   * candidates.
   */
  record Outcomes(
      List<CountRow> rows,
      Map<List<Object>, RocSummary> roc,
      int thresholds,
      StructType groupSchema,
      String description) {}

  /** The options that shape counting. */
  record Settings(
      String memberCol,
      String scoreCol,
      String guessCol,
      String challengeCol,
      boolean lowerIsMember,
      double[] thresholds,
      Integer sweep,
      int rocPoints,
      boolean split,
      double splitFraction,
      long seed,
      double[] fprTargets,
      double alpha) {}

  private OutcomeCounts() {}

  // ---- per-challenge input ----

  static Outcomes fromChallenges(
      JobContext ctx, Dataset<Row> raw, String table, List<String> groups, Settings s) {
    TableChecks.requireColumns(raw, table, groups);
    Column member = labelColumn(raw, table, "--member-col", s.memberCol());
    Column score =
        s.scoreCol() != null
            ? scoreColumn(raw, table, s)
            : labelColumn(raw, table, "--guess-col", s.guessCol());
    Column part = lit("all");
    if (s.split()) {
      Column key =
          s.challengeCol() != null
              ? keyColumn(raw, table, s.challengeCol())
              : xxhash64(
                  Arrays.stream(raw.columns()).map(c -> Columns.named(c)).toArray(Column[]::new));
      Column u = Columns.keyedUniform(s.seed(), key);
      part = when(u.lt(s.splitFraction()), lit("select")).otherwise(lit("evaluate"));
    }
    List<Column> keep = new ArrayList<>();
    groups.forEach(g -> keep.add(Columns.named(g)));
    keep.add(member.as(MEMBER));
    keep.add(score.as(SCORE));
    keep.add(part.as(PART));
    Dataset<Row> data = raw.select(keep.toArray(new Column[0]));
    double[] estimation;
    double[] grid;
    if (s.scoreCol() == null) {
      estimation = new double[] {0.5};
      grid = estimation;
    } else {
      double[] sample =
          ctx.phase("sample scores for the threshold grid", () -> sample(ctx, data, s));
      if (sample.length == 0) {
        throw new InputException(table + " has no non-null scores in '" + s.scoreCol() + "'");
      }
      estimation =
          s.thresholds() != null
              ? oriented(s.thresholds(), s.lowerIsMember())
              : quantiles(sample, s.sweep());
      TreeSet<Double> all = new TreeSet<>();
      for (double t : estimation) {
        all.add(t);
      }
      for (double t : quantiles(sample, s.rocPoints())) {
        all.add(t);
      }
      grid = all.stream().mapToDouble(Double::doubleValue).toArray();
    }
    double[] g = grid;
    List<Row> cells =
        ctx.phase(
            "count outcomes per threshold", () -> cells(data, groups, g, s.scoreCol() == null));
    validate(cells, table, groups, s);
    int n = groups.size();
    Map<List<Object>, long[][]> hist = new LinkedHashMap<>();
    for (Row r : cells) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i <= n; i++) {
        key.add(r.get(i));
      }
      hist.computeIfAbsent(key, x -> new long[2][grid.length + 1])[r.getInt(n + 2)][
              r.getInt(n + 1)] +=
          r.getLong(n + 3);
    }
    List<CountRow> rows = new ArrayList<>();
    Map<List<Object>, RocSummary> roc = new LinkedHashMap<>();
    Double[] display = new Double[grid.length];
    for (int j = 0; j < grid.length; j++) {
      display[j] = s.scoreCol() == null ? null : s.lowerIsMember() ? -grid[j] : grid[j];
    }
    hist.entrySet().stream()
        .sorted(Comparator.comparing(e -> e.getKey().toString()))
        .forEach(
            e -> {
              long[][] h = e.getValue();
              long members = Arrays.stream(h[1]).sum();
              long nonMembers = Arrays.stream(h[0]).sum();
              for (double t : estimation) {
                int j = Arrays.binarySearch(grid, t) + 1; // "score ≥ t" ⟺ bucket ≥ j
                long tp = 0;
                long fp = 0;
                for (int b = j; b <= grid.length; b++) {
                  tp += h[1][b];
                  fp += h[0][b];
                }
                double threshold = s.scoreCol() == null ? Double.NaN : s.lowerIsMember() ? -t : t;
                rows.add(
                    new CountRow(
                        new ArrayList<>(e.getKey().subList(0, n)),
                        (String) e.getKey().get(n),
                        threshold,
                        new AttackCounts(tp, members - tp, nonMembers - fp, fp)));
              }
              roc.put(e.getKey(), RocSummary.fromHistogram(h, display, s.fprTargets(), s.alpha()));
            });
    StructType groupSchema = new StructType();
    for (String gc : groups) {
      groupSchema = groupSchema.add(raw.schema().apply(gc));
    }
    int k = estimation.length;
    String description =
        s.scoreCol() == null
            ? "counted guesses (TP, FN, TN, FP): " + hist.size() + " group(s)"
            : "counted TP, FN, TN, FP at "
                + k
                + " threshold"
                + (k == 1 ? "" : "s")
                + " of "
                + s.scoreCol()
                + (s.thresholds() != null
                    ? " (--thresholds)"
                    : " (--threshold-sweep " + s.sweep() + ")")
                + " and an ROC grid of "
                + grid.length
                + " thresholds: "
                + rows.size()
                + " rows";
    return new Outcomes(rows, roc, k, groupSchema, description);
  }

  private static double[] oriented(double[] thresholds, boolean lowerIsMember) {
    TreeSet<Double> t = new TreeSet<>();
    for (double v : thresholds) {
      t.add(lowerIsMember ? -v : v);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * K thresholds at the sample's quantiles j/(K + 1), duplicates dropped (every distinct value when
   * K ≥ sample).
   */
  private static double[] quantiles(double[] sortedSample, int k) {
    TreeSet<Double> t = new TreeSet<>();
    for (int j = 1; j <= k; j++) {
      int idx =
          (int)
              Math.min(
                  sortedSample.length - 1, Math.floor((double) j / (k + 1) * sortedSample.length));
      t.add(sortedSample[idx]);
    }
    return t.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * A uniform sample of max(100,000, 10,000 K) scores, sorted: bottom-k by a hash of (score, label,
   * seed) in one pass (Spark merges per-partition top-k), the same whatever the partitioning,
   * without first counting the table. A table smaller than that is sampled whole, so its grid holds
   * every distinct score.
   */
  private static double[] sample(JobContext ctx, Dataset<Row> data, Settings s) {
    int target = (int) Math.max(100_000L, 10_000L * (s.sweep() == null ? 0 : s.sweep()));
    Column u = xxhash64(col(SCORE), col(MEMBER), lit(ctx.seed()));
    double[] v =
        data
            .filter(col(SCORE).isNotNull().and(isnan(col(SCORE)).unary_$bang()))
            .select(u.as("__u"), col(SCORE))
            .orderBy(col("__u"), col(SCORE))
            .limit(target)
            .select(SCORE)
            .collectAsList()
            .stream()
            .mapToDouble(r -> r.getDouble(0))
            .toArray();
    Arrays.sort(v);
    return v;
  }

  /**
   * The member label as 0/1: boolean, or an integer column holding only 0 and 1 (checked in the
   * validation pass).
   */
  private static Column labelColumn(Dataset<Row> df, String table, String option, String name) {
    TableChecks.requireColumns(df, table, List.of(name));
    StructField f = df.schema().apply(name);
    if (f.dataType() instanceof BooleanType || f.dataType() instanceof IntegralType) {
      return Columns.named(name).cast("int");
    }
    throw new InputException(
        table
            + " column '"
            + name
            + "' ("
            + option
            + ") must be boolean or a 0/1 integer, but is "
            + f.dataType().simpleString());
  }

  private static Column scoreColumn(Dataset<Row> df, String table, Settings s) {
    TableChecks.requireNumeric(df, table, List.of(s.scoreCol()));
    Column c = Columns.named(s.scoreCol()).cast("double");
    return s.lowerIsMember() ? c.multiply(-1.0) : c;
  }

  private static Column keyColumn(Dataset<Row> df, String table, String name) {
    TableChecks.requireColumns(df, table, List.of(name));
    return Columns.named(name);
  }

  /**
   * The one aggregation over the table: (group, part, bucket, label) → count, where bucket = number
   * of thresholds ≤ score (binary search against the broadcast grid; −1 for a null or NaN score),
   * or the guess itself.
   */
  private static List<Row> cells(
      Dataset<Row> data, List<String> groups, double[] grid, boolean guesses) {
    List<Column> keys = new ArrayList<>();
    groups.forEach(g -> keys.add(Columns.named(g)));
    keys.add(col(PART));
    Column bucket;
    if (guesses) {
      bucket = when(col(SCORE).isin(0, 1), col(SCORE)).otherwise(lit(-1));
    } else {
      double[] g = grid.clone();
      UserDefinedFunction b =
          functions.udf(
              (UDF1<Double, Integer>)
                  s -> {
                    if (s == null || s.isNaN()) {
                      return -1;
                    }
                    int i = Arrays.binarySearch(g, s);
                    return i >= 0
                        ? i + 1
                        : -i - 1; // the grid has no duplicates: grid[0..i] are ≤ s
                  },
              DataTypes.IntegerType);
      bucket = b.apply(col(SCORE));
    }
    keys.add(bucket.as("__bucket"));
    keys.add(col(MEMBER));
    return data.groupBy(keys.toArray(new Column[0])).count().collectAsList();
  }

  /**
   * Checks the count cells (keys, part, bucket, label, count): every label 0/1, no null or NaN
   * score (bucket −1), and members and non-members in every group and, under split, in both parts.
   */
  private static void validate(List<Row> cells, String table, List<String> groups, Settings s) {
    if (cells.isEmpty()) {
      throw new InputException(table + " has no rows" + " (after --where, if given)");
    }
    int n = groups.size();
    long badLabels =
        cells.stream()
            .filter(r -> r.isNullAt(n + 2) || (r.getInt(n + 2) != 0 && r.getInt(n + 2) != 1))
            .mapToLong(r -> r.getLong(n + 3))
            .sum();
    if (badLabels > 0) {
      throw new InputException(
          table
              + " column '"
              + s.memberCol()
              + "' (--member-col) has "
              + badLabels
              + " values other than 0/1 or true/false (nulls included)");
    }
    long badScores =
        cells.stream().filter(r -> r.getInt(n + 1) < 0).mapToLong(r -> r.getLong(n + 3)).sum();
    if (badScores > 0) {
      throw new InputException(
          table
              + (s.scoreCol() != null
                  ? " column '"
                      + s.scoreCol()
                      + "' (--score-col) has "
                      + badScores
                      + " null or NaN values"
                  : " column '"
                      + s.guessCol()
                      + "' (--guess-col) has "
                      + badScores
                      + " values other than 0/1 or true/false"));
    }
    Map<List<Object>, long[]> perGroupPart = new LinkedHashMap<>();
    Map<List<Object>, Set<Object>> partsPerGroup = new LinkedHashMap<>();
    for (Row r : cells) {
      List<Object> key = new ArrayList<>();
      for (int i = 0; i <= n; i++) {
        key.add(r.get(i));
      }
      perGroupPart.computeIfAbsent(key, x -> new long[2])[r.getInt(n + 2)] += r.getLong(n + 3);
      partsPerGroup.computeIfAbsent(key.subList(0, n), x -> new HashSet<>()).add(r.get(n));
    }
    perGroupPart.forEach(
        (key, byLabel) -> {
          if (byLabel[0] == 0 || byLabel[1] == 0) {
            throw new InputException(
                table
                    + ": "
                    + describeGroup(key, groups, s.split())
                    + " has no "
                    + (byLabel[1] == 0 ? "members" : "non-members")
                    + " ("
                    + s.memberCol()
                    + ")");
          }
        });
    if (s.split()) {
      partsPerGroup.forEach(
          (g, parts) -> {
            if (parts.size() < 2) {
              throw new InputException(
                  table
                      + ": "
                      + describeGroup(g, groups, false)
                      + " has too few challenges to "
                      + "split into selection and evaluation parts");
            }
          });
    }
  }

  static String describeGroup(List<Object> key, List<String> groups, boolean withPart) {
    List<String> kv = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      kv.add(groups.get(i) + "=" + key.get(i));
    }
    if (withPart) {
      kv.add("part=" + key.get(groups.size()));
    }
    return kv.isEmpty() ? "the table" : "group (" + String.join(", ", kv) + ")";
  }

  // ---- counts input ----

  /** The count columns: TP, FP, TN, FN (in that order) and the optional threshold column. */
  record CountColumns(String tp, String fp, String tn, String fn, String threshold) {}

  static Outcomes fromCounts(
      JobContext ctx,
      Dataset<Row> raw,
      String table,
      List<String> groups,
      CountColumns cc,
      boolean lowerIsMember,
      double[] fprTargets,
      double alpha) {
    TableChecks.requireColumns(raw, table, groups);
    List<String> countCols = List.of(cc.tp(), cc.fp(), cc.tn(), cc.fn());
    for (String c : countCols) {
      TableChecks.requireColumns(raw, table, List.of(c));
      if (!(raw.schema().apply(c).dataType() instanceof IntegralType)) {
        throw new InputException(
            table
                + " column '"
                + c
                + "' (--count-cols) must be an integer count, but is "
                + raw.schema().apply(c).dataType().simpleString());
      }
    }
    // An explicit --threshold-col must exist; without it a column named "threshold" is used if
    // present.
    String thresholdName = cc.threshold() != null ? cc.threshold() : "threshold";
    if (cc.threshold() != null) {
      TableChecks.requireColumns(raw, table, List.of(thresholdName));
    }
    boolean hasThreshold = Arrays.asList(raw.columns()).contains(thresholdName);
    if (hasThreshold) {
      TableChecks.requireNumeric(raw, table, List.of(thresholdName));
    }
    List<Column> keys = new ArrayList<>();
    groups.forEach(g -> keys.add(Columns.named(g)));
    keys.add(
        (hasThreshold ? Columns.named(thresholdName).cast("double") : lit(null).cast("double"))
            .as("__t"));
    List<Column> aggs = new ArrayList<>();
    for (String c : countCols) {
      aggs.add(functions.sum(Columns.named(c).cast("long")).as(c));
      aggs.add(functions.min(Columns.named(c)).cast("long").as("__min_" + c));
      aggs.add(functions.count(Columns.named(c)).as("__n_" + c));
    }
    aggs.add(functions.count(lit(1)).as("__rows"));
    List<Row> summed =
        ctx.phase(
            "sum counts per group and threshold",
            () ->
                raw.groupBy(keys.toArray(new Column[0]))
                    .agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0]))
                    .collectAsList());
    if (summed.isEmpty()) {
      throw new InputException(table + " has no rows (after --where, if given)");
    }
    int n = groups.size();
    Map<List<Object>, List<CountRow>> byGroup = new LinkedHashMap<>();
    for (Row r : summed) {
      List<Object> group = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        group.add(r.get(i));
      }
      Double t = r.isNullAt(n) ? null : r.getDouble(n);
      String where = describeGroup(group, groups, false) + (t == null ? "" : " at threshold " + t);
      if (hasThreshold && t == null) {
        throw new InputException(
            table
                + ": "
                + describeGroup(group, groups, false)
                + " has a null '"
                + thresholdName
                + "'");
      }
      if (hasThreshold && t.isNaN()) {
        throw new InputException(table + ": " + where + ": '" + thresholdName + "' is NaN");
      }
      long rows = r.getLong(n + 1 + 12);
      long[] v = new long[4];
      for (int i = 0; i < 4; i++) {
        int base = n + 1 + 3 * i;
        if (r.getLong(base + 2) != rows) {
          throw new InputException(table + ": " + where + " has a null '" + countCols.get(i) + "'");
        }
        if (r.getLong(base + 1) < 0) {
          throw new InputException(
              table
                  + ": "
                  + where
                  + " has a negative '"
                  + countCols.get(i)
                  + "' ("
                  + r.getLong(base + 1)
                  + ")");
        }
        v[i] = r.getLong(base);
      }
      AttackCounts c = new AttackCounts(v[0], v[3], v[2], v[1]);
      if (c.members() == 0 || c.nonMembers() == 0) {
        throw new InputException(
            table
                + ": "
                + where
                + " has no "
                + (c.members() == 0 ? "members (tp + fn = 0)" : "non-members (tn + fp = 0)"));
      }
      byGroup
          .computeIfAbsent(group, x -> new ArrayList<>())
          .add(new CountRow(group, "all", t == null ? Double.NaN : t, c));
    }
    List<CountRow> rows = new ArrayList<>();
    Map<List<Object>, RocSummary> roc = new LinkedHashMap<>();
    TreeSet<Double> thresholds = new TreeSet<>();
    byGroup.entrySet().stream()
        .sorted(Comparator.comparing(e -> e.getKey().toString()))
        .forEach(
            e -> {
              List<CountRow> rs = new ArrayList<>(e.getValue());
              rs.sort(Comparator.comparingDouble(CountRow::threshold));
              CountRow first = rs.get(0);
              for (CountRow r : rs) {
                if (r.counts().members() != first.counts().members()
                    || r.counts().nonMembers() != first.counts().nonMembers()) {
                  throw new InputException(
                      table
                          + ": "
                          + describeGroup(e.getKey(), groups, false)
                          + " has "
                          + first.counts().members()
                          + " members and "
                          + first.counts().nonMembers()
                          + " non-members at threshold "
                          + first.threshold()
                          + " but "
                          + r.counts().members()
                          + " and "
                          + r.counts().nonMembers()
                          + " at threshold "
                          + r.threshold()
                          + ": the thresholds of a group must count the same challenges");
                }
                thresholds.add(r.threshold());
              }
              rows.addAll(rs);
              List<RocSummary.RocPoint> pts = new ArrayList<>();
              for (CountRow r : rs) {
                // With --score-orientation lower a smaller threshold is stricter: order the points
                // as if scores were negated.
                Double shown =
                    Double.isNaN(r.threshold())
                        ? null
                        : lowerIsMember ? -r.threshold() : r.threshold();
                pts.add(new RocSummary.RocPoint(shown, r.counts().tp(), r.counts().fp()));
              }
              List<Object> key = new ArrayList<>(e.getKey());
              key.add("all");
              roc.put(
                  key,
                  RocSummary.fromPoints(
                      pts,
                      first.counts().members(),
                      first.counts().nonMembers(),
                      fprTargets,
                      alpha,
                      lowerIsMember));
            });
    StructType groupSchema = new StructType();
    for (String gc : groups) {
      groupSchema = groupSchema.add(raw.schema().apply(gc));
    }
    String description =
        "summed counts ("
            + String.join(", ", countCols)
            + ") per group"
            + (hasThreshold
                ? " and "
                    + thresholdName
                    + ": "
                    + rows.size()
                    + " rows, "
                    + thresholds.size()
                    + " distinct thresholds"
                : ": " + rows.size() + " group(s)");
    return new Outcomes(rows, roc, Math.max(1, thresholds.size()), groupSchema, description);
  }
}
