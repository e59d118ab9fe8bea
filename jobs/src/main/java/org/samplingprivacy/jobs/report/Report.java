package org.samplingprivacy.jobs.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.samplingprivacy.jobs.io.Provenance;

/**
 * The report of one run: {@code report.json} for machines (metrics, tables, provenance) and a
 * self-contained {@code report.html} for people (the same content with inline SVG plots; no
 * scripts, no network). Every job fills one through its {@code JobContext} and the runner writes it
 * to {@code --report-dir}.
 */
public final class Report {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  private final String command;
  private final String runId;
  private final Map<String, Object> metrics = new LinkedHashMap<>();
  private final List<Map<String, Object>> tables = new ArrayList<>();
  private final List<SvgPlot> plots = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private Provenance provenance;

  private Report(String command, String runId) {
    this.command = command;
    this.runId = runId;
  }

  public static Report create(String command, String runId) {
    return new Report(command, runId);
  }

  /** A named figure (number, string, boolean, or a small list/map of them). */
  public Report metric(String name, Object value) {
    metrics.put(name, value);
    return this;
  }

  /** A small table (the report is for summaries, not data). */
  public Report table(String title, List<String> header, List<List<Object>> rows) {
    for (List<Object> r : rows) {
      if (r.size() != header.size()) {
        throw new IllegalArgumentException(
            "table '" + title + "': a row has " + r.size() + " cells, header " + header.size());
      }
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("title", title);
    t.put("header", List.copyOf(header));
    t.put("rows", rows.stream().map(ArrayList::new).toList());
    tables.add(t);
    return this;
  }

  public Report plot(SvgPlot plot) {
    plots.add(plot);
    return this;
  }

  /** A sentence for the reader (what to look at, what a figure means, a caveat). */
  public Report note(String text) {
    notes.add(text);
    return this;
  }

  public Report provenance(Provenance p) {
    this.provenance = p;
    return this;
  }

  public Map<String, Object> metrics() {
    return Map.copyOf(metrics);
  }

  /** The JSON document. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("command", command);
    m.put("run_id", runId);
    m.put("written_at", Instant.now().toString());
    m.put("metrics", metrics);
    m.put("tables", tables);
    m.put("plots", plots.stream().map(SvgPlot::title).toList());
    m.put("notes", notes);
    if (provenance != null) {
      m.put("provenance", provenance.toMap());
    }
    return m;
  }

  /**
   * Writes {@code report.json} and {@code report.html} into {@code dir} (any Hadoop file system
   * path).
   */
  public void writeTo(String dir, Configuration hadoopConf) throws IOException {
    Path d = new Path(dir);
    FileSystem fs = d.getFileSystem(hadoopConf);
    fs.mkdirs(d);
    write(fs, new Path(d, "report.json"), JSON.writeValueAsString(toMap()));
    write(fs, new Path(d, "report.html"), toHtml());
  }

  private static void write(FileSystem fs, Path p, String content) throws IOException {
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(p, false);
    if (!fs.rename(tmp, p)) {
      throw new IOException("could not rename " + tmp + " to " + p);
    }
  }

  /** The HTML page: headline metrics, notes, plots, tables, provenance. */
  public String toHtml() {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(command))
        .append(" · ")
        .append(esc(runId))
        .append("</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:1000px;color:#222}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;")
        .append("text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}")
        .append("pre{background:#f7f7f7;padding:1em;overflow-x:auto}figure{margin:1em 0}")
        .append("</style></head><body>");
    b.append("<h1>")
        .append(esc(command))
        .append("</h1><p>run <code>")
        .append(esc(runId))
        .append("</code></p>");
    for (String n : notes) {
      b.append("<p>").append(esc(n)).append("</p>");
    }
    if (!metrics.isEmpty()) {
      b.append("<h2>Figures</h2><table><tr><th>name</th><th>value</th></tr>");
      metrics.forEach((k, v) -> figureRows(b, k, v));
      b.append("</table>");
    }
    for (SvgPlot p : plots) {
      b.append("<figure>").append(p.toSvg()).append("</figure>");
    }
    for (Map<String, Object> t : tables) {
      b.append("<h2>").append(esc(String.valueOf(t.get("title")))).append("</h2><table><tr>");
      for (Object h : (List<?>) t.get("header")) {
        b.append("<th>").append(esc(String.valueOf(h))).append("</th>");
      }
      b.append("</tr>");
      for (Object row : (List<?>) t.get("rows")) {
        b.append("<tr>");
        for (Object c : (List<?>) row) {
          b.append("<td>").append(esc(cell(c))).append("</td>");
        }
        b.append("</tr>");
      }
      b.append("</table>");
    }
    if (provenance != null) {
      try {
        b.append("<h2>Provenance</h2><pre>")
            .append(esc(JSON.writeValueAsString(provenance.toMap())))
            .append("</pre>");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return b.append("</body></html>").toString();
  }

  /**
   * One row per leaf of a metric: a nested map (e.g. error per method and workload) is spread over
   * rows named by its key path ("Private-GSD / marginal-2 / mean") rather than printed as one raw
   * {@code {a={b=…}}} cell.
   */
  private static void figureRows(StringBuilder b, String name, Object value) {
    if (value instanceof Map<?, ?> m && !m.isEmpty()) {
      m.forEach((k, v) -> figureRows(b, name + " / " + k, v));
      return;
    }
    b.append("<tr><td>")
        .append(esc(name))
        .append("</td><td>")
        .append(esc(cell(value)))
        .append("</td></tr>");
  }

  private static String cell(Object v) {
    if (v instanceof Double d) {
      return SvgPlot.fmt(d);
    }
    if (v instanceof List<?> list) {
      return "[" + String.join(", ", list.stream().map(Report::cell).toList()) + "]";
    }
    return String.valueOf(v);
  }

  private static String esc(String s) {
    return SvgPlot.escape(s);
  }
}
