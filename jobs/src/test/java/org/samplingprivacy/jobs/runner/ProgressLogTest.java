package org.samplingprivacy.jobs.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLogTest {
  @Test
  void printsRateAndEtaAtMostOncePerInterval() {
    AtomicLong now = new AtomicLong(0);
    List<String> lines = new ArrayList<>();
    ProgressLog p = ProgressLog.start("generations", 100, 1_000_000_000L, now::get, lines::add);
    now.set(500_000_000L);
    p.advance(10, null); // 0.5 s: within the interval, silent
    now.set(10_000_000_000L);
    p.advance(40, "error 0.12"); // 50 done in 10 s: 5/s, 50 left: ETA 10 s
    now.set(10_100_000_000L);
    p.advance(1, null); // silent again
    now.set(20_000_000_000L);
    p.advance(49, null); // finished: always printed
    assertEquals(
        List.of(
            "generations: 50/100 (50.0%), 5.00/s, ETA 10s, error 0.12",
            "generations: 100/100 (100.0%), 5.00/s, ETA 0s"),
        lines);
    assertEquals("1h01m", ProgressLog.formatSeconds(3660));
    assertEquals("2m05s", ProgressLog.formatSeconds(125));
  }

  @Test
  void aLoopStoppedEarlyPrintsItsLastLine() {
    AtomicLong now = new AtomicLong(0);
    List<String> lines = new ArrayList<>();
    ProgressLog p = ProgressLog.start("generations", 1000, 1_000_000_000L, now::get, lines::add);
    now.set(500_000_000L);
    p.finish(10, "stalled"); // within the first interval: silent
    assertEquals(List.of(), lines);
    ProgressLog q = ProgressLog.start("generations", 1000, 1_000_000_000L, now::get, lines::add);
    now.set(2_500_000_000L);
    q.advance(100, null); // 100 in 2 s: printed
    now.set(4_500_000_000L);
    q.finish(100, "stalled"); // 200 in 4 s: 50/s, 800 left: ETA 16 s
    assertEquals(
        List.of(
            "generations: 100/1000 (10.0%), 50.00/s, ETA 18s",
            "generations: 200/1000 (20.0%), 50.00/s, ETA 16s, stalled"),
        lines);
  }
}
