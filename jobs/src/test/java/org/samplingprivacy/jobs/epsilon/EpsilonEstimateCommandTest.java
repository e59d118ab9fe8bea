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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

class EpsilonEstimateCommandTest extends SparkTestBase {
  private static final StructType SCHEMA =
      new StructType()
          .add("model", DataTypes.StringType)
          .add("challenge", DataTypes.LongType)
          .add("is_member", DataTypes.IntegerType)
          .add("score", DataTypes.DoubleType)
          .add("guess", DataTypes.BooleanType);
  private static List<Row> rows;
  private static Path dir;
  private static String input;

  /**
   * Two audited models: scores ~ N(mu, 1) for members, N(0, 1) for non-members; guess = score >= 1.
   */
  @BeforeAll
  static void writeInput() {
    rows = new ArrayList<>();
    Random r = new Random(2023);
    long id = 0;
    for (String model : new String[] {"m1", "m2"}) {
      double mu = model.equals("m1") ? 1.0 : 2.5;
      for (int i = 0; i < 600; i++) {
        int member = i % 2;
        double score = Math.round((r.nextGaussian() + mu * member) * 1000) / 1000.0;
        rows.add(RowFactory.create(model, id++, member, score, score >= 1.0));
      }
    }
    dir = tempDir("eps");
    input = dir.resolve("attack").toString();
    SPARK.createDataFrame(rows, SCHEMA).repartition(3).write().format("delta").save(input);
  }

  private static AttackCounts bruteForce(String model, double t) {
    long tp = 0, fn = 0, tn = 0, fp = 0;
    for (Row x : rows) {
      if (!x.getString(0).equals(model)) {
        continue;
      }
      boolean in = x.getDouble(3) >= t;
      if (x.getInt(2) == 1) {
        if (in) {
          tp++;
        } else {
          fn++;
        }
      } else {
        if (in) {
          fp++;
        } else {
          tn++;
        }
      }
    }
    return new AttackCounts(tp, fn, tn, fp);
  }

  private static Dataset<Row> out(String path) {
    return SPARK.read().format("delta").load(path).orderBy("model", "part", "threshold");
  }

