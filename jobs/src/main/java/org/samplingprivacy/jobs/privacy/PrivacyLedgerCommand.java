package org.samplingprivacy.jobs.privacy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code privacy-ledger}: the state of a budget ledger per dataset (docs/tables.md §2.7): releases,
 * ρ committed and reserved (composed by zCDP addition), the (ε, δ) statement of the total, what
 * remains under a cap, and reservations old enough to be stale. Reads only the ledger; writes a
 * summary table and a report with the cumulative spend.
 */
@Command(
    name = "privacy-ledger",
    description =
        "Per dataset of a privacy budget ledger: releases, spent and reserved "
            + "rho, composed epsilon at delta, remaining budget under a cap, stale reservations.")
public final class PrivacyLedgerCommand extends JobCommand {

  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  @Option(
      names = "--ledger",
      paramLabel = "PATH",
      description = "The budget ledger (a Delta table written by " + "gsd-synthesize).")
  String ledger;

  @Option(
      names = "--dataset-id",
      paramLabel = "ID",
      description = "Only this dataset (default: every dataset).")
  String datasetId;

  @Option(
      names = "--delta",
      paramLabel = "D",
      description =
          "The delta of the epsilon statements, in (0, 1) "
              + "(default: each dataset's smallest recorded delta).")
  Double delta;

  @Option(
      names = "--budget-cap",
      paramLabel = "EPS",
      description =
          "The cap in epsilon at the delta above (default: "
              + "the cap the dataset's latest capped release recorded).")
  Double budgetCap;

  @Option(
      names = "--stale-after",
      paramLabel = "DURATION",
      defaultValue = "24h",
      description =
          "Flag reservations "
              + "older than this (e.g. 90m, 24h, 7d): their release may have died after measuring; they keep counting.")
  String staleAfter;

  private long staleMillis;

  @Override
  protected void validateParameters() {
    Params.requirePresent("--ledger", ledger);
    if (datasetId != null) {
      Params.requireRunId("--dataset-id", datasetId);
    }
    if (delta != null && !(delta > 0 && delta < 1)) {
      throw new InputException("--delta must be in (0, 1), got " + delta);
    }
    if (budgetCap != null && (!(budgetCap > 0) || !Double.isFinite(budgetCap))) {
      throw new InputException("--budget-cap must be positive and finite, got " + budgetCap);
    }
    Matcher m = DURATION.matcher(staleAfter.trim());
    if (!m.matches()) {
      throw new InputException(
          "--stale-after must be a number with s, m, h or d (e.g. 24h), got '" + staleAfter + "'");
    }
    long unit =
        switch (m.group(2)) {
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          default -> 86_400_000L;
        };
    staleMillis = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out =
        common.output == null ? null : ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    if (TableIO.readDeltaIfExists(ctx.spark(), "--ledger", ledger).isEmpty()) {
      throw new InputException("--ledger " + ledger + " does not exist");
    }
    List<LedgerSummary.Line> lines =
        ctx.phase("read the ledger", () -> BudgetLedger.at(ctx.spark(), ledger).lines(datasetId));
    if (lines.isEmpty()) {
      throw new InputException(
          "--ledger "
              + ledger
              + " has no rows"
              + (datasetId == null ? "" : " for --dataset-id " + datasetId));
    }
    Plan.Builder steps = Plan.builder();
    steps.step(
        "read --ledger "
            + ledger
            + ": "
            + lines.size()
            + " reservation(s)"
            + (datasetId == null ? "" : " of dataset '" + datasetId + "'"));
    steps.step(
        "summarise per dataset: rho committed + reserved (zCDP composition), epsilon at "
            + (delta == null ? "each dataset's smallest delta" : "delta " + delta)
            + ", remaining under "
            + (budgetCap == null ? "the recorded cap" : "cap epsilon " + budgetCap)
            + ", reservations older than "
            + staleAfter
            + " flagged");
    if (common.output != null) {
      steps.write(common.output, out);
    }
    return steps.then(c -> execute(c, lines, out));
  }

