package org.samplingprivacy.jobs.runner;

import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * A progress line for long driver-side loops (iterations, generations): done/total, rate and ETA,
 * printed at most once per interval so a loop of millions of cheap steps does not flood the log.
 */
public final class ProgressLog {
  private final String what;
  private final long total;
  private final long intervalNanos;
  private final LongSupplier clock;
  private final Consumer<String> sink;
  private final long start;
  private long done;
  private long lastPrinted;
  private boolean printedAny;

  private ProgressLog(
      String what, long total, long intervalNanos, LongSupplier clock, Consumer<String> sink) {
    if (total <= 0) {
      throw new IllegalArgumentException("total must be > 0, got " + total);
    }
    this.what = what;
    this.total = total;
    this.intervalNanos = intervalNanos;
    this.clock = clock;
    this.sink = sink;
    this.start = clock.getAsLong();
    this.lastPrinted = start;
  }

  /** Starts a progress log for {@code total} steps of {@code what}. */
  public interface Factory {
    ProgressLog start(String what, long total);
  }

  /** A factory whose logs print nothing (trials, benchmarks, tests). */
  public static final Factory SILENT =
      (what, total) -> new ProgressLog(what, total, Long.MAX_VALUE, System::nanoTime, line -> {});

  /** Logs to stderr at most every 10 seconds. */
  public static ProgressLog start(String what, long total) {
    return new ProgressLog(what, total, 10_000_000_000L, System::nanoTime, System.err::println);
  }

  /** For tests and callers with their own clock and sink. */
  public static ProgressLog start(
      String what, long total, long intervalNanos, LongSupplier clock, Consumer<String> sink) {
    return new ProgressLog(what, total, intervalNanos, clock, sink);
  }

  /**
   * Records {@code steps} more done; prints a line if the interval has passed or the loop finished.
   */
  public void advance(long steps, String detail) {
    done = Math.min(total, done + steps);
    long now = clock.getAsLong();
    if (now - lastPrinted >= intervalNanos || done == total) {
      lastPrinted = now;
      printedAny = true;
      sink.accept(line(now, detail));
    }
  }

  /**
   * Records the last {@code steps} of a loop that may have stopped before {@code total} (a stopping
   * rule fired) and prints its final line, if the loop was long enough to have printed one before:
   * a loop that ends within the first interval stays silent.
   */
  public void finish(long steps, String detail) {
    done = Math.min(total, done + steps);
    if (printedAny) {
      sink.accept(line(clock.getAsLong(), detail));
    }
  }

  String line(long now, String detail) {
    double seconds = (now - start) / 1e9;
    double rate = seconds > 0 ? done / seconds : 0;
    String eta = rate > 0 ? formatSeconds((total - done) / rate) : "?";
    return String.format(
        Locale.ROOT,
        "%s: %d/%d (%.1f%%), %.2f/s, ETA %s%s",
        what,
        done,
        total,
        100.0 * done / total,
        rate,
        eta,
        detail == null || detail.isEmpty() ? "" : ", " + detail);
  }

  static String formatSeconds(double s) {
    long t = Math.round(s);
    return t >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60)
        : t >= 60 ? String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60) : t + "s";
  }
}
