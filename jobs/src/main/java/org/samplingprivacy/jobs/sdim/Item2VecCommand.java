package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.feature.Word2Vec;
import org.apache.spark.ml.feature.Word2VecModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code item2vec}: item embeddings for logs without an embedding table (docs/design/sdim.md §2.1):
 * MLlib Word2Vec (skip-gram) over each user's time-ordered items (ties ordered by item), so items
 * that occur near each other in users' histories get similar vectors. Output (item, embedding)
 * feeds {@code sdim-signatures}.
 */
@Command(
    name = "item2vec",
    description = "Item embeddings by Word2Vec over each user's time-ordered behaviours.")
public final class Item2VecCommand extends JobCommand {
  @picocli.CommandLine.Mixin BehaviorLogOptions log;

  @Option(
      names = "--dim",
      paramLabel = "D",
      defaultValue = "32",
      description = "Embedding dimension.")
  int dim;

  @Option(
      names = "--window",
      paramLabel = "W",
      defaultValue = "5",
      description = "Word2Vec context window.")
  int window;

  @Option(
      names = "--min-count",
      paramLabel = "N",
      defaultValue = "1",
      description = "Items seen fewer times are " + "left out.")
  int minCount;

  @Option(
      names = "--iterations",
      paramLabel = "N",
      defaultValue = "5",
      description = "Word2Vec passes.")
  int iterations;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--behaviors", log.behaviors);
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--dim", dim, 1, 4096);
    Params.requireInRange("--window", window, 1, 1000);
    Params.requireInRange("--min-count", minCount, 1, Integer.MAX_VALUE);
    Params.requireInRange("--iterations", iterations, 1, 1000);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    BehaviorLogOptions.Log behaviours = log.read(ctx);
    Dataset<Row> events = behaviours.events();
    return Plan.builder()
        .step("sequences of " + behaviours.rows() + " behaviours per user, time-ordered")
        .step(
            "Word2Vec: dimension "
                + dim
                + ", window "
                + window
                + ", "
                + iterations
                + " iterations, seed "
                + ctx.seed())
        .write(common.output, out)
        .then(
            c -> {
              Dataset<Row> seqs =
                  events
                      .groupBy("u")
                      .agg(
                          functions
                              .sort_array(
                                  functions.collect_list(functions.struct(col("t"), col("i"))))
                              .as("s"))
                      .select(col("s.i").as("items"));
              Word2VecModel model =
                  c.phase(
                      "word2vec",
                      () ->
                          new Word2Vec()
                              .setInputCol("items")
                              .setVectorSize(dim)
                              .setWindowSize(window)
                              .setMinCount(minCount)
                              .setMaxIter(iterations)
                              .setSeed(c.seed())
                              .setNumPartitions(1)
                              .fit(seqs));
              Dataset<Row> vectors =
                  model
                      .getVectors()
                      .select(
                          col("word").as("item"),
                          org.apache
                              .spark
                              .ml
                              .functions
                              .vector_to_array(col("vector"), "float64")
                              .as("embedding"));
              c.write(SdimTables.ITEM2VEC, vectors, common.output, out);
              spec.commandLine().getOut().println("wrote item embeddings to " + common.output);
            });
  }
}
