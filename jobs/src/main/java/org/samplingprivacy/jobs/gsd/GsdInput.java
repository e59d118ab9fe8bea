package org.samplingprivacy.jobs.gsd;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.AtomicType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import org.samplingprivacy.jobs.io.SourceTable;
import org.samplingprivacy.jobs.validate.InputException;
import org.samplingprivacy.jobs.validate.TableChecks;

/**
 * The checks of a Private-GSD input against its declared domain, shared by gsd-synthesize and
 * privacy-audit: the schema before the counting pass, and what the counting pass found (nulls, NaN,
 * undeclared values) after it.
 */
public final class GsdInput {
  private GsdInput() {}

  /**
   * The input's columns against the domain: present, of a type the domain's kind allows, categories
   * castable.
   */
  public static StructType check(SourceTable in, Domain domain, List<String> names) {
    String table = "--input " + in.path();
    StructType schema = in.data().schema();
    TableChecks.requireColumns(in.data(), table, names);
    for (Domain.Column c : domain.columns()) {
      DataType t = schema.apply(c.name).dataType();
      if (c.kind == Domain.Kind.NUMERIC && !(t instanceof NumericType)) {
        throw new InputException(
            table
                + " column '"
                + c.name
                + "' is numeric in --domain but "
                + t.simpleString()
                + " in the table");
      }
      if (!(t instanceof AtomicType)) {
        throw new InputException(
            table
                + " column '"
                + c.name
                + "' has type "
                + t.simpleString()
                + ", which cannot be synthesised");
      }
      if (c.kind == Domain.Kind.CATEGORICAL) {
        List<String> labels = new ArrayList<>(c.values);
        if (c.overflow != null) {
          labels.add(c.overflow);
        }
        for (String v : labels) {
          if (!castable(v, t)) {
            throw new InputException(
                "--domain category '"
                    + v
                    + "' of column '"
                    + c.name
                    + "' is not a value of "
                    + "its type "
                    + t.simpleString()
                    + " in "
                    + table);
          }
        }
      }
    }
    return schema;
  }

  private static boolean castable(String v, DataType t) {
    try {
      if (t instanceof IntegralType) {
        Long.parseLong(v);
      } else if (t instanceof NumericType) {
        Double.parseDouble(v);
      } else if (t.equals(DataTypes.BooleanType)) {
        return v.equals("true") || v.equals("false");
      }
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public static void checkEncoded(TrueAnswers.Counts truth, Domain domain, String table) {
    if (truth.rows() == 0) {
      throw new InputException(table + " has no rows");
    }
    for (int c = 0; c < domain.size(); c++) {
      Domain.Column col = domain.column(c);
      if (truth.nulls()[c] > 0) {
        throw new InputException(
            table
                + " column '"
                + col.name
                + "' has "
                + truth.nulls()[c]
                + " null values; "
                + "declare it categorical with \"nullable\": true to synthesise nulls");
      }
      if (truth.nans()[c] > 0) {
        throw new InputException(
            table + " column '" + col.name + "' has " + truth.nans()[c] + " NaN values");
      }
      if (truth.undeclared()[c] > 0) {
        throw new InputException(
            table
                + " column '"
                + col.name
                + "' has "
                + truth.undeclared()[c]
                + " values "
                + "outside its declared categories; declare them or an \"overflow\" category in --domain");
      }
    }
  }
}
