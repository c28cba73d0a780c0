package io.gapsweep.analysis;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table with aligned columns, numbers right-aligned, for the console. */
public final class TextTable {

  private static final String GAP = "  ";

  private final List<String> header;
  private final List<Boolean> rightAligned;
  private final List<List<String>> rows = new ArrayList<>();

  TextTable(List<String> header, List<Boolean> rightAligned) {
    this.header = List.copyOf(header);
    this.rightAligned = List.copyOf(rightAligned);
  }

  void add(List<String> cells) {
    rows.add(List.copyOf(cells));
  }

  /** The header, a rule of dashes, then the rows; each line ends with a newline, no trailing blanks. */
  String render() {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    List<String> rule = new ArrayList<>();
    for (int width : widths) {
      rule.add("-".repeat(width));
    }
    StringBuilder text = new StringBuilder();
    line(text, header, widths);
    line(text, rule, widths);
    for (List<String> row : rows) {
      line(text, row, widths);
    }
    return text.toString();
  }

  private void line(StringBuilder text, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(GAP);
      }
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      line.append(rightAligned.get(i) ? pad + cell : cell + pad);
    }
    text.append(line.toString().stripTrailing()).append('\n');
  }

  /** {@code value} with {@code decimals} fixed decimals; "-" for null. */
  public static String fixed(Double value, int decimals) {
    return value == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A hyperparameter as written in a configuration: 0.25, 0.0001, 0; never exponent notation. */
  public static String plain(Double value) {
    if (value == null) {
      return "-";
    }
    if (!Double.isFinite(value)) {
      return value.toString();
    }
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
