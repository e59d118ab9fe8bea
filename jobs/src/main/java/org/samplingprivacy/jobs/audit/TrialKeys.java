package org.samplingprivacy.jobs.audit;

/**
 * The key of a trial's random stream: a mix of (seed, trial, hypothesis), independent of
 * partitioning.
 */
final class TrialKeys {
  private TrialKeys() {}

  static long key(long seed, long trial, boolean member) {
    long z =
        seed * 0x9E3779B97F4A7C15L
            + trial * 0xC2B2AE3D27D4EB4FL
            + (member ? 0x165667B19E3779F9L : 0);
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
