package org.samplingprivacy.jobs.sdim;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctr-eval}: does a behaviour feature help CTR prediction? For each feature column of each
 * features table (every array column but {@code candidate}: {@code sdim}, {@code target_attention},
 * {@code mean_last}) and for the candidate alone, an MLlib logistic regression on [q, v, q⊙v, q·v]
 * (candidate q, feature v; the products let a linear model see the candidate–interest match) is
 * trained on the earlier impressions and tested on the later ones (time split); AUC and log-loss
 * per feature set.
 */
@Command(
    name = "ctr-eval",
    description =
        "AUC and log-loss of a CTR model on the candidate plus each behaviour "
            + "feature set, split by time.")
public final class CtrEvalCommand extends JobCommand {
  @Option(
      names = "--features",
      paramLabel = "F1,F2",
      description =
          "Feature tables (sdim-features, "
              + "target-attention-features outputs) of the same impressions.")
  String features;

  @Option(
      names = "--label-col",
      paramLabel = "COL",
      defaultValue = "label",
      description = "0/1 click label.")
  String labelCol;

  @Option(
      names = "--time-col",
      paramLabel = "COL",
      defaultValue = "ts",
      description = "Impression time.")
  String timeCol;

  @Option(
      names = "--train-fraction",
      paramLabel = "F",
      defaultValue = "0.8",
      description = "Impressions before this time quantile train, the rest test.")
  double trainFraction;

