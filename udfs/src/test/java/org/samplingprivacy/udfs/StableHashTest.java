package org.samplingprivacy.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.spark.sql.catalyst.expressions.XXH64;
import org.apache.spark.unsafe.Platform;
import org.junit.jupiter.api.Test;

class StableHashTest {

  @Test
  void matchesPublishedXxh64Vectors() {
    // Reference vectors from the xxHash project (XXH64 of "" and "abc" with seed 0).
    assertEquals(0xEF46DB3751D8E999L, StableHash.hash64(new byte[0], 0L));
    assertEquals(0x44BC2CF5AD770999L, StableHash.hash64("abc", 0L));
  }

  @Test
  void equalsSparksXxh64OnEveryLengthAndSeed() {
    // Spark's XXH64 is an independent implementation of the same specification: lengths 0..100
    // cover the
    // 32-byte stripes and all 8/4/1-byte tails.
    Random random = new Random(7);
    for (int len = 0; len <= 100; len++) {
      byte[] data = new byte[len];
      random.nextBytes(data);
      long seed = random.nextLong();
      long spark = XXH64.hashUnsafeBytes(data, Platform.BYTE_ARRAY_OFFSET, len, seed);
      assertEquals(spark, StableHash.hash64(data, seed), "length " + len);
    }
    assertEquals(XXH64.hashLong(123456789L, 42L), StableHash.hash64(123456789L, 42L));
    byte[] utf8 = "größe/ключ".getBytes(StandardCharsets.UTF_8);
    assertEquals(
        XXH64.hashUnsafeBytes(utf8, Platform.BYTE_ARRAY_OFFSET, utf8.length, 3L),
        StableHash.hash64("größe/ключ", 3L));
  }

  @Test
  void uniformIsUniformByChiSquare() {
    // 100,000 keys into 100 equal bins: chi-square with 99 degrees of freedom has mean 99 and sd
    // 14.07;
    // 99 + 5 sd = 169.4 bounds it for a fixed seed with overwhelming probability.
    int bins = 100;
    int n = 100_000;
    long[] counts = new long[bins];
    for (int i = 0; i < n; i++) {
      double u = StableHash.uniform("row-" + i, 2024L);
      assertTrue(u >= 0.0 && u < 1.0);
      counts[(int) (u * bins)]++;
    }
    double expected = (double) n / bins;
    double chi2 = 0;
    for (long c : counts) {
      chi2 += (c - expected) * (c - expected) / expected;
    }
    assertTrue(chi2 < 99 + 5 * Math.sqrt(2 * 99), "chi2 = " + chi2);
  }

  @Test
  void streamsAndSeedsAreIndependent() {
    // Pearson correlation of two streams over 20,000 keys: sd of r is 1/sqrt(n) = 0.0071; 5 sd =
    // 0.035.
    int n = 20_000;
    double sx = 0, sy = 0, sxy = 0, sxx = 0, syy = 0;
    long s1 = StableHash.streamSeed(11L, 1);
    long s2 = StableHash.streamSeed(11L, 2);
    for (int i = 0; i < n; i++) {
      double x = StableHash.uniform(i, s1);
      double y = StableHash.uniform(i, s2);
      sx += x;
      sy += y;
      sxy += x * y;
      sxx += x * x;
      syy += y * y;
    }
    double r = (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    assertTrue(Math.abs(r) < 5 / Math.sqrt(n), "r = " + r);
  }
}
