package org.samplingprivacy.udfs;

import java.nio.charset.StandardCharsets;

/**
 * Seeded 64-bit xxHash (XXH64, Collet 2012; the specification in the xxHash repository's {@code
 * doc/xxhash_spec.md}) and the uniform variates derived from it.
 *
 * <p>Every random choice in this project's jobs is a function of (row key, seed) through this
 * class, never of a partition index or task attempt, so a seed gives the same output however the
 * input is partitioned and however often tasks are retried. The hash equals Spark's own {@code
 * XXH64} for the same bytes and seed.
 */
public final class StableHash {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;
  private static final double TWO_POW_MINUS_53 = 0x1.0p-53;

  private StableHash() {}

  /** XXH64 of {@code data} with {@code seed}. */
  public static long hash64(byte[] data, long seed) {
    int len = data.length;
    int i = 0;
    long h;
    if (len >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      int limit = len - 32;
      while (i <= limit) {
        v1 = round(v1, readLong(data, i));
        v2 = round(v2, readLong(data, i + 8));
        v3 = round(v3, readLong(data, i + 16));
        v4 = round(v4, readLong(data, i + 24));
        i += 32;
      }
      h =
          Long.rotateLeft(v1, 1)
              + Long.rotateLeft(v2, 7)
              + Long.rotateLeft(v3, 12)
              + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + P5;
    }
    h += len;
    while (i + 8 <= len) {
      h ^= round(0, readLong(data, i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
      i += 8;
    }
    if (i + 4 <= len) {
      h ^= (readInt(data, i) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 4;
    }
    while (i < len) {
      h ^= (data[i] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      i++;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  /** XXH64 of the UTF-8 bytes of {@code key}. */
  public static long hash64(String key, long seed) {
    return hash64(key.getBytes(StandardCharsets.UTF_8), seed);
  }

  /** XXH64 of the 8 little-endian bytes of {@code key} (the encoding Spark uses for a long). */
  public static long hash64(long key, long seed) {
    byte[] b = new byte[8];
    for (int k = 0; k < 8; k++) {
      b[k] = (byte) (key >>> (8 * k));
    }
    return hash64(b, seed);
  }

  /** A uniform variate on [0, 1) with 53 random bits, fixed by (key, seed). */
  public static double uniform(String key, long seed) {
    return toUnit(hash64(key, seed));
  }

  /** A uniform variate on [0, 1) with 53 random bits, fixed by (key, seed). */
  public static double uniform(long key, long seed) {
    return toUnit(hash64(key, seed));
  }

  /**
   * A seed for an independent stream: jobs that need several variates per row (e.g. inclusion and
   * noise) draw each from {@code uniform(key, streamSeed(seed, stream))} so the streams do not
   * share bits.
   */
  public static long streamSeed(long seed, long stream) {
    return hash64(stream, seed ^ P3);
  }

  static double toUnit(long h) {
    return (h >>> 11) * TWO_POW_MINUS_53;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long mergeRound(long acc, long val) {
    acc ^= round(0, val);
    return acc * P1 + P4;
  }

  private static long readLong(byte[] b, int i) {
    return (b[i] & 0xFFL)
        | (b[i + 1] & 0xFFL) << 8
        | (b[i + 2] & 0xFFL) << 16
        | (b[i + 3] & 0xFFL) << 24
        | (b[i + 4] & 0xFFL) << 32
        | (b[i + 5] & 0xFFL) << 40
        | (b[i + 6] & 0xFFL) << 48
        | (b[i + 7] & 0xFFL) << 56;
  }

  private static int readInt(byte[] b, int i) {
    return (b[i] & 0xFF)
        | (b[i + 1] & 0xFF) << 8
        | (b[i + 2] & 0xFF) << 16
        | (b[i + 3] & 0xFF) << 24;
  }
}
