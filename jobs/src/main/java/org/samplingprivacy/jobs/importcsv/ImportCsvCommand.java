package org.samplingprivacy.jobs.importcsv;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_csv;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.cli.InputOptions;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code import-csv}: a CSV file (or folder of CSV files) with a header row into a Delta (or
 * Parquet) table, with a declared schema (a Spark DDL file, {@code NOT NULL} honoured) or inferred
 * types. A row breaks the schema when a field does not convert to its column's type, the row has
 * more or fewer fields than the header, or a {@code NOT NULL} column is empty; such rows are
 * counted, the first is shown, and the import fails unless {@code --max-bad-rows} allows them (they
 * are then left out). The checks are one aggregation pass over the file; the write is a second.
 */
@Command(
    name = "import-csv",
    description = "Import a CSV file into a Delta table, checking every row against a schema.")
public final class ImportCsvCommand extends JobCommand {
  /** One column per CSV header column, same name (docs/tables.md §2.1). */
  public static final TableContract IMPORTED =
      TableContract.withInputColumns("import-csv", new StructType());

  @Mixin public InputOptions in;

  @Override
  protected InputOptions inputOptions() {
    return in;
  }

  static final String CORRUPT = "_spp_corrupt_record";
  private static final String DELTA_FORBIDDEN = " ,;{}()\n\t=";

  @Option(
      names = "--schema",
      paramLabel = "FILE",
      description =
          "Spark DDL of the columns, e.g. 'age INT NOT NULL, name STRING' (types are inferred if unset).")
  String schemaFile;

  @Option(
      names = "--max-bad-rows",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Rows that break the schema allowed (left out of the output); more fail the import.")
  long maxBadRows;

  @Option(
      names = "--delimiter",
      paramLabel = "CHAR",
      defaultValue = ",",
      description = "Field delimiter.")
  String delimiter;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
    Params.requireInRange("--max-bad-rows", maxBadRows, 0, Long.MAX_VALUE);
    if (delimiter.length() != 1) {
      throw new InputException("--delimiter must be one character, got '" + delimiter + "'");
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    SparkSession spark = ctx.spark();
    TableFormat given = TableFormat.parse("--format", in.inputFormat, TableFormat.CSV);
    TableFormat found = TableIO.detect(spark, "--input", in.input);
    if (found != TableFormat.CSV) {
      throw new InputException(
          "--input "
              + in.input
              + " is a "
              + found.id()
              + " table, not CSV"
              + (given == null ? "" : " (--format csv)"));
    }
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    char sep = delimiter.charAt(0);
    List<String> header = CsvHeader.read(in.input, sep, TableIO.hadoopConf(spark));
    StructType schema =
        schemaFile != null
            ? CsvSchemas.declared(spark, in.input, schemaFile, header)
            : CsvSchemas.inferred(spark, in.input, header, sep);
    if (out.format() == TableFormat.DELTA) {
      for (String c : header) {
        if (c.chars().anyMatch(ch -> DELTA_FORBIDDEN.indexOf(ch) >= 0)) {
          throw new InputException(
              "--input "
                  + in.input
                  + ": column '"
                  + c
                  + "' has a character Delta does not "
                  + "allow in column names (space , ; { } ( ) = tab newline); rename it in the header");
        }
      }
    }
    // Spark's CSV reader parses only the referenced columns by default; validation must see every
    // field.
    spark.conf().set("spark.sql.csv.parser.columnPruning.enabled", "false");
    // Spark's reader marks a row malformed (the raw line in CORRUPT) when a field does not convert
    // or the row has
    // more or fewer fields than the schema.
    StructType readSchema =
        new StructType(schema.fields()).add(CORRUPT, DataTypes.StringType, true);
    Dataset<Row> typed =
        TableIO.csvReader(spark)
            .schema(readSchema)
            .option("delimiter", String.valueOf(sep))
            .option("columnNameOfCorruptRecord", CORRUPT)
            .csv(in.input);
    Column[] dataCols = header.stream().map(Columns::named).toArray(Column[]::new);
    List<String> notNull = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.nullable()) {
        notNull.add(f.name());
      }
    }
    Column malformed = col(CORRUPT).isNotNull();
    Column missing = col(CORRUPT).isNull().and(anyNull(notNull));
    Column bad = malformed.or(missing);

    ImportStats stats =
        ctx.phase(
            "check rows against the schema",
            () -> {
              List<Column> aggs = new ArrayList<>();
              aggs.add(sum(when(malformed, 1L).otherwise(0L)));
              aggs.add(sum(when(missing, 1L).otherwise(0L)));
              Column example = coalesce(col(CORRUPT), to_csv(struct(dataCols)));
              aggs.add(min_by(when(malformed, col(CORRUPT)), when(malformed, col("__pos"))));
              aggs.add(min_by(when(bad, example), when(bad, col("__pos"))));
              for (String c : header) {
                aggs.add(sum(when(Columns.named(c).isNull(), 1L).otherwise(0L)));
              }
              Row r =
                  typed
                      .withColumn("__pos", monotonically_increasing_id())
                      .agg(count(lit(1)), aggs.toArray(new Column[0]))
                      .first();
              Map<String, Long> nulls = new LinkedHashMap<>();
              for (int i = 0; i < header.size(); i++) {
                nulls.put(header.get(i), r.isNullAt(5 + i) ? 0L : r.getLong(5 + i));
              }
              return new ImportStats(
                  r.getLong(0),
                  longOrZero(r, 1),
                  longOrZero(r, 2),
                  r.isNullAt(3) ? null : r.getString(3),
                  r.isNullAt(4) ? null : r.getString(4),
                  nulls);
            });
    if (stats.rows() == 0) {
      throw new InputException("--input " + in.input + " has a header but no data rows");
    }
    long badRows = stats.malformed() + stats.missing();
    if (badRows > maxBadRows) {
      throw new InputException(
          BadRows.describe(in.input, maxBadRows, stats, badRows, schema, header, notNull, sep));
    }
    Dataset<Row> good = typed.filter(bad.unary_$bang()).select(dataCols);
    Plan.Builder steps =
        Plan.builder()
            .step(
                "read "
                    + in.input
                    + " (CSV, "
                    + header.size()
                    + " columns, "
                    + (schemaFile != null ? "schema " + schemaFile : "inferred types")
                    + ")")
            .step(
                "checked "
                    + stats.rows()
                    + " rows: "
                    + badRows
                    + " break the schema (allowed "
                    + maxBadRows
                    + ")")
            .step(
                "write "
                    + (stats.rows() - badRows)
                    + " rows to "
                    + common.output
                    + " ("
                    + out.format().id()
                    + ", "
                    + common.writeMode
                    + ")");
    return steps.then(
        c -> {
          c.recordInput(Map.of("path", in.input, "format", "csv"));
          long version = c.write(IMPORTED, good, common.output, out);
          ImportReport.write(
              c, common.output, schemaFile, stats, badRows, schema, notNull, version);
          spec.commandLine()
              .getOut()
              .println(
                  String.format(
                      Locale.ROOT,
                      "imported %d rows (%d rejected) into %s",
                      stats.rows() - badRows,
                      badRows,
                      common.output));
        });
  }

  private static Column anyNull(List<String> columns) {
    Column any = lit(false);
    for (String c : columns) {
      any = any.or(Columns.named(c).isNull());
    }
    return any;
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0L : r.getLong(i);
  }
}
