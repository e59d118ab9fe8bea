package org.samplingprivacy.jobs.privacy;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC_DRBG with SHA-256, NIST SP 800-90A Rev. 1 §10.1.2, without prediction resistance or
 * reseeding: the replayable noise stream of a release keyed by its secret. Its state (K, V) is 512
 * bits that its outputs do not reveal, unlike a 64-bit-state generator such as {@code
 * SplittableRandom}, whose state can be recovered from a few outputs.
 */
final class HmacDrbg {
  /** SP 800-90A Table 2: at most 2^19 bits per request and 2^48 requests per instantiation. */
  static final int MAX_REQUEST_BYTES = 1 << 16;

  private static final long MAX_REQUESTS = 1L << 48;
  private final Mac mac;
  private byte[] key = new byte[32];
  private byte[] value = new byte[32];
  private long requests;

  private HmacDrbg() {
    try {
      mac = Mac.getInstance("HmacSHA256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Instantiate (§10.1.2.3): seed material = entropy ‖ nonce ‖ personalization. */
  static HmacDrbg instantiate(byte[] entropy, byte[] nonce, byte[] personalization) {
    if (entropy.length < 32) {
      throw new IllegalArgumentException("HMAC_DRBG needs at least 256 bits of entropy input");
    }
    HmacDrbg d = new HmacDrbg();
    Arrays.fill(d.value, (byte) 1);
    byte[] seed = new byte[entropy.length + nonce.length + personalization.length];
    System.arraycopy(entropy, 0, seed, 0, entropy.length);
    System.arraycopy(nonce, 0, seed, entropy.length, nonce.length);
    System.arraycopy(
        personalization, 0, seed, entropy.length + nonce.length, personalization.length);
    d.update(seed);
    return d;
  }

  /**
   * Generate (§10.1.2.5) without additional input: fills {@code out} (at most {@link
   * #MAX_REQUEST_BYTES}).
   */
  void generate(byte[] out) {
    if (out.length > MAX_REQUEST_BYTES) {
      throw new IllegalArgumentException(
          "HMAC_DRBG request of " + out.length + " bytes exceeds 2^16");
    }
    if (++requests > MAX_REQUESTS) {
      throw new IllegalStateException("HMAC_DRBG reseed interval reached");
    }
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      for (int pos = 0; pos < out.length; pos += 32) {
        mac.update(value);
        mac.doFinal(value, 0);
        System.arraycopy(value, 0, out, pos, Math.min(32, out.length - pos));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    update(null);
  }

  /** HMAC_DRBG_Update (§10.1.2.2). */
  private void update(byte[] provided) {
    key = hmac(key, value, (byte) 0, provided);
    value = hmac(key, value, null, null);
    if (provided != null && provided.length > 0) {
      key = hmac(key, value, (byte) 1, provided);
      value = hmac(key, value, null, null);
    }
  }

  private byte[] hmac(byte[] k, byte[] v, Byte separator, byte[] data) {
    try {
      mac.init(new SecretKeySpec(k, "HmacSHA256"));
      mac.update(v);
      if (separator != null) {
        mac.update(separator);
      }
      if (data != null) {
        mac.update(data);
      }
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
