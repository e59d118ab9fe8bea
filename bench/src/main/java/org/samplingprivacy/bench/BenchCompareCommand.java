package org.samplingprivacy.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.samplingprivacy.jobs.Main;
import org.samplingprivacy.jobs.cli.InputOptions;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench-compare}: times a command against a baseline measured in the same JVM and Spark
 * session, and prints the ratio. The baseline is a full scan of {@code --input} (every column
 * materialised through Spark's {@code noop} sink): what any job over that table must at least pay.
 * Each is run {@code --repeat} times and the median taken, after one untimed warm-up of each.
 */
@Command(
    name = "bench-compare",
    description =
        "Time a command against a full scan of its input, in one session; "
            + "print the ratio. Usage: bench-compare --input T [--repeat K] -- <command> [options]")
public final class BenchCompareCommand extends JobCommand {
  @Mixin public InputOptions in;

  @Override
  protected InputOptions inputOptions() {
    return in;
  }

  @Option(
      names = "--repeat",
      paramLabel = "K",
      defaultValue = "3",
      description = "Timed runs of each (median taken).")
  int repeat;

  @Option(
      names = "--fresh-output",
      paramLabel = "PATH",
      description =
          "Delete PATH (the command's output) before "
              + "each run, so every run writes a new table rather than overwriting one whose history grows with the repeats.")
  String freshOutput;

  @Parameters(
      paramLabel = "COMMAND",
      arity = "1..*",
      description = "The command to time, with its options.")
  List<String> commandArgs = new ArrayList<>();

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", in.input);
    Params.requireInRange("--repeat", repeat, 1, 100);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableFormat f = TableIO.detect(ctx.spark(), "--input", in.input);
    // A CSV baseline reads every field as text: the scan itself, without type inference.
    Dataset<Row> scan =
        f == TableFormat.CSV
            ? TableIO.csvReader(ctx.spark()).csv(in.input)
            : ctx.read("--input", in.input).data();
    String label = String.join(" ", commandArgs);
    return Plan.builder()
        .step("baseline: full scan of " + in.input)
        .step("command: " + label)
        .step("each " + repeat + " times after a warm-up; median")
        .then(
            c -> {
              PrintWriter out = spec.commandLine().getOut();
              double[] base = new double[repeat];
              double[] cmd = new double[repeat];
              for (int i = -1; i < repeat; i++) {
                long t0 = System.nanoTime();
                c.phase(
                    "baseline scan",
                    () -> scan.write().format("noop").mode(SaveMode.Overwrite).save());
                if (freshOutput != null) {
                  delete(c, freshOutput);
                }
                long t1 = System.nanoTime();
                runCommand(label);
                long t2 = System.nanoTime();
                if (i >= 0) {
                  base[i] = (t1 - t0) / 1e9;
                  cmd[i] = (t2 - t1) / 1e9;
                }
              }
              double b = median(base);
              double m = median(cmd);
              out.println(
                  String.format(
                      Locale.ROOT,
                      "baseline (full scan of %s): median %.3f s of %s",
                      in.input,
                      b,
                      Arrays.toString(round(base))));
              out.println(
                  String.format(
                      Locale.ROOT,
                      "command (%s): median %.3f s of %s",
                      label,
                      m,
                      Arrays.toString(round(cmd))));
              out.println(String.format(Locale.ROOT, "ratio command/baseline: %.2f", m / b));
              c.report()
                  .metric("baseline_seconds", b)
                  .metric("command_seconds", m)
                  .metric("ratio", m / b)
                  .metric("command", label)
                  .metric("repeat", repeat);
            });
  }

  private static void delete(JobContext c, String path) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
      p.getFileSystem(c.spark().sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(
          "bench-compare: cannot delete --fresh-output " + path, e);
    }
  }

  private void runCommand(String label) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.run(new PrintWriter(out), new PrintWriter(err), commandArgs.toArray(new String[0]));
    if (code != 0) {
      throw new InputException(
          "bench-compare: '" + label + "' exited " + code + ": " + err.toString().trim());
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  private static double[] round(double[] v) {
    return Arrays.stream(v).map(x -> Math.round(x * 1000) / 1000.0).toArray();
  }
}
