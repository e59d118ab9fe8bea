package org.samplingprivacy.jobs.gsd;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.samplingprivacy.jobs.privacy.RandomBits;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The noise of a release: fresh from the operating system's CSPRNG, or, with {@code --noise-seed},
 * an HMAC_DRBG keyed by SHA-256(secret ‖ dataset id ‖ run id), so re-running a recorded release
 * replays its noise while every other release of a schedule that reuses the secret draws
 * independent noise (docs/design/privacy-core.md §1). The secret itself never leaves this class:
 * provenance shows it redacted, and the ledger fingerprint holds only a slow, salted derivation of
 * it (PBKDF2), which lets a replay be recognised without making the secret cheap to guess.
 */
final class NoiseSecret {
  private static final byte[] PERSONALIZATION =
      "spp gsd-synthesize noise v2".getBytes(StandardCharsets.UTF_8);
  private final String secret;

  private NoiseSecret(String secret) {
    this.secret = secret;
  }

  /** No secret: fresh noise. */
  static NoiseSecret none() {
    return new NoiseSecret(null);
  }

  /** {@code --noise-seed}: the secret itself, or {@code env:VAR} / {@code file:PATH} holding it. */
  static NoiseSecret resolve(String value) {
    if (value == null) {
      return none();
    }
    String s = value;
    if (value.startsWith("env:")) {
      s = System.getenv(value.substring(4));
      if (s == null || s.isBlank()) {
        throw new InputException("--noise-seed " + value + ": the environment variable is not set");
      }
    } else if (value.startsWith("file:")) {
      try {
        s = Domain.readText(value.substring(5));
      } catch (IOException e) {
        throw new InputException(
            "--noise-seed " + value + ": cannot read the file: " + e.getMessage(), e);
      }
    }
    s = s.trim();
    if (s.length() < 16) {
      throw new InputException(
          "--noise-seed must be a secret of at least 16 characters (e.g. the output of "
              + "'openssl rand -hex 16'): anyone who can guess it can subtract the noise");
    }
    return new NoiseSecret(s);
  }

  boolean reproducible() {
    return secret != null;
  }

  /** The noise source of one release. */
  RandomBits open(String datasetId, String runId) {
    if (secret == null) {
      return RandomBits.system();
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] key =
          sha.digest(
              String.join("\u0000", secret, datasetId, runId).getBytes(StandardCharsets.UTF_8));
      return RandomBits.replayable(key, PERSONALIZATION);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * What the release fingerprint holds of the secret: "secure-random", or PBKDF2 of it salted by
   * the release.
   */
  String commitment(String datasetId, String runId) {
    if (secret == null) {
      return "secure-random";
    }
    try {
      PBEKeySpec spec =
          new PBEKeySpec(
              secret.toCharArray(),
              ("spp-noise-commitment\u0000" + datasetId + "\u0000" + runId)
                  .getBytes(StandardCharsets.UTF_8),
              100_000,
              256);
      return HexFormat.of()
          .formatHex(
              SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                  .generateSecret(spec)
                  .getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
