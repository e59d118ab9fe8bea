package org.samplingprivacy.jobs.privacy;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench-noise}: exact discrete Gaussian samples per second on one core, per σ, from each bit
 * source (the replayable HMAC_DRBG of seeded releases, the OS CSPRNG of default releases, and
 * SplitMix64 bits as a simulation would use), beside the floating-point sampler it replaced, all in
 * one JVM. No Spark.
 */
@Command(
    name = "bench-noise",
    description =
        "Time the exact discrete Gaussian sampler per sigma and bit source "
            + "against the former floating-point sampler; print samples/s and ratios.")
public final class BenchNoiseCommand implements Callable<Integer> {
  @Option(
      names = "--sigmas",
      paramLabel = "S1,S2",
      defaultValue = "0.5,10,1000,100000",
      description = "Standard deviations to time.")
  String sigmas;

  @Option(
      names = "--samples",
      paramLabel = "N",
      defaultValue = "2000000",
      description = "Draws per timing.")
  long samples;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  /** SplitMix64 words: fast, not cryptographic, for simulations only. */
  private static final class SplitMixBits extends RandomBits {
    private final SplittableRandom r = new SplittableRandom(7);

    @Override
    protected long nextWord() {
      return r.nextLong();
    }
  }

  @Override
  public Integer call() {
    Params.requireInRange("--samples", samples, 1000, 1_000_000_000L);
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        "sigma, samples/s on one core: exact (HMAC_DRBG), exact (OS CSPRNG), exact (SplitMix64 bits), "
            + "floating point (SplittableRandom); ratio exact(DRBG)/floating point");
    for (String s : Params.requireList("--sigmas", sigmas)) {
      double sigma = Double.parseDouble(s);
      DiscreteGaussian exact = DiscreteGaussian.withSigma2(DiscreteGaussian.roundUp(sigma * sigma));
      FloatingPointDiscreteGaussian fp = new FloatingPointDiscreteGaussian(sigma);
      RandomBits drbg =
          RandomBits.replayable(new byte[32], "bench".getBytes(StandardCharsets.UTF_8));
      RandomBits system = RandomBits.system();
      RandomBits splitmix = new SplitMixBits();
      SplittableRandom rng = new SplittableRandom(7);
      double rDrbg = rate(() -> exact.sample(drbg));
      double rSystem = rate(() -> exact.sample(system));
      double rSplit = rate(() -> exact.sample(splitmix));
      double rFp = rate(() -> fp.sample(rng));
      out.printf(
          Locale.ROOT,
          "sigma %-8s %10.3g %10.3g %10.3g %10.3g   ratio %.2f%n",
          s,
          rDrbg,
          rSystem,
          rSplit,
          rFp,
          rDrbg / rFp);
      out.flush();
    }
    return 0;
  }

  /** Draws per second over {@code --samples} draws, after a warm-up of a tenth as many. */
  private double rate(LongSupplier draw) {
    long sink = 0;
    for (long i = 0; i < samples / 10; i++) {
      sink += draw.getAsLong();
    }
    long start = System.nanoTime();
    for (long i = 0; i < samples; i++) {
      sink += draw.getAsLong();
    }
    double secs = (System.nanoTime() - start) / 1e9;
    if (sink == Long.MIN_VALUE) {
      System.out.print(""); // keeps the draws observable to the JIT
    }
    return samples / secs;
  }
}
