package org.samplingprivacy.jobs.ambient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * The three ambient commands on the sklearn digits (1,797 × 64, ../shared/data). Oracles: the
 * coupled design's exact counts, nesting and common random numbers (docs/design/ambient-study.md
 * §2); the qualitative findings the proxy reproduces (ambient-study.md §5), as inequalities on
 * medians over three seeds; Table 1's two-point arithmetic (ambient-study.md §4).
 */
class AmbientCommandsTest extends SparkTestBase {
  private static final String PIXELS =
      IntStream.range(0, 64).mapToObj(i -> "p" + i).collect(Collectors.joining(","));
  private static final long[] SEEDS = {1, 2, 3};
  private static Path dir;
  private static String digits;

  @BeforeAll
  static void studies() {
    dir = tempDir("ambient");
    digits = dir.resolve("digits").toString();
    String[] names = (PIXELS + ",label").split(",");
    SPARK
        .read()
        .option("header", "false")
        .option("inferSchema", "true")
        .csv(sharedData("sklearn-digits/digits.csv.gz").toString())
        .toDF(names)
        .write()
        .parquet(digits);
    for (long seed : SEEDS) {
      Result m = spp(mixArgs(digits, dir.resolve("mixes" + seed).toString(), seed));
      assertEquals(0, m.code(), m.err());
      Result s =
          spp(
              "ambient-study",
              "--mixes",
              dir.resolve("mixes" + seed).toString(),
              "--components",
              "8",
              "--restarts",
              "2",
              "--seed",
              Long.toString(seed),
              "--output",
              dir.resolve("results" + seed).toString());
      assertEquals(0, s.code(), s.err());
    }
  }

  private static String[] mixArgs(String input, String output, long seed) {
    return new String[] {
      "ambient-mix",
      "--input",
      input,
      "--image-cols",
      PIXELS,
      "--pixel-range",
      "0,16",
      "--pca",
      "8",
      "--clean-fraction",
      "0,0.1,1",
      "--sigma",
      "0.25,2",
      "--sizes",
      "120,240,480,1200",
      "--holdout-fraction",
      "0.3",
      "--seed",
      Long.toString(seed),
      "--output",
      output
    };
  }

  private static Dataset<Row> delta(String name) {
    return SPARK.read().format("delta").load(dir.resolve(name).toString());
  }

  @Test
  void mixesFollowTheCoupledDesign() {
    Dataset<Row> mixes = delta("mixes1");
    for (Row m : delta("mixes1_manifest").collectAsList()) {
      String id = m.getAs("mix_id");
      Dataset<Row> rows = mixes.filter("mix_id = '" + id + "'");
      assertEquals((int) m.getAs("size"), rows.count(), id);
      assertEquals((int) m.getAs("n_noisy"), rows.filter("is_noisy").count(), id);
      assertEquals(
          Math.round((double) m.getAs("clean_fraction") * (int) m.getAs("size")),
          (long) (int) m.getAs("n_clean"),
          id);
      assertEquals(
          0,
          rows.filter("sample_id >= " + m.getAs("size")).count(),
          id + ": the first N of one order");
    }
    Map<Long, double[]> clean = vectors(mixes.filter("mix_id = 'n1200_clean'"));
    Map<Long, double[]> s025 = vectors(mixes.filter("mix_id = 'n1200_f0.1_s0.25'"));
    Map<Long, double[]> s1 = vectors(mixes.filter("mix_id = 'n1200_f0.1_s2'"));
    Map<Long, double[]> small = vectors(mixes.filter("mix_id = 'n240_f0.1_s2'"));
    assertEquals(clean.keySet(), s025.keySet());
    Assertions.assertTrue(clean.keySet().containsAll(small.keySet()), "sizes are nested");
    List<Long> noisyKeys =
        mixes
            .filter("mix_id = 'n1200_f0.1_s2' and is_noisy")
            .select("source_key")
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .toList();
    assertEquals(
        noisyKeys.stream().sorted().toList(),
        mixes
            .filter("mix_id = 'n1200_f0.1_s0.25' and is_noisy")
            .select("source_key")
            .collectAsList()
            .stream()
            .map(r -> r.getLong(0))
            .sorted()
            .toList());
    double sum = 0;
    double sum2 = 0;
    int count = 0;
    for (long k : clean.keySet()) {
      double[] x = clean.get(k);
      boolean noisy = noisyKeys.contains(k);
      for (int a = 0; a < x.length; a++) {
        double z1 = (s1.get(k)[a] - x[a]) / 2.0;
        double z025 = (s025.get(k)[a] - x[a]) / 0.25;
        if (!noisy) {
          assertEquals(0, z1, 0, "clean rows equal the source");
          continue;
        }
        assertEquals(z1, z025, 1e-9, "common random numbers across sigma");
        sum += z1;
        sum2 += z1 * z1;
        count++;
      }
    }
    // (y − x)/σ is N(0, 1): mean within 5 standard errors, variance within 5 standard errors (4 +
    // ... ≈ 2/n).
    assertEquals(0, sum / count, 5 / Math.sqrt(count));
    assertEquals(1, sum2 / count, 5 * Math.sqrt(2.0 / count));
    Dataset<Row> holdout = delta("mixes1_holdout");
    assertEquals(
        0,
        holdout.join(mixes, holdout.col("sample_id").equalTo(mixes.col("source_key"))).count(),
        "the holdout never enters a mix");
  }

