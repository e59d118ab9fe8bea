package org.samplingprivacy.jobs.privacy;

import java.io.IOException;
import java.net.URI;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system under the scheme {@code spy://}, telling a test each time a file is opened
 * for reading: the oracle for "no data is read before X", independent of the code under test.
 */
public final class SpyFileSystem extends RawLocalFileSystem {
  static volatile Consumer<Path> onOpen = p -> {};

  @Override
  public URI getUri() {
    return URI.create("spy:///");
  }

  @Override
  public String getScheme() {
    return "spy";
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    onOpen.accept(f);
    return super.open(f, bufferSize);
  }
}
