package io.gapsweep.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Collection;
import java.util.Map;

/**
 * The report's data as JSON text safe to place inside an HTML {@code <script>} element: every
 * {@code <}, {@code >} and {@code &} in a string is written as a Unicode escape, so no data can
 * close the script or open a comment. Numbers are rounded to four significant digits, which is
 * more than any loss or accuracy here means; NaN and infinities become {@code null}.
 */
final class Json {

  private static final MathContext FOUR = new MathContext(4);

  private Json() {}

  static String write(Object value) {
    StringBuilder out = new StringBuilder(1 << 14);
    write(out, value);
    return out.toString();
  }

  /** {@code value} rounded to four significant digits, or NaN if it is not finite. */
  static double round(double value) {
    if (!Double.isFinite(value)) {
      return Double.NaN;
    }
    return new BigDecimal(value).round(FOUR).doubleValue();
  }

  private static void write(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(out, s);
    } else if (value instanceof Boolean b) {
      out.append(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short) {
      out.append(value);
    } else if (value instanceof Number n) {
      double d = round(n.doubleValue());
      if (Double.isNaN(d)) {
        out.append("null");
      } else {
        out.append(new BigDecimal(d).round(FOUR).stripTrailingZeros().toString());
      }
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(out, String.valueOf(entry.getKey()));
        out.append(':');
        write(out, entry.getValue());
      }
      out.append('}');
    } else if (value instanceof Collection<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(out, item);
      }
      out.append(']');
    } else if (value instanceof int[] ints) {
      out.append('[');
      for (int i = 0; i < ints.length; i++) {
        out.append(i == 0 ? "" : ",").append(ints[i]);
      }
      out.append(']');
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '<', '>', '&', '\u2028', '\u2029' -> out.append(String.format("\\u%04x", (int) c));
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
