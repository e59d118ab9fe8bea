package org.samplingprivacy.jobs.sdim;

import java.util.Iterator;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code target-attention-features}: the baselines SDIM approximates, over the same behaviours and
 * the same point-in-time sweep: exact softmax target attention TA(q, S) = Σ_j softmax_j(cos(q,
 * s_j)/t)·s_j over every behaviour before the impression (the last L with {@code --max-length}; the
 * paper's DIN on the long sequence), and mean pooling of the last {@code --pool-length} behaviours
 * (20 by default). Costs O(L·d) per impression.
 */
@Command(
    name = "target-attention-features",
    description =
        "Exact target attention and last-N mean pooling per "
            + "impression (baselines for sdim-features).")
public final class TargetAttentionFeaturesCommand extends SweepCommand {
  @Option(
      names = "--temperature",
      paramLabel = "T",
      defaultValue = "0.5",
      description =
          "Softmax temperature on cosine similarity (0.5: the paper's Fig. 2 comparison).")
  double temperature;

  @Option(
      names = "--pool-length",
      paramLabel = "N",
      defaultValue = "20",
      description = "Behaviours mean-pooled.")
  int poolLength;

  @Override
  void validateFeatureParameters() {
    Params.requireInRange("--temperature", temperature, 1e-6, 1e6);
    Params.requireInRange("--pool-length", poolLength, 1, 1_000_000);
  }

  @Override
  TableContract contract() {
    return SdimTables.TARGET_ATTENTION;
  }

  @Override
  boolean keepSums() {
    return false;
  }

  @Override
  boolean keepHistory() {
    return true;
  }

  @Override
  FeatureFunction featureFunction() {
    double t = temperature;
    int pool = poolLength;
    return (state, q, sig) -> features(state, q, t, pool);
  }

  static Object[] features(UserState state, double[] q, double temperature, int poolLength) {
    int d = q.length;
    double qn = norm(q);
    double[] ta = new double[d];
    double max = Double.NEGATIVE_INFINITY;
    for (UserState.Behaviour b : state.history()) {
      max = Math.max(max, score(q, qn, b.embedding(), temperature));
    }
    double z = 0;
    for (UserState.Behaviour b : state.history()) {
      double w = Math.exp(score(q, qn, b.embedding(), temperature) - max);
      z += w;
      double[] s = b.embedding();
      for (int a = 0; a < d; a++) {
        ta[a] += w * s[a];
      }
    }
    if (z > 0) {
      for (int a = 0; a < d; a++) {
        ta[a] /= z;
      }
    }
    double[] mean = new double[d];
    int n = 0;
    for (Iterator<UserState.Behaviour> it = state.newestFirst();
        it.hasNext() && n < poolLength;
        n++) {
      double[] s = it.next().embedding();
      for (int a = 0; a < d; a++) {
        mean[a] += s[a];
      }
    }
    if (n > 0) {
      for (int a = 0; a < d; a++) {
        mean[a] /= n;
      }
    }
    return new Object[] {ta, mean};
  }

  private static double score(double[] q, double qn, double[] s, double temperature) {
    double dot = 0;
    for (int a = 0; a < q.length; a++) {
      dot += q[a] * s[a];
    }
    double sn = norm(s);
    return qn > 0 && sn > 0 ? dot / (qn * sn) / temperature : 0;
  }

  private static double norm(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v * v;
    }
    return Math.sqrt(s);
  }
}
