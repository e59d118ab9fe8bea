package org.samplingprivacy.jobs.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

class ReportTest {

  private static Document parseSvg(String svg) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void niceTicksAndPixelMappingFollowTheClosedForm() {
    // Heckbert's nice numbers: a range of 97 in ~5 steps rounds to a step of 20, so ticks 0..100.
    SvgPlot.Axis a = SvgPlot.Axis.of(0, 97, false, 100, 600);
    assertArrayEquals(new double[] {0, 20, 40, 60, 80, 100}, a.ticks(), 1e-12);
    assertEquals(100, a.map(0), 1e-9);
    assertEquals(600, a.map(100), 1e-9);
    assertEquals(100 + 500 * 0.37, a.map(37), 1e-9);
    // Raw step 0.0345 / 5 = 0.0069 = 6.9e-3, and 6.9 < 7 rounds to 5: step 0.005, ticks 0.01 ..
    // 0.05.
    SvgPlot.Axis small = SvgPlot.Axis.of(0.013, 0.0475, false, 0, 1);
    assertEquals(0.005, small.ticks()[1] - small.ticks()[0], 1e-12);
    assertEquals(0.01, small.ticks()[0], 1e-12);
    assertEquals(0.05, small.ticks()[small.ticks().length - 1], 1e-12);
    SvgPlot.Axis log = SvgPlot.Axis.of(3, 4500, true, 0, 300);
    assertArrayEquals(new double[] {1, 10, 100, 1000, 10000}, log.ticks(), 1e-9);
    assertEquals(150, log.map(100), 1e-9, "10^2 is half way between 10^0 and 10^4");
  }

  @Test
  void plotsAreWellFormedSvgWithOneMarkPerFinitePoint() throws Exception {
    SvgPlot p =
        SvgPlot.xy("error <vs> n", "n", "error")
            .logX()
            .points(
                "runs", new double[] {10, 100, 1000, Double.NaN}, new double[] {1, 0.5, 0.25, 1})
            .line("fit", new double[] {10, 1000}, new double[] {1, 0.25});
    Document d = parseSvg(p.toSvg());
    assertEquals(3, d.getElementsByTagName("circle").getLength(), "the NaN point is skipped");
    assertEquals(1, d.getElementsByTagName("path").getLength());
    assertTrue(p.toSvg().contains("error &lt;vs&gt; n"));
    SvgPlot bars =
        SvgPlot.bars("nulls", "fraction", List.of("a", "b", "c"), new double[] {0, 0.5, 1});
    NodeList rects = parseSvg(bars.toSvg()).getElementsByTagName("rect");
    assertEquals(1 + 3 + 1, rects.getLength(), "background, three bars, frame");
    assertThrows(
        IllegalArgumentException.class,
        () -> SvgPlot.bars("x", "y", List.of("a"), new double[] {1, 2}));
  }

  @Test
  void writesJsonAndSelfContainedHtml() throws Exception {
    Path dir = Files.createTempDirectory("spp-report");
    Report.create("demo", "r1")
        .metric("rows", 42L)
        .metric("ratio", 0.125)
        .table("t", List.of("a", "b"), List.of(List.<Object>of("x", 1), List.<Object>of("y", 2)))
        .plot(SvgPlot.bars("b", "v", List.of("p"), new double[] {3}))
        .note("look <here>")
        .writeTo(dir.resolve("sub").toString(), new Configuration());
    JsonNode j = new ObjectMapper().readTree(dir.resolve("sub/report.json").toFile());
    assertEquals(42, j.get("metrics").get("rows").asLong());
    assertEquals(0.125, j.get("metrics").get("ratio").asDouble());
    assertEquals("y", j.get("tables").get(0).get("rows").get(1).get(0).asText());
    String html = Files.readString(dir.resolve("sub/report.html"));
    assertTrue(html.contains("<svg") && html.contains("look &lt;here&gt;"));
    assertFalse(
        html.contains("<script")
            || html.contains("http://") && !html.contains("http://www.w3.org/2000/svg"));
  }

  @Test
  void nestedMetricsGetOneRowPerLeafAndLongBarLabelsKeepBothEnds() {
    Report r = Report.create("gsd-synthesize", "run-1");
    r.metric("error", Map.of("Private-GSD", Map.of("marginal-2", Map.of("mean", 0.25))));
    String html = r.toHtml();
    assertTrue(html.contains("<td>error / Private-GSD / marginal-2 / mean</td><td>0.25"), html);
    assertFalse(html.contains("{Private-GSD="), html);
    String label = "marginal-3:age,sex,educ,income";
    String shown = SvgPlot.shorten(label);
    assertEquals("marginal-3:…,educ,income", shown);
    assertEquals("short", SvgPlot.shorten("short"));
  }
}
