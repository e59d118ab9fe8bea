package org.samplingprivacy.jobs.gsd;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * Parses {@code --workload}: comma-separated items, or {@code @file} with one item per line ({@code
 * #} comments).
 *
 * <ul>
 *   <li>{@code marginals:K} all K-way marginals (K = 1..3) over the synthesised columns, numeric
 *       columns in their declared bins; {@code marginals:K:a+b+c} over the named columns only;
 *   <li>{@code range:COL} equal-width bins of a numeric column at resolutions 2, 4, 8, 16, 32 (one
 *       workload, as Private-GSD's range marginals); {@code range:COL|CAT} the same within each
 *       category of CAT;
 *   <li>{@code prefix:M} M random two-column prefix workloads 1[x_a &lt; τ_a]·1[x_b &lt; τ_b], each
 *       conditioned on the categories of a random categorical column when there is one;
 *   <li>{@code halfspace:M} M random halfspace workloads 1[⟨θ, x⟩ &gt; b], θ ~ N(0, I/d), b ~ N(0,
 *       1), conditioned likewise.
 * </ul>
 *
 * Random queries are drawn from the seed: they are public, chosen without looking at the data.
 */
final class WorkloadSpec {
  /** The resolutions of range workloads (docs/design/private-gsd.md). */
  static final int[] RESOLUTIONS = {2, 4, 8, 16, 32};

  /** Upper limit on the total number of queries: the executors hold one count per query. */
  public static final long MAX_QUERIES = 5_000_000;

  private WorkloadSpec() {}

  public static List<Workload> parse(String spec, Domain domain, long seed) {
    List<String> items = new ArrayList<>();
    if (spec.startsWith("@")) {
      try {
        for (String line : Domain.readText(spec.substring(1)).split("\n")) {
          String l = line.replaceFirst("#.*", "").trim();
          if (!l.isEmpty()) {
            items.add(l);
          }
        }
      } catch (IOException e) {
        throw new InputException(
            "--workload " + spec + ": cannot read the workload file: " + e.getMessage(), e);
      }
    } else {
      for (String s : spec.split(",")) {
        if (!s.isBlank()) {
          items.add(s.trim());
        }
      }
    }
    if (items.isEmpty()) {
      throw new InputException("--workload is empty");
    }
    SplittableRandom rng = new SplittableRandom(seed ^ 0x9E3779B97F4A7C15L);
    List<Workload> out = new ArrayList<>();
    for (String item : items) {
      out.addAll(item(item, domain, rng));
    }
    long q = out.stream().mapToLong(Workload::size).sum();
    if (q > MAX_QUERIES) {
      throw new InputException(
          "--workload has "
              + q
              + " queries, more than "
              + MAX_QUERIES
              + ": choose fewer columns or coarser bins");
    }
    return out;
  }

  private static List<Workload> item(String item, Domain domain, SplittableRandom rng) {
    String[] p = item.split(":", 3);
    String at = "--workload item '" + item + "'";
    return switch (p[0]) {
      case "marginals" -> marginals(p, domain, at);
      case "range" -> range(p, domain, at);
      case "prefix", "halfspace" -> random(p, domain, at, rng);
      default ->
          throw new InputException(
              at
                  + ": unknown kind '"
                  + p[0]
                  + "' (use marginals:K[:a+b], range:COL[|CAT], prefix:M, halfspace:M)");
    };
  }

  private static List<Workload> marginals(String[] p, Domain domain, String at) {
    int k = integer(p, 1, at, 1, 3);
    List<Integer> cols = new ArrayList<>();
    if (p.length > 2) {
      for (String name : p[2].split("\\+")) {
        int c = column(domain, name.trim(), at);
        if (cols.contains(c)) {
          throw new InputException(at + ": column '" + name + "' named twice");
        }
        cols.add(c);
      }
    } else {
      for (int c = 0; c < domain.size(); c++) {
        cols.add(c);
      }
    }
    if (cols.size() < k) {
      throw new InputException(
          at + ": " + k + "-way marginals need at least " + k + " columns, got " + cols.size());
    }
    List<Workload> out = new ArrayList<>();
    combinations(
        cols,
        k,
        0,
        new ArrayList<>(),
        subset -> {
          int[] c = subset.stream().mapToInt(Integer::intValue).toArray();
          int[] sizes = new int[c.length];
          boolean[] numeric = new boolean[c.length];
          List<String> names = new ArrayList<>();
          long cells = 1;
          for (int i = 0; i < c.length; i++) {
            Domain.Column col = domain.column(c[i]);
            sizes[i] = col.size();
            numeric[i] = col.kind == Domain.Kind.NUMERIC;
            names.add(col.name);
            cells *= sizes[i];
          }
          if (cells > MAX_QUERIES) {
            throw new InputException(
                at + ": the marginal over " + names + " has " + cells + " cells");
          }
          out.add(
              new Workload(
                  "marginal(" + String.join(",", names) + ")",
                  "marginal-" + k,
                  List.of(new Cells.Marginal(c, sizes, numeric))));
        });
    return out;
  }

  private static List<Workload> range(String[] p, Domain domain, String at) {
    if (p.length != 2 || p[1].isBlank()) {
      throw new InputException(at + ": expected range:COL or range:COL|CAT");
    }
    String[] cc = p[1].split("\\|", 2);
    int c = column(domain, cc[0].trim(), at);
    if (domain.column(c).kind != Domain.Kind.NUMERIC) {
      throw new InputException(at + ": column '" + cc[0] + "' is not numeric in --domain");
    }
    int cond = -1;
    int condSize = 0;
    if (cc.length > 1) {
      cond = column(domain, cc[1].trim(), at);
      if (domain.column(cond).kind != Domain.Kind.CATEGORICAL) {
        throw new InputException(at + ": column '" + cc[1] + "' is not categorical in --domain");
      }
      condSize = domain.column(cond).size();
    }
    List<Cells> parts = new ArrayList<>();
    for (int r : RESOLUTIONS) {
      parts.add(new Cells.Range(c, r, cond, condSize));
    }
    return List.of(new Workload("range(" + p[1] + ")", "range", parts));
  }

  private static List<Workload> random(String[] p, Domain domain, String at, SplittableRandom rng) {
    int m = integer(p, 1, at, 1, 1_000_000);
    List<Integer> num = new ArrayList<>();
    List<Integer> cat = new ArrayList<>();
    for (int c = 0; c < domain.size(); c++) {
      (domain.column(c).kind == Domain.Kind.NUMERIC ? num : cat).add(c);
    }
    if (num.isEmpty()) {
      throw new InputException(at + ": needs at least one numeric column in --domain");
    }
    List<Workload> out = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      int cond = cat.isEmpty() ? -1 : cat.get(rng.nextInt(cat.size()));
      int condSize = cond < 0 ? 0 : domain.column(cond).size();
      String condName = cond < 0 ? "" : "|" + domain.column(cond).name;
      if (p[0].equals("prefix")) {
        int a = num.get(rng.nextInt(num.size()));
        int b = num.get(rng.nextInt(num.size()));
        double ta = rng.nextDouble();
        double tb = rng.nextDouble();
        out.add(
            new Workload(
                "prefix("
                    + domain.column(a).name
                    + ","
                    + domain.column(b).name
                    + condName
                    + ")#"
                    + i,
                "prefix",
                List.of(new Cells.Prefix(a, b, ta, tb, cond, condSize))));
      } else {
        int[] cols = num.stream().mapToInt(Integer::intValue).toArray();
        double[] theta = new double[cols.length];
        for (int j = 0; j < theta.length; j++) {
          theta[j] = gaussian(rng) / Math.sqrt(cols.length);
        }
        out.add(
            new Workload(
                "halfspace" + condName + "#" + i,
                "halfspace",
                List.of(new Cells.Halfspace(cols, theta, gaussian(rng), cond, condSize))));
      }
    }
    return out;
  }

  static double gaussian(SplittableRandom rng) {
    double u = rng.nextDouble();
    double v = rng.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }

  private static int column(Domain domain, String name, String at) {
    int c = domain.indexOf(name);
    if (c < 0) {
      throw new InputException(
          at + ": column '" + name + "' is not among the synthesised columns of --domain");
    }
    return c;
  }

  private static int integer(String[] p, int i, String at, int lo, int hi) {
    try {
      int v = Integer.parseInt(p.length > i ? p[i].trim() : "");
      if (v < lo || v > hi) {
        throw new InputException(at + ": " + v + " is outside " + lo + ".." + hi);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new InputException(at + ": expected an integer after '" + p[0] + ":'");
    }
  }

  private static void combinations(
      List<Integer> cols,
      int k,
      int from,
      List<Integer> acc,
      java.util.function.Consumer<List<Integer>> sink) {
    if (acc.size() == k) {
      sink.accept(List.copyOf(acc));
      return;
    }
    for (int i = from; i < cols.size(); i++) {
      acc.add(cols.get(i));
      combinations(cols, k, i + 1, acc, sink);
      acc.remove(acc.size() - 1);
    }
  }
}
