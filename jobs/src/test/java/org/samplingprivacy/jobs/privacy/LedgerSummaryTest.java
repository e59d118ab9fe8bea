package org.samplingprivacy.jobs.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.sql.Timestamp;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Oracles: sums by hand of exact rationals, the tight conversion at the dataset's smallest δ, and
 * the stale age against the given clock.
 */
class LedgerSummaryTest {
  private static final long HOUR = 3_600_000L;

  private static LedgerSummary.Line line(
      String ds, String run, String status, Rational rho, double delta, Double cap, long at) {
    return new LedgerSummary.Line(
        ds, run, status, ZcdpBudget.ofRho(rho), delta, cap, new Timestamp(at));
  }

  @Test
  void countsCommittedAndReservedFlagsStaleOnesAndIgnoresRefunds() {
    long now = 100 * HOUR;
    List<LedgerSummary.Line> lines =
        List.of(
            line(
                "a", "r1", BudgetLedger.COMMITTED, Rational.of(1, 100), 1e-6, 3.0, now - 50 * HOUR),
            line("a", "r2", BudgetLedger.RESERVED, Rational.of(1, 50), 1e-8, null, now - 30 * HOUR),
            line("a", "r3", BudgetLedger.RESERVED, Rational.of(1, 200), 1e-6, null, now - HOUR),
            line("a", "r4", BudgetLedger.REFUNDED, Rational.of(1, 10), 1e-6, null, now - 2 * HOUR),
            line(
                "b",
                "s1",
                BudgetLedger.COMMITTED,
                Rational.of(1, 1000),
                1e-5,
                null,
                now - 3 * HOUR));
    List<LedgerSummary.Dataset> out = LedgerSummary.of(lines, null, null, now, 24 * HOUR);
    assertEquals(2, out.size());
    LedgerSummary.Dataset a = out.get(0);
    assertEquals("a", a.datasetId());
    assertEquals(1, a.committed());
    assertEquals(2, a.reserved());
    assertEquals(1, a.staleReserved(), "reserved 30 h ago, older than 24 h");
    assertEquals("r2", a.stale().get(0).runId());
    assertEquals(1, a.refunded());
    assertEquals(
        Rational.of(1, 100).plus(Rational.of(1, 50)).plus(Rational.of(1, 200)),
        a.rhoCounted().rho());
    assertEquals(1e-8, a.delta(), 0, "the smallest recorded delta: the most conservative epsilon");
    assertEquals(ZcdpConversion.epsilon(a.rhoCounted().rhoUp(), 1e-8), a.epsilonCounted(), 1e-12);
    assertEquals(3.0, a.capEpsilon(), 0, "the cap the dataset's capped release recorded");
    ZcdpBudget cap = ZcdpBudget.fromEpsilonDelta(3.0, 1e-8);
    assertEquals(cap.minus(a.rhoCounted()), a.rhoRemaining());
    assertEquals(
        3, a.cumulativeEpsilon().length, "refunded reservations add no point to the spend curve");
    LedgerSummary.Dataset b = out.get(1);
    assertNull(b.capEpsilon());
    assertNull(b.rhoRemaining());
    // An explicit cap and delta win; a cap below the spend leaves nothing.
    LedgerSummary.Dataset tight = LedgerSummary.of(lines, 1e-6, 0.5, now, 24 * HOUR).get(0);
    assertEquals(1e-6, tight.delta(), 0);
    assertEquals(ZcdpBudget.ZERO, tight.rhoRemaining());
  }
}
