package org.samplingprivacy.jobs.gsd;

import java.io.Serializable;

/**
 * A partition of encoded rows into query cells: each row falls in at most one cell, so the fraction
 * of rows in each cell is one linear counting query and replacing one row moves at most one unit of
 * count out of one cell and into another. Marginals, range bins, prefixes and halfspaces are all of
 * this form (docs/design/private-gsd.md). Rows are read from a flat array at {@code base}, so the
 * genetic algorithm evaluates them without copying.
 */
public interface Cells extends Serializable {
  /** Number of cells (queries). */
  int size();

  /** The encoded columns the cell depends on. */
  int[] columns();

  /** The cell of the row at {@code data[base..]}, or −1 if the row is in no cell. */
  int cell(double[] data, int base);

  /** A k-way marginal: one cell per combination of categories and numeric bins. */
  record Marginal(int[] columns, int[] sizes, boolean[] numeric) implements Cells {
    @Override
    public int size() {
      int s = 1;
      for (int z : sizes) {
        s *= z;
      }
      return s;
    }

    @Override
    public int cell(double[] data, int base) {
      int c = 0;
      for (int i = 0; i < columns.length; i++) {
        double x = data[base + columns[i]];
        int v = numeric[i] ? Math.min((int) (x * sizes[i]), sizes[i] - 1) : (int) x;
        c = c * sizes[i] + v;
      }
      return c;
    }
  }

  /**
   * Equal-width bins of one numeric column at one resolution, optionally split by a categorical
   * column.
   */
  record Range(int column, int resolution, int condColumn, int condSize) implements Cells {
    @Override
    public int size() {
      return resolution * Math.max(1, condSize);
    }

    @Override
    public int[] columns() {
      return condColumn < 0 ? new int[] {column} : new int[] {column, condColumn};
    }

    @Override
    public int cell(double[] data, int base) {
      int b = Math.min((int) (data[base + column] * resolution), resolution - 1);
      return condColumn < 0 ? b : (int) data[base + condColumn] * resolution + b;
    }
  }

  /** 1[x_a &lt; τ_a]·1[x_b &lt; τ_b], one cell per category of an optional conditioning column. */
  record Prefix(int a, int b, double ta, double tb, int condColumn, int condSize) implements Cells {
    @Override
    public int size() {
      return Math.max(1, condSize);
    }

    @Override
    public int[] columns() {
      return condColumn < 0
          ? (a == b ? new int[] {a} : new int[] {a, b})
          : (a == b ? new int[] {a, condColumn} : new int[] {a, b, condColumn});
    }

    @Override
    public int cell(double[] data, int base) {
      if (data[base + a] < ta && data[base + b] < tb) {
        return condColumn < 0 ? 0 : (int) data[base + condColumn];
      }
      return -1;
    }
  }

  /** 1[⟨θ, x_num⟩ − b &gt; 0], one cell per category of an optional conditioning column. */
  record Halfspace(
      int[] numericColumns, double[] theta, double offset, int condColumn, int condSize)
      implements Cells {
    @Override
    public int size() {
      return Math.max(1, condSize);
    }

    @Override
    public int[] columns() {
      if (condColumn < 0) {
        return numericColumns;
      }
      int[] c = java.util.Arrays.copyOf(numericColumns, numericColumns.length + 1);
      c[numericColumns.length] = condColumn;
      return c;
    }

    @Override
    public int cell(double[] data, int base) {
      double s = -offset;
      for (int i = 0; i < numericColumns.length; i++) {
        s += theta[i] * data[base + numericColumns[i]];
      }
      if (s > 0) {
        return condColumn < 0 ? 0 : (int) data[base + condColumn];
      }
      return -1;
    }
  }
}
