package org.samplingprivacy.jobs.sdim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;
import org.samplingprivacy.udfs.SimHash;

/**
 * Oracles: brute-force recomputation per impression from the raw behaviours (hashing embeddings
 * directly, not through the signature table), with explicit time ties; the collision-kernel
 * attention Σ_j (1 − θ_j/π)^τ s_j for the unnormalised estimator.
 */
class SdimFeaturesTest extends SparkTestBase {
  static final int D = 6;
  static final int K = 8;
  static final int BITS = 2;
  static final long SEED = 5;
  static Path dir;
  static Map<String, double[]> emb = new HashMap<>();
  static List<Object[]> behaviours = new ArrayList<>(); // user, ts, item
  static List<Object[]> impressions = new ArrayList<>(); // user, ts, item, label

  @BeforeAll
  static void data() {
    dir = tempDir("sdim");
    SplittableRandom rng = new SplittableRandom(3);
    List<Row> items = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      double[] e = new double[D];
      for (int a = 0; a < D; a++) {
        e[a] = rng.nextDouble() * 2 - 1;
      }
      emb.put("it" + i, e);
      items.add(RowFactory.create("it" + i, e));
    }
    SPARK
        .createDataFrame(
            items,
            new StructType()
                .add("item", DataTypes.StringType)
                .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType)))
        .write()
        .parquet(dir + "/items");
    List<Row> beh = new ArrayList<>();
    List<Row> imp = new ArrayList<>();
    for (int u = 0; u < 3; u++) {
      for (int j = 0; j < 40; j++) {
        long ts = rng.nextInt(20); // many ties
        String item = "it" + rng.nextInt(30);
        behaviours.add(new Object[] {"u" + u, ts, item});
        beh.add(RowFactory.create("u" + u, ts, item));
      }
      for (int j = 0; j < 12; j++) {
        long ts = rng.nextInt(22);
        String item = "it" + rng.nextInt(30);
        impressions.add(new Object[] {"u" + u, ts, item, rng.nextInt(2)});
        imp.add(RowFactory.create("u" + u, ts, item, rng.nextInt(2)));
      }
    }
    StructType bs =
        new StructType()
            .add("user", DataTypes.StringType)
            .add("ts", DataTypes.LongType)
            .add("item", DataTypes.StringType);
    SPARK.createDataFrame(beh, bs).repartition(3).write().parquet(dir + "/behaviors");
    SPARK
        .createDataFrame(imp, bs.add("label", DataTypes.IntegerType))
        .write()
        .parquet(dir + "/impressions");
    Result r =
        spp(
            "sdim-signatures",
            "--items",
            dir + "/items",
            "--num-hashes",
            Integer.toString(K),
            "--bits",
            Integer.toString(BITS),
            "--seed",
            Long.toString(SEED),
            "--output",
            dir + "/sig");
    assertEquals(0, r.code(), r.err());
  }

  /** Behaviours of the user strictly before ts, ordered by (ts, item), the last L if L > 0. */
  static List<double[]> history(String user, long ts, int l) {
    return history(user, ts, l, 0);
  }

  /** As {@link #history(String, long, int)}, only behaviours at ts − ttl or later if ttl > 0. */
  static List<double[]> history(String user, long ts, int l, long ttl) {
    List<Object[]> h =
        new ArrayList<>(
            behaviours.stream()
                .filter(
                    b ->
                        b[0].equals(user)
                            && (long) b[1] < ts
                            && (ttl <= 0 || (long) b[1] >= ts - ttl))
                .toList());
    h.sort(Comparator.comparingLong((Object[] b) -> (long) b[1]).thenComparing(b -> (String) b[2]));
    if (l > 0 && h.size() > l) {
      h = h.subList(h.size() - l, h.size());
    }
    return h.stream().map(b -> emb.get((String) b[2])).toList();
  }

  static double[] sdimOracle(double[] q, List<double[]> hist, String normalize) {
    int[] sq = SimHash.signatures(q, K, BITS, SEED);
    double[] out = new double[D];
    for (int i = 0; i < K; i++) {
      double[] sum = new double[D];
      int n = 0;
      for (double[] s : hist) {
        if (SimHash.signatures(s, K, BITS, SEED)[i] == sq[i]) {
          n++;
          for (int a = 0; a < D; a++) {
            sum[a] += s[a];
          }
        }
      }
      if (n == 0) {
        continue;
      }
      double norm = 0;
      for (double v : sum) {
        norm += v * v;
      }
      double scale =
          normalize.equals("l2") ? 1 / Math.sqrt(norm) : normalize.equals("mean") ? 1.0 / n : 1;
      for (int a = 0; a < D; a++) {
        out[a] += sum[a] * scale / K;
      }
    }
    return out;
  }

  @Test
  void sdimFeaturesEqualBruteForcePointInTime() {
    for (String norm : new String[] {"l2", "mean", "none"}) {
      for (int l : new int[] {0, 5}) {
        List<String> args =
            new ArrayList<>(
                List.of(
                    "sdim-features",
                    "--impressions",
                    dir + "/impressions",
                    "--behaviors",
                    dir + "/behaviors",
                    "--signatures",
                    dir + "/sig",
                    "--normalize",
                    norm,
                    "--output",
                    dir + "/f-" + norm + l));
        if (l > 0) {
          args.addAll(List.of("--max-length", Integer.toString(l)));
        }
        Result r = spp(args.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        List<Row> rows = SPARK.read().format("delta").load(dir + "/f-" + norm + l).collectAsList();
        assertEquals(impressions.size(), rows.size());
        for (Row row : rows) {
          String user = row.getAs("user");
          long ts = row.getAs("ts");
          double[] q = emb.get(row.<String>getAs("item"));
          List<double[]> hist = history(user, ts, l);
          assertEquals(hist.size(), row.<Long>getAs("n_hist"), user + "@" + ts);
          double[] expected = sdimOracle(q, hist, norm);
          double[] got = SweepCommand.toDoubles(row.getList(row.fieldIndex("sdim")));
          Assertions.assertArrayEquals(
              expected, got, 1e-9, norm + " L=" + l + " " + user + "@" + ts);
        }
      }
    }
  }

  @Test
  void aTtlKeepsExactlyTheBehavioursFromTsMinusTtlOnAndCombinesWithMaxLength() {
    // Oracle: brute force over the raw behaviours with Feast's rule t − ttl ≤ b < t; the data has
    // many ties, so both boundaries are exercised.
    for (int l : new int[] {0, 3}) {
      long ttl = 5;
      List<String> args =
          new ArrayList<>(
              List.of(
                  "sdim-features",
                  "--impressions",
                  dir + "/impressions",
                  "--behaviors",
                  dir + "/behaviors",
                  "--signatures",
                  dir + "/sig",
                  "--ttl",
                  Long.toString(ttl),
                  "--output",
                  dir + "/ttl" + l));
      if (l > 0) {
        args.addAll(List.of("--max-length", Integer.toString(l)));
      }
      Result r = spp(args.toArray(new String[0]));
      assertEquals(0, r.code(), r.err());
      int boundaryHits = 0;
      for (Row row : SPARK.read().format("delta").load(dir + "/ttl" + l).collectAsList()) {
        String user = row.getAs("user");
        long ts = row.getAs("ts");
        List<double[]> hist = history(user, ts, l, ttl);
        assertEquals(hist.size(), row.<Long>getAs("n_hist"), "ttl " + user + "@" + ts);
        double[] expected = sdimOracle(emb.get(row.<String>getAs("item")), hist, "l2");
        Assertions.assertArrayEquals(
            expected,
            SweepCommand.toDoubles(row.getList(row.fieldIndex("sdim"))),
            1e-9,
            "ttl L=" + l + " " + user + "@" + ts);
        boundaryHits +=
            (int)
                behaviours.stream()
                    .filter(b -> b[0].equals(user) && (long) b[1] == ts - ttl)
                    .count();
      }
      Assertions.assertTrue(boundaryHits > 0, "the data puts behaviours on the TTL boundary");
    }
    assertRefused(
        List.of(
            "sdim-features",
            "--impressions",
            dir + "/impressions",
            "--behaviors",
            dir + "/behaviors",
            "--signatures",
            dir + "/sig",
            "--ttl",
            "5d",
            "--output",
            dir + "/ttl-bad"),
        "holds numbers");
  }

  @Test
  void aTtlIsConvertedToTheTimeColumnsUnits() {
    // Timestamps order by microseconds, dates by days (SdimColumns.time).
    Dataset<Row> ts =
        SPARK.createDataFrame(List.of(), new StructType().add("t", DataTypes.TimestampType));
    Dataset<Row> dates =
        SPARK.createDataFrame(List.of(), new StructType().add("t", DataTypes.DateType));
    assertEquals(30 * 86_400e6, SdimColumns.ttl(ts, "x", "t", "--ttl", "30d"));
    assertEquals(90 * 60e6, SdimColumns.ttl(ts, "x", "t", "--ttl", "90m"));
    assertEquals(1.5 * 3600e6, SdimColumns.ttl(ts, "x", "t", "--ttl", "1.5h"));
    assertEquals(7, SdimColumns.ttl(dates, "x", "t", "--ttl", "7d"));
    for (String[] bad :
        new String[][] {
          {"ts", "30"}, {"dates", "12h"}, {"dates", "1.5d"}, {"ts", "0s"}, {"ts", "x"}
        }) {
      Dataset<Row> df = bad[0].equals("ts") ? ts : dates;
      Assertions.assertThrows(
          org.samplingprivacy.jobs.validate.InputException.class,
          () -> SdimColumns.ttl(df, "x", "t", "--ttl", bad[1]),
          String.join(" ", bad));
    }
  }

  @Test
  void targetAttentionAndMeanPoolingEqualBruteForce() {
    Result r =
        spp(
            "target-attention-features",
            "--impressions",
            dir + "/impressions",
            "--behaviors",
            dir + "/behaviors",
            "--signatures",
            dir + "/sig",
            "--pool-length",
            "4",
            "--output",
            dir + "/ta");
    assertEquals(0, r.code(), r.err());
    for (Row row : SPARK.read().format("delta").load(dir + "/ta").collectAsList()) {
      double[] q = emb.get(row.<String>getAs("item"));
      List<double[]> hist = history(row.getAs("user"), row.getAs("ts"), 0);
      double[] ta = new double[D];
      double z = 0;
      for (double[] s : hist) {
        double w = Math.exp(cos(q, s) / 0.5);
        z += w;
        for (int a = 0; a < D; a++) {
          ta[a] += w * s[a];
        }
      }
      double[] mean = new double[D];
      List<double[]> last = hist.subList(Math.max(0, hist.size() - 4), hist.size());
      for (double[] s : last) {
        for (int a = 0; a < D; a++) {
          mean[a] += s[a] / last.size();
        }
      }
      for (int a = 0; a < D; a++) {
        ta[a] = z > 0 ? ta[a] / z : 0;
      }
      Assertions.assertArrayEquals(
          ta, SweepCommand.toDoubles(row.getList(row.fieldIndex("target_attention"))), 1e-9);
      Assertions.assertArrayEquals(
          mean, SweepCommand.toDoubles(row.getList(row.fieldIndex("mean_last"))), 1e-9);
    }
  }

  @Test
  void theUnnormalisedEstimatorIsTheCollisionKernelAttentionInExpectation() {
    SplittableRandom rng = new SplittableRandom(9);
    double[] q = new double[D];
    List<double[]> hist = new ArrayList<>();
    for (int a = 0; a < D; a++) {
      q[a] = rng.nextDouble() - 0.5;
    }
    for (int j = 0; j < 12; j++) {
      double[] s = new double[D];
      for (int a = 0; a < D; a++) {
        s[a] = rng.nextDouble() - 0.5 + 0.3 * q[a];
      }
      hist.add(s);
    }
    int bits = 3;
    double[] kernel = new double[D];
    for (double[] s : hist) {
      double w = Math.pow(1 - Math.acos(Math.max(-1, Math.min(1, cos(q, s)))) / Math.PI, bits);
      for (int a = 0; a < D; a++) {
        kernel[a] += w * s[a];
      }
    }
    int seeds = 400;
    double[] sum = new double[D];
    double[] sum2 = new double[D];
    for (long seed = 1000; seed < 1000 + seeds; seed++) {
      UserState st = new UserState(0, true, false);
      for (double[] s : hist) {
        st.add(new UserState.Behaviour(s, SimHash.signatures(s, 64, bits, seed)));
      }
      double[] est = SdimFeature.of(st, SimHash.signatures(q, 64, bits, seed), D, "none");
      for (int a = 0; a < D; a++) {
        sum[a] += est[a];
        sum2[a] += est[a] * est[a];
      }
    }
    for (int a = 0; a < D; a++) {
      double mean = sum[a] / seeds;
      double se = Math.sqrt((sum2[a] / seeds - mean * mean) / seeds);
      assertEquals(kernel[a], mean, 5 * se + 1e-12, "coordinate " + a);
    }
  }

  @Test
  void incrementalBseEqualsAFullRecomputeAndCountsAddUp() {
    String[] base = {"sdim-bse", "--behaviors", dir + "/behaviors", "--signatures", dir + "/sig"};
    Result first = spp(concat(base, "--as-of", "9", "--output", dir + "/bse-inc"));
    assertEquals(0, first.code(), first.err());
    Result inc = spp(concat(base, "--as-of", "19", "--incremental", "--output", dir + "/bse-inc"));
    assertEquals(0, inc.code(), inc.err());
    Result full = spp(concat(base, "--as-of", "19", "--output", dir + "/bse-full"));
    assertEquals(0, full.code(), full.err());
    Map<String, Row> a = new HashMap<>();
    for (Row r : SPARK.read().format("delta").load(dir + "/bse-full").collectAsList()) {
      a.put(r.getString(0) + "/" + r.getInt(1) + "/" + r.getInt(2), r);
    }
    List<Row> b = SPARK.read().format("delta").load(dir + "/bse-inc").collectAsList();
    assertEquals(a.size(), b.size());
    for (Row r : b) {
      Row f = a.get(r.getString(0) + "/" + r.getInt(1) + "/" + r.getInt(2));
      assertEquals(f.getLong(4), r.getLong(4));
      assertEquals(19.0, r.getDouble(5));
      Assertions.assertArrayEquals(
          SweepCommand.toDoubles(f.getList(3)), SweepCommand.toDoubles(r.getList(3)), 1e-9);
    }
    // Per user and signature, the bucket counts add up to the user's behaviours up to the cut.
    for (int u = 0; u < 3; u++) {
      String user = "u" + u;
      long n = behaviours.stream().filter(x -> x[0].equals(user) && (long) x[1] <= 19).count();
      for (int k = 0; k < K; k++) {
        int sig = k;
        assertEquals(
            n,
            b.stream()
                .filter(r -> r.getString(0).equals(user) && r.getInt(1) == sig)
                .mapToLong(r -> r.getLong(4))
                .sum());
      }
    }
    // Lookup = direct: the bucket table as of t - 1 gives each impression at t its sdim-features
    // value.
    Result asOf = spp(concat(base, "--as-of", "6", "--output", dir + "/bse-6"));
    assertEquals(0, asOf.code(), asOf.err());
    UserState[] states = new UserState[3];
    for (Row r : SPARK.read().format("delta").load(dir + "/bse-6").collectAsList()) {
      int u = Integer.parseInt(r.getString(0).substring(1));
      if (states[u] == null) {
        states[u] = new UserState(0, true, false);
      }
      long key = UserState.key(r.getInt(1), r.getInt(2));
      states[u].sums().put(key, SweepCommand.toDoubles(r.getList(3)));
      states[u].counts().put(key, new long[] {r.getLong(4)});
    }
    for (Object[] imp : impressions) {
      if ((long) imp[1] != 7) {
        continue;
      }
      int u = Integer.parseInt(((String) imp[0]).substring(1));
      double[] q = emb.get((String) imp[2]);
      double[] fromTable =
          states[u] == null
              ? new double[D]
              : SdimFeature.of(states[u], SimHash.signatures(q, K, BITS, SEED), D, "l2");
      Assertions.assertArrayEquals(
          sdimOracle(q, history((String) imp[0], 7, 0), "l2"), fromTable, 1e-9);
    }
    Result refused =
        spp(concat(base, "--incremental", "--max-length", "5", "--output", dir + "/bse-x"));
    assertEquals(2, refused.code());
  }

  static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void embeddingsGivenAsTextHashLikeArraysAndAMalformedOneIsNamed() throws Exception {
    // Oracle: the same items as arrays (the fixture's signatures, hashed from arrays); the text is
    // what a CSV export writes, with spacing and exponents varied.
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, double[]> e : emb.entrySet()) {
      StringBuilder t = new StringBuilder(" [");
      double[] v = e.getValue();
      for (int a = 0; a < v.length; a++) {
        t.append(a == 0 ? "" : a % 2 == 0 ? ", " : ",")
            .append(
                a == 1
                    ? String.format(java.util.Locale.ROOT, "%.17e", v[a])
                    : Double.toString(v[a]));
      }
      rows.add(RowFactory.create(e.getKey(), t.append("] ").toString()));
    }
    StructType textSchema =
        new StructType().add("item", DataTypes.StringType).add("vec", DataTypes.StringType);
    SPARK.createDataFrame(rows, textSchema).write().parquet(dir + "/items-text");
    Result r =
        spp(
            "sdim-signatures",
            "--items",
            dir + "/items-text",
            "--embedding-col",
            "vec",
            "--num-hashes",
            Integer.toString(K),
            "--bits",
            Integer.toString(BITS),
            "--seed",
            Long.toString(SEED),
            "--output",
            dir + "/sig-text");
    assertEquals(0, r.code(), r.err());
    Dataset<Row> fromText = SPARK.read().format("delta").load(dir + "/sig-text");
    Dataset<Row> fromArrays = SPARK.read().format("delta").load(dir + "/sig");
    assertEquals(emb.size(), fromText.count());
    assertDataFrameNoOrderEquals(
        fromArrays.select("item", "embedding", "signatures"),
        fromText.select("item", "embedding", "signatures"));
    List<Row> bad = new ArrayList<>(rows.subList(0, 3));
    bad.add(RowFactory.create("broken", "[0.1, 0.2, abc]"));
    SPARK.createDataFrame(bad, textSchema).write().parquet(dir + "/items-bad-text");
    assertRefused(
        List.of(
            "sdim-signatures",
            "--items",
            dir + "/items-bad-text",
            "--embedding-col",
            "vec",
            "--output",
            dir + "/sig-bad"),
        "item broken is not a list of numbers like [0.1, 0.2]: '[0.1, 0.2, abc]'");
  }

  @Test
  void badInputExitsTwo() {
    Result bits =
        spp("sdim-signatures", "--items", dir + "/items", "--bits", "32", "--output", dir + "/x1");
    assertEquals(2, bits.code());
    Assertions.assertTrue(bits.err().contains("--bits"), bits.err());
    Result col =
        spp(
            "sdim-features",
            "--impressions",
            dir + "/impressions",
            "--behaviors",
            dir + "/behaviors",
            "--signatures",
            dir + "/sig",
            "--user-col",
            "customer",
            "--output",
            dir + "/x2");
    assertEquals(2, col.code());
    Assertions.assertTrue(col.err().contains("customer"), col.err());
    List<Row> nullTime = List.of(RowFactory.create("u0", null, "it1"));
    SPARK
        .createDataFrame(
            nullTime,
            new StructType()
                .add("user", DataTypes.StringType)
                .add("ts", DataTypes.LongType)
                .add("item", DataTypes.StringType))
        .write()
        .parquet(dir + "/null-time");
    Result nt =
        spp(
            "sdim-features",
            "--impressions",
            dir + "/impressions",
            "--behaviors",
            dir + "/null-time",
            "--signatures",
            dir + "/sig",
            "--output",
            dir + "/x3");
    assertEquals(2, nt.code());
    Assertions.assertTrue(nt.err().contains("null times"), nt.err());
    // The commands reading only the log share one check (BehaviorLogOptions.read).
    for (String cmd : new String[] {"sdim-impressions", "sdim-bse", "item2vec"}) {
      String[] args = {cmd, "--behaviors", dir + "/null-time", "--output", dir + "/x5"};
      Result log = spp(cmd.equals("sdim-bse") ? concat(args, "--signatures", dir + "/sig") : args);
      assertEquals(2, log.code(), cmd + ": " + log.err());
      Assertions.assertTrue(
          log.err().contains("column 'ts' has 1 null values"), cmd + ": " + log.err());
    }
    List<Row> ragged =
        List.of(
            RowFactory.create("a", new double[] {1, 2}), RowFactory.create("b", new double[] {1}));
    SPARK
        .createDataFrame(
            ragged,
            new StructType()
                .add("item", DataTypes.StringType)
                .add("embedding", DataTypes.createArrayType(DataTypes.DoubleType)))
        .write()
        .parquet(dir + "/ragged");
    Result rg = spp("sdim-signatures", "--items", dir + "/ragged", "--output", dir + "/x4");
    assertEquals(2, rg.code());
    Assertions.assertTrue(rg.err().contains("unequal"), rg.err());
    for (String x : new String[] {"x1", "x2", "x3", "x4", "x5"}) {
      Assertions.assertFalse(java.nio.file.Files.exists(dir.resolve(x)));
    }
  }

  static double cos(double[] a, double[] b) {
    double d = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }
}
