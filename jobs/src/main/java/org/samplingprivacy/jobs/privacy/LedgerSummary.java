package org.samplingprivacy.jobs.privacy;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per dataset of a budget ledger: its releases, what they count (committed and reserved ρ, composed
 * by zCDP addition), the (ε, δ) statement of that total, and what remains under a cap. A
 * reservation older than the stale age is flagged: its release may have died after measuring, so it
 * keeps counting until someone checks (docs/design/ privacy-core.md §3). Spark-free: the ledger
 * holds one row per release.
 */
public final class LedgerSummary {
  /** One ledger row. */
  public record Line(
      String datasetId,
      String runId,
      String status,
      ZcdpBudget rho,
      double delta,
      Double capEpsilon,
      Timestamp recordedAt) {}

  /**
   * One dataset's state. {@code delta} is the δ of the ε statements; cap fields are null without a
   * cap.
   */
  public record Dataset(
      String datasetId,
      long committed,
      long reserved,
      long staleReserved,
      long refunded,
      ZcdpBudget rhoCommitted,
      ZcdpBudget rhoReserved,
      double delta,
      double epsilonCounted,
      Double capEpsilon,
      ZcdpBudget capRho,
      ZcdpBudget rhoRemaining,
      Timestamp firstRecordedAt,
      Timestamp lastRecordedAt,
      List<Line> stale,
      double[] days,
      double[] cumulativeEpsilon) {
    public ZcdpBudget rhoCounted() {
      return rhoCommitted.plus(rhoReserved);
    }
  }

  private LedgerSummary() {}

  /**
   * Summaries per dataset, by dataset id. {@code delta}: the δ for ε statements, or null for each
   * dataset's smallest recorded δ (the most conservative ε). {@code capEpsilon}: the cap, or null
   * for the most recent cap a release of the dataset recorded. {@code now} and {@code staleMillis}
   * flag old reservations.
   */
  public static List<Dataset> of(
      List<Line> lines, Double delta, Double capEpsilon, long now, long staleMillis) {
    Map<String, List<Line>> byDataset = new TreeMap<>();
    for (Line l : lines) {
      byDataset.computeIfAbsent(l.datasetId(), k -> new ArrayList<>()).add(l);
    }
    List<Dataset> out = new ArrayList<>();
    for (Map.Entry<String, List<Line>> e : byDataset.entrySet()) {
      List<Line> ls = new ArrayList<>(e.getValue());
      ls.sort(
          Comparator.comparing(Line::recordedAt, Comparator.nullsFirst(Comparator.naturalOrder())));
      long committed = 0;
      long reserved = 0;
      long refunded = 0;
      ZcdpBudget rhoCommitted = ZcdpBudget.ZERO;
      ZcdpBudget rhoReserved = ZcdpBudget.ZERO;
      List<Line> stale = new ArrayList<>();
      double d = delta != null ? delta : ls.stream().mapToDouble(Line::delta).min().orElseThrow();
      Double cap = capEpsilon;
      List<Double> days = new ArrayList<>();
      List<Double> cumulative = new ArrayList<>();
      ZcdpBudget running = ZcdpBudget.ZERO;
      Timestamp first = null;
      for (Line l : ls) {
        if (l.capEpsilon() != null && capEpsilon == null) {
          cap = l.capEpsilon();
        }
        if (l.recordedAt() != null && first == null) {
          first = l.recordedAt();
        }
        switch (l.status()) {
          case BudgetLedger.REFUNDED -> refunded++;
          case BudgetLedger.RESERVED -> {
            reserved++;
            rhoReserved = rhoReserved.plus(l.rho());
            if (l.recordedAt() != null && now - l.recordedAt().getTime() > staleMillis) {
              stale.add(l);
            }
          }
          default -> {
            committed++;
            rhoCommitted = rhoCommitted.plus(l.rho());
          }
        }
        if (!BudgetLedger.REFUNDED.equals(l.status())) {
          running = running.plus(l.rho());
          if (l.recordedAt() != null) {
            days.add((l.recordedAt().getTime() - first.getTime()) / 86_400_000.0);
            cumulative.add(running.epsilonAt(d));
          }
        }
      }
      ZcdpBudget counted = rhoCommitted.plus(rhoReserved);
      ZcdpBudget capRho = cap == null ? null : ZcdpBudget.fromEpsilonDelta(cap, d);
      ZcdpBudget remaining =
          capRho == null ? null : counted.exceeds(capRho) ? ZcdpBudget.ZERO : capRho.minus(counted);
      Timestamp last = ls.get(ls.size() - 1).recordedAt();
      out.add(
          new Dataset(
              e.getKey(),
              committed,
              reserved,
              stale.size(),
              refunded,
              rhoCommitted,
              rhoReserved,
              d,
              counted.epsilonAt(d),
              cap,
              capRho,
              remaining,
              first,
              last,
              stale,
              days.stream().mapToDouble(Double::doubleValue).toArray(),
              cumulative.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return out;
  }
}
