package org.samplingprivacy.jobs;

import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.samplingprivacy.jobs.ambient.AmbientFitCommand;
import org.samplingprivacy.jobs.ambient.AmbientMixCommand;
import org.samplingprivacy.jobs.ambient.AmbientStudyCommand;
import org.samplingprivacy.jobs.cli.ConfigDefaults;
import org.samplingprivacy.jobs.epsilon.EpsilonEstimateCommand;
import org.samplingprivacy.jobs.export.ExportCommand;
import org.samplingprivacy.jobs.gsd.GsdSynthesizeCommand;
import org.samplingprivacy.jobs.importcsv.ImportCsvCommand;
import org.samplingprivacy.jobs.runner.BuildInfo;
import org.samplingprivacy.jobs.sampling.LpRegressionCommand;
import org.samplingprivacy.jobs.sampling.SensitivitySampleCommand;
import org.samplingprivacy.jobs.sdim.SdimFeaturesCommand;
import org.samplingprivacy.jobs.sdim.SdimSignaturesCommand;
import org.samplingprivacy.jobs.sdim.TargetAttentionFeaturesCommand;
import org.samplingprivacy.jobs.validate.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The single entry point: {@code spark-submit --class org.samplingprivacy.jobs.Main <jar> <command>
 * [options]} on a cluster, {@code bin/spp <command> [options]} locally. Exit codes: 0 success, 2
 * bad input or usage (nothing written), 1 runtime failure.
 */
