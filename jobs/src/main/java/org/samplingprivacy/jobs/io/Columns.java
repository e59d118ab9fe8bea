package org.samplingprivacy.jobs.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.Arrays;
import org.apache.spark.sql.Column;

/**
 * Column references and keyed randomness shared by every job: a user's column name is always quoted
 * (it may hold dots, spaces or backticks), and every per-row random number is a function of the
 * row's key and the seed alone, so a result does not depend on partitioning or task retries.
 */
public final class Columns {
  private Columns() {}

  /** {@code name} as a Spark SQL identifier: backticks around it, inner backticks doubled. */
  public static String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** The column a user named, whatever characters its name holds. */
  public static Column named(String name) {
    return col(quote(name));
  }

  /** Every named column, in order. */
  public static Column[] named(Iterable<String> names) {
    java.util.List<Column> out = new java.util.ArrayList<>();
    names.forEach(n -> out.add(named(n)));
    return out.toArray(new Column[0]);
  }

  /**
   * U ∈ [0, 1) with 53 random bits: the top 53 bits of xxHash64 over the key columns followed by
   * the seed, times 2⁻⁵³. In SQL: {@code shiftrightunsigned(xxhash64(k1, …, seed), 11) * power(2,
   * -53)}, so a user can reproduce a job's draws.
   */
  public static Column keyedUniform(Column seed, Column... key) {
    Column[] withSeed = Arrays.copyOf(key, key.length + 1);
    withSeed[key.length] = seed;
    return shiftrightunsigned(xxhash64(withSeed), 11).multiply(lit(0x1.0p-53));
  }

  /** As {@link #keyedUniform(Column, Column...)} with a literal seed. */
  public static Column keyedUniform(long seed, Column... key) {
    return keyedUniform(lit(seed), key);
  }
}
