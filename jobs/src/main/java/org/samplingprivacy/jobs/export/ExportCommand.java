package org.samplingprivacy.jobs.export;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.Columns;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableContract;
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
 * {@code export}: any Delta, Parquet or CSV table to CSV (header row) or JSON lines, for handing
 * results to tools outside Spark. CSV cannot hold arrays, maps or structs, so those columns are
 * written as JSON text; JSON lines keep them nested. The output is a folder of part files, or one
 * file with {@code --single-file}.
 */
@Command(name = "export", description = "Export a table to CSV or JSON lines.")
public final class ExportCommand extends InputJobCommand {
  /** The input's rows and (selected) columns, unchanged (docs/tables.md §2.2). */
  public static final TableContract EXPORTED =
      TableContract.withInputColumns("export", new StructType());

  @Option(
      names = "--columns",
      paramLabel = "C1,C2,...",
      description = "Columns to export, in this order (default: all).")
  String columns;

  @Option(
      names = "--single-file",
      description =
          "Write one file at --output instead of a folder of part files "
              + "(the data pass through one task: for small tables).")
  boolean singleFile;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requirePresent("--output", common.output);
  }

  /**
   * With --single-file the output is a file the user names (replaced on a re-run), not a table
   * folder.
   */
  @Override
  protected java.util.Map<String, String> outputTables() {
    return singleFile ? java.util.Map.of() : super.outputTables();
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.CSV, TableFormat.JSON);
    SourceTable in = ctx.readInput();
    Dataset<Row> df = in.data();
    if (columns != null) {
      List<String> cols = Params.requireList("--columns", columns);
      TableChecks.requireColumns(in.data(), "--input " + in.path(), cols);
      df =
          in.data()
              .select(
                  cols.stream().map(c -> in.data().col(Columns.quote(c))).toArray(Column[]::new));
    }
    if (singleFile && out.mode() != org.samplingprivacy.jobs.io.WriteMode.REPLACE) {
      throw new InputException("--single-file writes one file and cannot take --write-mode slice");
    }
    Dataset<Row> data = out.format() == TableFormat.CSV ? flattenForCsv(df) : df;
    Plan.Builder steps =
        Plan.builder()
            .read(in, data.columns().length + " columns")
            .step(
                "write "
                    + (singleFile
                        ? "one " + out.format().id() + " file "
                        : out.format().id() + " files to ")
                    + common.output);
    return steps.then(
        c -> {
          if (singleFile) {
            c.phase(
                "write " + common.output,
                () -> TableIO.writeSingleFile(data, common.output, out.format()));
          } else {
            c.write(EXPORTED, data, common.output, out);
          }
          c.report()
              .metric("input", in.path())
              .metric("input_format", in.format().id())
              .metric("output", common.output)
              .metric("output_format", out.format().id())
              .metric("columns", data.columns().length);
          if (in.deltaVersion() >= 0) {
            c.report().metric("input_delta_version", in.deltaVersion());
          }
          spec.commandLine().getOut().println("exported " + in.path() + " to " + common.output);
        });
  }

  /** Nested columns become JSON text, since CSV has no nested values. */
  static Dataset<Row> flattenForCsv(Dataset<Row> df) {
    StructType schema = df.schema();
    List<Column> cols = new ArrayList<>();
    for (StructField f : schema.fields()) {
      Column c = df.col(Columns.quote(f.name()));
      boolean nested =
          f.dataType() instanceof StructType
              || f.dataType() instanceof ArrayType
              || f.dataType() instanceof MapType;
      cols.add(nested ? functions.to_json(c).as(f.name()) : c);
    }
    return df.select(cols.toArray(new Column[0]));
  }
}
