package org.samplingprivacy.jobs.importcsv;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobContext;

/** The report of {@code import-csv}: rows read, written and rejected, the null share per column. */
final class ImportReport {
  private ImportReport() {}

  static void write(
      JobContext c,
      String output,
      String schemaFile,
      ImportStats s,
      long badRows,
      StructType schema,
      List<String> notNull,
      long version) {
    List<List<Object>> rows = new ArrayList<>();
    double[] nullFraction = new double[schema.size()];
    List<String> names = new ArrayList<>();
    for (int i = 0; i < schema.size(); i++) {
      StructField f = schema.fields()[i];
      long n = s.nulls().get(f.name());
      nullFraction[i] = (double) n / s.rows();
      names.add(f.name());
      rows.add(
          List.of(f.name(), f.dataType().sql(), notNull.contains(f.name()) ? "NOT NULL" : "", n));
    }
    c.report()
        .metric("rows_read", s.rows())
        .metric("rows_written", s.rows() - badRows)
        .metric("rows_rejected", badRows)
        .metric("rows_rejected_malformed", s.malformed())
        .metric("rows_rejected_not_null", s.missing())
        .metric("columns", schema.size())
        .metric("output", output)
        .metric("output_delta_version", version)
        .note(
            "Rows that break the schema are left out of the output; rows_rejected counts them by reason. "
                + "Look at the null fraction per column first: an unexpected null share usually means a wrong type.")
        .plot(
            SvgPlot.bars(
                "Null fraction per column (rows read)", "fraction null", names, nullFraction))
        .table(
            "Columns",
            List.of("column", "type", "constraint", "nulls (incl. rejected rows)"),
            rows);
    c.report().metric("schema_source", schemaFile != null ? schemaFile : "inferred");
    if (badRows > 0 && s.firstBad() != null) {
      c.report().metric("first_rejected_row", BadRows.abbreviate(s.firstBad()));
    }
  }
}
