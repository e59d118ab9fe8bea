package org.samplingprivacy.jobs.epsilon;

/**
 * The outcome of a membership-inference attack on P members and N non-members: TP, FN (members
 * guessed in / out), TN, FP (non-members guessed out / in).
 */
public record AttackCounts(long tp, long fn, long tn, long fp) implements java.io.Serializable {
  public AttackCounts {
    if (tp < 0 || fn < 0 || tn < 0 || fp < 0) {
      throw new IllegalArgumentException("counts must be >= 0, got " + this);
    }
  }

  public long members() {
    return tp + fn;
  }

  public long nonMembers() {
    return tn + fp;
  }

  /** Plug-in false positive rate FP/N. */
  public double fpr() {
    return (double) fp / nonMembers();
  }

  /** Plug-in false negative rate FN/P. */
  public double fnr() {
    return (double) fn / members();
  }

  /** The same attack with FPR and FNR exchanged (FN with FP, TN with TP). */
  public AttackCounts swapRates() {
    return new AttackCounts(tn, fp, tp, fn);
  }

  /** The attack with every guess flipped (FN with TP, FP with TN). */
  public AttackCounts flipGuesses() {
    return new AttackCounts(fn, tp, fp, tn);
  }

  /** Every count multiplied by {@code k} (same rates, k times the challenges). */
  public AttackCounts times(long k) {
    return new AttackCounts(tp * k, fn * k, tn * k, fp * k);
  }
}
