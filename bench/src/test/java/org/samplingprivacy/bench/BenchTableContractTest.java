package org.samplingprivacy.bench;

import org.samplingprivacy.jobs.TableContractTest;

/** docs/tables.md against the bench commands' table contracts (§2.3 {@code bench-generate}). */
class BenchTableContractTest extends TableContractTest {
  @Override
  protected Class<?> contractsRoot() {
    return BenchMain.class;
  }

  @Override
  protected int minimumTables() {
    return 1;
  }

  @Override
  protected boolean inScope(String id) {
    return id.startsWith("bench-");
  }
}
