package org.samplingprivacy.jobs.epsilon;

import java.io.Serializable;
import java.util.List;

/**
 * One group × part × threshold and its attack counts.
 *
 * @param group the group-column values (empty without {@code --group-cols})
 * @param part {@code all}, or under {@code --selection split} {@code select} or {@code evaluate}
 * @param threshold the decision threshold in the score's own units (NaN for guesses and
 *     threshold-free counts)
 */
record CountRow(List<Object> group, String part, double threshold, AttackCounts counts)
    implements Serializable {}
