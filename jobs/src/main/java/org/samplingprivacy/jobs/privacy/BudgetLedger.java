package org.samplingprivacy.jobs.privacy;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.samplingprivacy.jobs.io.Provenance;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.runner.JobFailure;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The privacy budget ledger: an append-only Delta table of events on reservations of a dataset's
 * budget (docs/tables.md §2.7, docs/design/privacy-core.md §3). A release <b>reserves</b> its ρ
 * before reading any data, <b>commits</b> the reservation just before its first noise draw, and is
 * <b>refunded</b> only if it fails before that; each is a row, nothing is ever rewritten. A
 * reservation's status is its last event; reserved and committed reservations both count against
 * the dataset: a process that dies after measuring leaves its ρ counted.
 *
 * <p>Reservations of one dataset are serialised by a compare-and-set on Delta's idempotent-write
 * transaction ids: the n-th reservation of dataset D is appended as transaction version n of
 * application {@code spp-ledger:D}, after checking the cap against a snapshot whose last
 * reservation was n − 1. Delta commits at most one write per (application, version): a concurrent
 * reservation that read the same snapshot is skipped or fails with a
 * ConcurrentTransactionException, re-reads the ledger and re-checks the cap. This needs no table
 * isolation level and holds wherever Delta's commits are mutually exclusive (HDFS, local disks; S3
 * with the DynamoDB log store).
 */
public final class BudgetLedger {

  public static final String RESERVED = "reserved";
  public static final String COMMITTED = "committed";
  public static final String REFUNDED = "refunded";

  /**
   * Test hook (a JVM system property, never an option): a folder where concurrent reservers meet.
   */
  static final String BARRIER_DIR = "spp.ledger.testBarrierDir";

