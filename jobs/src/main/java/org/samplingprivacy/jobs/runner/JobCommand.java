package org.samplingprivacy.jobs.runner;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.samplingprivacy.jobs.cli.CommonOptions;
import org.samplingprivacy.jobs.cli.InputOptions;
import org.samplingprivacy.jobs.cli.SparkOptions;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Spec;

/**
 * The job runner: every command is a subclass, and every run goes through the same steps in {@link
 * #call()}: check parameters (no Spark), open and validate inputs and decide the {@link Plan} (no
 * writes), print the plan, stop there on {@code --dry-run}, execute, write the report. An {@link
 * InputException} anywhere before the first write ends the run with exit code 2 and nothing
 * written.
 */
public abstract class JobCommand implements Callable<Integer> {
  @Mixin public CommonOptions common;

  @Mixin public SparkOptions sparkOptions;

  @Spec public CommandSpec spec;

  /** Checks parameters that need no data; throws {@link InputException}. */
  protected void validateParameters() {}

  /**
   * Long names (without dashes) of options whose values are secrets, e.g. a noise seed: provenance
   * and reports show them as {@code <redacted>}.
   */
  protected java.util.Set<String> secretOptions() {
    return java.util.Set.of();
  }

  /**
   * The {@code --input} options, for commands that declare them ({@link InputJobCommand}); null
   * otherwise.
   */
  protected InputOptions inputOptions() {
    return null;
  }

  /** The {@code --where} predicate, for commands that declare it; null otherwise. */
  protected String where() {
    return null;
  }

  /**
   * The table folders this run will replace, path → option naming it; each is checked before
   * anything is read ({@link TableIO#requireOwnTable}). Default: {@code --output}, if given.
   */
  protected Map<String, String> outputTables() {
    return common.output == null ? Map.of() : Map.of(common.output, "--output");
  }

  /** Opens and validates the inputs and returns what the command will do. Must not write. */
  protected abstract Plan plan(JobContext ctx);

  @Override
  public final Integer call() throws Exception {
    String command = spec.name();
    String runId =
        common.runId != null ? Params.requireRunId("--run-id", common.runId) : defaultRunId();
    Params.requireOneOf("--write-mode", common.writeMode, "replace", "slice");
    validateParameters();
    SparkSession spark = SparkSessions.getOrCreate(command, sparkOptions);
    JobContext ctx =
        new JobContext(
            spark, command, common, inputOptions(), where(), runId, effectiveParameters());
    // Before any input is read: an output path is replaced only if this project wrote what is
    // there.
    for (Map.Entry<String, String> o : outputTables().entrySet()) {
      TableIO.requireOwnTable(spark, o.getValue(), o.getKey());
    }
    Plan plan = ctx.phase("validate inputs", () -> plan(ctx));
    PrintWriter out = spec.commandLine().getOut();
    out.println(command + " " + runId + (common.dryRun ? " (dry run)" : "") + ":");
    for (String step : plan.steps()) {
      out.println("  - " + step);
    }
    out.flush();
    if (common.dryRun) {
      out.println("dry run: inputs and parameters are valid; nothing was written");
      out.flush();
      return 0;
    }
    plan.execution().run(ctx);
    if (common.reportDir != null) {
      ctx.report()
          .provenance(ctx.provenance())
          .writeTo(common.reportDir, TableIO.hadoopConf(spark));
      out.println("report: " + common.reportDir + "/report.html");
    }
    out.flush();
    return 0;
  }

  /** Every option's effective value (command line, config file or default), for provenance. */
  private Map<String, String> effectiveParameters() {
    Map<String, String> m = new LinkedHashMap<>();
    for (OptionSpec o : spec.options()) {
      if (o.usageHelp() || o.versionHelp() || o.longestName().equals("--conf")) {
        continue;
      }
      Object v = o.getValue();
      if (v != null && !(v instanceof Boolean b && !b)) {
        String name = o.longestName().replaceFirst("^-+", "");
        m.put(name, secretOptions().contains(name) ? "<redacted>" : String.valueOf(v));
      }
    }
    return m;
  }

  /**
   * Without {@code --run-id}, the run id is a hash of the command line: repeating an invocation is
   * the same run (and so replaces its own output in slice mode), while any change of parameters is
   * a new run.
   */
  private String defaultRunId() {
    List<String> args =
        spec.commandLine().getParseResult().originalArgs().stream()
            .filter(a -> !a.equals("--dry-run"))
            .toList();
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] d = sha.digest(String.join("\u0000", args).getBytes(StandardCharsets.UTF_8));
      return spec.name() + "-" + HexFormat.of().formatHex(d).substring(0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
