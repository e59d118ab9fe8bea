package org.samplingprivacy.jobs.sdim;

/**
 * The SDIM user-interest vector of a candidate (Cao et al. 2022, eqs. 9–12): for each signature i
 * the sum of the behaviours sharing the candidate's bucket, normalised, then the mean over all K
 * signatures (an empty bucket contributes a zero vector and still counts, as in the paper and
 * FuxiCTR). Normalisation: {@code l2} (the paper's ℓ2 per signature), {@code mean} (sum ÷ collision
 * count) or {@code none} (the raw sum: an unbiased estimate of Σ_j (1 − θ_j/π)^τ s_j,
 * docs/design/sdim.md §1.4).
 */
final class SdimFeature {
  private SdimFeature() {}

  static double[] of(UserState state, int[] candidateSignatures, int dim, String normalize) {
    double[] out = new double[dim];
    int k = candidateSignatures.length;
    for (int i = 0; i < k; i++) {
      double[] s = state.sum(i, candidateSignatures[i]);
      if (s == null || state.count(i, candidateSignatures[i]) == 0) {
        continue; // an empty bucket (a window may have emptied it, leaving only rounding residue)
      }
      double scale;
      switch (normalize) {
        case "l2" -> {
          double n = 0;
          for (double v : s) {
            n += v * v;
          }
          scale = n > 1e-300 ? 1 / Math.sqrt(n) : 0;
        }
        case "mean" -> {
          long c = state.count(i, candidateSignatures[i]);
          scale = c > 0 ? 1.0 / c : 0;
        }
        default -> scale = 1;
      }
      for (int a = 0; a < dim; a++) {
        out[a] += s[a] * scale / k;
      }
    }
    return out;
  }
}
