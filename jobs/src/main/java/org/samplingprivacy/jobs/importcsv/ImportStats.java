package org.samplingprivacy.jobs.importcsv;

import java.util.Map;

/** What one counting pass over the parsed CSV found: rows, rejects by reason, nulls per column. */
record ImportStats(
    long rows,
    long malformed,
    long missing,
    String firstMalformed,
    String firstBad,
    Map<String, Long> nulls) {}
