package org.samplingprivacy.jobs.gsd;

import static org.apache.spark.sql.functions.col;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.io.TableFormat;
import org.samplingprivacy.jobs.io.TableIO;
import org.samplingprivacy.jobs.report.SvgPlot;
import org.samplingprivacy.jobs.runner.JobCommand;
import org.samplingprivacy.jobs.runner.JobContext;
import org.samplingprivacy.jobs.runner.Plan;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;
import org.samplingprivacy.jobs.validate.TableChecks;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gsd-synthesize}: a differentially private synthetic table by Private-GSD (Liu, Tang, Vietri &amp; Wu, ICML
 * 2023). The (ε, δ) target becomes a ρ-zCDP budget (tight conversion); the true answers of the whole workload are
 * counted by Spark in one pass; each workload is measured with the discrete Gaussian mechanism, one-shot (ρ split
 * equally) or adaptively (T rounds, each half Gumbel top-K selection, half measurement); the genetic algorithm on
 * the driver fits N′ rows to the noisy answers only. Every release is checked against and recorded in the budget
 * ledger. Spark work: the counting pass; everything after it touches only the Q noisy answers and N′ rows.
 */
@Command(name = "gsd-synthesize",
    description = "Differentially private synthetic data by a genetic algorithm fitted to noisy workload answers "
        + "(Private-GSD).")
public final class GsdSynthesizeCommand extends JobCommand {
  @Option(names = "--domain", paramLabel = "FILE", description = "Public domain JSON: categories, numeric bounds and "
      + "bins (docs/tables.md §2.7; private-pgm's {\"col\": size} also accepted). Never derived from the data.")
  String domainFile;

  @Option(names = "--columns", paramLabel = "C1,C2",
      description = "Columns to synthesise (default: every input column; each must be in --domain).")
  String columns;

  @Option(names = "--epsilon", paramLabel = "E", description = "Privacy budget epsilon of this release (> 0).")
  Double epsilon;

  @Option(names = "--delta", paramLabel = "D", description = "Privacy parameter delta, in (0, 1); 1/n^2 is usual.")
  Double delta;

  @Option(names = "--workload", paramLabel = "W", defaultValue = "marginals:2",
      description = "Queries to preserve: marginals:K[:a+b+c], range:COL[|CAT], prefix:M, halfspace:M, "
          + "comma-separated, or @FILE with one item per line.")
  String workload;

  @Option(names = "--rows", paramLabel = "N", description = "Rows of the synthetic table (public; 1..1000000).")
  Integer rows;

  @Option(names = "--mode", paramLabel = "M", defaultValue = "one-shot",
      description = "one-shot: measure every workload once, rho split equally; adaptive: --rounds rounds of "
          + "noisy-max selection and measurement.")
  String mode;

  @Option(names = "--rounds", paramLabel = "T", defaultValue = "10", description = "Adaptive rounds.")
  int rounds;

  @Option(names = "--per-round", paramLabel = "K", defaultValue = "1",
      description = "Adaptive: workloads selected and measured per round.")
  int perRound;

  @Option(names = "--ledger", paramLabel = "PATH", description = "Delta table of releases (created if absent).")
  String ledger;

  @Option(names = "--dataset-id", paramLabel = "ID", description = "Names the dataset whose budget the ledger tracks.")
  String datasetId;

  @Option(names = "--budget-cap", paramLabel = "EPS",
      description = "Refuse a release that takes the dataset's total spend past this epsilon (at --delta).")
  Double budgetCap;

  @Option(names = "--noise-seed", paramLabel = "SECRET", description = "A secret of at least 16 characters (e.g. "
      + "openssl rand -hex 16), or env:VAR / file:PATH holding it, that with the dataset and run ids fixes the privacy "
      + "noise: re-running a run id is then a replay. Redacted from provenance. Default: fresh SecureRandom noise.")
  String noiseSeed;

  @Option(names = "--population", paramLabel = "P", defaultValue = "100",
      description = "Children per generation (half mutation, half crossover).")
  int population;

