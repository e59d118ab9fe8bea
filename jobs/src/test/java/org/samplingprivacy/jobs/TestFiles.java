package org.samplingprivacy.jobs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Files of the repository and of ../shared/data, found from the module folder tests run in (no
 * Spark).
 */
public final class TestFiles {
  private TestFiles() {}

  /** A file of the repository (data/, conf/, pipelines/, ...). */
  public static Path repoFile(String relative) {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.exists(d.resolve("udfs"))
          && Files.exists(d.resolve("jobs"))
          && Files.exists(d.resolve(relative))) {
        return d.resolve(relative);
      }
    }
    throw new IllegalStateException("no " + relative + " above " + Paths.get("").toAbsolutePath());
  }

  /** A dataset of ../shared/data (beside the checkout, as CI lays it out). */
  public static Path sharedData(String relative) {
    for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
      Path p = d.resolve("shared").resolve("data").resolve(relative);
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new IllegalStateException(
        "no shared/data/" + relative + " above " + Paths.get("").toAbsolutePath());
  }
}
