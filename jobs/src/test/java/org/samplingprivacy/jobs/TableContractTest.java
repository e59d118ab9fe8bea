package org.samplingprivacy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.runner.JobCommand;

/**
 * docs/tables.md is the contract of every output table, and the code's {@link TableContract}s are
 * what every write is checked against: this test holds the two equal, both ways. Every documented
 * table has a contract with the same column names, the same Spark types and the same openness to
 * input-dependent columns, and every contract is documented. Oracle: the Markdown, parsed by {@link
 * TablesDoc}; the contracts are found by reflection over the compiled classes (every static {@code
 * TableContract} field), so a new table cannot escape the check.
 */
public class TableContractTest {
  /** Documented tables that are inputs, not outputs: no writer checks them. */
  private static final Set<String> INPUT_TABLES = Set.of("epsilon-estimate/inputs");

  /** The classes whose contracts are checked (the bench module checks its own). */
  protected Class<?> contractsRoot() {
    return JobCommand.class;
  }

  /** Which documented tables belong to {@link #contractsRoot()}'s module. */
  protected boolean inScope(String id) {
    return !id.startsWith("bench-") && !INPUT_TABLES.contains(id);
  }

  /** How many documented tables there are at least (guards a parser that finds nothing). */
  protected int minimumTables() {
    return 20;
  }

  @Test
  void everyDocumentedTableMatchesItsContractAndEveryContractIsDocumented() throws Exception {
    Map<String, TableContract> code = contracts(contractsRoot());
    Map<String, TablesDoc.Table> doc = new TreeMap<>();
    for (TablesDoc.Table t : TablesDoc.read(TestFiles.repoFile("docs/tables.md"))) {
      if (inScope(t.id())) {
        assertEquals(null, doc.put(t.id(), t), "documented twice: " + t.id());
      }
    }
    assertTrue(doc.size() >= minimumTables(), "documented tables found: " + doc.keySet());
    List<String> drift = new ArrayList<>();
    for (TablesDoc.Table t : doc.values()) {
      TableContract c = code.get(t.id());
      if (c == null) {
        drift.add(t.id() + ": documented, but no TableContract has this id");
        continue;
      }
      drift.addAll(differences(t, c));
    }
    for (String id : code.keySet()) {
      if (!doc.containsKey(id)) {
        drift.add(id + ": a TableContract, but docs/tables.md has no column table for it");
      }
    }
    assertEquals(List.of(), drift, "docs/tables.md and the code's table contracts differ");
  }

  /** What differs between a documented table and a contract; empty when they agree. */
  static List<String> differences(TablesDoc.Table doc, TableContract code) {
    List<String> out = new ArrayList<>();
    Map<String, String> codeColumns = new LinkedHashMap<>();
    for (StructField f : code.columns().fields()) {
      codeColumns.put(f.name(), TableContract.typeName(f).replace(" ", ""));
    }
    for (Map.Entry<String, String> e : doc.columns().entrySet()) {
      String got = codeColumns.get(e.getKey());
      if (got == null) {
        out.add(doc.id() + ": documented column " + e.getKey() + " is not in the code");
      } else if (!got.equals(e.getValue())) {
        out.add(
            doc.id() + ": " + e.getKey() + " is " + got + " in code, " + e.getValue() + " in doc");
      }
    }
    for (String name : codeColumns.keySet()) {
      if (!doc.columns().containsKey(name)) {
        out.add(doc.id() + ": code column " + name + " is not documented");
      }
    }
    if (doc.inputColumns() != code.hasInputColumns()) {
      out.add(
          doc.id()
              + (doc.inputColumns()
                  ? ": documented with input-dependent columns, the code's contract is closed"
                  : ": the code's contract has input-dependent columns, the document lists none"));
    }
    return out;
  }

  @Test
  void theParserAndTheComparisonSeeADrift() {
    // The oracle would be vacuous if a drift went unseen: a renamed column, a changed type and a
    // missing rule row each give one difference.
    TableContract c =
        TableContract.of(
            "x/y",
            new StructType()
                .add("a", DataTypes.LongType)
                .add("b", DataTypes.createArrayType(DataTypes.DoubleType)));
    assertEquals(
        List.of(),
        differences(
            new TablesDoc.Table("x/y", Map.of("a", "bigint", "b", "array<double>"), false), c));
    assertEquals(
        3,
        differences(new TablesDoc.Table("x/y", Map.of("a", "int", "c", "array<double>"), false), c)
            .size());
    assertEquals(
        1,
        differences(
                new TablesDoc.Table("x/y", Map.of("a", "bigint", "b", "array<double>"), true), c)
            .size());
    assertEquals(List.of("int", "int", "bigint"), TablesDoc.types("int, int, bigint"));
    assertEquals(List.of("double"), TablesDoc.types("double, null without a claim"));
    assertEquals(List.of(), TablesDoc.types("as in the input"));
    assertEquals(
        List.of("array<struct<f:double,t:double>>"),
        TablesDoc.types("array<struct<`f`: double, `t`: double (null: none)>>"));
  }

  @Test
  void aWriteThatBreaksItsContractIsRefusedBeforeAnythingIsWritten() {
    TableContract closed =
        TableContract.of("x", new StructType().add("a", DataTypes.LongType, false));
    assertEquals(List.of(), closed.violations(new StructType().add("a", DataTypes.LongType, true)));
    assertEquals(
        List.of("a is int, contract says bigint", "column z is not in the contract"),
        closed.violations(
            new StructType().add("a", DataTypes.IntegerType).add("z", DataTypes.StringType)));
    TableContract open =
        TableContract.withInputColumns("x", new StructType().add("a", DataTypes.LongType));
    assertEquals(
        List.of(),
        open.violations(
            new StructType().add("k", DataTypes.StringType).add("a", DataTypes.LongType)));
    assertEquals(List.of("missing column a"), open.violations(new StructType()));
  }

  /** Every static TableContract field of the classes compiled beside {@code anchor}, by id. */
  static Map<String, TableContract> contracts(Class<?> anchor)
      throws IOException, URISyntaxException, ReflectiveOperationException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(location)) {
      names.addAll(classNames(location));
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        names.addAll(classNames(jar.getPath("/")));
      }
    }
    Map<String, TableContract> out = new TreeMap<>();
    for (String name : names) {
      Class<?> c = Class.forName(name, false, TableContractTest.class.getClassLoader());
      for (Field f : c.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == TableContract.class) {
          f.setAccessible(true);
          TableContract t = (TableContract) f.get(null);
          TableContract before = out.put(t.id(), t);
          assertTrue(
              before == null || before == t, "two contracts claim the id " + t.id() + ": " + name);
        }
      }
    }
    return out;
  }

  private static List<String> classNames(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .map(p -> root.relativize(p).toString().replace('\\', '/'))
          .filter(p -> p.endsWith(".class") && !p.contains("module-info"))
          .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
          .toList();
    }
  }
}
