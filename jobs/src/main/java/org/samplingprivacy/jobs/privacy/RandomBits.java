package org.samplingprivacy.jobs.privacy;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * A source of independent fair bits, and the exact integer decisions built on them: uniform
 * integers by rejection and Bernoulli(n/d) by comparing a lazily drawn uniform with the binary
 * expansion of n/d (two bits expected). No floating point takes part in any decision
 * (docs/design/privacy-core.md §1). Two sources: the operating system's CSPRNG ({@link #system()})
 * and a replayable HMAC_DRBG keyed by a secret ({@link #replayable(byte[], byte[])}). Not
 * thread-safe: one instance per release.
 */
public abstract class RandomBits {
  private static final long MAX_LONG_DENOMINATOR = 1L << 62;
  private long word;
  private int left;

  /** 64 fresh random bits. */
  protected abstract long nextWord();

  /**
   * The operating system's CSPRNG ({@link SecureRandom}'s default, /dev/urandom-backed on Linux).
   */
  public static RandomBits system() {
    SecureRandom random = new SecureRandom();
    return new Buffered(random::nextBytes);
  }

  /**
   * An HMAC_DRBG (NIST SP 800-90A, SHA-256) instantiated with {@code entropy} and a personalization
   * string: the same inputs give the same bits, and without the entropy they cannot be predicted or
   * recovered from outputs.
   */
  public static RandomBits replayable(byte[] entropy, byte[] personalization) {
    HmacDrbg drbg = HmacDrbg.instantiate(entropy, new byte[0], personalization);
    return new Buffered(drbg::generate);
  }

  /**
   * SplitMix64 words keyed by {@code key}: fast and reproducible, for simulating a mechanism many
   * times (audits), never for a release's noise (its state is recoverable from its output).
   */
  public static RandomBits simulation(long key) {
    return new RandomBits() {
      private long state = key;

      @Override
      protected long nextWord() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
      }
    };
  }

  /** One fair bit. */
  public final boolean nextBit() {
    if (left == 0) {
      word = nextWord();
      left = 64;
    }
    boolean b = (word & 1L) != 0;
    word >>>= 1;
    left--;
    return b;
  }

  /** {@code k} fair bits as a non-negative long, 0 ≤ k ≤ 63. */
  public final long nextBits(int k) {
    if (k < 0 || k > 63) {
      throw new IllegalArgumentException("bits must be in 0..63, got " + k);
    }
    if (k == 0) {
      return 0;
    }
    if (left >= k) { // the common case: k bits of the buffered word at once
      long x = word & ((1L << k) - 1);
      word >>>= k;
      left -= k;
      return x;
    }
    long x = 0;
    for (int i = 0; i < k; i++) {
      x = (x << 1) | (nextBit() ? 1L : 0L);
    }
    return x;
  }

  /**
   * Uniform on {0, …, bound − 1}: the fewest bits that cover the range, redrawn while out of it.
   */
  public final long uniform(long bound) {
    if (bound <= 0) {
      throw new IllegalArgumentException("bound must be positive, got " + bound);
    }
    int k = 64 - Long.numberOfLeadingZeros(bound - 1);
    while (true) {
      long x = nextBits(k);
      if (x < bound) {
        return x;
      }
    }
  }

  /** Bernoulli(num/den) for 0 ≤ num, 0 &lt; den; num ≥ den is certain. */
  public final boolean bernoulli(long num, long den) {
    if (num < 0 || den <= 0) {
      throw new IllegalArgumentException("Bernoulli(" + num + "/" + den + ") is not a probability");
    }
    if (num >= den) {
      return true;
    }
    if (den > MAX_LONG_DENOMINATOR) {
      return bernoulli(BigInteger.valueOf(num), BigInteger.valueOf(den));
    }
    // Compare U = 0.u1u2… with num/den = 0.p1p2… digit by digit; the first difference decides U <
    // num/den.
    long n = num;
    while (n != 0) {
      n <<= 1;
      boolean digit = n >= den;
      if (digit) {
        n -= den;
      }
      if (nextBit() != digit) {
        return digit;
      }
    }
    return false;
  }

  /** Bernoulli(num/den) with arbitrary-size integers. */
  public final boolean bernoulli(BigInteger num, BigInteger den) {
    if (num.signum() < 0 || den.signum() <= 0) {
      throw new IllegalArgumentException("Bernoulli(" + num + "/" + den + ") is not a probability");
    }
    if (num.compareTo(den) >= 0) {
      return true;
    }
    if (den.bitLength() <= 62) {
      return bernoulli(num.longValueExact(), den.longValueExact());
    }
    BigInteger n = num;
    while (n.signum() != 0) {
      n = n.shiftLeft(1);
      boolean digit = n.compareTo(den) >= 0;
      if (digit) {
        n = n.subtract(den);
      }
      if (nextBit() != digit) {
        return digit;
      }
    }
    return false;
  }

  /** A source filled in blocks by a byte generator. */
  private static final class Buffered extends RandomBits {
    interface Fill {
      void fill(byte[] block);
    }

    private final Fill fill;
    private final byte[] block = new byte[4096];
    private int pos = block.length;

    Buffered(Fill fill) {
      this.fill = fill;
    }

    @Override
    protected long nextWord() {
      if (pos + 8 > block.length) {
        fill.fill(block);
        pos = 0;
      }
      long w = 0;
      for (int i = 0; i < 8; i++) {
        w = (w << 8) | (block[pos++] & 0xffL);
      }
      return w;
    }
  }
}
