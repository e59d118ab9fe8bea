package org.samplingprivacy.jobs.ambient;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.NumericType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.InputJobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ambient-mix}: the clean/noisy data mixes of a scaling study (Daras, Cherapanamjeri &amp;
 * Daskalakis, ICLR 2025), in the coupled design of docs/design/ambient-study.md §2: a clean holdout
 * set aside first by a keyed hash; one keyed permutation of the remaining rows whose first N rows
 * are the size-N subset (nested across sizes); the clean rows of a mix the first round(f·N) of that
 * subset in a second keyed order (exact counts, nested across f); one noise vector z per source
 * row, y = x + σ·z for the noisy rows (common random numbers across σ and sizes). Every random
 * choice is a hash of the row key and the seed, so the mixes do not depend on partitioning or task
 * retries. Optional PCA (orthonormal, so the noise stays isotropic with known σ) is fitted on the
 * non-holdout rows.
 */
@Command(
    name = "ambient-mix",
    description =
        "Build clean/noisy data mixes (and a clean holdout) for a data-mix " + "scaling study.")
public final class AmbientMixCommand extends InputJobCommand {
  @Option(
      names = "--vector-col",
      paramLabel = "COL",
      description = "Array column holding each sample's vector.")
  String vectorCol;

  @Option(
      names = "--image-cols",
      paramLabel = "C1,C2",
      description =
          "Numeric columns forming the vector " + "(e.g. pixels), instead of --vector-col.")
  String imageCols;

  @Option(
      names = "--pixel-range",
      paramLabel = "LO,HI",
      description =
          "Map values linearly from [LO, HI] to [-1, 1] (the paper's pixel scale) before PCA and noise.")
  String pixelRange;

  @Option(
      names = "--key-col",
      paramLabel = "COL",
      description = "Stable row key (default: a hash of the vector).")
  String keyCol;

  @Option(
      names = "--pca",
      paramLabel = "K",
      description = "Project on the top K principal components first.")
  Integer pca;

  @Option(
      names = "--clean-fraction",
      paramLabel = "F1,F2",
      defaultValue = "0.1,0.5,1.0",
      description = "Clean fractions f in [0, 1].")
  String cleanFractions;

  @Option(
      names = "--sigma",
      paramLabel = "S1,S2",
      defaultValue = "0.05,0.1,0.2",
      description =
          "Noise levels sigma >= 0 of the noisy rows (in the units of the vectors after scaling).")
  String sigmas;

  @Option(names = "--sizes", paramLabel = "N1,N2", description = "Mix sizes (rows per mix).")
  String sizes;

  @Option(
      names = "--holdout-fraction",
      paramLabel = "H",
      defaultValue = "0.2",
      description =
          "Share of the input set aside (by key hash) as clean holdout, never in any mix.")
  double holdoutFraction;

  @Option(
      names = "--manifest",
      paramLabel = "PATH",
      description = "Manifest table (default: <output>_manifest).")
  String manifest;

  @Option(
      names = "--holdout",
      paramLabel = "PATH",
      description = "Holdout table (default: <output>_holdout).")
  String holdout;

  private MixGrid grid;

  static String manifestPath(String mixes, String given) {
    return given != null ? given : mixes + "_manifest";
  }

