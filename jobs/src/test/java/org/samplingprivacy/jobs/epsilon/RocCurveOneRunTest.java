package org.samplingprivacy.jobs.epsilon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.commons.statistics.distribution.NormalDistribution;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.privacy.ZcdpConversion;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * ROC summaries, ε(δ) curves, claimed curves and the one-run f-DP bound against brute force and
 * closed forms.
 */
class RocCurveOneRunTest {
  private static final NormalDistribution PHI = NormalDistribution.of(0, 1);

  /**
   * Histogram over every distinct score (as the job's grid for a small table): bin j = #thresholds
   * ≤ score.
   */
  private static RocSummary summary(
      double[] members, double[] nonMembers, double[] targets, double alpha) {
    TreeSet<Double> distinct = new TreeSet<>();
    for (double s : members) {
      distinct.add(s);
    }
    for (double s : nonMembers) {
      distinct.add(s);
    }
    Double[] grid = distinct.toArray(new Double[0]);
    long[][] h = new long[2][grid.length + 1];
    for (double s : members) {
      h[1][count(grid, s)]++;
    }
    for (double s : nonMembers) {
      h[0][count(grid, s)]++;
    }
    return RocSummary.fromHistogram(h, grid, targets, alpha);
  }

  private static int count(Double[] grid, double s) {
    int c = 0;
    for (Double t : grid) {
      c += t <= s ? 1 : 0;
    }
    return c;
  }

  @Test
  void aurocDelongVarianceAndTprAtFprEqualBruteForceWithTies() {
    Random r = new Random(7);
    double[] in = new double[120];
    double[] out = new double[150];
    for (int i = 0; i < in.length; i++) {
      in[i] = Math.round((r.nextGaussian() + 1) * 4) / 4.0; // coarse: many ties
    }
    for (int i = 0; i < out.length; i++) {
      out[i] = Math.round(r.nextGaussian() * 4) / 4.0;
    }
    double[] targets = {0.01, 0.1, 0.3};
    RocSummary s = summary(in, out, targets, 0.05);
    // Brute force: Mann–Whitney over all pairs, ties ½; DeLong from per-observation placements.
    double[] v10 = new double[in.length];
    double[] v01 = new double[out.length];
    double auc = 0;
    for (int i = 0; i < in.length; i++) {
      for (int j = 0; j < out.length; j++) {
        double k = in[i] > out[j] ? 1 : in[i] == out[j] ? 0.5 : 0;
        auc += k;
        v10[i] += k / out.length;
        v01[j] += k / in.length;
      }
    }
    auc /= (double) in.length * out.length;
    assertEquals(auc, s.auroc(), 1e-12);
    double s10 = 0;
    double s01 = 0;
    for (double v : v10) {
      s10 += (v - auc) * (v - auc) / (in.length - 1);
    }
    for (double v : v01) {
      s01 += (v - auc) * (v - auc) / (out.length - 1);
    }
    double se = Math.sqrt(s10 / in.length + s01 / out.length);
    double z = PHI.inverseSurvivalProbability(0.025);
    assertEquals(auc - z * se, s.aurocLo(), 1e-12);
    assertEquals(Math.min(1, auc + z * se), s.aurocHi(), 1e-12);
    // TPR at FPR: the greatest TPR over thresholds "score >= t" whose FPR is at most the target.
    TreeSet<Double> thresholds = new TreeSet<>();
    for (double v : in) {
      thresholds.add(v);
    }
    for (double v : out) {
      thresholds.add(v);
    }
    for (int k = 0; k < targets.length; k++) {
      double bestTpr = 0;
      for (double t : thresholds) {
        long fp = java.util.Arrays.stream(out).filter(v -> v >= t).count();
        long tp = java.util.Arrays.stream(in).filter(v -> v >= t).count();
        if ((double) fp / out.length <= targets[k]) {
          bestTpr = Math.max(bestTpr, (double) tp / in.length);
        }
      }
      RocSummary.TprAtFpr got = s.tprAtFpr().get(k);
      assertEquals(bestTpr, got.tpr(), 1e-15, "target " + targets[k]);
      assertTrue(got.fpr() <= targets[k]);
      long tp = Math.round(bestTpr * in.length);
      assertEquals(ClopperPearson.lower(tp, in.length, 0.025), got.tprLo(), 1e-15);
      assertEquals(ClopperPearson.upper(tp, in.length, 0.025), got.tprHi(), 1e-15);
    }
    // Nested ROC points (as a counts table gives them) rebuild the same histogram.
    List<RocSummary.RocPoint> pts = new ArrayList<>();
    for (double t : thresholds) {
      pts.add(
          new RocSummary.RocPoint(
              t,
              java.util.Arrays.stream(in).filter(v -> v >= t).count(),
              java.util.Arrays.stream(out).filter(v -> v >= t).count()));
    }
    RocSummary fromPoints = RocSummary.fromPoints(pts, in.length, out.length, targets, 0.05, false);
    assertEquals(s.auroc(), fromPoints.auroc(), 1e-15);
    assertEquals(s.aurocLo(), fromPoints.aurocLo(), 1e-15);
    assertEquals("delong", fromPoints.aurocMethod());
  }