@Command(
    name = "spp",
    scope = ScopeType.INHERIT,
    mixinStandardHelpOptions = true,
    showDefaultValues = true,
    versionProvider = Main.Version.class,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description =
        "Sampling and privacy analytics on Spark: every job is a command of this one jar.",
    footer = {
      "",
      "Exit codes: 0 success, 2 bad input or usage (nothing written), 1 runtime failure.",
      "Option values: command line > --config file > built-in default."
    },
    subcommands = {
      ImportCsvCommand.class,
      ExportCommand.class,
      SensitivitySampleCommand.class,
      LpRegressionCommand.class,
      EpsilonEstimateCommand.class,
      GsdSynthesizeCommand.class,
      org.samplingprivacy.jobs.privacy.PrivacyLedgerCommand.class,
      org.samplingprivacy.jobs.audit.PrivacyAuditCommand.class,
      AmbientMixCommand.class,
      AmbientStudyCommand.class,
      AmbientFitCommand.class,
      SdimSignaturesCommand.class,
      SdimFeaturesCommand.class,
      TargetAttentionFeaturesCommand.class,
      org.samplingprivacy.jobs.sdim.SdimBseCommand.class,
      org.samplingprivacy.jobs.sdim.SdimGenerateCommand.class,
      org.samplingprivacy.jobs.sdim.CtrEvalCommand.class,
      org.samplingprivacy.jobs.sdim.Item2VecCommand.class,
      org.samplingprivacy.jobs.sdim.SdimImpressionsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command");
  }

  public static void main(String[] args) {
    launch(List.of(), args);
  }

  /**
   * Runs {@code args} with {@code extraCommands} added to the command line (the bench module's
   * entry point adds its benchmarks this way), stops the Spark session and exits with the code.
   */
  public static void launch(List<Class<?>> extraCommands, String[] args) {
    int code =
        run(
            new PrintWriter(System.out, true),
            new PrintWriter(System.err, true),
            extraCommands,
            args);
    SparkSession.getDefaultSession()
        .foreach(
            s -> {
              s.stop();
              return null;
            });
    System.exit(code);
  }

  /** Parses and runs {@code args}; returns the exit code. Does not stop the Spark session. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /**
   * As {@link #run(String...)} with the given output and error writers (tests, in-process
   * benchmarks).
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(out, err, List.of(), args);
  }

  /** As {@link #run(PrintWriter, PrintWriter, String...)} with {@code extraCommands} added. */
  public static int run(
      PrintWriter out, PrintWriter err, List<Class<?>> extraCommands, String... args) {
    CommandLine cl;
    try {
      cl = commandLine(extraCommands, args);
    } catch (InputException e) {
      err.println("spp: " + e.getMessage());
      return InputException.EXIT_CODE;
    }
    cl.setOut(out).setErr(err);
    return cl.execute(args);
  }

  /** The configured command line; parsing with it ({@code parseArgs}) starts no Spark. */
  public static CommandLine commandLine(String... args) {
    return commandLine(List.of(), args);
  }

  /**
   * The command line with {@code extraCommands} registered as further subcommands before any
   * setting is applied, so that they get the same defaults, config checks and error handling.
   */
  public static CommandLine commandLine(List<Class<?>> extraCommands, String... args) {
    ConfigDefaults defaults = ConfigDefaults.forArgs(args);
    CommandLine cl = new CommandLine(new Main());
    extraCommands.forEach(cl::addSubcommand);
    cl.setDefaultValueProvider(defaults);
    cl.setExecutionStrategy(
        parse -> {
          ParseResult leaf = parse;
          while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
          }
          if (CommandLine.printHelpIfRequested(parse)) {
            return 0;
          }
          try {
            checkConfigKeys(defaults, cl, leaf);
          } catch (InputException e) {
            cl.getErr().println("spp " + leaf.commandSpec().name() + ": " + e.getMessage());
            return InputException.EXIT_CODE;
          }
          return new CommandLine.RunLast().execute(parse);
        });
    // A usage error is one line naming the option (and the config file and key when the value came
    // from one) and where help is, never the whole usage text.
    cl.setParameterExceptionHandler(
        (ex, arguments) -> {
          CommandLine where = ex.getCommandLine();
          String name = where == cl ? "spp" : "spp " + where.getCommandName();
          String message = ex.getMessage();
          if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o
              && java.util.Arrays.stream(arguments)
                  .noneMatch(
                      a ->
                          java.util.Arrays.stream(o.names())
                              .anyMatch(n -> a.equals(n) || a.startsWith(n + "=")))) {
            String source = defaults.fileSource(o);
            if (source != null) {
              message += " (from " + source + ")";
            }
          }
          where.getErr().println(name + ": " + message + "; see '" + name + " --help'");
          return InputException.EXIT_CODE;
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parse) -> {
          String name = "spp " + commandLine.getCommandName();
          for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof InputException) {
              commandLine.getErr().println(name + ": " + t.getMessage());
              return InputException.EXIT_CODE;
            }
          }
          for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof org.samplingprivacy.jobs.runner.JobFailure) {
              commandLine.getErr().println(name + ": " + t.getMessage());
              return org.samplingprivacy.jobs.runner.JobFailure.EXIT_CODE;
            }
          }
          commandLine.getErr().println(name + ": failed: " + ex);
          ex.printStackTrace(commandLine.getErr());
          return 1;
        });
    return cl;
  }

  /**
   * Parses {@code args} as a run would, without running anything or starting Spark: unknown
   * options, bad values and config-file keys that are not options of the command all throw. Returns
   * the command's parse result. Used to check arguments that other systems (Airflow DAGs) will
   * pass.
   */
  public static ParseResult validateArgs(String... args) {
    ConfigDefaults defaults = ConfigDefaults.forArgs(args);
    CommandLine cl = commandLine(args);
    ParseResult leaf = cl.parseArgs(args);
    while (leaf.hasSubcommand()) {
      leaf = leaf.subcommand();
    }
    checkConfigKeys(defaults, cl, leaf);
    return leaf;
  }

  private static void checkConfigKeys(ConfigDefaults defaults, CommandLine root, ParseResult leaf) {
    defaults.checkKeys(leaf.commandSpec(), Set.copyOf(root.getSubcommands().keySet()));
  }

  /** {@code --version}. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {
        "spp "
            + BuildInfo.version()
            + " (Spark "
            + sparkVersion()
            + ", Java "
            + System.getProperty("java.version")
            + ")"
      };
    }

    private static String sparkVersion() {
      try {
        // org.apache.spark.package$ cannot be named in Java source ("package" is a keyword).
        Class<?> c = Class.forName("org.apache.spark.package$");
        Object module = c.getField("MODULE$").get(null);
        return String.valueOf(c.getMethod("SPARK_VERSION").invoke(module));
      } catch (ReflectiveOperationException e) {
        return "unknown";
      }
    }
  }
}
