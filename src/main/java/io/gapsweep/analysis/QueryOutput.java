package io.gapsweep.analysis;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of any query as text, in the formats of {@code gapsweep sql}: an aligned table, CSV or
 * JSON lines. Rows come in the query's order; everything is collected to the driver.
 */
public final class QueryOutput {

  private QueryOutput() {}

  /**
   * An aligned table: header, a rule, one line per row; numbers right-aligned, doubles written
   * plainly (0.0001, never 1.0E-4), null as {@code NULL}; a last line counts the rows.
   */
  public static String table(Dataset<Row> rows) {
    StructField[] fields = rows.schema().fields();
    List<String> header = new ArrayList<>();
    List<Boolean> right = new ArrayList<>();
    for (StructField field : fields) {
      header.add(field.name());
      right.add(field.dataType() instanceof NumericType);
    }
    TextTable table = new TextTable(header, right);
    List<Row> collected = stringified(rows).collectAsList();
    for (Row row : collected) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < fields.length; i++) {
        cells.add(row.isNullAt(i) ? "NULL" : cell(row.get(i), true));
      }
      table.add(cells);
    }
    return table.render() + "(" + collected.size() + (collected.size() == 1 ? " row)\n" : " rows)\n");
  }

  /**
   * CSV with a header line; fields with a comma, a double quote or a line break are quoted, quotes
   * doubled (RFC 4180); null is an empty field; doubles as Java writes them (1.0E-4), which every
   * CSV reader parses; lines end with {@code \n}.
   */
  public static String csv(Dataset<Row> rows) {
    StructField[] fields = rows.schema().fields();
    StringBuilder text = new StringBuilder();
    List<String> header = new ArrayList<>();
    for (StructField field : fields) {
      header.add(field.name());
    }
    csvLine(text, header);
    for (Row row : stringified(rows).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < fields.length; i++) {
        cells.add(row.isNullAt(i) ? "" : cell(row.get(i), false));
      }
      csvLine(text, cells);
    }
    return text.toString();
  }

  /** One JSON object per row and line, as Spark writes JSON, nulls kept as {@code null}. */
  public static String json(Dataset<Row> rows) {
    Column[] columns = new Column[rows.columns().length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = rows.col(quoted(rows.columns()[i]));
    }
    Dataset<Row> lines =
        rows.select(
            functions.to_json(
                functions.struct(columns),
                java.util.Map.of("ignoreNullFields", "false")));
    StringBuilder text = new StringBuilder();
    for (Row row : lines.collectAsList()) {
      text.append(row.getString(0)).append('\n');
    }
    return text.toString();
  }

  /** Nested values (arrays, maps, structs) as Spark casts them to text: [1, 2], {a -> 1}. */
  private static Dataset<Row> stringified(Dataset<Row> rows) {
    StructField[] fields = rows.schema().fields();
    Column[] columns = new Column[fields.length];
    boolean nested = false;
    for (int i = 0; i < fields.length; i++) {
      DataType type = fields[i].dataType();
      Column column = rows.col(quoted(fields[i].name()));
      if (type instanceof ArrayType || type instanceof MapType || type instanceof StructType) {
        columns[i] = column.cast("string").as(fields[i].name());
        nested = true;
      } else {
        columns[i] = column;
      }
    }
    return nested ? rows.select(columns) : rows;
  }

  private static String cell(Object value, boolean plain) {
    if (value instanceof Double d) {
      return plain ? TextTable.plain(d) : d.toString();
    }
    return value.toString();
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static void csvLine(StringBuilder text, List<String> cells) {
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        text.append(',');
      }
      String cell = cells.get(i);
      if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
        text.append('"').append(cell.replace("\"", "\"\"")).append('"');
      } else {
        text.append(cell);
      }
    }
    text.append('\n');
  }
}