  @Test
  void countsEqualBruteForceAndBonferroniCorrectsTheLevel() throws Exception {
    String o = dir.resolve("bonf").toString();
    Path rep = dir.resolve("bonf-report");
    Result r =
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
            "--delta",
            "1e-5",
            "--alpha",
            "0.05",
            "--thresholds",
            "0.5,1,1.5,2",
            "--claimed-epsilon",
            "1",
            "--output",
            o,
            "--report-dir",
            rep.toString());
    assertEquals(0, r.code(), r.err());
    List<Row> result = out(o).collectAsList();
    assertEquals(8, result.size());
    for (Row x : result) {
      AttackCounts c = bruteForce(x.getString(0), x.getDouble(1));
      assertEquals(c, new AttackCounts(x.getLong(3), x.getLong(4), x.getLong(5), x.getLong(6)));
      assertEquals(0.05 / 4, x.<Double>getAs("alpha"), 1e-15);
      assertEquals("bonferroni:4", x.getAs("correction"));
      EpsilonEstimate e =
          EpsilonEstimate.of(c, 0.05 / 4, new EpsilonEstimate.Settings(1e-5, 0.5, 1.0, false));
      assertEquals(e.bayesLowerBound(), x.<Double>getAs("bayes_lower_bound"), 1e-12);
      assertEquals(e.cpLowerBound(), x.<Double>getAs("cp_lower_bound"), 1e-12);
      assertEquals(e.pExceedsClaim(), x.<Double>getAs("p_eps_exceeds_claim"), 1e-12);
      assertEquals(
          GaussianDp.cpLowerBound(c, 0.05 / 4), x.<Double>getAs("gdp_mu_cp_lower_bound"), 1e-12);
      assertEquals(e.gdpEpsBayes(), x.<Double>getAs("gdp_eps_bayes_lower_bound"), 1e-9);
      Assertions.assertTrue(
          x.isNullAt(x.fieldIndex("one_run_eps_lower_bound")), "one-run only on request");
    }
    for (String model : new String[] {"m1", "m2"}) {
      List<Row> g = result.stream().filter(x -> x.getString(0).equals(model)).toList();
      assertEquals(1, g.stream().filter(x -> x.<Boolean>getAs("selected")).count());
      double best =
          g.stream().mapToDouble(x -> x.<Double>getAs("bayes_lower_bound")).max().orElseThrow();
      Row sel = g.stream().filter(x -> x.<Boolean>getAs("selected")).findFirst().orElseThrow();
      assertEquals(best, sel.<Double>getAs("bayes_lower_bound"), 0.0);
    }
    JsonNode report = new ObjectMapper().readTree(rep.resolve("report.json").toFile());
    assertEquals(2, report.get("metrics").get("groups").asInt());
    String html = Files.readString(rep.resolve("report.html"));
    Assertions.assertTrue(html.contains("Posterior density") && html.contains("Attack ROC"));
  }

  @Test
  void outputIsTheSameWhateverThePartitioning() {
    List<List<Row>> outputs = new ArrayList<>();
    for (int parts : new int[] {1, 2, 7}) {
      String in = dir.resolve("in-" + parts).toString();
      SPARK.createDataFrame(rows, SCHEMA).repartition(parts).write().parquet(in);
      String o = dir.resolve("part-" + parts).toString();
      Result r =
          spp(
              "epsilon-estimate",
              "--input",
              in,
              "--member-col",
              "is_member",
              "--score-col",
              "score",
              "--group-cols",
              "model",
              "--delta",
              "0",
              "--threshold-sweep",
              "5",
              "--selection",
              "split",
              "--challenge-col",
              "challenge",
              "--seed",
              "3",
              "--output",
              o);
      assertEquals(0, r.code(), r.err());
      outputs.add(out(o).collectAsList());
    }
    assertEquals(outputs.get(0), outputs.get(1));
    assertEquals(outputs.get(0), outputs.get(2));
  }

  @Test
  void splitSelectsOnOnePartAndReportsTheOther() {
    String o = dir.resolve("split").toString();
    Result r =
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
            "--delta",
            "1e-5",
            "--thresholds",
            "0.5,1,1.5,2",
            "--selection",
            "split",
            "--challenge-col",
            "challenge",
            "--output",
            o);
    assertEquals(0, r.code(), r.err());
    List<Row> result = out(o).collectAsList();
    for (String model : new String[] {"m1", "m2"}) {
      for (double t : new double[] {0.5, 1, 1.5, 2}) {
        List<Row> both =
            result.stream()
                .filter(x -> x.getString(0).equals(model) && x.getDouble(1) == t)
                .toList();
        assertEquals(2, both.size(), "a select and an evaluate row");
        AttackCounts whole = bruteForce(model, t);
        assertEquals(
            whole.tp(),
            both.stream().mapToLong(x -> x.getLong(3)).sum(),
            "parts are disjoint and complete");
        assertEquals(whole.fp(), both.stream().mapToLong(x -> x.getLong(6)).sum());
      }
      List<Row> select =
          result.stream()
              .filter(x -> x.getString(0).equals(model) && x.getAs("part").equals("select"))
              .toList();
      double chosen =
          select.stream()
              .max(
                  (a, b) ->
                      Double.compare(
                          a.<Double>getAs("bayes_lower_bound"),
                          b.<Double>getAs("bayes_lower_bound")))
              .orElseThrow()
              .getDouble(1);
      Row sel =
          result.stream()
              .filter(x -> x.getString(0).equals(model) && x.<Boolean>getAs("selected"))
              .findFirst()
              .orElseThrow();
      assertEquals("evaluate", sel.getAs("part"));
      assertEquals(chosen, sel.getDouble(1), 0.0);
    }
  }

  @Test
  void guessesAndLowerOrientationGiveTheSameCounts() {
    String og = dir.resolve("guess").toString();
    Result g =
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
            "1e-5",
            "--one-run",
            "--output",
            og);
    assertEquals(0, g.code(), g.err());
    String neg = dir.resolve("neg").toString();
    SPARK
        .read()
        .format("delta")
        .load(input)
        .selectExpr("model", "is_member", "-score AS score")
        .write()
        .format("delta")
        .save(neg);
    String ol = dir.resolve("lower").toString();
    Result l =
        spp(
            "epsilon-estimate",
            "--input",
            neg,
            "--member-col",
            "is_member",
            "--score-col",
            "score",
            "--score-orientation",
            "lower",
            "--thresholds",
            "-1",
            "--group-cols",
            "model",
            "--delta",
            "1e-5",
            "--output",
            ol);
    assertEquals(0, l.code(), l.err());
    List<Row> a = out(og).collectAsList();
    List<Row> b = out(ol).collectAsList();
    for (int i = 0; i < 2; i++) {
      AttackCounts c = bruteForce(a.get(i).getString(0), 1.0);
      assertEquals(
          c,
          new AttackCounts(
              a.get(i).getLong(3), a.get(i).getLong(4), a.get(i).getLong(5), a.get(i).getLong(6)));
      assertEquals(
          c,
          new AttackCounts(
              b.get(i).getLong(3), b.get(i).getLong(4), b.get(i).getLong(5), b.get(i).getLong(6)));
      Assertions.assertTrue(a.get(i).isNullAt(1), "no threshold for guesses");
      assertEquals(
          OneRunAudit.lowerBound(600, 600, c.tp() + c.tn(), 1e-5, 0.05),
          a.get(i).<Double>getAs("one_run_eps_lower_bound"),
          1e-9);
      assertEquals(-1.0, b.get(i).getDouble(1));
    }
  }

  @Test
  void badInputExitsTwoNamingTheCulpritAndWritesNothing() {
    String bad = dir.resolve("bad").toString();
    List<Row> copy = new ArrayList<>(rows);
    copy.set(5, RowFactory.create("m1", 5L, 2, 0.3, false));
    SPARK.createDataFrame(copy, SCHEMA).write().format("delta").save(bad);
    String nan = dir.resolve("nan").toString();
    List<Row> withNaN = new ArrayList<>(rows);
    withNaN.set(7, RowFactory.create("m1", 7L, 1, Double.NaN, false));
    SPARK.createDataFrame(withNaN, SCHEMA).write().format("delta").save(nan);
    String o = dir.resolve("never").toString();
    String[][] cases = {
      {
        "--input",
        bad,
        "--score-col",
        "score",
        "--thresholds",
        "1",
        "--delta",
        "0",
        "values other than 0/1"
      },
      {
        "--input",
        nan,
        "--score-col",
        "score",
        "--thresholds",
        "1",
        "--delta",
        "0",
        "'score' (--score-col) has 1 null or NaN"
      },
      {
        "--input",
        input,
        "--score-col",
        "score",
        "--thresholds",
        "1",
        "--delta",
        "1",
        "--delta must be in [0, 1)"
      },
      {
        "--input",
        input,
        "--score-col",
        "score",
        "--thresholds",
        "1",
        "--delta",
        "0",
        "--alpha",
        "0",
        "--alpha must be in"
      },
      {
        "--input",
        input,
        "--score-col",
        "score",
        "--guess-col",
        "guess",
        "--delta",
        "0",
        "exactly one of"
      },
      {
        "--input",
        input,
        "--score-col",
        "nope",
        "--thresholds",
        "1",
        "--delta",
        "0",
        "has no column 'nope'"
      },
      {
        "--input",
        input,
        "--score-col",
        "score",
        "--thresholds",
        "1",
        "--delta",
        "0",
        "--group-cols",
        "score",
        "members (is_member)"
      },
    };
    for (String[] c : cases) {
      List<String> args =
          new ArrayList<>(List.of("epsilon-estimate", "--member-col", "is_member", "--output", o));
      args.addAll(List.of(c).subList(0, c.length - 1));
      assertRefused(args, c[c.length - 1]);
    }
    assertFalse(Files.exists(Path.of(o)));
  }
}
