package org.samplingprivacy.jobs.epsilon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * ε(δ) curves, the counts input, the ROC columns and both GDP directions, end to end through the
 * command.
 */
class EpsilonCurvesAndCountsCommandTest extends SparkTestBase {
  private static final StructType SCHEMA =
      new StructType()
          .add("model", DataTypes.StringType)
          .add("is_member", DataTypes.IntegerType)
          .add("score", DataTypes.DoubleType)
          .add("guess", DataTypes.BooleanType);
  private static final StructType COUNTS =
      new StructType()
          .add("model", DataTypes.StringType)
          .add("threshold", DataTypes.DoubleType)
          .add("tp", DataTypes.LongType)
          .add("fp", DataTypes.LongType)
          .add("tn", DataTypes.LongType)
          .add("fn", DataTypes.LongType);
  private static List<Row> rows;
  private static Path dir;
  private static String input;
  private static double[] distinct;

  /**
   * Two models; scores N(mu, 1) for members and N(0, 1) for non-members rounded to 0.5 (a few
   * distinct values).
   */
  @BeforeAll
  static void writeInput() {
    rows = new ArrayList<>();
    Random r = new Random(17);
    TreeSet<Double> values = new TreeSet<>();
    for (String model : new String[] {"m1", "m2"}) {
      double mu = model.equals("m1") ? 1.5 : 3;
      for (int i = 0; i < 400; i++) {
        int member = i % 2;
        double score =
            Math.max(-2, Math.min(5, Math.round((r.nextGaussian() + mu * member) * 2) / 2.0));
        values.add(score);
        rows.add(RowFactory.create(model, member, score, score >= 1.5));
      }
    }
    distinct = values.stream().mapToDouble(Double::doubleValue).toArray();
    dir = tempDir("epscurve");
    input = dir.resolve("attack").toString();
    SPARK.createDataFrame(rows, SCHEMA).repartition(3).write().format("delta").save(input);
  }

  private static AttackCounts bruteForce(String model, double t) {
    long tp = 0;
    long fn = 0;
    long tn = 0;
    long fp = 0;
    for (Row x : rows) {
      if (!x.getString(0).equals(model)) {
        continue;
      }
      boolean in = x.getDouble(2) >= t;
      if (x.getInt(1) == 1) {
        tp += in ? 1 : 0;
        fn += in ? 0 : 1;
      } else {
        fp += in ? 1 : 0;
        tn += in ? 0 : 1;
      }
    }
    return new AttackCounts(tp, fn, tn, fp);
  }

  private static String thresholdList() {
    List<String> s = new ArrayList<>();
    for (double d : distinct) {
      s.add(Double.toString(d));
    }
    return String.join(",", s);
  }

