package org.samplingprivacy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Errors a user can act on: one table of bad invocations per command family, each exiting 2 with
 * one line that names the culprit (the option, the config file and key, the column, the predicate)
 * and writes nothing.
 */
class BadInputMessagesTest extends SparkTestBase {
  private static Path dir;
  private static String pums;
  private static String headerOnly;
  private static String withInfinity;
  private static String badConfig;
  private static String ctrFeatures;

  @BeforeAll
  static void inputs() throws IOException {
    dir = tempDir("badinput");
    pums = repoFile("data/pums/PUMS.csv").toString();
    headerOnly = dir.resolve("header-only.csv").toString();
    Files.writeString(Path.of(headerOnly), "age,income,sex\n");
    withInfinity = dir.resolve("inf.csv").toString();
    Files.writeString(Path.of(withInfinity), "x,y\n1,2\n2,Infinity\n3,4\n");
    badConfig = dir.resolve("bad.conf").toString();
    Files.writeString(Path.of(badConfig), "import-csv {\n  max-bad-rows = many\n}\n");
    ctrFeatures = dir.resolve("ctr").toString();
    StructType s =
        new StructType()
            .add("candidate", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("label", DataTypes.IntegerType)
            .add("ts", DataTypes.LongType);
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      rows.add(RowFactory.create(List.of(i * 0.1, 1.0), i % 3, (long) i)); // labels 0, 1 and 2
    }
    SPARK.createDataFrame(rows, s).write().format("delta").save(ctrFeatures);
  }

  private static String out(String name) {
    return dir.resolve("never-" + name).toString();
  }

  @Test
  void usageErrorsAreOneLineNamingTheOptionAndTheConfigKey() {
    String[][] cases = {
      {
        "import-csv --input " + pums + " --output " + out("u1") + " --no-such-option",
        "Unknown option: '--no-such-option'; see 'spp import-csv --help'"
      },
      {
        "import-csv --input " + pums + " --output " + out("u2") + " --max-bad-rows lots",
        "'lots' is not a long"
      },
      {
        "import-csv --input " + pums + " --output " + out("u3") + " --config " + badConfig,
        "(from --config " + badConfig + ", key import-csv.max-bad-rows)"
      },
      {
        "import-csv --input " + pums + " --output " + out("u4") + " --where x=1",
        "Unknown options: '--where'"
      },
      {
        "import-csv --input " + pums + " --output " + out("u5") + " --run-id ",
        "--run-id must not be empty"
      },
    };
    check(cases);
    // An unescaped % in an option description made picocli print warnings on every help and run.
    Result help = spp("sensitivity-sample", "--help");
    assertEquals(0, help.code());
    assertFalse(help.err().contains("WARN") || help.out().contains("WARN"), help.err());
  }

  @Test
  void dataErrorsNameTheirCulpritInTheUsersTerms() {
    String[][] cases = {
      {
        "export --input " + pums + " --output " + out("d1") + " --where income<-5",
        "--where \"income<-5\" selects no rows of --input " + pums
      },
      {
        "export --input " + pums + " --output " + out("d2") + " --where income<<5",
        "--where \"income<<5\" does not apply to --input " + pums + ": [PARSE_SYNTAX_ERROR]"
      },
      {
        "sensitivity-sample --input "
            + headerOnly
            + " --target income --features age --p 2 --size 5 --output "
            + out("d3"),
        "--input " + headerOnly + " has a header but no data rows"
      },
      {
        "lp-regression --input "
            + withInfinity
            + " --target x --features y --p 1 --output "
            + out("d4"),
        "column 'y' has 1 null, NaN or infinite value"
      },
      {
        "ctr-eval --features " + ctrFeatures + " --output " + out("d5"),
        "column 'label' (--label-col) has 13 values other than 0 and 1"
      },
    };
    check(cases);
  }

  private static void check(String[][] cases) {
    for (String[] c : cases) {
      String[] args = c[0].split(" ", -1);
      List<String> a = new ArrayList<>(List.of(args));
      if (a.get(a.size() - 1).isEmpty() && a.get(a.size() - 2).equals("--run-id")) {
        a.set(a.size() - 1, ""); // --run-id "" as its own (empty) argument
      }
      assertRefused(a, c[1]);
    }
    for (String name : new String[] {"u1", "u2", "u3", "u4", "u5", "d1", "d2", "d3", "d4", "d5"}) {
      assertFalse(Files.exists(Path.of(out(name))), name + " written");
    }
  }
}
