package org.samplingprivacy.jobs.sdim;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.udfs.StableHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sdim-generate}: long synthetic behaviour logs with planted long-term interests, so the
 * long-sequence effect of SDIM is measurable. Items belong to topics (embedding = unit(topic +
 * noise)); each user has two interest topics; a behaviour is an interest-topic item with
 * probability {@code --interest-rate}, otherwise an item of a random topic (so the most recent few
 * behaviours say little); impressions are placed among the user's later behaviours, with candidates
 * half from the interests and half random, clicked with probability sigmoid(slope·max_topic
 * cos(candidate, interest topic) + offset). Every user's data is a function of (user, seed),
 * generated in executors, so the output does not depend on partitioning. Writes DIR/items,
 * DIR/behaviors, DIR/impressions.
 */
@Command(
    name = "sdim-generate",
    description =
        "Generate long synthetic behaviour logs with planted interests "
            + "(items, behaviors, impressions) for SDIM experiments.")
public final class SdimGenerateCommand extends JobCommand {
  @Option(names = "--users", paramLabel = "N", defaultValue = "1000", description = "Users.")
  int users;

  @Option(names = "--items", paramLabel = "N", defaultValue = "2000", description = "Items.")
  int items;

  @Option(names = "--topics", paramLabel = "N", defaultValue = "20", description = "Topics.")
  int topics;

  @Option(
      names = "--dim",
      paramLabel = "D",
      defaultValue = "16",
      description = "Embedding dimension.")
  int dim;

  @Option(
      names = "--length",
      paramLabel = "L",
      defaultValue = "1000",
      description =
          "Behaviours per user (each user draws a length in [L/2, L]; up to 10,000 and more).")
  int length;

  @Option(
      names = "--impressions-per-user",
      paramLabel = "N",
      defaultValue = "20",
      description = "Impressions per user.")
  int impressionsPerUser;

  @Option(
      names = "--interest-rate",
      paramLabel = "P",
      defaultValue = "0.3",
      description = "Share of behaviours drawn from the user's interest topics.")
  double interestRate;

  @Option(
      names = "--heavy-length",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Add one heavy user (u<users>) with exactly N behaviours, to test skew; 0: none.")
  int heavyLength;

  @Option(
      names = "--heavy-impressions",
      paramLabel = "N",
      description = "Impressions of the heavy user (with --heavy-length; default 10,000).")
  Integer heavyImpressions;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--users", users, 1, 100_000_000);
    Params.requireInRange("--items", items, 2, 10_000_000);
    Params.requireInRange("--topics", topics, 2, items);
    Params.requireInRange("--dim", dim, 2, 4096);
    Params.requireInRange("--length", length, 2, 10_000_000);
    Params.requireInRange("--impressions-per-user", impressionsPerUser, 1, 100_000);
    Params.requireInRange("--interest-rate", interestRate, 0, 1);
    Params.requireInRange("--heavy-length", heavyLength, 0, 1_000_000_000);
    if (heavyImpressions != null) {
      if (heavyLength == 0) {
        throw new org.samplingprivacy.jobs.validate.InputException(
            "--heavy-impressions needs --heavy-length (the heavy user's behaviours)");
      }
      Params.requireInRange("--heavy-impressions", heavyImpressions, 1, 100_000_000);
    }
  }

  /** Deterministic Gaussian from a key. */
  static double gaussian(long key, long seed) {
    double u = StableHash.uniform(key, StableHash.streamSeed(seed, 1));
    double v = StableHash.uniform(key, StableHash.streamSeed(seed, 2));
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }

  static double[] unit(double[] x) {
    double n = 0;
    for (double v : x) {
      n += v * v;
    }
    n = Math.sqrt(n);
    for (int i = 0; i < x.length; i++) {
      x[i] /= n;
    }
    return x;
  }

