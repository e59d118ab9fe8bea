package org.samplingprivacy.jobs.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;
import org.samplingprivacy.udfs.UdfRegistry;

/**
 * Every Zeppelin note in notebooks/: valid .zpln JSON as Zeppelin 0.12 reads it, outputs stripped,
 * and every {@code %spark.sql} statement runs, in note order, on the local session against the
 * tables the demo's commands write (the {@code warehouse} form set to the test's warehouse; other
 * forms take their defaults).
 */
class ZeppelinNotesTest extends SparkTestBase {
  private static final Pattern TAG = Pattern.compile("^(\\s*)%([a-zA-Z0-9_\\-]+(?:\\.\\w+)*)");
  private static final Pattern FORM = Pattern.compile("\\$\\{([^}=]+)(?:=([^}]*))?}");
  private static final Set<String> ALLOWED = Set.of("md", "spark", "spark.sql", "spark.conf");
  private static final Pattern ID = Pattern.compile("[1-9A-HJKMNP-Z]{9}");
  private static Path warehouse;

  /** The tables bin/demo writes, by the same commands (without the demo's evaluation extras). */
  @BeforeAll
  static void writeDemoTables() {
    warehouse = tempDir("notes-warehouse");
    Result r =
        spp(
            "epsilon-estimate",
            "--input",
            repoFile("data/mia-demo/attack-scores.csv").toString(),
            "--member-col",
            "is_member",
            "--score-col",
            "score",
            "--group-cols",
            "model",
            "--challenge-col",
            "challenge_id",
            "--delta",
            "1e-5",
            "--alpha",
            "0.05",
            "--threshold-sweep",
            "9",
            "--selection",
            "split",
            "--claimed-epsilon",
            "1",
            "--delta-grid",
            "1e-8:0.1:40",
            "--curve-output",
            warehouse.resolve("epsilon_curves").toString(),
            "--output",
            warehouse.resolve("epsilon_estimates").toString(),
            "--run-id",
            "demo");
    assertEquals(0, r.code(), r.err());
    String features = "lncoins,idp,lpi,fmde,physlm,disea,hlthg,hlthf,hlthp";
    String randhie = repoFile("data/randhie/randhie.csv").toString();
    String sample = warehouse.resolve("randhie_sample").toString();
    Result s =
        spp(
            "sensitivity-sample",
            "--input",
            randhie,
            "--target",
            "mdvis",
            "--intercept",
            "--features",
            features,
            "--p",
            "1",
            "--method",
            "lewis",
            "--size",
            "1000",
            "--output",
            sample,
            "--run-id",
            "demo");
    assertEquals(0, s.code(), s.err());
    Result f =
        spp(
            "lp-regression",
            "--input",
            sample,
            "--target",
            "mdvis",
            "--intercept",
            "--features",
            features,
            "--p",
            "1",
            "--weight-col",
            "weight",
            "--evaluate-on",
            randhie,
            "--output",
            warehouse.resolve("randhie_l1_coefficients").toString(),
            "--run-id",
            "demo");
    assertEquals(0, f.code(), f.err());
    Result g =
        spp(
            "gsd-synthesize",
            "--input",
            repoFile("data/pums/PUMS.csv").toString(),
            "--domain",
            repoFile("data/pums/pums-domain.json").toString(),
            "--epsilon",
            "1",
            "--delta",
            "1e-6",
            "--workload",
            "marginals:2,range:income|sex,range:age",
            "--rows",
            "1000",
            "--generations",
            "3000",
            "--ledger",
            warehouse.resolve("privacy_ledger").toString(),
            "--dataset-id",
            "pums",
            "--noise-seed",
            "demo-only-not-a-secret",
            "--output",
            warehouse.resolve("pums_synthetic").toString(),
            "--run-id",
            "demo");
    assertEquals(0, g.code(), g.err());
    Result pl =
        spp(
            "privacy-ledger",
            "--ledger",
            warehouse.resolve("privacy_ledger").toString(),
            "--output",
            warehouse.resolve("privacy_budget").toString(),
            "--run-id",
            "demo");
    assertEquals(0, pl.code(), pl.err());
    Result pa =
        spp(
            "privacy-audit",
            "--input",
            repoFile("data/pums/PUMS.csv").toString(),
            "--domain",
            repoFile("data/pums/pums-domain.json").toString(),
            "--epsilon",
            "1",
            "--delta",
            "1e-6",
            "--workload",
            "marginals:2",
            "--trials",
            "20000",
            "--output",
            warehouse.resolve("privacy_audits/trials").toString(),
            "--estimates",
            warehouse.resolve("privacy_audits/estimates").toString(),
            "--run-id",
            "demo");
    assertEquals(0, pa.code(), pa.err());
    String pixels =
        String.join(",", java.util.stream.IntStream.range(0, 64).mapToObj(i -> "p" + i).toList());
    Result am =
        spp(
            "ambient-mix",
            "--input",
            repoFile("data/digits/digits.csv.gz").toString(),
            "--image-cols",
            pixels,
            "--pixel-range",
            "0,16",
            "--pca",
            "4",
            "--clean-fraction",
            "0.1,1",
            "--sigma",
            "1",
            "--sizes",
            "100,200,300,400",
            "--holdout-fraction",
            "0.3",
            "--output",
            warehouse.resolve("ambient_mixes").toString(),
            "--run-id",
            "demo");
    assertEquals(0, am.code(), am.err());
    Result as =
        spp(
            "ambient-study",
            "--mixes",
            warehouse.resolve("ambient_mixes").toString(),
            "--components",
            "3",
            "--restarts",
            "1",
            "--output",
            warehouse.resolve("ambient_study").toString(),
            "--run-id",
            "demo");
    assertEquals(0, as.code(), as.err());
    Result af =
        spp(
            "ambient-fit",
            "--results",
            warehouse.resolve("ambient_study").toString(),
            "--external",
            repoFile("data/ambient/table1.csv").toString(),
            "--output",
            warehouse.resolve("ambient_fits").toString(),
            "--run-id",
            "demo");
    assertEquals(0, af.code(), af.err());
    String gen = warehouse.resolve("sdim_generated").toString();
    assertEquals(
        0,
        spp(
                "sdim-generate",
                "--users",
                "40",
                "--length",
                "200",
                "--output",
                gen,
                "--run-id",
                "demo")
            .code());
    Result sg =
        spp(
            "sdim-signatures",
            "--items",
            gen + "/items",
            "--output",
            warehouse.resolve("sdim_signatures").toString(),
            "--run-id",
            "demo");
    assertEquals(0, sg.code(), sg.err());
    Result sf =
        spp(
            "sdim-features",
            "--impressions",
            gen + "/impressions",
            "--behaviors",
            gen + "/behaviors",
            "--signatures",
            warehouse.resolve("sdim_signatures").toString(),
            "--output",
            warehouse.resolve("sdim_features").toString(),
            "--run-id",
            "demo");
    assertEquals(0, sf.code(), sf.err());
    Result sb =
        spp(
            "sdim-bse",
            "--behaviors",
            gen + "/behaviors",
            "--signatures",
            warehouse.resolve("sdim_signatures").toString(),
            "--output",
            warehouse.resolve("sdim_user_buckets").toString(),
            "--run-id",
            "demo");
    assertEquals(0, sb.code(), sb.err());
  }

