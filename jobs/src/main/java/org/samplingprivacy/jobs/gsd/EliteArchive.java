package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The elite of the genetic algorithm: the E lowest-fitness datasets seen, used as crossover donors
 * (docs/design/private-gsd.md). Every child is one edit of the best dataset B, so members are
 * stored as their few differing cells from B, not as copies of N′ × d values; when B moves, each
 * member's differences are rebased. A member whose differences exceed {@link #MAX_DIFF} cells is
 * dropped: it has fallen far behind B and would not survive selection for long.
 */
final class EliteArchive {
  static final int MAX_DIFF = 64;

  /** A member: fitness and the cells (flat index r·d + c) where it differs from B. */
  static final class Member {
    final double fitness;
    final List<long[]> diff = new ArrayList<>(2); // {cell index, Double.doubleToRawLongBits(value)}

    Member(double fitness) {
      this.fitness = fitness;
    }

    double valueAt(int cell, double[] best) {
      for (long[] e : diff) {
        if (e[0] == cell) {
          return Double.longBitsToDouble(e[1]);
        }
      }
      return best[cell];
    }
  }

  private final int capacity;
  private List<Member> members = new ArrayList<>();

  EliteArchive(int capacity, double bestFitness) {
    this.capacity = capacity;
    members.add(new Member(bestFitness));
  }

  int size() {
    return members.size();
  }

  Member random(SplittableRandom rng) {
    return members.get(rng.nextInt(members.size()));
  }

  /**
   * Offers the children (edits {@code cell[i] = value[i]} of B with fitness {@code fit[i]}); keeps
   * the E best of members and children, sorted by fitness (ties keep the older).
   */
  void tell(int[] cell, double[] value, double[] fit, int count) {
    List<Member> merged = new ArrayList<>(members);
    for (int i = 0; i < count; i++) {
      if (merged.size() >= capacity && fit[i] >= merged.get(merged.size() - 1).fitness) {
        continue;
      }
      Member m = new Member(fit[i]);
      m.diff.add(new long[] {cell[i], Double.doubleToRawLongBits(value[i])});
      int at = merged.size();
      while (at > 0 && merged.get(at - 1).fitness > fit[i]) {
        at--;
      }
      merged.add(at, m);
      if (merged.size() > capacity) {
        merged.remove(merged.size() - 1);
      }
    }
    members = merged;
  }

  /** B's cell changed from {@code old} to {@code now}: rebase every member's differences. */
  void rebase(int cell, double old, double now) {
    List<Member> kept = new ArrayList<>(members.size());
    for (Member m : members) {
      boolean found = false;
      for (int i = 0; i < m.diff.size(); i++) {
        long[] e = m.diff.get(i);
        if (e[0] == cell) {
          found = true;
          if (Double.longBitsToDouble(e[1]) == now) {
            m.diff.remove(i);
          }
          break;
        }
      }
      if (!found && old != now) {
        m.diff.add(new long[] {cell, Double.doubleToRawLongBits(old)});
      }
      if (m.diff.size() <= MAX_DIFF) {
        kept.add(m);
      }
    }
    members = kept;
  }
}
