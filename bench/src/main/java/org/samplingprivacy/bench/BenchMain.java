package org.samplingprivacy.bench;

import java.io.PrintWriter;
import java.util.List;
import org.samplingprivacy.jobs.Main;
import org.samplingprivacy.jobs.epsilon.BenchEpsilonCommand;
import org.samplingprivacy.jobs.gsd.BenchGsdCommand;
import org.samplingprivacy.jobs.privacy.BenchNoiseCommand;
import org.samplingprivacy.jobs.sdim.BenchSdimCommand;

/**
 * The benchmarks' entry point: the application's command line ({@link Main}) with the {@code
 * bench-*} commands added. The benchmarks live in their own module so that the production jar
 * carries none of them and no production class depends on one; {@code bin/spp bench-*} runs this
 * class. A benchmark of one package's internals (the ε posterior, the genetic synthesizer, the
 * exact noise sampler, the SDIM sweep's input) is compiled into that package, as JMH benchmarks
 * are, so the internals it times stay package-private in the jobs module. Exit codes as {@link
 * Main}.
 */
public final class BenchMain {
  /** The benchmark commands, in the order {@code --help} lists them. */
  public static final List<Class<?>> COMMANDS =
      List.of(
          BenchGenerateCommand.class,
          BenchEpsilonCommand.class,
          BenchGsdCommand.class,
          BenchNoiseCommand.class,
          BenchAmbientCommand.class,
          BenchCompareCommand.class,
          BenchSdimCommand.class);

  private BenchMain() {}

  public static void main(String[] args) {
    Main.launch(COMMANDS, args);
  }

  /** Parses and runs {@code args} with the given writers; returns the exit code (tests). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Main.run(out, err, COMMANDS, args);
  }
}
