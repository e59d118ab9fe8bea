package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;
import org.samplingprivacy.jobs.runner.ProgressLog;

/**
 * The genetic algorithm of Private-GSD (Liu, Tang, Vietri &amp; Wu, ICML 2023;
 * docs/design/private-gsd.md): a population of children, each one edit of the best dataset B — half
 * mutations (a cell re-drawn uniformly from its domain), half crossovers (a cell copied from a
 * random row of a random elite member; numeric cells jittered by N(0, 0.01²) as in the submission
 * code) — scored by incremental fitness against the noisy answers, an elite of the E best, and B
 * replaced by the best child when it improves. Stops at the generation cap, at zero fitness, or
 * when the relative improvement over {@code stallWindow} generations falls below 1e-4.
 *
 * <p>Children are generated sequentially from one seeded generator and scored in parallel (scoring
 * reads the state and writes only its own children's fitness), so the result depends on the seed
 * only, not on the number of threads. A generation's scoring takes tens of microseconds, about what
 * a fork/join hand-off costs, so more threads pay only for large populations or workloads
 * (bench/gsd.sh measures it); the default is one.
 */
public final class GeneticSynthesizer {
  /** Relative improvement below which a stall window stops the run (docs/design/private-gsd.md). */
  static final double STALL_IMPROVEMENT = 1e-4;

  /** Settings of a run. */
  public record Settings(int population, int elite, long generations, long stallWindow, int threads)
      implements java.io.Serializable {
    public Settings {
      if (population < 2 || elite < 1 || generations < 1 || stallWindow < 1 || threads < 1) {
        throw new IllegalArgumentException("invalid GA settings");
      }
    }
  }

  /** What a run did. */
  public record Result(
      long generations,
      long childEvaluations,
      double fitness,
      double seconds,
      boolean stalled,
      double[] historyGenerations,
      double[] historyFitness) {
    public double evaluationsPerSecond() {
      return seconds > 0 ? childEvaluations / seconds : 0;
    }
  }

  private final SyntheticStatistics stats;
  private final Domain domain;
  private final Settings settings;
  private final SplittableRandom rng;
  private final boolean fullRecompute;

  private GeneticSynthesizer(
      SyntheticStatistics stats,
      Domain domain,
      Settings settings,
      long seed,
      boolean fullRecompute) {
    this.stats = stats;
    this.domain = domain;
    this.settings = settings;
    this.rng = new SplittableRandom(seed);
    this.fullRecompute = fullRecompute;
  }

  /** A GA that evolves {@code stats} in place. */
  public static GeneticSynthesizer of(
      SyntheticStatistics stats, Domain domain, Settings settings, long seed) {
    return new GeneticSynthesizer(stats, domain, settings, seed, false);
  }

  /**
   * The same GA scoring each child by recomputing all statistics from scratch (O(N′ · partitions)):
   * the baseline the benchmark compares incremental fitness with. Not for production runs.
   */
  static GeneticSynthesizer withFullRecompute(
      SyntheticStatistics stats, Domain domain, Settings settings, long seed) {
    return new GeneticSynthesizer(stats, domain, settings, seed, true);
  }

