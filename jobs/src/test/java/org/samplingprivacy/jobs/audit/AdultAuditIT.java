package org.samplingprivacy.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.samplingprivacy.jobs.SparkTestBase;
import org.samplingprivacy.jobs.gsd.PlantedBugs;

/**
 * The audit's acceptance on the bundled adult table (as bench/gsd.sh releases it): ε = 1, δ = 1/n²,
 * all 35 three-way marginals over the Private-GSD test's 7 columns, 10⁶ trials per hypothesis. The
 * oracle is the closed form of the Gaussian mechanism: μ = √(2ρ) = 0.169, which the μ interval must
 * cover with its lower end within 5%; the assumption-free bound must stay at or below the claim;
 * each planted bug must be flagged, σ/3 by the assumption-free bound too (μ = 0.51 there).
 */
class AdultAuditIT extends SparkTestBase {
  @AfterEach
  void clearBugs() {
    PlantedBugs.clear();
  }

  private static JsonNode audit(Path dir) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "privacy-audit",
                "--input",
                repoFile("data/adult/adult.csv").toString(),
                "--domain",
                repoFile("data/adult/adult-domain.json").toString(),
                "--columns",
                "workclass,education-num,marital-status,relationship,race,sex,income>50K",
                "--epsilon",
                "1",
                "--delta",
                "4.1919e-10",
                "--workload",
                "marginals:3",
                "--trials",
                "1000000",
                "--seed",
                "1",
                "--output",
                dir.resolve("trials").toString(),
                "--report-dir",
                dir.resolve("report").toString()));
    Result r = spp(args.toArray(new String[0]));
    assertEquals(0, r.code(), r.err());
    JsonNode m =
        new ObjectMapper().readTree(dir.resolve("report/report.json").toFile()).get("metrics");
    System.out.println(
        "ADULT-AUDIT "
            + m.get("verdict").asText()
            + "; eps lower bound "
            + m.get("epsilon_lower_bound").asDouble()
            + ", mu ["
            + m.get("mu_lo").asDouble()
            + ", "
            + m.get("mu_hi").asDouble()
            + "] vs "
            + m.get("mu_claimed").asDouble()
            + ", "
            + m.get("trials_per_second").asDouble()
            + " trials/s");
    return m;
  }

  @Test
  void theCorrectMechanismIsTightAndPlantedBugsAreFlagged() throws Exception {
    JsonNode ok = audit(tempDir("adult-audit-ok"));
    double mu = ok.get("mu_claimed").asDouble();
    assertEquals(0.169, mu, 0.001);
    Assertions.assertTrue(
        ok.get("mu_lo").asDouble() <= mu && mu <= ok.get("mu_hi").asDouble(), ok.toString());
    Assertions.assertTrue(ok.get("mu_lo").asDouble() >= 0.95 * mu, ok.toString());
    Assertions.assertTrue(ok.get("epsilon_lower_bound").asDouble() <= 1, ok.toString());
    assertEquals("consistent with the claim", ok.get("verdict").asText());

    PlantedBugs.plant("SIGMA_DIVIDED_BY_3");
    JsonNode sigma = audit(tempDir("adult-audit-sigma"));
    Assertions.assertTrue(sigma.get("epsilon_lower_bound").asDouble() > 1, sigma.toString());
    Assertions.assertTrue(sigma.get("mu_lo").asDouble() > mu, sigma.toString());

    PlantedBugs.plant("SENSITIVITY_UNDERSTATED");
    JsonNode sens = audit(tempDir("adult-audit-sens"));
    Assertions.assertTrue(sens.get("verdict").asText().startsWith("VIOLATION"), sens.toString());
    Assertions.assertTrue(sens.get("mu_lo").asDouble() > mu, sens.toString());
  }
}
