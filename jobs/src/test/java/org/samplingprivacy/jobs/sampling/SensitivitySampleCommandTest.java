package org.samplingprivacy.jobs.sampling;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

class SensitivitySampleCommandTest extends SparkTestBase {
  private static final int N = 120;
  private static double[][] matrix;
  private static String input;
  private static Path dir;

  /** id, x1, x2, y: the matrix of LewisWeightsTest (heavy-tailed) plus a target, with a key. */
  @BeforeAll
  static void writeInput() {
    double[][] a = LewisWeightsTest.matrix(N, 11);
    matrix = new double[N][];
    List<Row> rows = new ArrayList<>();
    java.util.Random r = new java.util.Random(4);
    for (int i = 0; i < N; i++) {
      double y = 1 + 2 * a[i][1] - a[i][2] + r.nextGaussian();
      matrix[i] = new double[] {1, a[i][1], a[i][2], y};
      rows.add(RowFactory.create((long) i, a[i][1], a[i][2], y, "row" + i));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("x1", DataTypes.DoubleType)
            .add("x2", DataTypes.DoubleType)
            .add("y", DataTypes.DoubleType)
            .add("label", DataTypes.StringType);
    dir = tempDir("sens");
    input = dir.resolve("in").toString();
    SPARK.createDataFrame(rows, schema).repartition(3).write().format("delta").save(input);
  }

  private static Result sample(String out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "sensitivity-sample",
                "--input",
                input,
                "--features",
                "x1,x2",
                "--target",
                "y",
                "--intercept",
                "--key",
                "id",
                "--output",
                out));
    args.addAll(List.of(extra));
    return spp(args.toArray(new String[0]));
  }

  @Test
  void leverageScoresEqualTheDenseHatDiagonalAndInclusionIsMinOneMtauOverRank() {
    String out = dir.resolve("lev").toString();
    Result r = sample(out, "--p", "2", "--method", "leverage", "--size", "40");
    assertEquals(0, r.code(), r.err());
    double[] hat = LewisWeightsTest.quadraticForms(matrix, filled(N, 1), 2);
    double sum = 0;
    for (double h : hat) {
      sum += h;
    }
    assertEquals(4, sum, 1e-9, "the oracle's own check: sum of leverage = rank");
    List<Row> kept = SPARK.read().format("delta").load(out).collectAsList();
    Assertions.assertTrue(kept.size() > 20 && kept.size() < 60, "about 40 rows: " + kept.size());
    for (Row k : kept) {
      int i = (int) k.getLong(0);
      assertEquals(hat[i], k.<Double>getAs("score"), 1e-9);
      assertEquals(Math.min(1, 40 * hat[i] / 4), k.<Double>getAs("inclusion_prob"), 1e-9);
      assertEquals(1 / k.<Double>getAs("inclusion_prob"), k.<Double>getAs("weight"), 1e-12);
      assertEquals("row" + i, k.getAs("label"), "original columns are kept");
    }
    // Through a Johnson-Lindenstrauss projection (r = 400: chi^2_r / r has sd 0.07) the scores stay
    // near exact.
    String jl = dir.resolve("lev-jl").toString();
    assertEquals(
        0,
        sample(jl, "--p", "2", "--method", "leverage", "--size", "40", "--jl-dimension", "400")
            .code());
    List<Row> jlKept = SPARK.read().format("delta").load(jl).collectAsList();
    Assertions.assertFalse(jlKept.isEmpty());
    for (Row k : jlKept) {
      double ratio = k.<Double>getAs("score") / hat[(int) k.getLong(0)];
      Assertions.assertTrue(ratio > 0.5 && ratio < 2, "JL score ratio " + ratio);
    }
  }

  @Test
  void inclusionFrequenciesMatchQAndWeightedSumsAreUnbiased() {
    // 400 seeds in one Spark job: the command's hash and its q_i (lewis, p = 1) applied to a seed
    // column.
    LewisWeights w = LewisWeightsTest.lewis(matrix, 1, new ArrayList<>());
    double m = 30;
    Map<Long, Double> q = new HashMap<>();
    double trueSum = 0;
    for (int i = 0; i < N; i++) {
      q.put((long) i, Math.min(1, m * w.weight(matrix[i]) / 4));
      trueSum += matrix[i][3];
    }
    int seeds = 400;
    Dataset<Row> rows =
        SPARK.read().format("delta").load(input).crossJoin(SPARK.range(seeds).toDF("seed"));
    Column u = SensitivitySampleCommand.uniform(new Column[] {col("id")}, col("seed"));
    List<Row> qs = new ArrayList<>();
    q.forEach((id, v) -> qs.add(RowFactory.create(id, v)));
    Dataset<Row> withQ =
        rows.join(
                SPARK.createDataFrame(
                    qs,
                    new StructType().add("id", DataTypes.LongType).add("q", DataTypes.DoubleType)),
                "id")
            .filter(u.lt(col("q")));
    for (Row c : withQ.groupBy("id").count().collectAsList()) {
      double qi = q.get(c.getLong(0));
      double se = Math.sqrt(seeds * qi * (1 - qi));
      assertEquals(seeds * qi, c.getLong(1), 5 * se + 1e-9, "row " + c.getLong(0));
    }
    List<Row> perSeed =
        withQ
            .groupBy("seed")
            .agg(org.apache.spark.sql.functions.sum(col("y").divide(col("q"))))
            .collectAsList();
    double[] est = perSeed.stream().mapToDouble(x -> x.getDouble(1)).toArray();
    double mean = java.util.Arrays.stream(est).average().orElseThrow();
    double sd =
        Math.sqrt(
            java.util.Arrays.stream(est).map(e -> (e - mean) * (e - mean)).sum()
                / (est.length - 1));
    assertEquals(trueSum, mean, 5 * sd / Math.sqrt(seeds), "Horvitz-Thompson sum is unbiased");
  }

  @Test
  void sampleIsTheSameAfterRepartitionAndNestedAcrossSizes() {
    Set<Long> one = ids(runOn(1, "20", "nest-a"));
    Assertions.assertEquals(one, ids(runOn(7, "20", "nest-b")));
    Set<Long> larger = ids(runOn(7, "50", "nest-c"));
    Assertions.assertTrue(larger.containsAll(one), "m = 20 sample within the m = 50 sample");
    Assertions.assertTrue(larger.size() > one.size());
    // Without --key: identical rows draw independent variates (numbered copies), still
    // partition-independent.
    Set<String> noKey1 = labels(runOn(1, "40", "nokey-a", "--key-none"));
    Set<String> noKey7 = labels(runOn(7, "40", "nokey-b", "--key-none"));
    Assertions.assertEquals(noKey1, noKey7);
  }

  private String runOn(int partitions, String m, String name, String... flags) {
    String in = dir.resolve("in-" + name).toString();
    SPARK.read().format("delta").load(input).repartition(partitions).write().parquet(in);
    String out = dir.resolve("out-" + name).toString();
    List<String> args =
        new ArrayList<>(
            List.of(
                "sensitivity-sample",
                "--input",
                in,
                "--features",
                "x1,x2",
                "--target",
                "y",
                "--intercept",
                "--p",
                "1",
                "--method",
                "lewis",
                "--size",
                m,
                "--seed",
                "9",
                "--output",
                out));
    if (flags.length == 0) {
      args.addAll(List.of("--key", "id"));
    }
    Result r = spp(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    return out;
  }

  private static Set<Long> ids(String path) {
    Set<Long> s = new HashSet<>();
    SPARK
        .read()
        .format("delta")
        .load(path)
        .select("id")
        .collectAsList()
        .forEach(x -> s.add(x.getLong(0)));
    return s;
  }

  private static Set<String> labels(String path) {
    Set<String> s = new HashSet<>();
    SPARK
        .read()
        .format("delta")
        .load(path)
        .select("label")
        .collectAsList()
        .forEach(x -> s.add(x.getString(0)));
    return s;
  }

  /**
   * Oracle: Spark's cast. The sampling pass converts decimal, float, int and long columns itself
   * (it reads the table's own rows); the same table with every matrix column cast to double by
   * Spark must give the same sample, weights and scores, Poisson and priority alike.
   */
  @Test
  void nonDoubleColumnsAreReadAsSparkCastsThem() {
    Dataset<Row> base = SPARK.read().format("delta").load(input);
    Dataset<Row> typed =
        base.select(
            col("id"),
            col("x1").cast("decimal(24,8)").as("x1"),
            col("x2").cast("float").as("x2"),
            col("id").mod(7).cast("int").as("x3"),
            org.apache.spark.sql.functions.round(col("y").multiply(100)).cast("long").as("y"));
    Dataset<Row> doubles =
        typed.select(
            col("id"),
            col("x1").cast("double").as("x1"),
            col("x2").cast("double").as("x2"),
            col("x3").cast("double").as("x3"),
            col("y").cast("double").as("y"));
    String typedIn = dir.resolve("typed-in").toString();
    String doublesIn = dir.resolve("doubles-in").toString();
    typed.write().format("delta").save(typedIn);
    doubles.write().format("delta").save(doublesIn);
    for (String[] mode : new String[][] {{}, {"--fixed-size"}}) {
      List<Dataset<Row>> samples = new ArrayList<>();
      for (String in : List.of(typedIn, doublesIn)) {
        String out = dir.resolve("typed-out-" + samples.size() + "-" + mode.length).toString();
        List<String> args =
            new ArrayList<>(
                List.of(
                    "sensitivity-sample",
                    "--input",
                    in,
                    "--features",
                    "x1,x2,x3",
                    "--target",
                    "y",
                    "--intercept",
                    "--key",
                    "id",
                    "--p",
                    "1",
                    "--method",
                    "lewis",
                    "--size",
                    "30",
                    "--seed",
                    "5",
                    "--output",
                    out));
        args.addAll(List.of(mode));
        Result r = spp(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        samples.add(
            SPARK
                .read()
                .format("delta")
                .load(out)
                .select("id", "weight", "score", "inclusion_prob"));
      }
      long kept = samples.get(1).count();
      Assertions.assertTrue(kept >= 10 && kept <= 30, "a sample of at most m = 30 rows: " + kept);
      assertDataFrameNoOrderEquals(samples.get(1), samples.get(0));
    }
  }

  @Test
  void fixedSizeKeepsExactlyMRows() {
    String out = dir.resolve("fixed").toString();
    Result r = sample(out, "--p", "1", "--method", "sensitivity", "--size", "25", "--fixed-size");
    assertEquals(0, r.code(), r.err());
    Dataset<Row> s = SPARK.read().format("delta").load(out);
    assertEquals(25, s.count());
    Assertions.assertTrue(
        s.filter(col("inclusion_prob").gt(1).or(col("inclusion_prob").leq(0))).isEmpty());
  }

  @Test
  void badInputExitsTwoAndWritesNothing() {
    String out = dir.resolve("never").toString();
    String[][] cases = {
      {"--features", "x1,label", "--p", "1", "--size", "10", "'label' must be numeric"},
      {"--features", "x1,nope", "--p", "1", "--size", "10", "no column 'nope'"},
      {"--features", "x1,x2", "--p", "0.5", "--size", "10", "--p must be >= 1"},
      {"--features", "x1,x2", "--p", "1", "--size", "0", "--size must be >= 1"},
      {"--features", "x1,x2", "--p", "1", "--size", "1000", "exceeds the table's 120 rows"},
      {"--features", "x1,x2", "--p", "1", "--fraction", "1.5", "--fraction must be in (0, 1]"},
    };
    for (String[] c : cases) {
      List<String> args =
          new ArrayList<>(List.of("sensitivity-sample", "--input", input, "--output", out));
      args.addAll(List.of(c).subList(0, c.length - 1));
      Result r = spp(args.toArray(new String[0]));
      assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
      Assertions.assertTrue(r.err().contains(c[c.length - 1]), r.err());
    }
    String nan = dir.resolve("nan").toString();
    SPARK
        .read()
        .format("delta")
        .load(input)
        .withColumn(
            "x2",
            org.apache
                .spark
                .sql
                .functions
                .when(col("id").equalTo(5), lit(Double.NaN))
                .otherwise(col("x2")))
        .write()
        .format("delta")
        .save(nan);
    Result r =
        spp(
            "sensitivity-sample",
            "--input",
            nan,
            "--features",
            "x1,x2",
            "--p",
            "1",
            "--size",
            "10",
            "--output",
            out);
    assertEquals(2, r.code());
    Assertions.assertTrue(
        r.err().contains("column 'x2' has 1 null, NaN or infinite value"), r.err());
    String tiny = dir.resolve("tiny").toString();
    SPARK.read().format("delta").load(input).limit(2).write().format("delta").save(tiny);
    Result dn =
        spp(
            "sensitivity-sample",
            "--input",
            tiny,
            "--features",
            "x1,x2",
            "--intercept",
            "--p",
            "1",
            "--size",
            "1",
            "--output",
            out);
    assertEquals(2, dn.code());
    Assertions.assertTrue(dn.err().contains("(d > n)"), dn.err());
    assertFalse(Files.exists(Path.of(out)));
  }

  @Test
  void lpRegressionCommandMatchesTheNormalEquationsAndEvaluatesOnTheFullTable() {
    String sampleOut = dir.resolve("for-reg").toString();
    assertEquals(0, sample(sampleOut, "--p", "2", "--method", "leverage", "--size", "60").code());
    String coef = dir.resolve("coef").toString();
    Result r =
        spp(
            "lp-regression",
            "--input",
            sampleOut,
            "--features",
            "x1,x2",
            "--target",
            "y",
            "--intercept",
            "--p",
            "2",
            "--weight-col",
            "weight",
            "--evaluate-on",
            input,
            "--output",
            coef);
    assertEquals(0, r.code(), r.err());
    // Oracle: weighted normal equations of the sampled rows, solved densely.
    List<Row> s = SPARK.read().format("delta").load(sampleOut).collectAsList();
    double[][] rows =
        s.stream()
            .map(
                x ->
                    new double[] {
                      1,
                      x.<Double>getAs("x1"),
                      x.<Double>getAs("x2"),
                      x.<Double>getAs("y"),
                      x.<Double>getAs("weight")
                    })
            .toArray(double[][]::new);
    double[][] g = new double[3][4];
    for (double[] row : rows) {
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          g[i][j] += row[4] * row[i] * row[j];
        }
        g[i][3] += row[4] * row[i] * row[3];
      }
    }
    double[] x =
        LewisWeightsTest.solve3(
            new double[][] {
              {g[0][0], g[0][1], g[0][2]}, {g[1][0], g[1][1], g[1][2]}, {g[2][0], g[2][1], g[2][2]}
            },
            new double[] {g[0][3], g[1][3], g[2][3]});
    List<Row> c = SPARK.read().format("delta").load(coef).orderBy("term").collectAsList();
    Map<String, Double> byTerm = new HashMap<>();
    c.forEach(row -> byTerm.put(row.getString(0), row.getDouble(1)));
    assertEquals(x[0], byTerm.get("(intercept)"), 1e-8);
    assertEquals(x[1], byTerm.get("x1"), 1e-8);
    assertEquals(x[2], byTerm.get("x2"), 1e-8);
    double full = 0;
    for (double[] row : matrix) {
      double res = x[0] + x[1] * row[1] + x[2] * row[2] - row[3];
      full += res * res;
    }
    assertEquals(full, c.get(0).<Double>getAs("full_objective"), 1e-8 * full);
  }

  private static double[] filled(int n, double v) {
    double[] a = new double[n];
    java.util.Arrays.fill(a, v);
    return a;
  }
}