  static String holdoutPath(String mixes, String given) {
    return given != null ? given : mixes + "_holdout";
  }

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
    Params.requirePresent("--sizes", sizes);
    if ((vectorCol == null) == (imageCols == null)) {
      throw new InputException("give exactly one of --vector-col and --image-cols");
    }
    Params.requireFinite("--holdout-fraction", holdoutFraction);
    if (!(holdoutFraction > 0 && holdoutFraction < 1)) {
      throw new InputException("--holdout-fraction must be in (0, 1), got " + holdoutFraction);
    }
    if (pca != null) {
      Params.requireInRange("--pca", pca, 1, 1000);
    }
    grid = MixGrid.parse(sizes, cleanFractions, sigmas);
    if (pixelRange != null) {
      range();
    }
  }

  private double[] range() {
    List<String> r = Params.requireList("--pixel-range", pixelRange);
    try {
      double lo = Double.parseDouble(r.get(0));
      double hi = Double.parseDouble(r.get(r.size() - 1));
      if (r.size() != 2 || !(lo < hi)) {
        throw new InputException("--pixel-range must be LO,HI with LO < HI, got " + pixelRange);
      }
      return new double[] {lo, hi};
    } catch (NumberFormatException e) {
      throw new InputException("--pixel-range must be two numbers, got " + pixelRange);
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable in = ctx.readInput();
    String table = "--input " + in.path();
    Dataset<Row> raw = in.data();
    Column vec;
    if (vectorCol != null) {
      TableChecks.requireColumns(raw, table, List.of(vectorCol));
      if (!(raw.schema().apply(vectorCol).dataType() instanceof ArrayType a
          && a.elementType() instanceof NumericType)) {
        throw new InputException(
            table
                + " column '"
                + vectorCol
                + "' (--vector-col) must be an array of numbers, "
                + "but is "
                + raw.schema().apply(vectorCol).dataType().simpleString());
      }
      vec = Columns.named(vectorCol).cast("array<double>");
    } else {
      List<String> cols = Params.requireList("--image-cols", imageCols);
      TableChecks.requireNumeric(raw, table, cols);
      vec = array(cols.stream().map(c -> Columns.named(c).cast("double")).toArray(Column[]::new));
    }
    if (pixelRange != null) {
      double[] r = range();
      vec = functions.transform(vec, x -> x.minus(r[0]).divide(r[1] - r[0]).multiply(2).minus(1));
    }
    Column key = keyCol != null ? xxhash64(Columns.named(keyCol)) : xxhash64(vec);
    if (keyCol != null) {
      TableChecks.requireColumns(raw, table, List.of(keyCol));
    }
    long seed = ctx.seed();
    Dataset<Row> keyed =
        raw.select(key.as("key"), vec.as("x"))
            .withColumn("u_holdout", MixSampler.unit(seed, 1))
            .withColumn("u_order", MixSampler.unit(seed, 2))
            .withColumn("u_clean", MixSampler.unit(seed, 3));
    Row stats =
        ctx.phase(
            "check vectors",
            () ->
                keyed
                    .agg(
                        count(lit(1)),
                        sum(when(col("x").isNull(), 1).otherwise(0)),
                        min(size(col("x"))),
                        max(size(col("x"))),
                        sum(
                            when(exists(col("x"), v -> v.isNull().or(functions.isnan(v))), 1)
                                .otherwise(0)),
                        sum(when(col("u_holdout").lt(holdoutFraction), 0).otherwise(1)))
                    .first());
    long rows = stats.getLong(0);
    if (rows == 0) {
      throw new InputException(table + " has no rows");
    }
    String what = vectorCol != null ? "column '" + vectorCol + "'" : "--image-cols";
    if (stats.getLong(1) > 0 || stats.getLong(4) > 0) {
      throw new InputException(
          table
              + " "
              + what
              + " has "
              + (stats.getLong(1) + stats.getLong(4))
              + " rows with null or NaN values");
    }
    if (stats.getInt(2) != stats.getInt(3)) {
      throw new InputException(
          table
              + " "
              + what
              + ": vectors have unequal lengths ("
              + stats.getInt(2)
              + " to "
              + stats.getInt(3)
              + ")");
    }
    int dim = stats.getInt(2);
    if (dim == 0) {
      throw new InputException(table + " " + what + ": vectors are empty");
    }
    if (pca != null && pca > dim) {
      throw new InputException("--pca " + pca + " exceeds the vector length " + dim);
    }
    long available = stats.getLong(5);
    int largest = grid.sizes().get(grid.sizes().size() - 1);
    if (largest > available) {
      throw new InputException(
          "--sizes "
              + largest
              + " is larger than the "
              + available
              + " rows of "
              + table
              + " left after the holdout (--holdout-fraction "
              + holdoutFraction
              + ")");
    }
    List<MixGrid.Mix> mixes = grid.mixes();
    String manifestOut = manifestPath(common.output, manifest);
    String holdoutOut = holdoutPath(common.output, holdout);
    Plan.Builder steps =
        Plan.builder()
            .read(in, "" + rows + " vectors of length " + dim)
            .step(
                "hold out about "
                    + Math.round(holdoutFraction * rows)
                    + " clean rows (key hash), write "
                    + holdoutOut)
            .step(
                pca != null
                    ? "project on " + pca + " principal components of the other rows"
                    : "no projection")
            .step(
                mixes.size()
                    + " mixes: sizes "
                    + grid.sizes()
                    + " x clean fractions "
                    + grid.fractions()
                    + " x sigma "
                    + grid.sigmas()
                    + " ("
                    + mixes.stream().mapToLong(MixGrid.Mix::size).sum()
                    + " rows), write "
                    + common.output
                    + " and the manifest "
                    + manifestOut);
    return steps.then(
        c -> {
          Dataset<Row> base = keyed;
          int d = dim;
          if (pca != null) {
            Dataset<Row> projected = MixSampler.project(c, keyed, holdoutFraction, pca);
            base = projected;
            d = pca;
          }
          Dataset<Row> held =
              base.filter(col("u_holdout").lt(holdoutFraction))
                  .select(col("key").as("sample_id"), col("x").as("vector"));
          Dataset<Row> mixRows =
              MixSampler.mixRows(
                  c, base.filter(col("u_holdout").geq(holdoutFraction)), mixes, seed);
          c.write(AmbientTables.MIXES, mixRows, common.output, out);
          long heldRows = rows - available;
          List<Row> manifestRows = new ArrayList<>();
          for (MixGrid.Mix m : mixes) {
            manifestRows.add(
                RowFactory.create(
                    m.id(),
                    m.size(),
                    m.cleanFraction(),
                    m.sigma(),
                    m.nClean(),
                    m.nNoisy(),
                    d,
                    seed,
                    heldRows,
                    in.path(),
                    in.deltaVersion() >= 0 ? in.deltaVersion() : null,
                    pca));
          }
          c.write(AmbientTables.HOLDOUT, held, holdoutOut, out);
          c.write(
              AmbientTables.MANIFEST,
              c.spark().createDataFrame(manifestRows, AmbientTables.MANIFEST.columns()),
              manifestOut,
              out);
          c.report()
              .metric("mixes", mixes.size())
              .metric("dim", d)
              .metric("holdout_rows", heldRows)
              .metric("source_rows", rows)
              .metric("mix_rows", mixes.stream().mapToLong(MixGrid.Mix::size).sum());
          spec.commandLine()
              .getOut()
              .println(
                  "wrote "
                      + mixes.size()
                      + " mixes to "
                      + common.output
                      + ", the manifest to "
                      + manifestOut
                      + " and "
                      + heldRows
                      + " holdout rows to "
                      + holdoutOut);
        });
  }
}