  private void execute(JobContext c, List<LedgerSummary.Line> lines, TableIO.WriteSpec out) {
    List<LedgerSummary.Dataset> summary =
        LedgerSummary.of(lines, delta, budgetCap, System.currentTimeMillis(), staleMillis);
    List<Row> rows = new ArrayList<>();
    List<List<Object>> table = new ArrayList<>();
    List<List<Object>> staleTable = new ArrayList<>();
    Map<String, Object> metrics = new LinkedHashMap<>();
    SvgPlot plot =
        SvgPlot.xy(
            "Cumulative spend: epsilon of the composed releases (zCDP) at each dataset's delta",
            "days since the dataset's first reservation",
            "epsilon");
    var printer = spec.commandLine().getOut();
    for (LedgerSummary.Dataset d : summary) {
      Double capRho = d.capRho() == null ? null : d.capRho().rhoDown();
      Double remaining = d.rhoRemaining() == null ? null : d.rhoRemaining().rhoDown();
      rows.add(
          RowFactory.create(
              d.datasetId(),
              d.committed(),
              d.reserved(),
              d.staleReserved(),
              d.refunded(),
              d.rhoCommitted().rhoUp(),
              d.rhoReserved().rhoUp(),
              d.rhoCounted().rhoUp(),
              d.delta(),
              d.epsilonCounted(),
              d.capEpsilon(),
              capRho,
              remaining,
              d.firstRecordedAt(),
              d.lastRecordedAt()));
      table.add(
          List.of(
              d.datasetId(),
              d.committed(),
              d.reserved() + (d.staleReserved() > 0 ? " (" + d.staleReserved() + " stale)" : ""),
              d.refunded(),
              Numbers.sig4(d.rhoCounted().rhoUp()),
              Numbers.sig4(d.delta()),
              Numbers.sig4(d.epsilonCounted()),
              d.capEpsilon() == null ? "none" : String.valueOf(d.capEpsilon()),
              remaining == null ? "" : Numbers.sig4(remaining)));
      for (LedgerSummary.Line l : d.stale()) {
        staleTable.add(
            List.of(
                d.datasetId(),
                l.runId(),
                String.valueOf(l.recordedAt()),
                Numbers.sig4(l.rho().rhoUp())));
      }
      if (d.days().length > 0) {
        plot.line(d.datasetId(), d.days(), d.cumulativeEpsilon());
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("releases", d.committed());
      m.put("reserved", d.reserved());
      m.put("stale_reserved", d.staleReserved());
      m.put("refunded", d.refunded());
      m.put("rho_counted", d.rhoCounted().rhoUp());
      m.put("delta", d.delta());
      m.put("epsilon_counted", d.epsilonCounted());
      m.put("cap_epsilon", d.capEpsilon());
      m.put("rho_remaining", remaining);
      metrics.put(d.datasetId(), m);
      printer.printf(
          Locale.ROOT,
          "dataset '%s': %d release(s), %d reserved (%d stale), %d refunded; rho %.6g counted "
              + "= epsilon %.6g at delta %.3g%s%n",
          d.datasetId(),
          d.committed(),
          d.reserved(),
          d.staleReserved(),
          d.refunded(),
          d.rhoCounted().rhoUp(),
          d.epsilonCounted(),
          d.delta(),
          d.capEpsilon() == null
              ? ""
              : String.format(
                  Locale.ROOT, "; cap epsilon %s leaves rho %.6g", d.capEpsilon(), remaining));
    }
    c.report()
        .table(
            "Budget per dataset (reserved releases count as spent until committed or refunded)",
            List.of(
                "dataset",
                "releases",
                "reserved",
                "refunded",
                "rho counted",
                "delta",
                "epsilon at delta",
                "cap epsilon",
                "rho remaining"),
            table);
    if (!staleTable.isEmpty()) {
      c.report()
          .table(
              "Stale reservations (older than "
                  + staleAfter
                  + "): still counted; check whether the release "
                  + "measured before it stopped",
              List.of("dataset", "run", "reserved at", "rho"),
              staleTable);
    }
    c.report()
        .plot(plot)
        .metric("datasets", metrics)
        .note(
            "A dataset's releases compose by zCDP addition: its "
                + "(epsilon, delta) statement is the tight conversion of the summed rho at delta. Refunded reservations failed "
                + "before drawing noise and count nothing.");
    if (common.output != null) {
      c.write(
          PrivacyTables.SUMMARY,
          c.spark().createDataFrame(rows, PrivacyTables.SUMMARY.columns()),
          common.output,
          out);
    }
  }
}