  private static List<Path> notes() throws IOException {
    try (Stream<Path> s = Files.list(repoFile("notebooks"))) {
      return s.filter(p -> p.toString().endsWith(".zpln")).sorted().toList();
    }
  }

  @Test
  void everyNoteIsValidZeppelinJsonWithOutputsStripped() throws IOException {
    List<Path> notes = notes();
    Assertions.assertTrue(!notes.isEmpty(), "no notes");
    for (Path p : notes) {
      JsonNode note = new ObjectMapper().readTree(p.toFile());
      String file = p.getFileName().toString();
      String id = file.substring(file.lastIndexOf('_') + 1, file.length() - ".zpln".length());
      Assertions.assertTrue(ID.matcher(id).matches(), file + ": id " + id);
      assertEquals(id, note.get("id").asText(), file);
      Assertions.assertTrue(note.get("name").isTextual() && note.get("paragraphs").isArray(), file);
      List<String> tags = new ArrayList<>();
      for (JsonNode para : note.get("paragraphs")) {
        assertFalse(para.has("results"), file + ": outputs must be stripped");
        Matcher m = TAG.matcher(para.get("text").asText());
        Assertions.assertTrue(m.find(), file + ": paragraph without an interpreter tag");
        Assertions.assertTrue(ALLOWED.contains(m.group(2)), file + ": tag %" + m.group(2));
        tags.add(m.group(2));
      }
      assertEquals("spark.conf", tags.get(0), file + ": %spark.conf must come first");
      Assertions.assertTrue(
          tags.contains("spark.sql") && tags.contains("md") && tags.contains("spark"), file);
      String all = note.get("paragraphs").toString();
      Assertions.assertTrue(
          all.contains("UdfRegistry.registerAll(spark)"), file + ": registers the project UDFs");
    }
  }

  @Test
  void everySqlStatementRunsAgainstTheDemoTables() throws IOException {
    UdfRegistry.registerAll(SPARK); // what the note's %spark paragraph does
    for (Path p : notes()) {
      for (JsonNode para : new ObjectMapper().readTree(p.toFile()).get("paragraphs")) {
        String text = para.get("text").asText();
        if (!text.stripLeading().startsWith("%spark.sql")) {
          continue;
        }
        String body =
            text.stripLeading().substring("%spark.sql".length()).replaceFirst("^\\([^)]*\\)", "");
        for (String statement : splitSql(withForms(body, p))) {
          try {
            SPARK.sql(statement).collectAsList();
          } catch (Exception e) {
            fail(
                p.getFileName()
                    + " paragraph '"
                    + para.path("title").asText()
                    + "': "
                    + e.getMessage());
          }
        }
      }
    }
  }

  private static String withForms(String sql, Path note) {
    Matcher m = FORM.matcher(sql);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value;
      if (m.group(1).equals("warehouse")) {
        value = warehouse.toString();
      } else if (m.group(2) != null) {
        value = m.group(2).split(",")[0];
      } else {
        throw new AssertionError(
            note.getFileName() + ": form ${" + m.group(1) + "} has no default");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** Splits on ';' outside quotes and comments, as Zeppelin's SqlSplitter does. */
  static List<String> splitSql(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    char quote = 0;
    for (int i = 0; i < sql.length(); i++) {
      char c = sql.charAt(i);
      if (quote != 0) {
        cur.append(c);
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
        cur.append(c);
      } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
        while (i < sql.length() && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == ';') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out.stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
  }
}