  static final String BARRIER_PARTIES = "spp.ledger.testBarrierParties";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BudgetLedger.class);
  private static final int ATTEMPTS = 12;
  private static final long MAX_BACKOFF_MILLIS = 4_000;

  /** One ledger row as the ledger logic reads it. */
  public record Entry(
      String runId,
      long sequence,
      String reservationId,
      String status,
      ZcdpBudget rho,
      String fingerprint,
      Timestamp recordedAt) {
    boolean counts() {
      return !REFUNDED.equals(status);
    }
  }

  /** What a release asks of the ledger. */
  public record Request(
      String datasetId,
      String runId,
      ZcdpBudget rho,
      double epsilon,
      double delta,
      Double capEpsilon,
      String command,
      String fingerprint,
      boolean reproducible,
      Provenance provenance) {}

  /**
   * The check's outcome: what the dataset has counted before this release, and whether it is a
   * replay.
   */
  public record Decision(boolean replay, ZcdpBudget prior, long priorReleases) {}

  /** A reservation held by a running release (or the recorded row a replay re-uses). */
  public record Reservation(
      String datasetId,
      String reservationId,
      long sequence,
      Decision decision,
      String replayedStatus) {
    public boolean replay() {
      return decision.replay();
    }
  }

  private final SparkSession spark;
  private final String path;

  private BudgetLedger(SparkSession spark, String path) {
    this.spark = spark;
    this.path = path;
  }

  public static BudgetLedger at(SparkSession spark, String path) {
    return new BudgetLedger(spark, path);
  }

  public String path() {
    return path;
  }

  /**
   * Every row of the ledger in the current contract's columns (older ledgers' missing columns are
   * null).
   */
  public Dataset<Row> rows() {
    return TableIO.readDeltaIfExists(spark, "--ledger", path)
        .map(this::normalise)
        .orElseGet(() -> spark.createDataFrame(List.of(), PrivacyTables.LEDGER.columns()));
  }

  private Dataset<Row> normalise(Dataset<Row> df) {
    List<String> present = List.of(df.columns());
    for (String required : new String[] {"dataset_id", "run_id", "rho", "fingerprint"}) {
      if (!present.contains(required)) {
        throw new InputException(
            "--ledger " + path + " is not a budget ledger: no column '" + required + "'");
      }
    }
    List<Column> cols = new ArrayList<>();
    for (StructField f : PrivacyTables.LEDGER.columns().fields()) {
      cols.add(
          (present.contains(f.name()) ? col(f.name()) : lit(null)).cast(f.dataType()).as(f.name()));
    }
    return df.select(cols.toArray(new Column[0]));
  }

  /**
   * Every reservation as the ledger summary reads it (one dataset's if {@code datasetId} is not
   * null).
   */
  public List<LedgerSummary.Line> lines(String datasetId) {
    Map<String, List<Row>> byDataset = new java.util.TreeMap<>();
    for (Row r : read(datasetId)) {
      byDataset.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
    }
    List<LedgerSummary.Line> out = new ArrayList<>();
    byDataset.forEach(
        (d, rows) -> {
          Map<String, Row> reservedEvent = new java.util.HashMap<>();
          for (Row r : rows) {
            if (r.isNullAt(EVENT_STATUS) || r.getString(EVENT_STATUS).equals(RESERVED)) {
              reservedEvent.put(reservationKey(r), r); // the reservation's δ and cap
            }
          }
          for (Entry e : fold(rows)) {
            Row first = reservedEvent.get(e.reservationId());
            out.add(
                new LedgerSummary.Line(
                    d,
                    e.runId(),
                    e.status(),
                    e.rho(),
                    first == null ? Double.NaN : first.getDouble(EVENT_DELTA),
                    first == null || first.isNullAt(EVENT_CAP) ? null : first.getDouble(EVENT_CAP),
                    e.recordedAt()));
          }
        });
    return out;
  }

  /**
   * The dataset's reservations, oldest first, each with the status of its last event (committed
   * wins over refunded, which cannot both happen). A ledger written before statuses existed reads
   * as committed rows of sequence 0.
   */
  List<Entry> entries(String datasetId) {
    return fold(read(datasetId));
  }

  // Columns of read()'s rows.
  private static final int EVENT_STATUS = 4;
  private static final int EVENT_DELTA = 8;
  private static final int EVENT_CAP = 9;

  /**
   * The ledger's events (one dataset's, or all if null) in one read: a few rows per release, small.
   */
  private List<Row> read(String datasetId) {
    if (TableIO.readDeltaIfExists(spark, "--ledger", path).isEmpty()) {
      return List.of();
    }
    Dataset<Row> rows = rows();
    if (datasetId != null) {
      rows = rows.filter(col("dataset_id").equalTo(datasetId));
    }
    return rows.select(
            "dataset_id",
            "run_id",
            "sequence",
            "reservation_id",
            "status",
            "rho",
            "rho_exact",
            "fingerprint",
            "delta",
            "budget_cap_epsilon",
            "recorded_at")
        .collectAsList();
  }

  private static String reservationKey(Row r) {
    return r.isNullAt(3) ? "run:" + r.getString(1) : r.getString(3);
  }

  /** Events folded per reservation, oldest reservation first. */
  private static List<Entry> fold(List<Row> rows) {
    Map<String, Entry> byReservation = new java.util.LinkedHashMap<>();
    for (Row r : rows) {
      ZcdpBudget rho =
          r.isNullAt(6)
              ? ZcdpBudget.ofRecorded(r.getDouble(5))
              : ZcdpBudget.ofRho(Rational.parse(r.getString(6)));
      Entry e =
          new Entry(
              r.getString(1),
              r.isNullAt(2) ? 0 : r.getLong(2),
              reservationKey(r),
              r.isNullAt(EVENT_STATUS) ? COMMITTED : r.getString(EVENT_STATUS),
              rho,
              r.getString(7),
              r.isNullAt(10) ? null : r.getTimestamp(10));
      byReservation.merge(e.reservationId(), e, BudgetLedger::fold);
    }
    List<Entry> out = new ArrayList<>(byReservation.values());
    out.sort(java.util.Comparator.comparingLong(Entry::sequence));
    return out;
  }

  /**
   * Two events of one reservation: the later status (committed over refunded over reserved), the
   * first time.
   */
  private static Entry fold(Entry a, Entry b) {
    String status = rank(a.status()) >= rank(b.status()) ? a.status() : b.status();
    Timestamp first =
        a.recordedAt() == null
            ? b.recordedAt()
            : b.recordedAt() == null
                ? a.recordedAt()
                : a.recordedAt().before(b.recordedAt()) ? a.recordedAt() : b.recordedAt();
    return new Entry(
        a.runId(), a.sequence(), a.reservationId(), status, a.rho(), a.fingerprint(), first);
  }

  private static int rank(String status) {
    return switch (status) {
      case COMMITTED -> 2;
      case REFUNDED -> 1;
      default -> 0;
    };
  }

  /**
   * Checks a release against the ledger without writing: a replay if the run id holds a counted row
   * with the same fingerprint and reproducible noise; otherwise refuses a counted run id, and a
   * spend past the cap.
   */
  public Decision check(Request req) {
    List<Entry> entries = entries(req.datasetId());
    lastRead = new Snapshot(req.datasetId(), entries);
    return decide(req, entries);
  }

  /** What check() read, for reserve()'s first attempt. */
  private record Snapshot(String datasetId, List<Entry> entries) {}

  private Snapshot lastRead;

  private Decision decide(Request req, List<Entry> entries) {
    ZcdpBudget prior = ZcdpBudget.ZERO;
    long releases = 0;
    Entry same = null;
    for (Entry e : entries) {
      if (!e.counts()) {
        continue;
      }
      if (e.runId().equals(req.runId())) {
        same = e;
      } else {
        prior = prior.plus(e.rho());
        releases++;
      }
    }
    if (same != null) {
      if (same.fingerprint().equals(req.fingerprint()) && req.reproducible()) {
        return new Decision(true, prior, releases);
      }
      throw new InputException(
          "run '"
              + req.runId()
              + "' of dataset '"
              + req.datasetId()
              + "' is already in --ledger "
              + path
              + " ("
              + same.status()
              + ")"
              + (same.fingerprint().equals(req.fingerprint())
                  ? "; re-running it without --noise-seed would draw new noise, a second release: give a new --run-id"
                  : " with other parameters: give a new --run-id"));
    }
    if (req.capEpsilon() != null) {
      ZcdpBudget cap = ZcdpBudget.fromEpsilonDelta(req.capEpsilon(), req.delta());
      ZcdpBudget total = prior.plus(req.rho());
      if (total.exceeds(cap)) {
        long reserved = entries.stream().filter(e -> RESERVED.equals(e.status())).count();
        throw new InputException(
            String.format(
                Locale.ROOT,
                "--budget-cap refuses this release: dataset '%s' has "
                    + "spent rho=%.6g over %d release(s)%s; this one (rho=%.6g) would take it to rho=%.6g, i.e. epsilon=%.6g "
                    + "at delta=%.3g, past the cap epsilon=%s (rho=%.6g)",
                req.datasetId(),
                prior.rhoUp(),
                releases,
                reserved > 0
                    ? " (" + reserved + " of them reserved by running or stopped releases)"
                    : "",
                req.rho().rhoUp(),
                total.rhoUp(),
                total.epsilonAt(req.delta()),
                req.delta(),
                req.capEpsilon(),
                cap.rhoDown()));
      }
    }
    return new Decision(false, prior, releases);
  }

  /**
   * Reserves the release's ρ (or recognises a replay), retrying lost compare-and-sets with backoff;
   * each attempt re-reads the ledger and re-checks the cap. Throws {@link InputException} when the
   * cap refuses, and {@link JobFailure} when conflicts outlive the retries.
   */
  public Reservation reserve(Request req) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      // The first attempt may use what check() read: the compare-and-set makes any snapshot safe, a
      // fresh one only
      // makes losing less likely. A new ledger is created by its first reservation's append.
      List<Entry> entries =
          attempt == 0 && lastRead != null && lastRead.datasetId().equals(req.datasetId())
              ? lastRead.entries()
              : entries(req.datasetId());
      Decision decision = decide(req, entries);
      if (decision.replay()) {
        Entry same =
            entries.stream()
                .filter(e -> e.counts() && e.runId().equals(req.runId()))
                .findFirst()
                .orElseThrow();
        return new Reservation(
            req.datasetId(), same.reservationId(), same.sequence(), decision, same.status());
      }
      long sequence = entries.stream().mapToLong(Entry::sequence).max().orElse(0) + 1;
      String id = UUID.randomUUID().toString();
      if (attempt == 0) {
        awaitTestBarrier();
      }
      try {
        long before = TableIO.deltaVersion(spark, path);
        TableIO.appendIdempotent(
            spark.createDataFrame(List.of(row(req, sequence, id)), PrivacyTables.LEDGER.columns()),
            path,
            "spp-ledger:" + req.datasetId(),
            sequence,
            withReservation(req.provenance(), id));
        if (TableIO.commitsSince(spark, path, before).stream().anyMatch(m -> m.contains(id))) {
          return new Reservation(req.datasetId(), id, sequence, decision, RESERVED);
        }
        // Skipped: another reservation of this dataset took sequence n first.
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          throw e;
        }
        last = e;
      }
      LOG.info(
          "ledger {}: reservation {} of dataset '{}' lost the race for sequence {} (attempt {}); re-reading",
          path,
          req.runId(),
          req.datasetId(),
          sequence,
          attempt + 1);
      backoff(attempt);
    }
    throw new JobFailure(
        "the budget ledger "
            + path
            + " stayed contended by concurrent releases of dataset '"
            + req.datasetId()
            + "' through "
            + ATTEMPTS
            + " attempts; nothing was reserved or read: run the release again "
            + "(or schedule releases of one dataset one at a time)",
        last);
  }

  /**
   * Records that the reservation is committed: its noise is about to be drawn. The event carries
   * the run's provenance as it stands then, with the versions of the inputs it read. A replay of a
   * committed release records nothing.
   */
  public void commit(Reservation r, Request req, Provenance run) {
    if (r.replay() && r.replayedStatus().equals(COMMITTED)) {
      return;
    }
    retrying(
        "record the commit of reservation " + r.reservationId(),
        () -> {
          TableIO.append(
              spark.createDataFrame(
                  List.of(event(req, r, COMMITTED, null, run)), PrivacyTables.LEDGER.columns()),
              path,
              provenanceOf(r));
          return null;
        },
        "no noise was drawn and nothing was written; the release refunds its reservation if the ledger lets it "
            + "(otherwise it keeps counting against dataset '"
            + r.datasetId()
            + "'): run the release again");
  }

  /**
   * Returns a reservation's ρ to the dataset: only for a release that failed before drawing any
   * noise. A replay is never refunded (its recorded release did measure). If the refund itself
   * cannot be written the reservation stays counted: an over-count, never an under-count.
   */
  public boolean refund(Reservation r, Request req, String reason) {
    if (r.replay()) {
      return false;
    }
    try {
      retrying(
          "refund",
          () -> {
            TableIO.append(
                spark.createDataFrame(
                    List.of(
                        event(
                            req,
                            r,
                            REFUNDED,
                            reason.length() > 500 ? reason.substring(0, 500) : reason,
                            req.provenance())),
                    PrivacyTables.LEDGER.columns()),
                path,
                provenanceOf(r));
            return null;
          },
          "");
      return true;
    } catch (RuntimeException e) {
      LOG.warn(
          "could not refund reservation {} in {}: {}; it stays counted",
          r.reservationId(),
          path,
          e.toString());
      return false;
    }
  }

  private static Row event(Request req, Reservation r, String status, String note, Provenance run) {
    return RowFactory.create(
        req.datasetId(),
        req.runId(),
        r.sequence(),
        r.reservationId(),
        status,
        req.rho().rhoUp(),
        req.rho().rho().toString(),
        req.epsilon(),
        req.delta(),
        req.capEpsilon(),
        new Timestamp(System.currentTimeMillis()),
        note,
        req.command(),
        req.fingerprint(),
        run.toJson());
  }

  /**
   * The run's provenance with the reservation id, which the append's commit carries: how we find
   * our commit.
   */
  private static Provenance withReservation(Provenance p, String id) {
    Map<String, String> params = new java.util.LinkedHashMap<>(p.parameters());
    params.put("ledger-reservation-id", id);
    return new Provenance(p.command(), p.runId(), p.seed(), params, p.inputs());
  }

  private Provenance provenanceOf(Reservation r) {
    return new Provenance(
        "ledger", r.reservationId(), 0, Map.of("dataset-id", r.datasetId()), List.of());
  }

  private <T> T retrying(String what, Supplier<T> work, String consequence) {
    RuntimeException last = null;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      try {
        return work.get();
      } catch (RuntimeException e) {
        if (!isConflict(e)) {
          throw e;
        }
        last = e;
      }
      backoff(attempt);
    }
    throw new JobFailure(
        "could not "
            + what
            + " in the budget ledger "
            + path
            + ": concurrent writers conflicted "
            + "through "
            + ATTEMPTS
            + " attempts; "
            + consequence,
        last);
  }

  private static Row row(Request req, long sequence, String id) {
    return RowFactory.create(
        req.datasetId(),
        req.runId(),
        sequence,
        id,
        RESERVED,
        req.rho().rhoUp(),
        req.rho().rho().toString(),
        req.epsilon(),
        req.delta(),
        req.capEpsilon(),
        new Timestamp(System.currentTimeMillis()),
        null,
        req.command(),
        req.fingerprint(),
        req.provenance().toJson());
  }

  /** Delta's optimistic-concurrency losers (and a lost race to create the table). */
  static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String name = t.getClass().getName();
      if (t instanceof java.util.ConcurrentModificationException
          && (name.startsWith("io.delta.") || name.startsWith("org.apache.spark.sql.delta."))) {
        return true;
      }
      if (t instanceof java.nio.file.FileAlreadyExistsException
          || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException) {
        return true;
      }
    }
    return false;
  }

  private static void backoff(int attempt) {
    long cap = Math.min(MAX_BACKOFF_MILLIS, 100L << Math.min(attempt, 10));
    try {
      Thread.sleep(
          cap / 2
              + ThreadLocalRandom.current()
                  .nextLong(cap / 2 + 1)); // jitter is not a privacy decision
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry the ledger", e);
    }
  }

  /**
   * Test hook: when the system property names a folder, wait there until the given number of
   * reservers arrive.
   */
  private static void awaitTestBarrier() {
    String dir = System.getProperty(BARRIER_DIR);
    if (dir == null) {
      return;
    }
    int parties = Integer.parseInt(System.getProperty(BARRIER_PARTIES, "2"));
    Path folder = Paths.get(dir);
    try {
      Files.createDirectories(folder);
      Files.createFile(folder.resolve(UUID.randomUUID().toString()));
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (System.nanoTime() < deadline) {
        try (Stream<Path> s = Files.list(folder)) {
          if (s.count() >= parties) {
            return;
          }
        }
        Thread.sleep(10);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