  @Test
  void curvePointsEqualSingleDeltaRunsAndTheClaimIsDrawn() throws Exception {
    String curve = dir.resolve("curve").toString();
    Path rep = dir.resolve("curve-report");
    String[] common = {
      "--input",
      input,
      "--member-col",
      "is_member",
      "--score-col",
      "score",
      "--group-cols",
      "model",
      "--thresholds",
      "0,1,2"
    };
    List<String> args = new ArrayList<>(List.of("epsilon-estimate"));
    args.addAll(List.of(common));
    args.addAll(
        List.of(
            "--delta",
            "1e-5",
            "--delta-grid",
            "1e-6,1e-3,0.05",
            "--curve-output",
            curve,
            "--claimed-mu",
            "1",
            "--output",
            dir.resolve("curve-est").toString(),
            "--report-dir",
            rep.toString()));
    Result r = spp(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    List<Row> points =
        SPARK.read().format("delta").load(curve).orderBy("model", "delta").collectAsList();
    assertEquals(6, points.size());
    for (double d : new double[] {1e-6, 1e-3, 0.05}) {
      String o = dir.resolve("single-" + d).toString();
      List<String> single = new ArrayList<>(List.of("epsilon-estimate"));
      single.addAll(List.of(common));
      single.addAll(List.of("--delta", Double.toString(d), "--output", o));
      Result s = spp(single.toArray(new String[0]));
      assertEquals(0, s.code(), s.err());
      for (Row sel : SPARK.read().format("delta").load(o).filter("selected").collectAsList()) {
        Row p =
            points.stream()
                .filter(x -> x.getString(0).equals(sel.getString(0)) && x.getDouble(1) == d)
                .findFirst()
                .orElseThrow();
        assertEquals(sel.<Double>getAs("threshold"), p.<Double>getAs("threshold"), 0.0);
        for (String c :
            new String[] {"bayes_lower_bound", "bayes_lo", "bayes_hi", "cp_lower_bound"}) {
          assertEquals(sel.<Double>getAs(c), p.<Double>getAs(c), 1e-9, c + " at " + d);
        }
        double claimed = GaussianDp.epsilon(1, d);
        assertEquals(claimed, p.<Double>getAs("claimed_epsilon"), 1e-12);
        assertEquals(claimed - p.<Double>getAs("bayes_lower_bound"), p.<Double>getAs("gap"), 1e-12);
        assertEquals("1.000-GDP", p.getAs("claim"));
      }
    }
    JsonNode report = new ObjectMapper().readTree(rep.resolve("report.json").toFile());
    assertEquals(6, report.get("metrics").get("curve_points").asInt());
    Assertions.assertTrue(report.get("metrics").has("curve_min_gap"));
    String html = Files.readString(rep.resolve("report.html"));
    Assertions.assertTrue(
        html.contains("epsilon(delta) lower bounds") && html.contains("claimed 1.000-GDP"),
        "curve plot");
  }

  @Test
  void countsInputGivesTheSameOutputAsItsChallenges() {
    // The challenges at every distinct score (so the ROC grid is the same) against their
    // brute-force counts table.
    String fromChallenges = dir.resolve("from-challenges").toString();
    Result a =
        spp(
            "epsilon-estimate",
            "--input",
            input,
            "--member-col",
            "is_member",
            "--score-col",
            "score",
            "--group-cols",
            "model",
            "--thresholds",
            thresholdList(),
            "--delta",
            "1e-5",
            "--claimed-epsilon",
            "2",
            "--output",
            fromChallenges);
    assertEquals(0, a.code(), a.err());
    List<Row> counts = new ArrayList<>();
    for (String model : new String[] {"m1", "m2"}) {
      for (double t : distinct) {
        AttackCounts c = bruteForce(model, t);
        // Split each threshold's counts over two rows (two "models' runs"): the job sums them.
        counts.add(RowFactory.create(model, t, c.tp() / 2, c.fp() / 2, c.tn() / 2, c.fn() / 2));
        counts.add(
            RowFactory.create(
                model,
                t,
                c.tp() - c.tp() / 2,
                c.fp() - c.fp() / 2,
                c.tn() - c.tn() / 2,
                c.fn() - c.fn() / 2));
      }
    }
    String countsTable = dir.resolve("counts").toString();
    SPARK.createDataFrame(counts, COUNTS).write().format("delta").save(countsTable);
    String fromCounts = dir.resolve("from-counts").toString();
    Result b =
        spp(
            "epsilon-estimate",
            "--counts",
            countsTable,
            "--group-cols",
            "model",
            "--delta",
            "1e-5",
            "--claimed-epsilon",
            "2",
            "--output",
            fromCounts);
    assertEquals(0, b.code(), b.err());
    List<Row> x =
        SPARK
            .read()
            .format("delta")
            .load(fromChallenges)
            .orderBy("model", "threshold")
            .collectAsList();
    List<Row> y =
        SPARK.read().format("delta").load(fromCounts).orderBy("model", "threshold").collectAsList();
    assertEquals(2 * distinct.length, x.size());
    assertEquals(x, y);
    // The ROC columns against brute force: Mann–Whitney with ties ½ over all pairs of one model.
    for (String model : new String[] {"m1", "m2"}) {
      double auc = 0;
      long pairs = 0;
      for (Row in : rows) {
        for (Row out : rows) {
          if (in.getString(0).equals(model)
              && out.getString(0).equals(model)
              && in.getInt(1) == 1
              && out.getInt(1) == 0) {
            auc +=
                in.getDouble(2) > out.getDouble(2)
                    ? 1
                    : in.getDouble(2) == out.getDouble(2) ? 0.5 : 0;
            pairs++;
          }
        }
      }
      Row first = x.stream().filter(v -> v.getString(0).equals(model)).findFirst().orElseThrow();
      assertEquals(auc / pairs, first.<Double>getAs("auroc"), 1e-12);
      assertEquals("delong", first.getAs("auroc_ci_method"));
      List<Row> tpr = first.getList(first.fieldIndex("tpr_at_fpr"));
      assertEquals(2, tpr.size());
      for (Row t : tpr) {
        double best = 0;
        for (double th : distinct) {
          AttackCounts c = bruteForce(model, th);
          if (c.fpr() <= t.getDouble(0)) {
            best = Math.max(best, 1 - c.fnr());
          }
        }
        assertEquals(best, t.getDouble(3), 1e-15, "TPR at FPR " + t.getDouble(0));
      }
    }
  }

  @Test
  void guessesAndThresholdFreeCountsAgree() {
    String fromGuesses = dir.resolve("guesses").toString();
    Result a =
        spp(
            "epsilon-estimate",
            "--input",
            input,
            "--member-col",
            "is_member",
            "--guess-col",
            "guess",
            "--group-cols",
            "model",
            "--delta",
            "0",
            "--one-run",
            "--output",
            fromGuesses);
    assertEquals(0, a.code(), a.err());
    List<Row> counts = new ArrayList<>();
    for (String model : new String[] {"m1", "m2"}) {
      AttackCounts c = bruteForce(model, 1.5);
      counts.add(RowFactory.create(model, c.tp(), c.fp(), c.tn(), c.fn()));
    }
    StructType schema =
        new StructType()
            .add("model", DataTypes.StringType)
            .add("TP", DataTypes.LongType)
            .add("FP", DataTypes.LongType)
            .add("TN", DataTypes.LongType)
            .add("FN", DataTypes.LongType);
    String table = dir.resolve("guess-counts").toString();
    SPARK.createDataFrame(counts, schema).write().parquet(table);
    String fromCounts = dir.resolve("guess-counts-out").toString();
    Result b =
        spp(
            "epsilon-estimate",
            "--counts",
            table,
            "--count-cols",
            "TP,FP,TN,FN",
            "--group-cols",
            "model",
            "--delta",
            "0",
            "--one-run",
            "--output",
            fromCounts);
    assertEquals(0, b.code(), b.err());
    List<Row> x = SPARK.read().format("delta").load(fromGuesses).orderBy("model").collectAsList();
    List<Row> y = SPARK.read().format("delta").load(fromCounts).orderBy("model").collectAsList();
    assertEquals(x, y);
    for (Row v : x) {
      AttackCounts c = bruteForce(v.getString(0), 1.5);
      assertEquals(
          OneRunAudit.fdpLowerBound(400, 400, c.tp() + c.tn(), 0, 0.05),
          v.<Double>getAs("one_run_fdp_eps_lower_bound"),
          1e-12);
    }
  }

  @Test
  void gdpBoundsAreZeroOnNullScoresAndLargeOnReverseSeparatedOnes() {
    List<Row> nullRows = new ArrayList<>();
    List<Row> reversed = new ArrayList<>();
    Random r = new Random(3);
    for (int i = 0; i < 4000; i++) {
      int member = i % 2;
      nullRows.add(RowFactory.create("null", member, r.nextGaussian(), false));
      // Members score far lower: the attack as oriented is reversed ("score >= t" guesses
      // non-members).
      reversed.add(RowFactory.create("rev", member, r.nextGaussian() - 6 * member, false));
    }
    String nullTable = dir.resolve("null-scores").toString();
    String revTable = dir.resolve("rev-scores").toString();
    SPARK.createDataFrame(nullRows, SCHEMA).write().format("delta").save(nullTable);
    SPARK.createDataFrame(reversed, SCHEMA).write().format("delta").save(revTable);
    for (String[] c : new String[][] {{nullTable, "null"}, {revTable, "rev"}}) {
      String o = dir.resolve("gdp-" + c[1]).toString();
      Result res =
          spp(
              "epsilon-estimate",
              "--input",
              c[0],
              "--member-col",
              "is_member",
              "--score-col",
              "score",
              "--threshold-sweep",
              "9",
              "--delta",
              "1e-5",
              "--output",
              o);
      assertEquals(0, res.code(), res.err());
      List<Row> out = SPARK.read().format("delta").load(o).collectAsList();
      double mu =
          out.stream()
              .mapToDouble(x -> x.<Double>getAs("gdp_mu_cp_lower_bound"))
              .max()
              .orElseThrow();
      if (c[1].equals("null")) {
        assertEquals(0, mu, 0, "no threshold of null scores shows a mu above 0");
        Assertions.assertTrue(
            out.stream().allMatch(x -> x.<Double>getAs("gdp_mu_bayes_lower_bound") < 0.2));
      } else {
        // At the median threshold the flipped attack has FPR ~ 0 and FNR ~ 1/2 over 2000 + 2000
        // challenges.
        Assertions.assertTrue(mu > 2.5, "reverse-separated scores: mu " + mu);
        double auroc = out.get(0).<Double>getAs("auroc");
        Assertions.assertTrue(auroc < 0.01, "AUROC of a reversed attack " + auroc);
      }
    }
  }

  @Test
  void badCountsAndOptionMixesExitTwoNamingTheCulprit() {
    String negative = dir.resolve("neg-counts").toString();
    SPARK
        .createDataFrame(List.of(RowFactory.create("m1", 1.0, 5L, -1L, 10L, 3L)), COUNTS)
        .write()
        .parquet(negative);
    String noMembers = dir.resolve("nomember-counts").toString();
    SPARK
        .createDataFrame(List.of(RowFactory.create("m1", 1.0, 0L, 4L, 10L, 0L)), COUNTS)
        .write()
        .parquet(noMembers);
    String mismatch = dir.resolve("mismatch-counts").toString();
    SPARK
        .createDataFrame(
            List.of(
                RowFactory.create("m1", 1.0, 5L, 4L, 10L, 3L),
                RowFactory.create("m1", 2.0, 5L, 4L, 10L, 4L)),
            COUNTS)
        .write()
        .parquet(mismatch);
    String o = dir.resolve("never").toString();
    String[][] cases = {
      {
        "--counts",
        negative,
        "--delta",
        "0",
        "group (model=m1) at threshold 1.0 has a negative 'fp' (-1)"
      },
      {"--counts", noMembers, "--delta", "0", "has no members (tp + fn = 0)"},
      {
        "--counts",
        mismatch,
        "--delta",
        "0",
        "the thresholds of a group must count the same challenges"
      },
      {"--counts", negative, "--input", input, "--delta", "0", "exactly one of --input"},
      {
        "--counts",
        negative,
        "--score-col",
        "s",
        "--delta",
        "0",
        "--score-col applies to per-challenge --input"
      },
      {"--counts", negative, "--selection", "split", "--delta", "0", "counts cannot be split"},
      {
        "--counts",
        negative,
        "--count-cols",
        "a,b",
        "--delta",
        "0",
        "--count-cols needs four columns"
      },
      {
        "--counts",
        negative,
        "--delta",
        "0",
        "--delta-grid",
        "1e-5:0.1:5",
        "missing required option --curve-output"
      },
      {
        "--counts",
        negative,
        "--delta",
        "0",
        "--claimed-rho",
        "1",
        "--claimed-mu",
        "1",
        "at most one of"
      },
      {"--counts", negative, "--threshold-col", "t", "--delta", "0", "has no column 't'"},
      {
        "--counts",
        negative,
        "--delta",
        "0",
        "--fpr-targets",
        "0.5,2",
        "--fpr-targets values must be in (0, 1)"
      },
    };
    for (String[] c : cases) {
      List<String> args =
          new ArrayList<>(List.of("epsilon-estimate", "--group-cols", "model", "--output", o));
      args.addAll(List.of(c).subList(0, c.length - 1));
      assertRefused(args, c[c.length - 1]);
    }
    assertFalse(Files.exists(Path.of(o)));
  }
}
