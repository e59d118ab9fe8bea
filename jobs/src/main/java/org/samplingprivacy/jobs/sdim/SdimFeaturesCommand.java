package org.samplingprivacy.jobs.sdim;

import org.samplingprivacy.jobs.io.TableContract;
import org.samplingprivacy.jobs.validate.Params;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sdim-features}: the SDIM user-interest vector of every impression (Cao et al., CIKM 2022,
 * eq. 12; see {@link SdimFeature}) from the behaviours strictly before it, by one per-user
 * time-sorted sweep with running bucket sums (the last L behaviours with {@code --max-length}: the
 * one leaving the window is subtracted).
 */
@Command(
    name = "sdim-features",
    description = "Point-in-time SDIM interest features per impression.")
public final class SdimFeaturesCommand extends SweepCommand {
  @Option(
      names = "--normalize",
      paramLabel = "N",
      defaultValue = "l2",
      description =
          "Per-signature normalisation: l2 (the paper's), mean (sum / collisions) or none (raw sum).")
  String normalize;

  @Override
  void validateFeatureParameters() {
    Params.requireOneOf("--normalize", normalize, "l2", "mean", "none");
  }

  @Override
  TableContract contract() {
    return SdimTables.FEATURES;
  }

  @Override
  boolean keepSums() {
    return true;
  }

  @Override
  boolean keepHistory() {
    return false;
  }

  @Override
  FeatureFunction featureFunction() {
    String n = normalize;
    return (state, candidate, sig) ->
        new Object[] {SdimFeature.of(state, sig, candidate.length, n)};
  }
}
