package org.samplingprivacy.jobs.gsd;

import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The true counts of every query of the workload in one distributed pass: executors encode their
 * rows with the domain and add each row's cells into a per-partition count vector, merged by tree
 * aggregation, so the driver receives one vector of Q counts whatever the table size. The same pass
 * counts what the domain cannot encode (nulls, NaN, undeclared categories without an overflow
 * category) so bad input fails before anything is spent.
 */
public final class TrueAnswers {
  private TrueAnswers() {}

  /**
   * The pass's result: row count, counts per query, and per column the nulls, NaNs and undeclared
   * values.
   */
  public record Counts(long rows, long[] counts, long[] nulls, long[] nans, long[] undeclared) {}

  static final class Acc implements Serializable {
    private static final long serialVersionUID = 1L;
    long rows;
    final long[] counts;
    final long[] nulls;
    final long[] nans;
    final long[] undeclared;
    transient double[] row;

    Acc(int queries, int d) {
      counts = new long[queries];
      nulls = new long[d];
      nans = new long[d];
      undeclared = new long[d];
    }

    Acc add(Row r, Domain domain, QuerySet q) {
      if (row == null) {
        row = new double[domain.size()];
      }
      rows++;
      if (encode(r, domain, row, this)) {
        q.countRow(row, 0, counts);
      }
      return this;
    }

    Acc merge(Acc o) {
      rows += o.rows;
      for (int j = 0; j < counts.length; j++) {
        counts[j] += o.counts[j];
      }
      for (int c = 0; c < nulls.length; c++) {
        nulls[c] += o.nulls[c];
        nans[c] += o.nans[c];
        undeclared[c] += o.undeclared[c];
      }
      return this;
    }
  }

  /**
   * Encodes one row of the domain's columns (in domain order) as the genetic algorithm represents
   * it: categorical codes, numerics scaled to [0, 1]. Returns whether every column encoded;
   * failures are counted in {@code acc} if it is not null.
   */
  static boolean encode(Row r, Domain domain, double[] row, Acc acc) {
    boolean ok = true;
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      Object v = r.get(c);
      if (col.kind == Domain.Kind.NUMERIC) {
        if (v == null) {
          ok = false;
          if (acc != null) {
            acc.nulls[c]++;
          }
          continue;
        }
        double x = ((Number) v).doubleValue();
        if (Double.isNaN(x)) {
          ok = false;
          if (acc != null) {
            acc.nans[c]++;
          }
          continue;
        }
        row[c] = col.scale(x);
      } else {
        int code = col.code(v);
        if (code < 0) {
          ok = false;
          if (acc != null) {
            if (code == -2) {
              acc.nulls[c]++;
            } else {
              acc.undeclared[c]++;
            }
          }
        } else {
          row[c] = code;
        }
      }
    }
    return ok;
  }

  /**
   * {@link #encode(Row, Domain, double[], Acc)} of one row, or null if the domain cannot encode it.
   */
  public static double[] encode(Row r, Domain domain) {
    double[] row = new double[domain.size()];
    return encode(r, domain, row, null) ? row : null;
  }

  /** Counts over {@code data}, whose columns are the domain's columns in order. */
  public static Counts compute(Dataset<Row> data, Domain domain, QuerySet queries) {
    Acc zero = new Acc(queries.size(), domain.size());
    Acc total =
        data.javaRDD().treeAggregate(zero, (a, r) -> a.add(r, domain, queries), Acc::merge, 2);
    return new Counts(total.rows, total.counts, total.nulls, total.nans, total.undeclared);
  }
}
