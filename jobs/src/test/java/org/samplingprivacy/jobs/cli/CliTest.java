package org.samplingprivacy.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.Main;
import org.samplingprivacy.jobs.importcsv.ImportCsvCommand;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command-line contract, checked without starting Spark. */
class CliTest {

  private static CommandLine parse(String... args) {
    CommandLine cl = Main.commandLine(args);
    cl.parseArgs(args);
    return cl;
  }

  private static ImportCsvCommand importCsv(CommandLine cl) {
    return cl.getSubcommands().get("import-csv").getCommand();
  }

  private static Object value(CommandLine cl, String command, String option) {
    return cl.getSubcommands().get(command).getCommandSpec().findOption(option).getValue();
  }

  @Test
  void precedenceIsCommandLineThenConfigFileThenBuiltIn() throws IOException {
    Path conf = Files.createTempFile("spp", ".conf");
    Files.writeString(conf, "seed = 11\nimport-csv { max-bad-rows = 5, delimiter = \";\" }\n");
    assertEquals(
        0L, value(parse("import-csv", "--input", "a.csv"), "import-csv", "--max-bad-rows"));
    assertEquals(1L, value(parse("import-csv"), "import-csv", "--seed"));
    CommandLine fromFile = parse("import-csv", "--config", conf.toString());
    assertEquals(5L, value(fromFile, "import-csv", "--max-bad-rows"));
    assertEquals(";", value(fromFile, "import-csv", "--delimiter"));
    assertEquals(
        11L, value(fromFile, "import-csv", "--seed"), "a top-level key applies to every command");
    CommandLine cli =
        parse("import-csv", "--config", conf.toString(), "--max-bad-rows", "7", "--seed", "3");
    assertEquals(7L, value(cli, "import-csv", "--max-bad-rows"));
    assertEquals(3L, value(cli, "import-csv", "--seed"));
    // The built-in resource spp-defaults.conf: export writes CSV unless told otherwise; import-csv
    // writes Delta.
    assertEquals("csv", value(parse("export"), "export", "--output-format"));
    assertEquals("delta", value(parse("import-csv"), "import-csv", "--output-format"));
  }

  @Test
  void unknownConfigKeyOrBadFileExitsTwo() throws IOException {
    Path conf = Files.createTempFile("spp", ".conf");
    Files.writeString(conf, "import-csv { max-bad-row = 5 }\n");
    StringWriter err = new StringWriter();
    int code =
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "import-csv",
            "--config",
            conf.toString(),
            "--input",
            "x.csv",
            "--output",
            "y");
    assertEquals(2, code);
    assertTrue(err.toString().contains("import-csv.max-bad-row"), err.toString());

    Files.writeString(conf, "import-csv { max-bad-rows = \n");
    err = new StringWriter();
    assertEquals(
        2,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "import-csv",
            "--config",
            conf.toString()));
    assertTrue(err.toString().contains("is not valid HOCON"), err.toString());

    err = new StringWriter();
    assertEquals(
        2,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "import-csv",
            "--config",
            "/no/such.conf"));
    assertTrue(err.toString().contains("/no/such.conf does not exist"), err.toString());
  }

  @Test
  void helpListsEveryCommandAndEveryOptionWithItsDefault() {
    StringWriter out = new StringWriter();
    assertEquals(
        0, Main.run(new PrintWriter(out, true), new PrintWriter(new StringWriter()), "--help"));
    for (String c : List.of("import-csv", "export", "sdim-features", "epsilon-estimate")) {
      assertTrue(out.toString().contains(c), c + " missing from --help");
    }
    CommandLine root = Main.commandLine();
    for (CommandLine sub : root.getSubcommands().values()) {
      if (sub.getCommandName().equals("help")) {
        continue;
      }
      StringWriter help = new StringWriter();
      assertEquals(
          0,
          Main.run(
              new PrintWriter(help, true),
              new PrintWriter(new StringWriter()),
              sub.getCommandName(),
              "--help"));
      assertEquals(
          1, help.toString().split("Usage: spp ", -1).length - 1, "help printed once: " + help);
      assertTrue(
          !help.toString().contains("Commands:"),
          sub.getCommandName() + " help lists no other commands");
      // The resolved default (built-in resource included) is what a parse without arguments yields.
      CommandLine bare = parse(sub.getCommandName());
      for (OptionSpec o :
          bare.getSubcommands().get(sub.getCommandName()).getCommandSpec().options()) {
        assertTrue(
            help.toString().contains(o.longestName()),
            sub.getCommandName() + " --help lacks " + o.longestName());
        Object v = o.getValue();
        if (v != null
            && !(v instanceof Boolean)
            && !(v instanceof java.util.Map)
            && !(v instanceof List)) {
          // Help shows the default as resolved (a config-provided "csv") or as declared ("1e-10"
          // for 1.0E-10).
          String resolved = "Default: " + v;
          String declared = "Default: " + o.defaultValue();
          assertTrue(
              help.toString().contains(resolved) || help.toString().contains(declared),
              sub.getCommandName() + " " + o.longestName() + ": " + resolved);
        }
      }
    }
  }

  @Test
  void everyJobConfigFileInConfSetsOnlyOptionsOfItsCommand() throws IOException {
    Path conf = org.samplingprivacy.jobs.TestFiles.repoFile("conf");
    List<Path> files;
    try (java.util.stream.Stream<Path> s = Files.list(conf)) {
      files =
          s.filter(
                  p ->
                      p.toString().endsWith(".conf")
                          && !p.getFileName().toString().equals("spark-defaults.conf"))
              .sorted()
              .toList();
    }
    assertTrue(files.size() >= 3, files.toString());
    for (Path f : files) {
      String command = f.getFileName().toString().replace(".conf", "");
      assertEquals(
          command,
          Main.validateArgs(command, "--config", f.toString()).commandSpec().name(),
          f.toString());
    }
    Path bad = Files.createTempFile("spp", ".conf");
    Files.writeString(bad, "export { output-formats = csv }");
    assertThrows(
        org.samplingprivacy.jobs.validate.InputException.class,
        () -> Main.validateArgs("export", "--config", bad.toString()));
  }

  @Test
  void usageErrorsExitTwo() {
    StringWriter err = new StringWriter();
    assertEquals(
        2,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err, true),
            "import-csv",
            "--no-such-option"));
    assertTrue(err.toString().contains("--no-such-option"));
    assertEquals(
        2,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            "no-such-command"));
    assertEquals(
        2,
        Main.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter()),
            "import-csv",
            "--max-bad-rows",
            "many"));
  }

  @Test
  void parsesIntoTheCommandObject() {
    CommandLine cl =
        parse("import-csv", "--input", "a.csv", "--output", "b", "--max-bad-rows", "3");
    assertEquals("a.csv", importCsv(cl).in.input);
    assertEquals("b", importCsv(cl).common.output);
  }
}
