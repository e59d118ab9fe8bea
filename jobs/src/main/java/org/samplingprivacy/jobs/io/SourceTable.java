package org.samplingprivacy.jobs.io;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * An input table as read: its data, pinned to one Delta version when it is a Delta table, so the
 * data a job used and the version recorded in the output's provenance are the same.
 *
 * @param deltaVersion the snapshot version read, or -1 for a non-Delta table
 */
public record SourceTable(String path, TableFormat format, long deltaVersion, Dataset<Row> data) {
  /** The provenance entry of this input. */
  public Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("path", path);
    m.put("format", format.id());
    if (deltaVersion >= 0) {
      m.put("delta_version", deltaVersion);
    }
    return m;
  }
}
