package org.samplingprivacy.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.samplingprivacy.jobs.runner.BuildInfo;

/**
 * The provenance every output commit carries as Delta {@code userMetadata} (and every report
 * repeats): which command and version wrote it, with which parameters and seed, for which run, from
 * which inputs at which Delta versions. docs/tables.md documents the fields.
 */
public record Provenance(
    String command,
    String runId,
    long seed,
    Map<String, String> parameters,
    List<Map<String, Object>> inputs) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public Provenance {
    parameters = Map.copyOf(parameters);
    inputs = List.copyOf(inputs);
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("producer", "spp");
    m.put("command", command);
    m.put("version", BuildInfo.version());
    m.put("run_id", runId);
    m.put("seed", seed);
    m.put("parameters", new java.util.TreeMap<>(parameters));
    m.put("inputs", inputs);
    return m;
  }

  public String toJson() {
    try {
      return JSON.writeValueAsString(toMap());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
