package org.samplingprivacy.jobs.gsd;

/** Test-only access to the release's planted-bug hook, for the privacy audit's power tests. */
public final class PlantedBugs {
  private PlantedBugs() {}

  public static void plant(String bug) {
    PrivateGsd.plantedBug = PrivateGsd.PlantedBug.valueOf(bug);
  }

  public static void clear() {
    PrivateGsd.plantedBug = PrivateGsd.PlantedBug.NONE;
  }
}
