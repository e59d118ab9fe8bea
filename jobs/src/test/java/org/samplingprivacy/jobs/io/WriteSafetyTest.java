package org.samplingprivacy.jobs.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;

/**
 * A write replaces only what this project wrote (docs/tables.md §1): a folder with someone else's
 * files in it is refused before any input is read, for every output format; our own outputs are
 * replaced on a re-run.
 */
class WriteSafetyTest extends SparkTestBase {
  private static final String PUMS = repoFile("data/pums/PUMS.csv").toString();

  /**
   * The reproduction: a folder with one data file of the output's format beside a file that must
   * survive.
   */
  private static Path foreignFolder(String dataFile) throws IOException {
    Path v = tempDir("foreign");
    Files.writeString(v.resolve("important.txt"), "keep");
    Files.writeString(v.resolve(dataFile), "x");
    return v;
  }

  private static List<String> args(String... a) {
    return new ArrayList<>(List.of(a));
  }

  @Test
  void aFolderWithForeignFilesIsRefusedBeforeAnyInputIsReadForEveryFormat() throws IOException {
    String missingInput = tempDir("none").resolve("no-such-input.csv").toString();
    String[][] cases = {
      {"import-csv", "parquet", "old.parquet"},
      {"import-csv", "delta", "old.parquet"},
      {"export", "csv", "old.csv"},
      {"export", "json", "old.json"},
    };
    for (String[] c : cases) {
      Path v = foreignFolder(c[2]);
      // The input does not exist: the refusal names the output, so the output was checked first.
      List<String> a =
          args(c[0], "--input", missingInput, "--output", v.toString(), "--output-format", c[1]);
      Result r = spp(a.toArray(new String[0]));
      assertEquals(2, r.code(), a + "\n" + r.err());
      Assertions.assertTrue(
          r.err().contains("--output " + v + " exists and is not a table this project wrote"),
          r.err());
      assertEquals(1, r.err().strip().lines().count(), r.err());
      assertEquals("keep", Files.readString(v.resolve("important.txt")), "nothing deleted");
      Assertions.assertTrue(Files.exists(v.resolve(c[2])));
    }
    // A file where a table folder is expected.
    Path f = tempDir("file").resolve("table");
    Files.writeString(f, "x");
    Result r =
        spp("import-csv", "--input", PUMS, "--output", f.toString(), "--output-format", "parquet");
    assertEquals(2, r.code(), r.err());
    Assertions.assertTrue(r.err().contains("is a file, not a table folder"), r.err());
  }

  @Test
  void ourOwnOutputsAreReplacedOnARerunInEveryFormatAndMode() {
    for (String format : new String[] {"parquet", "delta"}) {
      for (String mode : new String[] {"replace", "slice"}) {
        String out = tempDir("own").resolve("t").toString();
        for (int run = 0; run < 2; run++) {
          Result r =
              spp(
                  "import-csv",
                  "--input",
                  PUMS,
                  "--output",
                  out,
                  "--output-format",
                  format,
                  "--write-mode",
                  mode,
                  "--run-id",
                  "r1");
          assertEquals(0, r.code(), format + " " + mode + " run " + run + ": " + r.err());
        }
      }
    }
    for (String format : new String[] {"csv", "json"}) {
      String out = tempDir("own-export").resolve("t").toString();
      for (int run = 0; run < 2; run++) {
        Result r = spp("export", "--input", PUMS, "--output", out, "--output-format", format);
        assertEquals(0, r.code(), format + " run " + run + ": " + r.err());
      }
    }
    // A Delta table someone else wrote is a table (its log says so): replaced like ours.
    String delta = tempDir("their-delta").resolve("t").toString();
    SPARK.range(3).write().format("delta").save(delta);
    Result r = spp("import-csv", "--input", PUMS, "--output", delta);
    assertEquals(0, r.code(), r.err());
    assertEquals(
        SPARK.read().option("header", "true").csv(PUMS).count(),
        SPARK.read().format("delta").load(delta).count());
  }
}
