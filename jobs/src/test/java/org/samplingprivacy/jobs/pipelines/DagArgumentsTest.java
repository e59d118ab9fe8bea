package org.samplingprivacy.jobs.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.Main;
import org.samplingprivacy.jobs.TestFiles;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Every Airflow DAG task's application_args, rendered for a fixed ds by
 * pipelines/tests/render_dags.py (with the stand-in airflow package), parse with the jar's own
 * command line and config-file check: a DAG can never pass an option the jar does not accept. No
 * Spark is started.
 */
class DagArgumentsTest {
  private static JsonNode tasks;

  @BeforeAll
  static void renderDags() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "python3",
                TestFiles.repoFile("pipelines/tests/render_dags.py").toString(),
                "2024-01-01")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    byte[] out = p.getInputStream().readAllBytes();
    assertEquals(0, p.waitFor(), "render_dags.py failed");
    tasks = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8));
  }

  private static String[] args(JsonNode task) {
    List<String> a = new ArrayList<>();
    task.get("args").forEach(x -> a.add(x.asText()));
    return a.toArray(new String[0]);
  }

  private static ParseResult parse(String[] args) {
    return Main.validateArgs(args);
  }

  @Test
  void everyDagTaskParsesWithTheJarsCommandLine() {
    assertTrue(tasks.size() >= 2, tasks.toString());
    for (JsonNode t : tasks) {
      String where = t.get("dag_id").asText() + "." + t.get("task_id").asText();
      assertEquals(Main.class.getName(), t.get("java_class").asText(), where);
      ParseResult leaf = parse(args(t));
      assertEquals(args(t)[0], leaf.commandSpec().name(), where);
      assertEquals("2024-01-01", leaf.matchedOptionValue("--run-id", ""), where);
    }
  }

  @Test
  void anOptionTheJarDoesNotKnowFails() {
    String[] a = args(tasks.get(0));
    String[] bad = new String[a.length + 2];
    System.arraycopy(a, 0, bad, 0, a.length);
    bad[a.length] = "--no-such-option";
    bad[a.length + 1] = "x";
    assertThrows(CommandLine.ParameterException.class, () -> parse(bad));
  }
}