  @Test
  void delongIntervalCoversTheBinormalAurocAtTheNominalRate() {
    // Binormal scores N(1, 1) vs N(0, 1): AUROC = Φ(1/√2). 400 seeded repetitions of 150 + 150
    // scores.
    double truth = PHI.cumulativeProbability(1 / Math.sqrt(2));
    Random r = new Random(11);
    int reps = 400;
    int covered = 0;
    for (int rep = 0; rep < reps; rep++) {
      double[] in = new double[150];
      double[] out = new double[150];
      for (int i = 0; i < 150; i++) {
        in[i] = r.nextGaussian() + 1;
        out[i] = r.nextGaussian();
      }
      RocSummary s = summary(in, out, new double[] {0.01}, 0.05);
      covered += s.aurocLo() <= truth && truth <= s.aurocHi() ? 1 : 0;
    }
    double se = Math.sqrt(0.95 * 0.05 / reps);
    assertEquals(0.95, (double) covered / reps, 5 * se, "coverage " + covered + "/" + reps);
  }

  @Test
  void claimedCurvesEqualTheirClosedForms() {
    double[] deltas = EpsilonCurve.logGrid(1e-10, 0.1, 25);
    EpsilonCurve.Claim gdp = EpsilonCurve.Claim.mu(1.3);
    for (double d : deltas) {
      double e = gdp.epsilon(d);
      double closed =
          PHI.cumulativeProbability(-e / 1.3 + 0.65)
              - Math.exp(e) * PHI.cumulativeProbability(-e / 1.3 - 0.65);
      assertEquals(d, closed, 1e-12, "GDP at delta " + d);
    }
    EpsilonCurve.Claim z = EpsilonCurve.Claim.rho(0.5);
    for (double d : deltas) {
      assertEquals(ZcdpConversion.epsilon(0.5, d), z.epsilon(d), 0);
    }
    // (eps0, delta0): eps0 at delta0; +inf below; decreasing above; the corner of R(eps0, delta0)
    // on R(eps(d), d).
    EpsilonCurve.Claim c = EpsilonCurve.Claim.epsilonDelta(2, 1e-5);
    assertEquals(2, c.epsilon(1e-5), 1e-12);
    assertEquals(Double.POSITIVE_INFINITY, c.epsilon(1e-6));
    double corner = (1 - 1e-5) / (1 + Math.exp(2));
    double previous = Double.POSITIVE_INFINITY;
    for (double d : new double[] {1e-5, 1e-3, 0.05, 0.2, 0.5}) {
      double e = c.epsilon(d);
      assertTrue(e <= previous);
      previous = e;
      if (e > 0) {
        assertEquals(1 - d, corner * (1 + Math.exp(e)), 1e-12, "corner on the boundary at " + d);
      }
      assertEquals(
          e, PrivacyRegion.epsilon(corner, corner, d), 1e-9, "the corner's own epsilon at " + d);
    }
  }

