package org.samplingprivacy.jobs.ambient;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.samplingprivacy.jobs.report.Numbers;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.Params;

/**
 * The mixes of a study: every size × clean fraction × σ (one all-clean mix per size, whatever σ).
 * Counts are exact: n_clean = round(f·N), n_noisy = N − n_clean (the coupled design,
 * docs/design/ambient-study.md §2).
 */
public record MixGrid(List<Integer> sizes, List<Double> fractions, List<Double> sigmas)
    implements Serializable {
  /** One mix. */
  public record Mix(String id, int size, double cleanFraction, double sigma, int nClean, int nNoisy)
      implements Serializable {}

  public static MixGrid parse(String sizes, String fractions, String sigmas) {
    TreeSet<Integer> n = new TreeSet<>();
    for (String s : Params.requireList("--sizes", sizes)) {
      try {
        n.add((int) Params.requireInRange("--sizes", Long.parseLong(s), 1, 100_000_000));
      } catch (NumberFormatException e) {
        throw new InputException("--sizes: '" + s + "' is not an integer");
      }
    }
    return new MixGrid(
        List.copyOf(n),
        numbers("--clean-fraction", fractions, 0, 1),
        numbers("--sigma", sigmas, 0, 1e6));
  }

  private static List<Double> numbers(String option, String list, double lo, double hi) {
    TreeSet<Double> out = new TreeSet<>();
    for (String s : Params.requireList(option, list)) {
      try {
        double v = Double.parseDouble(s);
        if (!(v >= lo && v <= hi)) {
          throw new InputException(
              option
                  + " values must be in ["
                  + Numbers.exact(lo)
                  + ", "
                  + Numbers.exact(hi)
                  + "], got "
                  + s);
        }
        out.add(v);
      } catch (NumberFormatException e) {
        throw new InputException(option + ": '" + s + "' is not a number");
      }
    }
    return List.copyOf(out);
  }

  public List<Mix> mixes() {
    List<Mix> out = new ArrayList<>();
    for (int n : sizes) {
      for (double f : fractions) {
        int clean = (int) Math.round(f * n);
        if (clean == n) {
          out.add(new Mix(String.format(Locale.ROOT, "n%d_clean", n), n, 1.0, 0, n, 0));
          continue;
        }
        for (double s : sigmas) {
          out.add(
              new Mix(
                  String.format(Locale.ROOT, "n%d_f%s_s%s", n, Numbers.exact(f), Numbers.exact(s)),
                  n,
                  f,
                  s,
                  clean,
                  n - clean));
        }
      }
    }
    return out.stream().distinct().toList();
  }
}
