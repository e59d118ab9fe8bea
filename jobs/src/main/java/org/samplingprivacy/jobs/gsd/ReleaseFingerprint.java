package org.samplingprivacy.jobs.gsd;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The fingerprint a ledger reservation records (docs/design/privacy-core.md §3): what a replay of a
 * release must match.
 */
final class ReleaseFingerprint {
  private ReleaseFingerprint() {}

  /**
   * A hash of every parameter that shapes the release (not where it is written), and of the noise:
   * "secure-random" or a slow derivation of the secret, so a replay is recognised without the
   * secret being recoverable from it.
   */
  static String of(Map<String, String> parameters, String noiseCommitment) {
    Map<String, String> p = new TreeMap<>(parameters);
    for (String k :
        List.of(
            "output",
            "output-format",
            "write-mode",
            "report-dir",
            "config",
            "master",
            "run-id",
            "ledger",
            "budget-cap",
            "dry-run",
            "noise-seed",
            "threads")) {
      p.remove(k);
    }
    p.put("noise-seed", noiseCommitment);
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(p.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