  @Test
  void curvePointsEqualSingleDeltaQuantilesAndGridsParse() {
    AttackCounts counts = new AttackCounts(900, 100, 950, 50);
    double[] deltas = EpsilonCurve.parseGrid("--delta-grid", "1e-8:0.1:12");
    assertEquals(12, deltas.length);
    assertEquals(1e-8, deltas[0], 1e-20);
    assertEquals(0.1, deltas[11], 0);
    List<EpsilonCurve.Point> curve = EpsilonCurve.bayes(counts, 0.5, 0.05, deltas);
    double previous = Double.POSITIVE_INFINITY;
    for (EpsilonCurve.Point p : curve) {
      EpsilonPosterior single = EpsilonPosterior.of(counts, 0.5, p.delta());
      assertEquals(single.quantile(0.05), p.lowerBound(), 1e-9);
      assertEquals(single.quantile(0.025), p.lo(), 1e-9);
      assertEquals(single.quantile(0.975), p.hi(), 1e-9);
      assertEquals(ClopperPearson.lowerBound(counts, 0.05, p.delta()), p.cpLowerBound(), 0);
      assertTrue(p.lowerBound() <= previous + 1e-9, "non-increasing in delta");
      previous = p.lowerBound();
    }
    assertEquals(
        List.of(0.0, 1e-5, 0.01),
        java.util.Arrays.stream(EpsilonCurve.parseGrid("--delta-grid", "0.01, 0,1e-5"))
            .boxed()
            .toList());
    assertThrows(InputException.class, () -> EpsilonCurve.parseGrid("--delta-grid", "0:0.1:10"));
    assertThrows(InputException.class, () -> EpsilonCurve.parseGrid("--delta-grid", "1e-5:0.1:1"));
    assertThrows(InputException.class, () -> EpsilonCurve.parseGrid("--delta-grid", "0.5,1"));
    assertThrows(InputException.class, () -> EpsilonCurve.parseGrid("--delta-grid", "x"));
  }

  @Test
  void gdpBoundsSeeReverseSeparatedAttacksAndNotNullOnes() {
    // The reversed attack (every guess flipped) is as strong as the original: both directions are
    // searched, so the
    // bound is the same (the abs(mu) shortcut on confidence bounds reported 0 here, or a large mu
    // on null data).
    AttackCounts strong = new AttackCounts(990, 10, 995, 5);
    AttackCounts reversed = strong.flipGuesses();
    double mu = GaussianDp.cpLowerBound(strong, 0.05);
    assertTrue(mu > 3, "strong attack " + mu);
    assertEquals(mu, GaussianDp.cpLowerBound(reversed, 0.05), 1e-12);
    assertEquals(
        new GaussianDp.Posterior(strong, 0.5).quantile(0.05),
        new GaussianDp.Posterior(reversed, 0.5).quantile(0.05),
        1e-7);
    // Null attack: rates at 1/2 give no evidence in either direction.
    assertEquals(0, GaussianDp.cpLowerBound(new AttackCounts(500, 500, 500, 500), 0.05), 0);
  }

  @Test
  void oneRunFdpBoundIsValidForGaussianCanariesAndTighterThanTheEpsilonBound() {
    // m canaries each included with probability 1/2 in a mu-GDP mechanism (score ~ N(mu * included,
    // 1)); the
    // attacker guesses "included" iff score >= mu / 2. The true epsilon at delta is the GDP
    // conversion: the f-DP
    // bound must stay below it in at least 1 - alpha of the runs (here: all 60), and it is tighter
    // than the
    // epsilon-DP bound of Steinke et al. on average (the point of Mahloujifar et al.).
    double mu = 2;
    double delta = 1e-5;
    int m = 1000;
    double truth = GaussianDp.epsilon(mu, delta);
    Random r = new Random(5);
    int reps = 60;
    int above = 0;
    double sumFdp = 0;
    double sumEps = 0;
    for (int rep = 0; rep < reps; rep++) {
      int correct = 0;
      for (int i = 0; i < m; i++) {
        boolean in = r.nextBoolean();
        boolean guess = r.nextGaussian() + (in ? mu : 0) >= mu / 2;
        correct += guess == in ? 1 : 0;
      }
      double fdp = OneRunAudit.fdpLowerBound(m, m, correct, delta, 0.05);
      above += fdp > truth ? 1 : 0;
      sumFdp += fdp;
      sumEps += OneRunAudit.lowerBound(m, m, correct, delta, 0.05);
    }
    assertTrue(
        above <= reps * 0.05 + 4 * Math.sqrt(reps * 0.05 * 0.95), "above the truth " + above);
    assertTrue(sumFdp > 1.3 * sumEps, "f-DP " + sumFdp / reps + " vs eps-DP " + sumEps / reps);
    // Chance-level guessing rejects nothing.
    assertEquals(0, OneRunAudit.fdpLowerBound(m, m, m / 2, delta, 0.05));
    // More correct guesses never lower the bound.
    double previous = 0;
    for (int c = 600; c <= 1000; c += 100) {
      double b = OneRunAudit.fdpLowerBound(m, m, c, delta, 0.05);
      assertTrue(b >= previous, c + ": " + b);
      previous = b;
    }
  }
}
