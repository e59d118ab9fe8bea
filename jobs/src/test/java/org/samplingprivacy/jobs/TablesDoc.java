package org.samplingprivacy.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The output tables docs/tables.md §2 documents, read from its Markdown: every table whose header
 * is {@code | column | type | meaning |}, identified as {@code command} or {@code command/label}
 * (the bold label before it, e.g. {@code **Curve**}). A row names its columns in backticks; its
 * type is a Spark type name ({@code bigint}, {@code array<double>}, …) followed by words ("double,
 * null without a claim"), or several comma-separated types, one per named column. A row whose
 * columns are named by rule ("each `--group-cols` column", "every input column", {@code `c0` ..}),
 * or whose type is not a Spark type ("as in the input"), stands for input-dependent columns. The
 * {@code run_id} row of slice mode is the writer's (§1.2), not the table's.
 */
public final class TablesDoc {
  /** One documented table: its fixed columns (name → Spark type) and whether it has others. */
  public record Table(String id, Map<String, String> columns, boolean inputColumns) {}

  private static final Pattern SECTION = Pattern.compile("^#{3,4} (?:[0-9.]+ )?(.*)$");
  private static final Pattern LABEL = Pattern.compile("^\\*\\*([A-Za-z]+)[^*]*\\*\\*");
  private static final Pattern NAME = Pattern.compile("`([^`]+)`");
  private static final Pattern ONLY_FOR = Pattern.compile("^\\(([a-z0-9-]+)\\)");
  private static final Set<String> SCALARS =
      Set.of("string", "double", "bigint", "int", "boolean", "timestamp", "date", "float");

  private TablesDoc() {}

  /** Every column table of §2, in document order. */
  public static List<Table> read(Path doc) throws IOException {
    List<Table> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(doc);
    boolean inTables = false;
    List<String> commands = List.of();
    String label = null;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.startsWith("## ")) {
        inTables = line.startsWith("## 2.");
        continue;
      }
      if (!inTables) {
        continue;
      }
      Matcher section = SECTION.matcher(line);
      if (section.matches()) {
        commands = new ArrayList<>();
        Matcher n = NAME.matcher(section.group(1));
        while (n.find()) {
          commands.add(n.group(1));
        }
        label = null;
        continue;
      }
      Matcher l = LABEL.matcher(line);
      if (l.find()) {
        label = l.group(1).toLowerCase(Locale.ROOT);
      }
      if (line.replace(" ", "").startsWith("|column|type|")) {
        List<String[]> rows = new ArrayList<>();
        for (i += 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
          rows.add(cells(lines.get(i)));
        }
        i--;
        for (String command : commands) {
          out.add(table(label == null ? command : command + "/" + label, command, rows));
        }
      }
    }
    return out;
  }

  private static Table table(String id, String command, List<String[]> rows) {
    Map<String, String> columns = new LinkedHashMap<>();
    boolean open = false;
    for (String[] r : rows) {
      Matcher only = ONLY_FOR.matcher(r[2].strip());
      if (only.find() && !only.group(1).equals(command)) {
        continue; // "(sdim-features) ..." belongs to that command of a shared section
      }
      String cell = r[0].strip();
      List<String> names = new ArrayList<>();
      Matcher n = NAME.matcher(cell);
      while (n.find()) {
        names.add(n.group(1));
      }
      if (names.equals(List.of("run_id")) && r[2].contains("slice")) {
        continue;
      }
      boolean byRule =
          names.isEmpty()
              || cell.contains("..")
              || cell.startsWith("each ")
              || cell.startsWith("every ")
              || names.stream().anyMatch(x -> x.startsWith("-"));
      List<String> types = types(r[1]);
      if (byRule || types.isEmpty()) {
        open = true;
        continue;
      }
      for (int k = 0; k < names.size(); k++) {
        String type =
            types.size() == names.size() ? types.get(k) : types.size() >= 1 ? types.get(0) : null;
        columns.put(names.get(k), type);
      }
    }
    return new Table(id, columns, open);
  }

  /**
   * The leading Spark type names of a type cell: "int, int, bigint" → three; "double, null without
   * a claim" → one; "as in the input" → none.
   */
  static List<String> types(String cell) {
    String t = cell.replace("`", "").replaceAll("\\([^()]*\\)", "").replaceAll("\\s+", "");
    List<String> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i <= t.length(); i++) {
      char c = i < t.length() ? t.charAt(i) : ',';
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String token = t.substring(start, i).toLowerCase(Locale.ROOT);
        if (!isType(token)) {
          break;
        }
        out.add(token);
        start = i + 1;
      }
    }
    return out;
  }

  private static boolean isType(String t) {
    if (SCALARS.contains(t)) {
      return true;
    }
    if (t.startsWith("array<") && t.endsWith(">")) {
      return isType(t.substring(6, t.length() - 1));
    }
    if (t.startsWith("struct<") && t.endsWith(">")) {
      String body = t.substring(7, t.length() - 1);
      int depth = 0;
      int start = 0;
      for (int i = 0; i <= body.length(); i++) {
        char c = i < body.length() ? body.charAt(i) : ',';
        if (c == '<') {
          depth++;
        } else if (c == '>') {
          depth--;
        } else if (c == ',' && depth == 0) {
          String field = body.substring(start, i);
          int colon = field.indexOf(':');
          if (colon <= 0 || !isType(field.substring(colon + 1))) {
            return false;
          }
          start = i + 1;
        }
      }
      return true;
    }
    return false;
  }

  private static String[] cells(String row) {
    // Split on | not escaped as \|.
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 1; i < row.length(); i++) {
      char c = row.charAt(i);
      if (c == '|' && row.charAt(i - 1) != '\\') {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    while (out.size() < 3) {
      out.add("");
    }
    return out.toArray(new String[0]);
  }
}
