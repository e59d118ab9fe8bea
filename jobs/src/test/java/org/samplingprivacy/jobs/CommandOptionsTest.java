package org.samplingprivacy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.xbean.asm9.ClassReader;
import org.apache.xbean.asm9.ClassVisitor;
import org.apache.xbean.asm9.MethodVisitor;
import org.apache.xbean.asm9.Opcodes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.samplingprivacy.jobs.runner.JobCommand;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * No command accepts an option it ignores: every option field of every registered command is read
 * by some class of the project (picocli sets fields by reflection, so a field nobody reads is an
 * option that does nothing), a command that declares {@code --input} or {@code --where} reads its
 * input through them, and every {@link JobCommand} is registered in {@link Main}. Oracle: the
 * compiled classes' bytecode (field reads and calls), not the source.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class CommandOptionsTest {
  /**
   * Every (owner, field) read by a GETFIELD, and per class the methods it calls, over the project's
   * classes.
   */
  private final Set<String> fieldReads = new HashSet<>();

  private final Map<String, Set<String>> calls = new HashMap<>();

  /** The classes of {@link #ownClassesRoot()}, whose commands must all be registered. */
  private final List<String> ownClasses = new ArrayList<>();

  /** The command line under test (the bench module checks its own entry point the same way). */
  protected CommandLine commandLine() {
    return Main.commandLine();
  }

  /** Runs a command line as the entry point would. */
  protected int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
    return Main.run(out, err, args);
  }

  /** How many registered commands declare {@code --input} at least (guards an empty scan). */
  protected int minimumInputCommands() {
    return 8;
  }

  /** Where the classes whose JobCommands must be registered are compiled to. */
  protected Class<?> ownClassesRoot() {
    return JobCommand.class;
  }

  @BeforeAll
  void scanBytecode() throws IOException, URISyntaxException {
    boolean jobsAreOwn = ownClassesRoot() == JobCommand.class;
    scan(JobCommand.class, jobsAreOwn);
    if (!jobsAreOwn) {
      scan(ownClassesRoot(), true);
    }
  }

  /** Reads the classes of the folder or jar {@code anchor} was loaded from. */
  private void scan(Class<?> anchor, boolean own) throws IOException, URISyntaxException {
    Path location = Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI());
    if (Files.isDirectory(location)) {
      scanTree(location, own);
    } else {
      try (FileSystem jar = FileSystems.newFileSystem(location)) {
        scanTree(jar.getPath("/"), own);
      }
    }
  }

  private void scanTree(Path root, boolean own) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String internal =
            root.relativize(f).toString().replace('\\', '/').replaceAll("\\.class$", "");
        if (own) {
          ownClasses.add(internal);
        }
        Set<String> called = calls.computeIfAbsent(outerClass(internal), k -> new HashSet<>());
        try (InputStream in = Files.newInputStream(f)) {
          new ClassReader(in)
              .accept(
                  new ClassVisitor(Opcodes.ASM9) {
                    @Override
                    public MethodVisitor visitMethod(
                        int access, String name, String desc, String sig, String[] ex) {
                      return new MethodVisitor(Opcodes.ASM9) {
                        @Override
                        public void visitFieldInsn(
                            int opcode, String owner, String field, String d) {
                          if (opcode == Opcodes.GETFIELD || opcode == Opcodes.GETSTATIC) {
                            fieldReads.add(owner + "." + field);
                            called.add("field:" + owner + "." + field);
                          }
                        }

                        @Override
                        public void visitMethodInsn(
                            int opcode, String owner, String method, String d, boolean itf) {
                          called.add(owner + "." + method);
                        }
                      };
                    }
                  },
                  ClassReader.SKIP_FRAMES);
        }
      }
    }
  }

  private static String outerClass(String internal) {
    int i = internal.indexOf('$');
    return i < 0 ? internal : internal.substring(0, i);
  }

  private Map<String, CommandLine> commands() {
    return commandLine().getSubcommands();
  }

  @Test
  void everyJobCommandIsRegisteredInMain() throws ClassNotFoundException {
    Set<Class<?>> registered = new HashSet<>();
    commands().values().forEach(c -> registered.add(c.getCommandSpec().userObject().getClass()));
    Set<String> missing = new TreeSet<>();
    for (String internal : ownClasses) {
      Class<?> c = Class.forName(internal.replace('/', '.'), false, getClass().getClassLoader());
      if (JobCommand.class.isAssignableFrom(c)
          && !Modifier.isAbstract(c.getModifiers())
          && !registered.contains(c)) {
        missing.add(c.getName());
      }
    }
    assertEquals(Set.of(), missing, "JobCommand subclasses not registered in the entry point");
    assertTrue(registered.size() >= 19, "registered: " + registered.size());
  }

  @Test
  void everyOptionOfEveryCommandIsRead() {
    Set<String> unused = new TreeSet<>();
    for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        // --config is consumed from the raw command line before parsing (ConfigDefaults.forArgs),
        // so that the file
        // can supply the other options' defaults; its field is never read by design.
        if (o.usageHelp()
            || o.versionHelp()
            || !(o.userObject() instanceof Field f)
            || o.longestName().equals("--config")) {
          continue;
        }
        String key = f.getDeclaringClass().getName().replace('.', '/') + "." + f.getName();
        if (!fieldReads.contains(key)) {
          unused.add(e.getKey() + " " + o.longestName() + " (" + key + ")");
        }
      }
    }
    assertEquals(Set.of(), unused, "options no code reads");
  }

  @Test
  void commandsWithInputOptionsReadTheirInputThroughThem() {
    Set<String> wrong = new TreeSet<>();
    int withInput = 0;
    for (Map.Entry<String, CommandLine> e : commands().entrySet()) {
      Set<String> names = new HashSet<>();
      for (OptionSpec o : e.getValue().getCommandSpec().options()) {
        if (o.userObject() instanceof Field f
            && f.getDeclaringClass().getPackageName().endsWith(".cli")) {
          names.addAll(
              List.of(o.names())); // the shared mixins' options, not a command's own --input
        }
      }
      Set<String> called =
          calls.getOrDefault(
              e.getValue().getCommandSpec().userObject().getClass().getName().replace('.', '/'),
              Set.of());
      String ctx = "org/samplingprivacy/jobs/runner/JobContext.";
      boolean readsInput =
          called.contains(ctx + "readInput")
              || called.contains(ctx + "locateInput")
              || called.contains("field:org/samplingprivacy/jobs/cli/InputOptions.input");
      boolean filters = called.contains(ctx + "readInput") || called.contains(ctx + "filterWhere");
      if (names.contains("--input")) {
        withInput++;
        if (!readsInput) {
          wrong.add(e.getKey() + " declares --input but never reads it");
        }
      }
      if (names.contains("--where") && !filters) {
        wrong.add(e.getKey() + " declares --where but never filters with it");
      }
    }
    assertEquals(Set.of(), wrong);
    assertTrue(withInput >= minimumInputCommands(), "commands with --input: " + withInput);
  }

  @Test
  void aCommandWithoutAnInputRejectsTheInputOptions() {
    for (String[] args :
        new String[][] {
          {"sdim-features", "--input", "x"},
          {"ambient-study", "--where", "a = 1"},
          {"ctr-eval", "--format", "csv"},
          {"privacy-ledger", "--input", "x"}
        }) {
      java.io.StringWriter err = new java.io.StringWriter();
      int code =
          run(
              new java.io.PrintWriter(new java.io.StringWriter()),
              new java.io.PrintWriter(err, true),
              args);
      assertEquals(2, code, String.join(" ", args) + ": " + err);
      assertTrue(
          err.toString().contains("Unknown option") && err.toString().contains("'" + args[1] + "'"),
          err.toString());
    }
  }
}