  /** Uniform random rows over the domain: the GA's starting point and the uniform baseline. */
  public static double[] uniformRows(Domain domain, int rows, SplittableRandom rng) {
    int d = domain.size();
    double[] data = new double[rows * d];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < d; c++) {
        data[r * d + c] = draw(domain.column(c), rng);
      }
    }
    return data;
  }

  private String rmsError() {
    return String.format(
        Locale.ROOT,
        "RMS error to noisy answers %.4g",
        Math.sqrt(stats.fitness() / stats.queries().size()));
  }

  private static double draw(Domain.Column col, SplittableRandom rng) {
    return col.kind == Domain.Kind.NUMERIC ? rng.nextDouble() : rng.nextInt(col.size());
  }

  /**
   * Runs until a stopping rule fires, reporting generations done (and the fitness against the noisy
   * answers) to a progress log from {@code progress}.
   */
  public Result run(ProgressLog.Factory progress, String what) {
    ProgressLog log = progress.start(what, settings.generations());
    int p = settings.population();
    int rows = stats.rows();
    int d = stats.columns();
    int[] childRow = new int[p];
    int[] childCol = new int[p];
    int[] childCell = new int[p];
    double[] childValue = new double[p];
    double[] childFit = new double[p];
    EliteArchive archive = new EliteArchive(settings.elite(), stats.fitness());
    int chunks = settings.threads();
    double[][] scratch =
        new double[chunks][d + 32]; // padded: threads' scratch rows never share a cache line
    ForkJoinPool pool = chunks > 1 ? new ForkJoinPool(chunks) : null;
    List<double[]> history = new ArrayList<>();
    long start = System.nanoTime();
    long generation = 0;
    long reported = 0;
    double windowStart = stats.fitness();
    boolean stalled = false;
    history.add(new double[] {0, stats.fitness()});
    try {
      while (generation < settings.generations() && stats.fitness() > 0) {
        generation++;
        for (int i = 0; i < p; i++) {
          int r = rng.nextInt(rows);
          int c = rng.nextInt(d);
          Domain.Column col = domain.column(c);
          double v;
          if (i < p / 2) {
            v = draw(col, rng);
          } else {
            EliteArchive.Member donor = archive.random(rng);
            v = donor.valueAt(rng.nextInt(rows) * d + c, stats.data());
            if (col.kind == Domain.Kind.NUMERIC) {
              v = Math.min(1, Math.max(0, v + 0.01 * WorkloadSpec.gaussian(rng)));
            }
          }
          childRow[i] = r;
          childCol[i] = c;
          childCell[i] = r * d + c;
          childValue[i] = v;
        }
        double f = stats.fitness();
        if (fullRecompute) {
          for (int i = 0; i < p; i++) {
            childFit[i] = fullFitnessOfChild(childRow[i], childCol[i], childValue[i]);
          }
        } else if (pool == null) {
          for (int i = 0; i < p; i++) {
            childFit[i] = f + stats.delta(childRow[i], childCol[i], childValue[i], scratch[0]);
          }
        } else {
          int per = (p + chunks - 1) / chunks;
          pool.submit(
                  () ->
                      IntStream.range(0, chunks)
                          .parallel()
                          .forEach(
                              k -> {
                                for (int i = k * per; i < Math.min(p, (k + 1) * per); i++) {
                                  childFit[i] =
                                      f
                                          + stats.delta(
                                              childRow[i], childCol[i], childValue[i], scratch[k]);
                                }
                              }))
              .join();
        }
        int best = 0;
        for (int i = 1; i < p; i++) {
          if (childFit[i] < childFit[best]) {
            best = i;
          }
        }
        archive.tell(childCell, childValue, childFit, p);
        if (childFit[best] < f) {
          double old = stats.apply(childRow[best], childCol[best], childValue[best]);
          archive.rebase(childCell[best], old, childValue[best]);
        }
        if (generation % settings.stallWindow() == 0) {
          double now = stats.recomputeFitness();
          history.add(new double[] {generation, now});
          if (windowStart - now < STALL_IMPROVEMENT * windowStart) {
            stalled = true;
            break;
          }
          windowStart = now;
        }
        if ((generation & 1023) == 0) {
          log.advance(generation - reported, rmsError());
          reported = generation;
        }
      }
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
    double fitness = stats.recomputeFitness();
    log.finish(generation - reported, (stalled ? "stalled, " : "") + rmsError());
    if (history.get(history.size() - 1)[0] != generation) {
      history.add(new double[] {generation, fitness});
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(
        generation,
        generation * p,
        fitness,
        seconds,
        stalled,
        history.stream().mapToDouble(h -> h[0]).toArray(),
        history.stream().mapToDouble(h -> h[1]).toArray());
  }

  /** The baseline scorer: apply the edit, recount everything, undo. */
  private double fullFitnessOfChild(int r, int c, double v) {
    double old = stats.value(r, c);
    double[] data = stats.data();
    data[r * stats.columns() + c] = v;
    long[] counts = new long[stats.queries().size()];
    stats.queries().count(data, stats.rows(), stats.columns(), counts);
    data[r * stats.columns() + c] = old;
    return SyntheticStatistics.fitnessOf(counts, stats.rows(), stats);
  }
}