  @Option(names = "--elite", paramLabel = "E", defaultValue = "5", description = "Elite archive size.")
  int elite;

  @Option(names = "--generations", paramLabel = "G", defaultValue = "100000",
      description = "Generation cap per fit (per round in adaptive mode).")
  long generations;

  @Option(names = "--stall-window", paramLabel = "G", defaultValue = "0",
      description = "Stop when fitness improves by less than 1e-4 (relative) over this many generations "
          + "(0: --rows).")
  long stallWindow;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
      description = "Driver threads scoring children (0: all cores). Results do not depend on it.")
  int threads;

  @Option(names = "--non-private-evaluation", description = "Also report errors against the TRUE answers. Not "
      + "private: for evaluating the method, never for a release.")
  boolean nonPrivateEvaluation;

  private Domain fullDomain;
  private double rho;

  @Override
  protected Set<String> secretOptions() {
    return Set.of("noise-seed");
  }

  @Override
  protected void validateParameters() {
    Params.requirePresent("--input", common.input);
    Params.requirePresent("--output", common.output);
    Params.requirePresent("--domain", domainFile);
    Params.requirePresent("--epsilon", epsilon);
    Params.requirePresent("--delta", delta);
    Params.requirePresent("--rows", rows);
    Params.requirePresent("--ledger", ledger);
    Params.requirePresent("--dataset-id", datasetId);
    if (!(epsilon > 0) || !Double.isFinite(epsilon)) {
      throw new InputException("--epsilon must be positive and finite, got " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new InputException("--delta must be in (0, 1), got " + delta);
    }
    Params.requireInRange("--rows", rows, 1, 1_000_000);
    Params.requireOneOf("--mode", mode, "one-shot", "adaptive");
    Params.requireInRange("--rounds", rounds, 1, 10_000);
    Params.requireInRange("--per-round", perRound, 1, 10_000);
    Params.requireInRange("--population", population, 2, 100_000);
    Params.requireInRange("--elite", elite, 1, 1_000);
    Params.requireInRange("--generations", generations, 1, 1_000_000_000L);
    Params.requireInRange("--stall-window", stallWindow, 0, 1_000_000_000L);
    Params.requireInRange("--threads", threads, 0, 1024);
    Params.requireRunId("--dataset-id", datasetId);
    if (budgetCap != null && (!(budgetCap > 0) || !Double.isFinite(budgetCap))) {
      throw new InputException("--budget-cap must be positive and finite, got " + budgetCap);
    }
    noiseSeed = resolveSecret(noiseSeed);
    if (noiseSeed != null && noiseSeed.length() < 16) {
      throw new InputException("--noise-seed must be a secret of at least 16 characters (e.g. the output of "
          + "'openssl rand -hex 16'): anyone who can guess it can subtract the noise");
    }
    rho = ZcdpAccountant.rho(epsilon, delta);
    fullDomain = Domain.read(domainFile);
    if (columns != null) {
      List<Workload> w = WorkloadSpec.parse(workload, fullDomain.select(Params.requireList("--columns", columns),
          "(--columns)"), common.seed);
      checkAdaptive(w);
    }
  }

  private static boolean castable(String v, DataType t) {
    try {
      if (t instanceof IntegralType) {
        Long.parseLong(v);
      } else if (t instanceof NumericType) {
        Double.parseDouble(v);
      } else if (t.equals(DataTypes.BooleanType)) {
        return v.equals("true") || v.equals("false");
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** {@code env:VAR} and {@code file:PATH} keep the secret off the command line (visible in process lists). */
  private static String resolveSecret(String value) {
    if (value == null) {
      return null;
    }
    if (value.startsWith("env:")) {
      String v = System.getenv(value.substring(4));
      if (v == null || v.isBlank()) {
        throw new InputException("--noise-seed " + value + ": the environment variable is not set");
      }
      return v.trim();
    }
    if (value.startsWith("file:")) {
      try {
        return Domain.readText(value.substring(5)).trim();
      } catch (java.io.IOException e) {
        throw new InputException("--noise-seed " + value + ": cannot read the file: " + e.getMessage(), e);
      }
    }
    return value;
  }

  private void checkAdaptive(List<Workload> w) {
    if (mode.equals("adaptive") && (long) rounds * perRound > w.size()) {
      throw new InputException("--rounds " + rounds + " x --per-round " + perRound + " exceeds the " + w.size()
          + " workloads of --workload");
    }
  }

  @Override
  protected Plan plan(JobContext ctx) {
    TableIO.WriteSpec out = ctx.writeSpec(TableFormat.DELTA, TableFormat.PARQUET);
    SourceTable in = ctx.readInput();
    String table = "--input " + in.path();
    StructType schema = in.data().schema();
    List<String> names = columns != null ? Params.requireList("--columns", columns) : Arrays.asList(schema.fieldNames());
    TableChecks.requireColumns(in.data(), table, names);
    Domain domain = fullDomain.select(names, "of " + table);
    for (Domain.Column c : domain.columns()) {
      DataType t = schema.apply(c.name).dataType();
      if (c.kind == Domain.Kind.NUMERIC && !(t instanceof NumericType)) {
        throw new InputException(table + " column '" + c.name + "' is numeric in --domain but " + t.simpleString()
            + " in the table");
      }
      if (!(t instanceof AtomicType)) {
        throw new InputException(table + " column '" + c.name + "' has type " + t.simpleString()
            + ", which cannot be synthesised");
      }
      if (c.kind == Domain.Kind.CATEGORICAL) {
        List<String> labels = new ArrayList<>(c.values);
        if (c.overflow != null) {
          labels.add(c.overflow);
        }
        for (String v : labels) {
          if (!castable(v, t)) {
            throw new InputException("--domain category '" + v + "' of column '" + c.name + "' is not a value of "
                + "its type " + t.simpleString() + " in " + table);
          }
        }
      }
    }
    List<Workload> workloads = WorkloadSpec.parse(workload, domain, common.seed);
    checkAdaptive(workloads);
    QuerySet queries = new QuerySet(workloads, domain.size());
    String fingerprint = fingerprint(ctx);
    BudgetLedger book = BudgetLedger.at(ctx.spark(), ledger);
    BudgetLedger.Decision decision = ctx.phase("check budget ledger",
        () -> book.check(datasetId, ctx.runId(), fingerprint, noiseSeed != null, rho, delta, budgetCap));
    Dataset<Row> data = in.data().select(names.stream().map(n -> col("`" + n + "`")).toArray(Column[]::new));
    long nMeasured = mode.equals("one-shot") ? workloads.size() : (long) rounds * perRound;
    List<String> steps = List.of(
        "read " + in.path() + " (" + in.format().id() + "): " + names.size() + " columns " + names,
        String.format(Locale.ROOT, "budget: epsilon=%s delta=%s -> rho=%.6g zCDP; dataset '%s' has spent rho=%.6g "
            + "over %d other release(s)%s", epsilon, delta, rho, datasetId, decision.priorRho(),
            decision.priorReleases(), decision.replay() ? " (this run is recorded: replay)" : ""),
        "workload " + workload + ": " + workloads.size() + " workloads, " + queries.size() + " queries, counted in one "
            + "pass",
        mode.equals("one-shot") ? "measure all " + nMeasured + " workloads once (discrete Gaussian, rho/" + nMeasured
            + " each)" : "adaptive: " + rounds + " rounds x " + perRound + " workload(s): half selection (Gumbel "
            + "noisy max), half measurement",
        "genetic algorithm: " + rows + " rows, population " + population + ", elite " + elite + ", up to "
            + generations + " generations per fit",
        (decision.replay() ? "ledger: already recorded" : "record the release in --ledger " + ledger)
            + ", then write " + common.output + " (" + out.format().id() + ")");
    return new Plan(steps, c -> execute(c, in, domain, queries, data, schema, decision, fingerprint, book, out));
  }

  private void execute(JobContext c, SourceTable in, Domain domain, QuerySet queries, Dataset<Row> data,
      StructType schema, BudgetLedger.Decision decision, String fingerprint, BudgetLedger book,
      TableIO.WriteSpec out) {
    String table = "--input " + in.path();
    TrueAnswers.Counts truth = c.phase("count the workload's true answers", () ->
        TrueAnswers.compute(data, domain, queries));
    checkEncoded(truth, domain, table);
    long n = truth.rows();
    if (!decision.replay()) {
      c.phase("record the release in the ledger", () -> book.record(datasetId, c.runId(), rho, epsilon, delta,
          c.command(), fingerprint, c.provenance().toJson(), c.provenance()));
    }
    RandomGenerator noise = noiseSeed != null ? new SplittableRandom(noiseStream(c.runId())) : new SecureRandom();
    ZcdpAccountant accountant = ZcdpAccountant.withBudget(rho);
    int d = domain.size();
    int m = queries.workloads().size();
    double[] noisy = new double[queries.size()];
    double[] weight = new double[queries.size()];
    boolean[] measured = new boolean[m];
    List<GaussianMeasurement> measurements = new ArrayList<>();
    SplittableRandom gaRandom = new SplittableRandom(common.seed);
    double[] start = GeneticSynthesizer.uniformRows(domain, rows, gaRandom.split());
    SyntheticStatistics stats = SyntheticStatistics.of(queries, start, rows, d, new double[queries.size()],
        new double[queries.size()]);
    GeneticSynthesizer.Settings settings = new GeneticSynthesizer.Settings(population, elite, generations,
        stallWindow > 0 ? stallWindow : rows, threads > 0 ? threads : Runtime.getRuntime().availableProcessors());
    List<GeneticSynthesizer.Result> fits = new ArrayList<>();
    if (mode.equals("one-shot")) {
      for (int w = 0; w < m; w++) {
        measure(w, rho / m, queries, truth, n, noisy, weight, measured, measurements, accountant, noise);
      }
      stats.reweight(noisy, weight);
      fits.add(c.phase("genetic algorithm", () -> GeneticSynthesizer.of(stats, domain, settings, gaRandom.nextLong())
          .run(line -> System.err.println(c.command() + " " + c.runId() + ": " + line))));
    } else {
      double[] trueAnswers = new double[queries.size()];
      for (int j = 0; j < trueAnswers.length; j++) {
        trueAnswers[j] = truth.counts()[j] / (double) n;
      }
      for (int t = 0; t < rounds; t++) {
        double[] syn = stats.answers();
        double[] scores = new double[m];
        boolean[] candidate = new boolean[m];
        for (int w = 0; w < m; w++) {
          candidate[w] = !measured[w];
          for (int j = queries.start(w); j < queries.start(w + 1); j++) {
            scores[w] = Math.max(scores[w], Math.abs(trueAnswers[j] - syn[j]));
          }
        }
        double rhoSelect = rho / (2.0 * rounds);
        accountant.charge("round " + (t + 1) + ": select " + perRound + " workload(s) by Gumbel noisy max", rhoSelect);
        List<Integer> chosen = GumbelSelection.topK(scores, candidate, perRound,
            GumbelSelection.scale(perRound, rhoSelect, n), noise);
        for (int w : chosen) {
          measure(w, rho / (2.0 * rounds * perRound), queries, truth, n, noisy, weight, measured, measurements,
              accountant, noise);
        }
        stats.reweight(noisy, weight);
        int round = t + 1;
        fits.add(c.phase("genetic algorithm, round " + round, () -> GeneticSynthesizer.of(stats, domain, settings,
            gaRandom.nextLong()).run(line -> System.err.println(c.command() + " " + c.runId() + " round " + round
                + ": " + line))));
      }
    }
    Dataset<Row> synthetic = decode(c, domain, schema, stats.data());
    c.write(synthetic, common.output, out);
    report(c, domain, queries, truth, n, noisy, measured, measurements, accountant, stats, fits, decision);
  }

  private static void measure(int w, double share, QuerySet queries, TrueAnswers.Counts truth, long n, double[] noisy,
      double[] weight, boolean[] measured, List<GaussianMeasurement> measurements, ZcdpAccountant accountant,
      RandomGenerator noise) {
    Workload wl = queries.workloads().get(w);
    GaussianMeasurement g = GaussianMeasurement.of(w, wl, share);
    accountant.charge("measure " + wl.name() + String.format(Locale.ROOT, " (sensitivity %.4g/n, sigma %.4g/n)",
        g.countSensitivity(), g.countSigma()), g.cost());
    g.measure(truth.counts(), n, queries.start(w), noisy, noise);
    Arrays.fill(weight, queries.start(w), queries.start(w + 1), 1.0);
    measured[w] = true;
    measurements.add(g);
  }

  private static void checkEncoded(TrueAnswers.Counts truth, Domain domain, String table) {
    if (truth.rows() == 0) {
      throw new InputException(table + " has no rows");
    }
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      if (truth.nulls()[c] > 0) {
        throw new InputException(table + " column '" + col.name + "' has " + truth.nulls()[c] + " null values; "
            + "declare it categorical with \"nullable\": true to synthesise nulls");
      }
      if (truth.nans()[c] > 0) {
        throw new InputException(table + " column '" + col.name + "' has " + truth.nans()[c] + " NaN values");
      }
      if (truth.undeclared()[c] > 0) {
        throw new InputException(table + " column '" + col.name + "' has " + truth.undeclared()[c] + " values "
            + "outside its declared categories; declare them or an \"overflow\" category in --domain");
      }
    }
  }

  /** The synthetic rows decoded to the input's values and types (categories by value, numerics unscaled). */
  static Dataset<Row> decode(JobContext c, Domain domain, StructType input, double[] data) {
    int d = domain.size();
    int n = data.length / d;
    StructType raw = new StructType();
    for (Domain.Column col : domain.columns()) {
      raw = raw.add(col.name, col.kind == Domain.Kind.NUMERIC ? DataTypes.DoubleType : DataTypes.StringType, true);
    }
    List<Row> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      Object[] v = new Object[d];
      for (int k = 0; k < d; k++) {
        Domain.Column col = domain.column(k);
        double x = data[r * d + k];
        if (col.kind == Domain.Kind.NUMERIC) {
          double value = col.unscale(x);
          v[k] = input.apply(col.name).dataType() instanceof IntegralType ? (double) Math.round(value) : value;
        } else {
          v[k] = col.decode((int) x);
        }
      }
      out.add(RowFactory.create(v));
    }
    Dataset<Row> df = c.spark().createDataFrame(out, raw);
    List<Column> cast = new ArrayList<>();
    for (Domain.Column col : domain.columns()) {
      StructField f = input.apply(col.name);
      cast.add(col("`" + col.name + "`").cast(f.dataType()).as(col.name));
    }
    return df.select(cast.toArray(new Column[0]));
  }

  /**
   * The noise generator's seed: 64 bits of SHA-256 over the secret, the dataset and the run, so every release of a
   * schedule that reuses one secret draws independent noise (identical noise in two releases would cancel in their
   * difference), and only a re-run of the same release repeats it.
   */
  private long noiseStream(String runId) {
    byte[] h = sha256(noiseSeed + "\u0000" + datasetId + "\u0000" + runId);
    long seed = 0;
    for (int i = 0; i < 8; i++) {
      seed = (seed << 8) | (h[i] & 0xff);
    }
    return seed;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A hash of every parameter that shapes the release (not where it is written), and of the noise seed. */
  private String fingerprint(JobContext ctx) {
    Map<String, String> p = new TreeMap<>(ctx.provenance().parameters());
    for (String k : List.of("output", "output-format", "write-mode", "report-dir", "config", "master", "run-id",
        "ledger", "budget-cap", "dry-run", "noise-seed", "threads")) {
      p.remove(k);
    }
    p.put("noise-seed", noiseSeed == null ? "secure-random" : HexFormat.of().formatHex(sha256(noiseSeed)));
    return HexFormat.of().formatHex(sha256(p.toString()));
  }

  private void report(JobContext c, Domain domain, QuerySet queries, TrueAnswers.Counts truth, long n,
      double[] noisy, boolean[] measured, List<GaussianMeasurement> measurements, ZcdpAccountant accountant,
      SyntheticStatistics stats, List<GeneticSynthesizer.Result> fits, BudgetLedger.Decision decision) {
    int d = domain.size();
    SplittableRandom baselineRandom = new SplittableRandom(common.seed ^ 0x6A09E667F3BCC909L);
    double[] independent = IndependentBaseline.rows(domain, queries, noisy, measured, rows, baselineRandom.split());
    double[] uniform = GeneticSynthesizer.uniformRows(domain, rows, baselineRandom.split());
    Map<String, double[]> methods = new LinkedHashMap<>();
    methods.put("Private-GSD", stats.answers());
    methods.put("independent marginals", answers(queries, independent, rows, d));
    methods.put("uniform", answers(queries, uniform, rows, d));
    List<List<Object>> table = new ArrayList<>();
    Map<String, Map<String, WorkloadErrors.Error>> vsNoisy = new LinkedHashMap<>();
    methods.forEach((name, a) -> vsNoisy.put(name, WorkloadErrors.of(queries, a, noisy, measured)));
    addRows(table, vsNoisy, "noisy answers (measured workloads)");
    Map<String, Map<String, WorkloadErrors.Error>> vsTrue = new LinkedHashMap<>();
    if (nonPrivateEvaluation) {
      double[] trueAnswers = new double[queries.size()];
      for (int j = 0; j < trueAnswers.length; j++) {
        trueAnswers[j] = truth.counts()[j] / (double) n;
      }
      boolean[] all = new boolean[queries.workloads().size()];
      Arrays.fill(all, true);
      methods.forEach((name, a) -> vsTrue.put(name, WorkloadErrors.of(queries, a, trueAnswers, all)));
      addRows(table, vsTrue, "TRUE answers, all workloads (NOT PRIVATE)");
    }
    c.report().table("Workload error (max = l-infinity, mean = average absolute error per query)",
        List.of("against", "method", "query class", "queries", "max error", "mean error"), table);
    Map<String, double[]> perKind = new LinkedHashMap<>();
    for (GaussianMeasurement g : measurements) {
      String kind = queries.workloads().get(g.workload()).kind();
      double[] a = perKind.computeIfAbsent(kind, k -> new double[4]);
      a[0]++;
      a[1] += g.cost();
      a[2] = g.answerSigma(n);
      a[3] = g.countSensitivity();
    }
    List<List<Object>> budget = new ArrayList<>();
    perKind.forEach((kind, a) -> budget.add(List.of("measure " + (long) a[0] + " " + kind + " workload(s)",
        fmt(a[1]), "sensitivity " + fmt(a[3]) + "/n, sigma " + fmt(a[2]) + " per answer")));
    double selection = accountant.charges().stream().filter(ch -> ch.label().contains("select"))
        .mapToDouble(ZcdpAccountant.Charge::rho).sum();
    if (selection > 0) {
      budget.add(List.of("adaptive selection (" + rounds + " rounds)", fmt(selection), "Gumbel noisy max"));
    }
    budget.add(List.of("total spent", fmt(accountant.spent()), "of budget rho " + fmt(rho) + " = (" + epsilon + ", "
        + delta + ")-DP"));
    c.report().table("Privacy budget (zCDP, composed by addition)", List.of("item", "rho", "detail"), budget);
    GeneticSynthesizer.Result last = fits.get(fits.size() - 1);
    SvgPlot plot = SvgPlot.xy("Fitness (squared L2 to noisy answers) over generations", "generation", "fitness")
        .logY();
    for (int i = 0; i < fits.size(); i++) {
      GeneticSynthesizer.Result f = fits.get(i);
      if (fits.size() <= 6 || i == fits.size() - 1 || i % Math.max(1, fits.size() / 5) == 0) {
        plot.line(fits.size() == 1 ? "Private-GSD" : "round " + (i + 1), f.historyGenerations(),
            positive(f.historyFitness()));
      }
    }
    c.report().plot(plot);
    List<String> labels = new ArrayList<>(vsNoisy.keySet());
    double[] means = labels.stream().mapToDouble(k -> vsNoisy.get(k).get("all").mean()).toArray();
    c.report().plot(SvgPlot.bars("Mean absolute error against the noisy answers", "mean error", labels, means));
    long gens = fits.stream().mapToLong(GeneticSynthesizer.Result::generations).sum();
    long evals = fits.stream().mapToLong(GeneticSynthesizer.Result::childEvaluations).sum();
    double secs = fits.stream().mapToDouble(GeneticSynthesizer.Result::seconds).sum();
    c.report().metric("epsilon", epsilon).metric("delta", delta).metric("rho", rho)
        .metric("rho_spent", accountant.spent()).metric("dataset_id", datasetId)
        .metric("dataset_rho_total", decision.priorRho() + rho)
        .metric("dataset_epsilon_total_at_delta", ZcdpAccountant.epsilon(decision.priorRho() + rho, delta))
        .metric("ledger_replay", decision.replay()).metric("mode", mode).metric("workloads", queries.workloads().size())
        .metric("workloads_measured", measurements.size()).metric("queries", queries.size())
        .metric("synthetic_rows", rows).metric("generations", gens).metric("child_evaluations", evals)
        .metric("child_evaluations_per_second", secs > 0 ? evals / secs : 0).metric("fitness", last.fitness())
        .metric("stalled", last.stalled()).metric("noise", noiseSeed != null ? "seeded (--noise-seed)" : "SecureRandom")
        .metric("error_vs_noisy", errorMap(vsNoisy));
    if (nonPrivateEvaluation) {
      c.report().metric("error_vs_true_NOT_PRIVATE", errorMap(vsTrue));
      c.report().note("--non-private-evaluation: the errors against TRUE answers are computed from the private data "
          + "without noise. They are for evaluating the method and must not be released.");
    }
    c.report().note("The independent-marginals baseline draws each column from a 1-way marginal summed out of the "
        + "same noisy answers, so it costs no extra privacy; uniform draws every cell uniformly from the domain.");
    c.report().note("n = " + n + " rows is public under replace-one neighbours (it scales the sensitivity).");
    spec.commandLine().getOut().printf(Locale.ROOT, "synthesised %d rows into %s: rho %.6g (epsilon %s, delta %s), "
        + "%d workloads measured, %d generations, mean error to noisy answers %.4g%n", rows, common.output,
        accountant.spent(), epsilon, delta, measurements.size(), gens, vsNoisy.get("Private-GSD").get("all").mean());
  }

  private static double[] positive(double[] v) {
    return Arrays.stream(v).map(x -> Math.max(x, 1e-12)).toArray();
  }

  private static Map<String, Object> errorMap(Map<String, Map<String, WorkloadErrors.Error>> errors) {
    Map<String, Object> m = new LinkedHashMap<>();
    errors.forEach((method, byKind) -> {
      Map<String, Object> k = new LinkedHashMap<>();
      byKind.forEach((kind, e) -> k.put(kind, Map.of("max", e.max(), "mean", e.mean(), "queries", e.queries())));
      m.put(method, k);
    });
    return m;
  }

  private static void addRows(List<List<Object>> table, Map<String, Map<String, WorkloadErrors.Error>> errors,
      String against) {
    errors.forEach((method, byKind) -> byKind.forEach((kind, e) -> table.add(List.of(against, method, kind,
        e.queries(), fmt(e.max()), fmt(e.mean())))));
  }

  static double[] answers(QuerySet q, double[] data, int rows, int d) {
    long[] counts = new long[q.size()];
    q.count(data, rows, d, counts);
    double[] a = new double[counts.length];
    for (int j = 0; j < a.length; j++) {
      a[j] = counts[j] / (double) rows;
    }
    return a;
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
