package org.samplingprivacy.jobs.importcsv;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.samplingprivacy.jobs.validate.InputException;

/**
 * The header row of a CSV input, read on the driver from the first file (decompressed as Hadoop
 * would), and the CSV line tokenizer Spark itself uses (univocity), so a rejected row can be
 * explained field by field.
 */
final class CsvHeader {
  private CsvHeader() {}

  /**
   * The column names of the header row of {@code path} (a file, or the first CSV file of a folder).
   */
  static List<String> read(String path, char delimiter, Configuration conf) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      Path file = p;
      if (fs.getFileStatus(p).isDirectory()) {
        FileStatus[] files = fs.globStatus(new Path(p, "*.csv*"));
        if (files == null || files.length == 0) {
          throw new InputException("--input " + path + " has no .csv files");
        }
        Arrays.sort(files);
        file = files[0].getPath();
      }
      CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
      try (InputStream raw = fs.open(file);
          InputStream in = codec == null ? raw : codec.createInputStream(raw);
          BufferedReader r =
              new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line = r.readLine();
        if (line == null || line.isBlank()) {
          throw new InputException("--input " + path + " is empty: no header row");
        }
        if (line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        String[] names = tokenize(line, delimiter);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.length; i++) {
          String n = names[i] == null ? "" : names[i].trim();
          if (n.isEmpty()) {
            throw new InputException(
                "--input " + path + ": header column " + (i + 1) + " has no name");
          }
          if (!seen.add(n)) {
            throw new InputException("--input " + path + ": header names column '" + n + "' twice");
          }
          names[i] = n;
        }
        return List.of(names);
      }
    } catch (IOException e) {
      throw new InputException("--input " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** Splits one CSV line the way Spark's CSV reader does (RFC 4180 quotes, {@code "} escapes). */
  static String[] tokenize(String line, char delimiter) {
    CsvParserSettings s = new CsvParserSettings();
    s.getFormat().setDelimiter(delimiter);
    s.getFormat().setQuote('"');
    s.getFormat().setQuoteEscape('"');
    s.setMaxCharsPerColumn(-1);
    s.setMaxColumns(100_000);
    String[] t = new CsvParser(s).parseLine(line);
    return t == null ? new String[0] : t;
  }
}