  @Test
  void mixesDoNotDependOnPartitioning() {
    String repartitioned = dir.resolve("digits-7").toString();
    SPARK.read().parquet(digits).repartition(7).write().parquet(repartitioned);
    String out = dir.resolve("mixes1-again").toString();
    Result r = spp(mixArgs(repartitioned, out, 1));
    assertEquals(0, r.code(), r.err());
    // Same rows, keys and noise; the PCA basis is summed in a partition-dependent order, so vectors
    // agree to 1e-9.
    List<Row> a = delta("mixes1").orderBy("mix_id", "sample_id").collectAsList();
    List<Row> b =
        SPARK.read().format("delta").load(out).orderBy("mix_id", "sample_id").collectAsList();
    assertEquals(a.size(), b.size());
    for (int i = 0; i < a.size(); i++) {
      for (int f = 0; f < 5; f++) {
        assertEquals(a.get(i).get(f), b.get(i).get(f), "row " + i);
      }
      Assertions.assertArrayEquals(
          MixSampler.toArray(a.get(i).getList(5)),
          MixSampler.toArray(b.get(i).getList(5)),
          1e-9,
          "row " + i);
    }
  }

  /** Median over the seeds of the XD-EM Frechet distance of one mix. */
  private static double fd(String mix, String learner) {
    double[] v =
        Arrays.stream(SEEDS)
            .mapToDouble(
                s ->
                    delta("results" + s)
                        .filter("mix_id = '" + mix + "' and learner = '" + learner + "'")
                        .first()
                        .<Double>getAs("frechet_rff"))
            .sorted()
            .toArray();
    return v[v.length / 2];
  }

  @Test
  void theProxyReproducesTheQualitativeFindings() {
    Map<String, Double> m = new HashMap<>();
    for (String mix :
        List.of(
            "n240_clean",
            "n1200_clean",
            "n1200_f0_s2",
            "n1200_f0.1_s0.25",
            "n1200_f0.1_s2",
            "n120_clean")) {
      m.put(mix, fd(mix, "xd-em"));
    }
    System.out.println(
        "AMBIENT-DIGITS median Frechet (XD-EM): "
            + m
            + ", naive n1200_f0.1_s2 "
            + fd("n1200_f0.1_s2", "naive-em"));
    // (i) noisy-only data lose to a small clean set at high sigma: 1,200 noisy rows at sigma 2 vs
    // 240 clean rows.
    Assertions.assertTrue(m.get("n1200_f0_s2") > m.get("n240_clean"), m.toString());
    // (ii) 120 clean + 1,080 noisy (sigma 0.25) lands nearer the 1,200-clean error than the
    // 120-clean one.
    double mix = m.get("n1200_f0.1_s0.25");
    Assertions.assertTrue(mix - m.get("n1200_clean") < m.get("n120_clean") - mix, m.toString());
    // (iii) a noisy sample is worth less at higher sigma (same clean rows): larger error at sigma
    // 2.
    Assertions.assertTrue(m.get("n1200_f0.1_s2") > m.get("n1200_f0.1_s0.25"), m.toString());
    // (iv) the naive control is worse than XD-EM on heavily noisy mixes.
    Assertions.assertTrue(fd("n1200_f0.1_s2", "naive-em") > 2 * m.get("n1200_f0.1_s2"));

    Result f =
        spp(
            "ambient-fit",
            "--results",
            dir.resolve("results1").toString(),
            "--output",
            dir.resolve("fits1").toString(),
            "--report-dir",
            dir.resolve("fit-report").toString());
    assertEquals(0, f.code(), f.err());
    Dataset<Row> fits = delta("fits1").filter("learner = 'xd-em'");
    assertEquals(1, fits.filter("kind = 'clean_curve' and points = 4").count());
    Row low =
        fits.filter("kind = 'mix_value' and n_clean = 120 and n_noisy = 1080 and sigma = 0.25")
            .first();
    Row high =
        fits.filter("kind = 'mix_value' and n_clean = 120 and n_noisy = 1080 and sigma = 2.0")
            .first();
    Assertions.assertTrue(
        low.isNullAt(low.fieldIndex("value"))
            || high.isNullAt(high.fieldIndex("value"))
            || low.<Double>getAs("value") > high.<Double>getAs("value"),
        low + " vs " + high);
  }