  @Option(
      names = "--reg-param",
      paramLabel = "R",
      defaultValue = "1e-4",
      description = "L2 regularisation.")
  double regParam;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--features", features);
    Params.requirePresent("--output", common.output);
    if (!(trainFraction > 0 && trainFraction < 1)) {
      throw new InputException("--train-fraction must be in (0, 1), got " + trainFraction);
    }
    Params.requireInRange("--reg-param", regParam, 0, 1e6);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    List<String> paths = Params.requireList("--features", features);
    Map<String, Dataset<Row>> tables = new LinkedHashMap<>();
    Map<String, List<String>> columns = new LinkedHashMap<>();
    for (String p : paths) {
      SourceTable t = ctx.read("--features", p);
      String name = "--features " + p;
      TableChecks.requireColumns(t.data(), name, List.of("candidate", labelCol, timeCol));
      if (!(t.data().schema().apply(labelCol).dataType() instanceof NumericType)) {
        throw new InputException(name + " column '" + labelCol + "' must be a 0/1 number");
      }
      List<String> cols = new ArrayList<>();
      for (StructField f : t.data().schema().fields()) {
        if (f.dataType() instanceof ArrayType a
            && a.elementType() instanceof NumericType
            && !f.name().equals("candidate")) {
          cols.add(f.name());
        }
      }
      tables.put(
          p, t.data().withColumn("__t", SdimColumns.time(t.data(), name, "--time-col", timeCol)));
      columns.put(p, cols);
    }
    Dataset<Row> first = tables.values().iterator().next();
    // A relative rank error of 1e-4 keeps the quantile summary small on the driver (0 would hold
    // every value).
    double cut = first.stat().approxQuantile("__t", new double[] {trainFraction}, 1e-4)[0];
    return Plan.builder()
        .step("time split at the " + trainFraction + " quantile (" + cut + ")")
        .step("feature sets: candidate only, " + columns)
        .write(common.output, out)
        .then(
            c -> {
              List<Row> results = new ArrayList<>();
              results.add(evaluate(first, null, "candidate only", null, cut));
              for (Map.Entry<String, List<String>> e : columns.entrySet()) {
                for (String col : e.getValue()) {
                  results.add(evaluate(tables.get(e.getKey()), col, col, e.getKey(), cut));
                }
              }
              c.write(
                  SdimTables.CTR_EVAL,
                  c.spark().createDataFrame(results, SdimTables.CTR_EVAL.columns()),
                  common.output,
                  out);
              List<List<Object>> table = new ArrayList<>();
              for (Row r : results) {
                table.add(
                    List.of(
                        r.getString(0),
                        r.isNullAt(1) ? "" : r.getString(1),
                        r.getLong(2),
                        r.getLong(3),
                        String.format(Locale.ROOT, "%.4f", r.getDouble(4)),
                        String.format(Locale.ROOT, "%.4f", r.getDouble(5))));
                spec.commandLine()
                    .getOut()
                    .printf(
                        Locale.ROOT,
                        "%-20s AUC %.4f  log-loss %.4f%n",
                        r.getString(0),
                        r.getDouble(4),
                        r.getDouble(5));
              }
              c.report()
                  .table(
                      "CTR model per feature set (train earlier, test later)",
                      List.of("feature set", "table", "train", "test", "AUC", "log-loss"),
                      table);
              c.report()
                  .plot(
                      SvgPlot.bars(
                          "Test AUC per feature set",
                          "AUC",
                          results.stream().map(r -> r.getString(0)).toList(),
                          results.stream().mapToDouble(r -> r.getDouble(4)).toArray()));
            });
  }

  private Row evaluate(Dataset<Row> df, String featureCol, String name, String table, double cut) {
    UserDefinedFunction assemble =
        functions.udf(
            (UDF2<scala.collection.Seq<Object>, scala.collection.Seq<Object>, Vector>)
                (q, v) -> {
                  int d = q.size();
                  double[] x = new double[v == null ? d : 3 * d + 1];
                  double dot = 0;
                  for (int a = 0; a < d; a++) {
                    double qa = ((Number) q.apply(a)).doubleValue();
                    x[a] = qa;
                    if (v != null) {
                      double va = ((Number) v.apply(a)).doubleValue();
                      x[d + a] = va;
                      x[2 * d + a] = qa * va;
                      dot += qa * va;
                    }
                  }
                  if (v != null) {
                    x[3 * d] = dot;
                  }
                  return Vectors.dense(x);
                },
            new org.apache.spark.ml.linalg.VectorUDT());
    Dataset<Row> data =
        df.select(
            assemble
                .apply(
                    col("candidate"),
                    featureCol == null
                        ? functions.lit(null).cast("array<double>")
                        : Columns.named(featureCol))
                .as("features"),
            Columns.named(labelCol).cast("double").as("label"),
            col("__t"));
    // One pass: the split sizes and the labels that are not 0/1 (found here, not as a failure deep
    // in the fit).
    Row sizes =
        data.agg(
                functions.sum(functions.when(col("__t").lt(cut), 1L).otherwise(0L)),
                functions.sum(functions.when(col("__t").geq(cut), 1L).otherwise(0L)),
                functions.sum(functions.when(col("label").isin(0.0, 1.0), 0L).otherwise(1L)))
            .first();
    long nTrain = sizes.isNullAt(0) ? 0 : sizes.getLong(0);
    long nTest = sizes.isNullAt(1) ? 0 : sizes.getLong(1);
    long badLabels = sizes.isNullAt(2) ? 0 : sizes.getLong(2);
    if (badLabels > 0) {
      throw new InputException(
          name
              + " column '"
              + labelCol
              + "' (--label-col) has "
              + badLabels
              + " values other than 0 and 1 (nulls included)");
    }
    Dataset<Row> train = data.filter(col("__t").lt(cut)).cache();
    Dataset<Row> test = data.filter(col("__t").geq(cut)).cache();
    if (nTrain == 0 || nTest == 0) {
      throw new InputException(
          "the time split leaves an empty train or test set (" + nTrain + " / " + nTest + ")");
    }
    LogisticRegressionModel model =
        new LogisticRegression().setMaxIter(200).setRegParam(regParam).fit(train);
    Dataset<Row> pred = model.transform(test);
    double auc = new BinaryClassificationEvaluator().setMetricName("areaUnderROC").evaluate(pred);
    UserDefinedFunction p1 =
        functions.udf(
            (org.apache.spark.sql.api.java.UDF1<Vector, Double>) v -> v.apply(1),
            DataTypes.DoubleType);
    double logLoss =
        pred.withColumn("p", p1.apply(col("probability")))
            .select(
                functions
                    .avg(
                        functions
                            .when(
                                col("label").equalTo(1),
                                functions.log(functions.greatest(col("p"), functions.lit(1e-15))))
                            .otherwise(
                                functions.log(
                                    functions.greatest(
                                        functions.lit(1).minus(col("p")), functions.lit(1e-15)))))
                    .multiply(-1))
            .first()
            .getDouble(0);
    train.unpersist();
    test.unpersist();
    return RowFactory.create(name, table, nTrain, nTest, auc, logLoss);
  }
}
