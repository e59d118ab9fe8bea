package org.samplingprivacy.jobs.sdim;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * One user's behaviour history as a time-ordered sweep reaches it: the SDIM bucket sums (per
 * signature and bucket, the sum of member behaviours' embeddings and their count, the BSE state of
 * the paper's §3.4) and, when a window of the last L behaviours is kept or target attention needs
 * them, the behaviours themselves. Bucket sums are linear, so a behaviour leaving the window is
 * subtracted.
 */
final class UserState {
  /**
   * One behaviour: embedding, signatures and the number of buckets per signature (2^bits, or 0 if
   * unknown or too large for the dense layout).
   */
  record Behaviour(double[] embedding, int[] signatures, int bucketSpace, double time) {
    Behaviour(double[] embedding, int[] signatures) {
      this(embedding, signatures, 0, 0);
    }
  }

  private final int maxLength;
  private final boolean expires;
  private final boolean keepSums;
  private final boolean keepHistory;
  private final Map<Long, double[]> sums = new HashMap<>();
  private final Map<Long, long[]> counts = new HashMap<>();

  /** Dense layout for small bucket spaces (K·2^bits ≤ 2^16): no hashing or boxing per behaviour. */
  private double[] denseSums;

  private long[] denseCounts;
  private int buckets;
  private final ArrayDeque<Behaviour> window = new ArrayDeque<>();
  private long size;

  UserState(int maxLength, boolean keepSums, boolean keepHistory) {
    this(maxLength, false, keepSums, keepHistory);
  }

  /**
   * {@code expires}: behaviours leave the history by time ({@link #expireBefore}, a TTL), so the
   * window is kept even without a length limit.
   */
  UserState(int maxLength, boolean expires, boolean keepSums, boolean keepHistory) {
    this.maxLength = maxLength;
    this.expires = expires;
    this.keepSums = keepSums;
    this.keepHistory = keepHistory;
  }

  static long key(int signature, int bucket) {
    return ((long) signature << 32) | (bucket & 0xffffffffL);
  }

  void add(Behaviour b) {
    if (keepSums) {
      update(b, 1);
    }
    size++;
    if (maxLength > 0 || expires || keepHistory) {
      window.addLast(b);
    }
    if (maxLength > 0 && window.size() > maxLength) {
      removeOldest();
    }
  }

  /**
   * Drops the behaviours with time before {@code cutoff} (the TTL rule: an impression at t sees the
   * behaviours at t − ttl or later). Behaviours arrive in time order, so they leave from the front.
   */
  void expireBefore(double cutoff) {
    while (!window.isEmpty() && window.peekFirst().time() < cutoff) {
      removeOldest();
    }
  }

  private void removeOldest() {
    Behaviour old = window.removeFirst();
    if (keepSums) {
      update(old, -1);
    }
    size--;
  }

  private void update(Behaviour b, int sign) {
    double[] e = b.embedding();
    int[] s = b.signatures();
    if (denseSums == null && sums.isEmpty() && b.bucketSpace() > 0) {
      buckets = b.bucketSpace();
      denseSums = new double[s.length * buckets * e.length];
      denseCounts = new long[s.length * buckets];
    }
    if (denseSums != null) {
      int d = e.length;
      for (int i = 0; i < s.length; i++) {
        int cell = i * buckets + s[i];
        int off = cell * d;
        for (int a = 0; a < d; a++) {
          denseSums[off + a] += sign * e[a];
        }
        denseCounts[cell] += sign;
      }
      return;
    }
    for (int i = 0; i < s.length; i++) {
      long k = key(i, s[i]);
      double[] v = sums.computeIfAbsent(k, x -> new double[e.length]);
      for (int a = 0; a < e.length; a++) {
        v[a] += sign * e[a];
      }
      counts.computeIfAbsent(k, x -> new long[1])[0] += sign;
    }
  }

  /** Behaviours in the history (within the window). */
  long size() {
    return size;
  }

  double[] sum(int signature, int bucket) {
    if (denseSums != null) {
      int d = denseSums.length / denseCounts.length;
      int off = (signature * buckets + bucket) * d;
      return java.util.Arrays.copyOfRange(denseSums, off, off + d);
    }
    return sums.get(key(signature, bucket));
  }

  long count(int signature, int bucket) {
    if (denseCounts != null) {
      return denseCounts[signature * buckets + bucket];
    }
    long[] c = counts.get(key(signature, bucket));
    return c == null ? 0 : c[0];
  }

  Map<Long, double[]> sums() {
    return sums;
  }

  Map<Long, long[]> counts() {
    return counts;
  }

  /** The kept behaviours, oldest first. */
  Iterable<Behaviour> history() {
    return window;
  }

  java.util.Iterator<Behaviour> newestFirst() {
    return window.descendingIterator();
  }
}