  /** The three tables under --output (the folder itself holds them and is not one). */
  @Override
  protected java.util.Map<String, String> outputTables() {
    java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String t : new String[] {"items", "behaviors", "impressions"}) {
      m.put(common.output + "/" + t, "--output");
    }
    return m;
  }

  @Override
  protected Plan plan(JobContext ctx) {
    long seed = ctx.seed();
    double[][] topic = new double[topics][dim];
    for (int t = 0; t < topics; t++) {
      for (int a = 0; a < dim; a++) {
        topic[t][a] = gaussian((long) t * dim + a, StableHash.streamSeed(seed, 10));
      }
      unit(topic[t]);
    }
    double[][] emb = new double[items][dim];
    for (int i = 0; i < items; i++) {
      double[] noise = new double[dim];
      for (int a = 0; a < dim; a++) {
        noise[a] = gaussian((long) i * dim + a, StableHash.streamSeed(seed, 11));
      }
      unit(noise);
      for (int a = 0; a < dim; a++) {
        emb[i][a] = topic[i % topics][a] + 0.5 * noise[a];
      }
      unit(emb[i]);
    }
    String dir = common.output;
    Plan.Builder steps =
        Plan.builder()
            .step(
                users
                    + " users x up to "
                    + length
                    + " behaviours, "
                    + impressionsPerUser
                    + " impressions each; "
                    + items
                    + " items in "
                    + topics
                    + " topics of dimension "
                    + dim)
            .stepIf(
                heavyLength > 0,
                "one heavy user u"
                    + users
                    + ": "
                    + heavyLength
                    + " behaviours, "
                    + (heavyImpressions == null ? 10_000 : heavyImpressions)
                    + " impressions")
            .step("write " + dir + "/items, " + dir + "/behaviors, " + dir + "/impressions");
    return steps.then(
        c -> {
          List<Row> itemRows = new ArrayList<>();
          for (int i = 0; i < items; i++) {
            itemRows.add(RowFactory.create("i" + i, i % topics, emb[i]));
          }
          c.write(
              SdimTables.GENERATED_ITEMS,
              c.spark().createDataFrame(itemRows, SdimTables.GENERATED_ITEMS.columns()),
              dir + "/items",
              c.writeSpec(org.samplingprivacy.jobs.io.TableFormat.DELTA));
          int nItems = items;
          int nTopics = topics;
          int len = length;
          double rate = interestRate;
          int perUser = impressionsPerUser;
          int heavy = heavyLength;
          int heavyImp = heavyImpressions == null ? 10_000 : heavyImpressions;
          long ordinary = users;
          StructType behSchema = SdimTables.GENERATED_BEHAVIORS.columns();
          StructType impSchema = SdimTables.GENERATED_IMPRESSIONS.columns();
          // The heavy user is one more id with its own length, so ordinary users are unchanged.
          Dataset<Long> ids =
              c.spark().range(users + (heavyLength > 0 ? 1 : 0)).as(Encoders.LONG());
          Dataset<Row> beh =
              ids.flatMap(
                  (FlatMapFunction<Long, Row>)
                      u -> {
                        SplittableRandom r =
                            new SplittableRandom(
                                StableHash.hash64(u, StableHash.streamSeed(seed, 20)));
                        int[] interests = {r.nextInt(nTopics), r.nextInt(nTopics)};
                        int n = u == ordinary ? heavy : len / 2 + r.nextInt(len - len / 2 + 1);
                        List<Row> out = new ArrayList<>(n);
                        for (int j = 0; j < n; j++) {
                          int t =
                              r.nextDouble() < rate ? interests[r.nextInt(2)] : r.nextInt(nTopics);
                          out.add(
                              RowFactory.create(
                                  "u" + u, (long) (2 * j), "i" + item(t, nTopics, nItems, r)));
                        }
                        return out.iterator();
                      },
                  Encoders.row(behSchema));
          Dataset<Row> imp =
              ids.flatMap(
                  (FlatMapFunction<Long, Row>)
                      u -> {
                        SplittableRandom r =
                            new SplittableRandom(
                                StableHash.hash64(u, StableHash.streamSeed(seed, 20)));
                        int[] interests = {r.nextInt(nTopics), r.nextInt(nTopics)};
                        int n = u == ordinary ? heavy : len / 2 + r.nextInt(len - len / 2 + 1);
                        SplittableRandom s =
                            new SplittableRandom(
                                StableHash.hash64(u, StableHash.streamSeed(seed, 21)));
                        int m = u == ordinary ? heavyImp : perUser;
                        List<Row> out = new ArrayList<>(m);
                        for (int k = 0; k < m; k++) {
                          long ts =
                              2L * (n / 2 + s.nextInt(n - n / 2))
                                  + 1; // odd: between two behaviours of the later half
                          int t = s.nextBoolean() ? interests[s.nextInt(2)] : s.nextInt(nTopics);
                          int item = item(t, nTopics, nItems, s);
                          double sim =
                              Math.max(
                                  dot(emb[item], topic[interests[0]]),
                                  dot(emb[item], topic[interests[1]]));
                          double p = 1 / (1 + Math.exp(-(5 * sim - 3)));
                          out.add(
                              RowFactory.create(
                                  "u" + u, ts, "i" + item, s.nextDouble() < p ? 1 : 0));
                        }
                        return out.iterator();
                      },
                  Encoders.row(impSchema));
          c.write(
              SdimTables.GENERATED_BEHAVIORS,
              beh,
              dir + "/behaviors",
              c.writeSpec(org.samplingprivacy.jobs.io.TableFormat.DELTA));
          c.write(
              SdimTables.GENERATED_IMPRESSIONS,
              imp,
              dir + "/impressions",
              c.writeSpec(org.samplingprivacy.jobs.io.TableFormat.DELTA));
          spec.commandLine().getOut().println("generated " + users + " users into " + dir);
        });
  }

  /** A uniformly chosen item of topic t (items are assigned to topics round-robin). */
  static int item(int t, int topics, int items, SplittableRandom r) {
    int perTopic = (items - t + topics - 1) / topics;
    return t + topics * r.nextInt(perTopic);
  }

  static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
