package org.samplingprivacy.jobs.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.samplingprivacy.jobs.gsd.Domain;
import org.samplingprivacy.jobs.validate.InputException;

/** A canary row given by the user ({@code --canary FILE}), and rows as the report shows them. */
final class CanaryRows {
  private CanaryRows() {}

  /** A canary given as JSON {"column": value}: every audited column, each value in the domain. */
  static double[] read(Domain domain, String file) {
    JsonNode node;
    try {
      node = new ObjectMapper().readTree(Domain.readText(file));
    } catch (IOException e) {
      throw new InputException(
          "--canary " + file + " cannot be read as JSON: " + e.getMessage(), e);
    }
    double[] x = new double[domain.size()];
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      JsonNode v = node.get(col.name);
      if (v == null || v.isNull()) {
        throw new InputException(
            "--canary " + file + " has no value for column '" + col.name + "'");
      }
      if (col.kind == Domain.Kind.NUMERIC) {
        if (!v.isNumber()) {
          throw new InputException(
              "--canary " + file + " column '" + col.name + "' must be a number, got " + v);
        }
        x[c] = col.scale(v.asDouble());
      } else {
        int code = col.code(v.isNumber() ? (Object) v.numberValue() : v.asText());
        if (code < 0) {
          throw new InputException(
              "--canary "
                  + file
                  + " column '"
                  + col.name
                  + "': "
                  + v
                  + " is not a category "
                  + "of --domain");
        }
        x[c] = code;
      }
    }
    return x;
  }

  /** A domain-encoded row as column → value, decoded. */
  static Map<String, Object> describe(Domain domain, double[] row) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      m.put(
          col.name,
          col.kind == Domain.Kind.NUMERIC ? col.unscale(row[c]) : col.decode((int) row[c]));
    }
    return m;
  }
}
