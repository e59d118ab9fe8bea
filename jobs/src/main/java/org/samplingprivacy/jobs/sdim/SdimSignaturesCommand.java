package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.udfs.UdfRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sdim-signatures}: every item's SimHash signatures (SDIM, Cao et al. CIKM 2022, §3.2),
 * computed once per item in executors with the {@code simhash_signatures} function, stored with the
 * embedding they hash so behaviours and candidates of every later job join one table (same
 * embedding version, same projections).
 */
@Command(
    name = "sdim-signatures",
    description = "SimHash signatures of item embeddings (SDIM), one row per item.")
public final class SdimSignaturesCommand extends JobCommand {
  @Option(names = "--items", paramLabel = "PATH", description = "Item embedding table.")
  String items;

  @Option(
      names = "--id-col",
      paramLabel = "COL",
      defaultValue = "item",
      description = "Item id column.")
  String idCol;

  @Option(
      names = "--embedding-col",
      paramLabel = "COL",
      defaultValue = "embedding",
      description =
          "Embedding column: an array of numbers, or text such as \"[0.1, -0.2, 3e-4]\" (as CSV"
              + " exports write vectors).")
  String embeddingCol;

  @Option(
      names = "--num-hashes",
      paramLabel = "K",
      defaultValue = "16",
      description = "Signatures per item (the paper's m/tau; production 16).")
  int numHashes;

  @Option(
      names = "--bits",
      paramLabel = "TAU",
      defaultValue = "3",
      description = "Sign bits per signature (the paper's tau; 1..31; production 3).")
  int bits;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--items", items);
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--num-hashes", numHashes, 1, 4096);
    Params.requireInRange("--bits", bits, 1, 31);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable in = ctx.read("--items", items);
    String table = "--items " + items;
    Dataset<Row> df = in.data();
    org.samplingprivacy.jobs.validate.TableChecks.requireColumns(df, table, List.of(idCol));
    Column embedding = SdimColumns.embedding(df, table, "--embedding-col", embeddingCol, idCol);
    Dataset<Row> sel = df.select(Columns.named(idCol).as("item"), embedding.as("embedding"));
    Row stats =
        ctx.phase(
            "check embeddings",
            () ->
                sel.agg(
                        functions.count(lit(1)),
                        sum(when(col("item").isNull(), 1).otherwise(0)),
                        sum(
                            when(
                                    col("embedding")
                                        .isNull()
                                        .or(
                                            functions.exists(
                                                col("embedding"),
                                                x -> x.isNull().or(functions.isnan(x)))),
                                    1)
                                .otherwise(0)),
                        min(size(col("embedding"))),
                        max(size(col("embedding"))),
                        functions.countDistinct(col("item")))
                    .first());
    if (stats.getLong(0) == 0) {
      throw new InputException(table + " has no rows");
    }
    if (stats.getLong(1) > 0) {
      throw new InputException(
          table + " column '" + idCol + "' has " + stats.getLong(1) + " null ids");
    }
    if (stats.getLong(2) > 0) {
      throw new InputException(
          table
              + " column '"
              + embeddingCol
              + "' has "
              + stats.getLong(2)
              + " null embeddings or null/NaN elements");
    }
    if (stats.getInt(3) != stats.getInt(4) || stats.getInt(3) == 0) {
      throw new InputException(
          table
              + " column '"
              + embeddingCol
              + "': embeddings have unequal or zero lengths ("
              + stats.getInt(3)
              + " to "
              + stats.getInt(4)
              + ")");
    }
    if (stats.getLong(5) != stats.getLong(0)) {
      throw new InputException(
          table
              + " column '"
              + idCol
              + "' is not unique ("
              + stats.getLong(0)
              + " rows, "
              + stats.getLong(5)
              + " ids)");
    }
    int dim = stats.getInt(3);
    long seed = ctx.seed();
    Plan.Builder steps =
        Plan.builder()
            .step("read " + stats.getLong(0) + " items of dimension " + dim + " from " + items)
            .step(
                "hash each into "
                    + numHashes
                    + " signatures of "
                    + bits
                    + " bits (seed "
                    + seed
                    + "); write "
                    + common.output);
    return steps.then(
        c -> {
          UdfRegistry.registerAll(c.spark());
          Dataset<Row> sig =
              sel.withColumn(
                      "signatures",
                      functions.call_function(
                          "simhash_signatures",
                          col("embedding"),
                          lit(numHashes),
                          lit(bits),
                          lit(seed)))
                  .withColumn("num_hashes", lit(numHashes))
                  .withColumn("bits", lit(bits))
                  .withColumn("hash_seed", lit(seed));
          c.write(SdimTables.SIGNATURES, sig, common.output, out);
          c.report()
              .metric("items", stats.getLong(0))
              .metric("dim", dim)
              .metric("num_hashes", numHashes)
              .metric("bits", bits)
              .metric("seed", seed);
          spec.commandLine()
              .getOut()
              .println("hashed " + stats.getLong(0) + " items into " + common.output);
        });
  }
}
