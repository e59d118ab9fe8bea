package org.samplingprivacy.jobs.importcsv;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * The foundation issue's acceptance checks for import-csv and export, on
 * ../shared/data/adult-private-pgm.
 */
class ImportCsvTest extends SparkTestBase {
  private static Path adult;
  private static Path schema;
  private static List<String> header;
  private static long[] columnSums;
  private static long lines;

  /** The oracle: the file parsed by plain Java, independently of Spark. */
  @BeforeAll
  static void readOracle() throws IOException {
    adult = sharedData("adult-private-pgm/adult.csv");
    schema = repoFile("data/adult/adult.schema.ddl");
    List<String> all = Files.readAllLines(adult);
    header = Arrays.asList(all.get(0).split(","));
    columnSums = new long[header.size()];
    for (String line : all.subList(1, all.size())) {
      String[] f = line.split(",");
      for (int i = 0; i < f.length; i++) {
        columnSums[i] += Long.parseLong(f[i]);
      }
    }
    lines = all.size() - 1;
  }

  private static long[] sums(Dataset<Row> df) {
    List<Column> aggs = new ArrayList<>();
    for (String h : header) {
      aggs.add(sum(col("`" + h + "`")));
    }
    Row r = df.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(new Column[0])).first();
    long[] out = new long[header.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = r.getLong(i);
    }
    return out;
  }

  @Test
  void importsAdultWithEveryRowAndColumnAndIsIdempotentPerRunId() {
    Path out = tempDir("adult").resolve("adult");
    String[] args = {
      "import-csv",
      "--input",
      adult.toString(),
      "--schema",
      schema.toString(),
      "--output",
      out.toString(),
      "--run-id",
      "2024-01-01"
    };
    Result first = spp(args);
    assertEquals(0, first.code(), first.err());
    Dataset<Row> t = SPARK.read().format("delta").load(out.toString());
    assertEquals(48_842L, lines, "PROVENANCE.md: 48,842 rows");
    assertEquals(lines, t.count());
    assertEquals(header, Arrays.asList(t.columns()));
    Assertions.assertTrue(
        Arrays.equals(columnSums, sums(t)), "column sums equal a plain-Java parse of the file");

    Result again = spp(args);
    assertEquals(0, again.code(), again.err());
    assertEquals(lines, SPARK.read().format("delta").load(out.toString()).count());
  }

  @Test
  void sliceModeReplacesOnlyItsOwnRun() {
    Path out = tempDir("slices").resolve("adult");
    for (String run : new String[] {"2024-01-01", "2024-01-02", "2024-01-01"}) {
      Result r =
          spp(
              "import-csv",
              "--input",
              adult.toString(),
              "--schema",
              schema.toString(),
              "--output",
              out.toString(),
              "--run-id",
              run,
              "--write-mode",
              "slice");
      assertEquals(0, r.code(), r.err());
    }
    Dataset<Row> t = SPARK.read().format("delta").load(out.toString());
    assertEquals(2 * lines, t.count());
    assertEquals(lines, t.filter(col("run_id").equalTo("2024-01-01")).count());
    assertEquals(lines, t.filter(col("run_id").equalTo("2024-01-02")).count());
  }

  @Test
  void commitCarriesProvenance() throws IOException {
    Path out = tempDir("prov").resolve("adult");
    Path reports = tempDir("prov-report");
    Result r =
        spp(
            "import-csv",
            "--input",
            adult.toString(),
            "--schema",
            schema.toString(),
            "--output",
            out.toString(),
            "--run-id",
            "r1",
            "--seed",
            "7",
            "--report-dir",
            reports.toString());
    assertEquals(0, r.code(), r.err());
    Row last = SPARK.sql("DESCRIBE HISTORY delta.`" + out + "` LIMIT 1").first();
    JsonNode meta = new ObjectMapper().readTree(last.<String>getAs("userMetadata"));
    assertEquals("import-csv", meta.get("command").asText());
    assertEquals("r1", meta.get("run_id").asText());
    assertEquals(7, meta.get("seed").asLong());
    assertEquals(schema.toString(), meta.get("parameters").get("schema").asText());
    assertEquals(adult.toString(), meta.get("inputs").get(0).get("path").asText());
    assertFalse(meta.get("version").asText().isEmpty());
    assertEquals(
        String.valueOf(lines),
        last.<scala.collection.Map<String, String>>getAs("operationMetrics")
            .get("numOutputRows")
            .get());

    JsonNode report = new ObjectMapper().readTree(reports.resolve("report.json").toFile());
    assertEquals(lines, report.get("metrics").get("rows_written").asLong());
    assertEquals(0, report.get("metrics").get("rows_rejected").asLong());
    String html = Files.readString(reports.resolve("report.html"));
    Assertions.assertTrue(
        html.contains("<svg") && !html.contains("<script") && !html.contains("src=\"http"));
  }

  @Test
  void dryRunValidatesAndWritesNothing() {
    Path out = tempDir("dry").resolve("adult");
    Result r =
        spp(
            "import-csv",
            "--input",
            adult.toString(),
            "--schema",
            schema.toString(),
            "--output",
            out.toString(),
            "--dry-run");
    assertEquals(0, r.code(), r.err());
    Assertions.assertTrue(r.out().contains("48842 rows"), r.out());
    assertFalse(Files.exists(out));
  }

  @Test
  void missingColumnExitsTwoNamingIt() throws IOException {
    Path dir = tempDir("missing");
    Path csv = dir.resolve("no-fnlwgt.csv");
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(adult).subList(0, 100)) {
      List<String> f = new ArrayList<>(Arrays.asList(line.split(",")));
      f.remove(2);
      kept.add(String.join(",", f));
    }
    Files.write(csv, kept);
    Path out = dir.resolve("out");
    Result r =
        spp(
            "import-csv",
            "--input",
            csv.toString(),
            "--schema",
            schema.toString(),
            "--output",
            out.toString());
    assertEquals(2, r.code(), r.err());
    Assertions.assertTrue(r.err().contains("no column 'fnlwgt'"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one message: " + r.err());
    assertFalse(Files.exists(out));
  }

  @Test
  void malformedRowsExitTwoNamingColumnAndValueUnlessAllowed() throws IOException {
    Path dir = tempDir("malformed");
    Path csv = dir.resolve("bad.csv");
    List<String> all = new ArrayList<>(Files.readAllLines(adult).subList(0, 1001));
    all.add(500, "40,1,x7,9,2,3,0,0,1,0,0,40,0,1"); // fnlwgt not an INT
    all.add(700, "41,1,2"); // too few fields
    all.add(800, "42,1,2,9,2,3,0,0,1,0,0,40,,1"); // empty NOT NULL native-country
    Files.write(csv, all);
    Path out = dir.resolve("out");
    Result r =
        spp(
            "import-csv",
            "--input",
            csv.toString(),
            "--schema",
            schema.toString(),
            "--output",
            out.toString());
    assertEquals(2, r.code(), r.err());
    Assertions.assertTrue(r.err().contains("3 of 1003 rows break the schema"), r.err());
    Assertions.assertTrue(r.err().contains("column 'fnlwgt' value 'x7' is not INT"), r.err());
    Assertions.assertTrue(r.err().contains("'native-country'"), r.err());
    assertFalse(Files.exists(out));

    Result allowed =
        spp(
            "import-csv",
            "--input",
            csv.toString(),
            "--schema",
            schema.toString(),
            "--output",
            out.toString(),
            "--max-bad-rows",
            "3");
    assertEquals(0, allowed.code(), allowed.err());
    assertEquals(1000, SPARK.read().format("delta").load(out.toString()).count());
  }

  @Test
  void nonExistentPathAndNonTableExitTwo() throws IOException {
    Path dir = tempDir("nopath");
    Result r =
        spp(
            "import-csv",
            "--input",
            dir.resolve("nope.csv").toString(),
            "--output",
            dir.resolve("o").toString());
    assertEquals(2, r.code());
    Assertions.assertTrue(r.err().contains("nope.csv does not exist"), r.err());

    Files.writeString(dir.resolve("notes.txt"), "hello");
    Result notTable =
        spp("export", "--input", dir.toString(), "--output", dir.resolve("o").toString());
    assertEquals(2, notTable.code());
    Assertions.assertTrue(notTable.err().contains("is not a table"), notTable.err());
    assertFalse(Files.exists(dir.resolve("o")));
  }

  @Test
  void inferredTypesWhenNoSchemaIsDeclared() throws IOException {
    Path dir = tempDir("infer");
    Path csv = dir.resolve("t.csv");
    Files.writeString(csv, "id,x,name\n1,0.5,\"a, quoted\"\n2,1.5,b\n");
    Result r =
        spp("import-csv", "--input", csv.toString(), "--output", dir.resolve("t").toString());
    assertEquals(0, r.code(), r.err());
    Dataset<Row> t = SPARK.read().format("delta").load(dir.resolve("t").toString()).orderBy("id");
    assertEquals("int", t.schema().apply("id").dataType().simpleString());
    assertEquals("double", t.schema().apply("x").dataType().simpleString());
    assertEquals("a, quoted", t.first().getString(2));
  }

  @Test
  void exportRoundTripsTheTableThroughCsv() throws IOException {
    Path dir = tempDir("export");
    Path table = dir.resolve("adult");
    assertEquals(
        0,
        spp(
                "import-csv",
                "--input",
                adult.toString(),
                "--schema",
                schema.toString(),
                "--output",
                table.toString())
            .code());
    Path csv = dir.resolve("adult-export.csv");
    Result e =
        spp("export", "--input", table.toString(), "--output", csv.toString(), "--single-file");
    assertEquals(0, e.code(), e.err());
    Assertions.assertTrue(Files.isRegularFile(csv));
    assertEquals(lines + 1, Files.readAllLines(csv).size());
    Path back = dir.resolve("back");
    Result i =
        spp(
            "import-csv",
            "--input",
            csv.toString(),
            "--schema",
            schema.toString(),
            "--output",
            back.toString());
    assertEquals(0, i.code(), i.err());
    assertDataFrameNoOrderEquals(
        SPARK.read().format("delta").load(table.toString()),
        SPARK.read().format("delta").load(back.toString()));

    Path json = dir.resolve("json");
    Result j =
        spp(
            "export",
            "--input",
            table.toString(),
            "--output",
            json.toString(),
            "--output-format",
            "json",
            "--columns",
            "age,sex");
    assertEquals(0, j.code(), j.err());
    Dataset<Row> fromJson = SPARK.read().json(json.toString());
    assertEquals(lines, fromJson.count());
    assertEquals(columnSums[0], fromJson.agg(sum("age")).first().getLong(0));
  }
}
