package org.samplingprivacy.bench;

import java.io.PrintWriter;
import org.samplingprivacy.jobs.CommandOptionsTest;
import picocli.CommandLine;

/**
 * The jobs' command contract, applied to the bench entry point: every bench command is registered
 * in {@link BenchMain}, and none declares an option it ignores.
 */
class BenchCommandOptionsTest extends CommandOptionsTest {
  @Override
  protected CommandLine commandLine() {
    return org.samplingprivacy.jobs.Main.commandLine(BenchMain.COMMANDS);
  }

  @Override
  protected int run(PrintWriter out, PrintWriter err, String... args) {
    return BenchMain.run(out, err, args);
  }

  @Override
  protected Class<?> ownClassesRoot() {
    return BenchMain.class;
  }

  @Override
  protected int minimumInputCommands() {
    return 9;
  }
}