  @Test
  void largeMixesUseDistributedEStepsWithTheSameResult() {
    String mixes = dir.resolve("mixes1").toString();
    List<String> base =
        List.of(
            "ambient-study",
            "--mixes",
            mixes,
            "--components",
            "4",
            "--restarts",
            "1",
            "--learner",
            "xd-em",
            "--seed",
            "5");
    List<String> local = new ArrayList<>(base);
    local.addAll(List.of("--output", dir.resolve("local").toString()));
    List<String> distributed = new ArrayList<>(base);
    distributed.addAll(
        List.of("--task-rows", "1000", "--output", dir.resolve("distributed").toString()));
    assertEquals(0, spp(local.toArray(new String[0])).code());
    Result d = spp(distributed.toArray(new String[0]));
    assertEquals(0, d.code(), d.err());
    Map<String, Row> a = new HashMap<>();
    delta("local").collectAsList().forEach(r -> a.put(r.getAs("mix_id"), r));
    List<Row> dist = delta("distributed").collectAsList();
    assertEquals(a.size(), dist.size());
    int distributedFits = 0;
    for (Row r : dist) {
      Row l = a.get(r.<String>getAs("mix_id"));
      boolean large = r.<Integer>getAs("size") > 1000;
      assertEquals(large ? "distributed E-step" : "one mix per task", r.getAs("strategy"));
      distributedFits += large ? 1 : 0;
      // Same initialisation and EM; only the order of the E-step sums differs.
      assertEquals(l.<Double>getAs("train_log_lik"), r.<Double>getAs("train_log_lik"), 1e-6);
      assertEquals(
          l.<Double>getAs("holdout_nll"),
          r.<Double>getAs("holdout_nll"),
          1e-4 * Math.abs(l.<Double>getAs("holdout_nll")));
    }
    assertEquals(5, distributedFits);
  }

  @Test
  void tableOneThroughTheFitCommand() {
    Result f =
        spp(
            "ambient-fit",
            "--external",
            repoFile("data/ambient/table1.csv").toString(),
            "--output",
            dir.resolve("table1-fits").toString());
    assertEquals(0, f.code(), f.err());
    Dataset<Row> fits = delta("table1-fits");
    Row curve = fits.filter("source = 'external:cifar10' and kind = 'clean_curve'").first();
    assertEquals(0.939, curve.<Double>getAs("b"), 0.002);
    Row mix =
        fits.filter("source = 'external:cifar10' and kind = 'mix_value' and n_clean = 5000")
            .first();
    assertEquals(0.693, mix.<Double>getAs("n_eq") / 50_000, 0.005);
    assertEquals(0.66, mix.<Double>getAs("value"), 0.005);
    Row noisyOnly =
        fits.filter("source = 'external:imagenet' and kind = 'mix_value' and n_clean = 0").first();
    assertEquals(0.22, noisyOnly.<Double>getAs("value"), 0.005);
    Row celeba =
        fits.filter("source = 'external:celeba' and kind = 'mix_value' and n_clean = 3000").first();
    assertEquals(0.80, celeba.<Double>getAs("value"), 0.005);
    Assertions.assertTrue(
        celeba.<Double>getAs("value_lo") <= 0.80 && 0.80 <= celeba.<Double>getAs("value_hi"));
  }

  @Test
  void badInputExitsTwoAndWritesNothing() throws Exception {
    Path vecs = dir.resolve("ragged");
    StructType schema = new StructType().add("v", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      rows.add(
          RowFactory.create(
              (Object) (i == 7 ? new double[] {i, 2.0} : new double[] {i, 2.0, 3.0})));
    }
    SPARK.createDataFrame(rows, schema).write().parquet(vecs.toString());
    String out = dir.resolve("bad-out").toString();
    Object[][] cases = {
      {
        new String[] {
          "--input", digits, "--image-cols", PIXELS, "--clean-fraction", "0.5,1.5", "--sizes", "100"
        },
        "--clean-fraction"
      },
      {
        new String[] {
          "--input", digits, "--image-cols", PIXELS, "--sigma", "-0.1", "--sizes", "100"
        },
        "--sigma"
      },
      {
        new String[] {
          "--input",
          digits,
          "--image-cols",
          PIXELS,
          "--sizes",
          "100,1500",
          "--holdout-fraction",
          "0.3"
        },
        "larger than"
      },
      {
        new String[] {"--input", vecs.toString(), "--vector-col", "v", "--sizes", "10"},
        "unequal lengths"
      },
      {new String[] {"--input", digits, "--vector-col", "p0", "--sizes", "10"}, "array of numbers"},
    };
    for (Object[] c : cases) {
      List<String> args = new ArrayList<>(List.of("ambient-mix", "--output", out));
      args.addAll(List.of((String[]) c[0]));
      Result r = spp(args.toArray(new String[0]));
      assertEquals(2, r.code(), args + ": " + r.err());
      Assertions.assertTrue(r.err().contains((String) c[1]), r.err());
      assertFalse(Files.exists(Path.of(out)));
    }
  }

  private static Map<Long, double[]> vectors(Dataset<Row> rows) {
    Map<Long, double[]> m = new HashMap<>();
    for (Row r : rows.select("source_key", "vector").collectAsList()) {
      m.put(r.getLong(0), MixSampler.toArray(r.getList(1)));
    }
    return m;
  }
}
