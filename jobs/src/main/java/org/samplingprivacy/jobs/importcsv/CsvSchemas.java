package org.samplingprivacy.jobs.importcsv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The schema an import applies: the {@code --schema} DDL file, checked against the CSV header and
 * put in header order, or Spark's inference over the file with the header's names.
 */
final class CsvSchemas {
  private CsvSchemas() {}

  static StructType declared(
      SparkSession spark, String input, String schemaFile, List<String> header) {
    String ddl;
    try {
      Path p = new Path(schemaFile);
      FileSystem fs = p.getFileSystem(TableIO.hadoopConf(spark));
      if (!fs.exists(p)) {
        throw new InputException("--schema " + schemaFile + " does not exist");
      }
      try (InputStream in = fs.open(p)) {
        ddl =
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .map(l -> l.replaceAll("--.*$", ""))
                .collect(Collectors.joining(" "))
                .trim();
      }
    } catch (IOException e) {
      throw new InputException("--schema " + schemaFile + " cannot be read: " + e.getMessage(), e);
    }
    if (ddl.endsWith(",")) {
      ddl = ddl.substring(0, ddl.length() - 1);
    }
    StructType declared;
    try {
      declared = StructType.fromDDL(ddl);
    } catch (RuntimeException e) {
      throw new InputException(
          "--schema " + schemaFile + " is not valid Spark DDL: " + firstLine(e.getMessage()), e);
    }
    Set<String> names = Set.of(declared.fieldNames());
    for (StructField f : declared.fields()) {
      if (!header.contains(f.name())) {
        throw new InputException(
            "--input "
                + input
                + " has no column '"
                + f.name()
                + "' (declared in "
                + schemaFile
                + "; header: "
                + String.join(",", header)
                + ")");
      }
    }
    for (String h : header) {
      if (!names.contains(h)) {
        throw new InputException(
            "--input " + input + " column '" + h + "' is not declared in " + schemaFile);
      }
    }
    // Fields in header order: Spark's CSV reader maps fields to the schema by position.
    return new StructType(header.stream().map(h -> declared.apply(h)).toArray(StructField[]::new));
  }

  static StructType inferred(SparkSession spark, String input, List<String> header, char sep) {
    StructType inferred =
        TableIO.csvReader(spark)
            .option("inferSchema", "true")
            .option("delimiter", String.valueOf(sep))
            .csv(input)
            .schema();
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < header.size(); i++) {
      fields.add(
          new StructField(
              header.get(i),
              inferred.fields()[i].dataType(),
              true,
              org.apache.spark.sql.types.Metadata.empty()));
    }
    return new StructType(fields.toArray(new StructField[0]));
  }

  static String firstLine(String m) {
    String s = String.valueOf(m);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
