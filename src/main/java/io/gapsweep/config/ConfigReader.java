package io.gapsweep.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.DoublePredicate;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * Reads typed values out of a resolved configuration and collects a problem for every value that
 * cannot be read, instead of stopping at the first.
 *
 * <p>Each reader returns {@code null} when the value, or any element of a list, is unusable; the caller
 * builds records only once {@link #hasProblems()} is false. Conversions follow typesafe-config: a
 * quoted number is a number (so {@code ${?ENV}} substitutions work), and numbers and booleans are
 * strings where a string is expected.
 */
final class ConfigReader {

  private record Problem(String file, int line, boolean fromResource, int order, String text) {}

  private static final ConfigRenderOptions CONCISE = ConfigRenderOptions.concise();
  private static final String BOOLEAN = "true or false";

  private final Config config;
  private final ConfigObject userRoot;
  private final List<Problem> problems = new ArrayList<>();
  // The same inherited default can be read for several presets; report it once.
  private final Set<String> seen = new LinkedHashSet<>();

  /**
   * @param config the resolved configuration, defaults included
   * @param userRoot the user's configuration before the defaults were added; it places objects the
   *     user wrote at the line where the user wrote them
   */
  ConfigReader(Config config, ConfigObject userRoot) {
    this.config = config;
    this.userRoot = userRoot;
  }

  boolean hasProblems() {
    return !problems.isEmpty();
  }

  /**
   * The problems, user files first, then by file and line, then in the order found; at most
   * {@link #SHOWN_PROBLEMS}, then a line that counts the rest ({@code ... and 2,999,980 more}), so
   * that a huge broken file does not flood the terminal.
   */
  List<String> problems() {
    List<String> sorted = problems.stream()
        .sorted(
            Comparator.comparing(Problem::fromResource)
                .thenComparing(Problem::file)
                .thenComparingInt(Problem::line)
                .thenComparingInt(Problem::order))
        .map(Problem::text)
        .collect(Collectors.toList());
    return capped(sorted);
  }

  /** Problems shown before the rest are only counted. */
  static final int SHOWN_PROBLEMS = 20;

  static List<String> capped(List<String> problems) {
    if (problems.size() <= SHOWN_PROBLEMS + 1) {
      return problems;
    }
    List<String> shown = new ArrayList<>(problems.subList(0, SHOWN_PROBLEMS));
    shown.add(String.format(java.util.Locale.ROOT, "... and %,d more",
        problems.size() - SHOWN_PROBLEMS));
    return shown;
  }

  /** Records {@code <where>: <key>: <text>}. */
  void report(ConfigOrigin origin, String key, String text) {
    String file = fileOf(origin);
    int line = origin.lineNumber();
    String message = where(file, line) + ": " + key + ": " + text;
    if (seen.add(message)) {
      problems.add(new Problem(file, line, origin.resource() != null, problems.size(), message));
    }
  }

  void typeError(String key, ConfigValue value, String expected) {
    report(value.origin(), key, render(value) + " is " + typeName(value) + "; expected " + expected);
  }

  void outOfRange(String key, ConfigValue value, String expected) {
    report(value.origin(), key, render(value) + " is out of range; expected " + expected);
  }

  /**
   * The value at {@code path}, or {@code null} when it cannot be reached: a parent that is not an
   * object was already reported by {@link KeyCheck}; a missing value is reported here.
   */
  ConfigValue value(String path, String expected) {
    List<String> keys = ConfigUtil.splitPath(path);
    ConfigValue current = config.root();
    for (int i = 0; i < keys.size(); i++) {
      if (!(current instanceof ConfigObject object)) {
        return null;
      }
      ConfigValue next = object.get(keys.get(i));
      if (next == null) {
        report(object.origin(), path, "is missing; expected " + expected);
        return null;
      }
      current = next;
    }
    return current;
  }

  /** The object at {@code path}, or {@code null} when it is not an object (reported by KeyCheck). */
  ConfigObject object(String path) {
    List<String> keys = ConfigUtil.splitPath(path);
    ConfigValue current = config.root();
    for (String key : keys) {
      if (!(current instanceof ConfigObject object)) {
        return null;
      }
      current = object.get(key);
    }
    return current instanceof ConfigObject object ? object : null;
  }

  /**
   * Where the object at {@code path} was written: in the user's file when the user wrote it, else
   * in the defaults.
   */
  ConfigOrigin objectOrigin(String path) {
    ConfigValue user = lookup(userRoot, path);
    if (user != null && user.origin().lineNumber() >= 0) {
      return user.origin();
    }
    ConfigValue merged = lookup(config.root(), path);
    if (merged.origin().lineNumber() >= 0) {
      return merged.origin();
    }
    // A merge of several files has no line; name the first value the user wrote inside it.
    List<ConfigOrigin> leaves = new ArrayList<>();
    collectLeafOrigins(merged, leaves);
    return leaves.stream()
        .filter(o -> o.lineNumber() >= 0)
        .min(Comparator.comparing((ConfigOrigin o) -> o.resource() != null)
            .thenComparingInt(ConfigOrigin::lineNumber))
        .orElse(merged.origin());
  }

  String string(String path) {
    ConfigValue value = value(path, "a non-empty string");
    if (value == null) {
      return null;
    }
    return string(path, value, "a non-empty string");
  }

  /** A string that may be empty, which the caller takes as "not set". */
  String stringOrEmpty(String path, String expected) {
    ConfigValue value = value(path, expected);
    return value == null ? null : text(path, value, expected);
  }

  /** The value as text, or {@code null} after reporting that it is not a string. */
  private String text(String key, ConfigValue value, String expected) {
    String text = asString(value);
    if (text == null) {
      typeError(key, value, expected);
    }
    return text;
  }

  private String string(String key, ConfigValue value, String expected) {
    String text = text(key, value, expected);
    if (text == null) {
      return null;
    }
    if (text.isEmpty()) {
      report(value.origin(), key, render(value) + " is empty; expected " + expected);
      return null;
    }
    return text;
  }

  /** One of {@code allowed}, by its configuration name. */
  <T> T choice(String path, Map<String, T> allowed) {
    String expected = "one of " + String.join(", ", allowed.keySet());
    ConfigValue value = value(path, expected);
    if (value == null) {
      return null;
    }
    String text = text(path, value, expected);
    if (text == null) {
      return null;
    }
    T choice = allowed.get(text);
    if (choice == null) {
      report(value.origin(), path, render(value) + " is unknown; expected " + expected);
    }
    return choice;
  }

  Integer integer(String path, String expected, LongPredicate valid) {
    ConfigValue value = value(path, expected);
    return value == null ? null : integer(path, value, expected, valid);
  }

  /** An integer, or {@code word} (a string such as {@code auto}) read as {@code wordValue}. */
  Integer integerOr(String path, String word, int wordValue, String expected, LongPredicate valid) {
    ConfigValue value = value(path, expected);
    if (value == null) {
      return null;
    }
    if (value.valueType() == ConfigValueType.STRING && word.equals(value.unwrapped())) {
      return wordValue;
    }
    return integer(path, value, expected, valid);
  }

  Long longInteger(String path, String expected) {
    ConfigValue value = value(path, expected);
    return value == null ? null : wholeNumber(path, value, expected);
  }

  Double number(String path, String expected, DoublePredicate valid) {
    ConfigValue value = value(path, expected);
    return value == null ? null : number(path, value, expected, valid);
  }

  Boolean bool(String path) {
    ConfigValue value = value(path, BOOLEAN);
    if (value == null) {
      return null;
    }
    try {
      return ConfigFactory.empty().withValue("v", value).getBoolean("v");
    } catch (ConfigException.WrongType | ConfigException.Missing e) {
      typeError(path, value, BOOLEAN);
      return null;
    }
  }

  /** A non-empty list of integers, each meeting {@code valid}; duplicates are reported. */
  List<Integer> integers(String path, String elementExpected, LongPredicate valid) {
    return distinct(path, elementExpected, (key, v) -> integer(key, v, elementExpected, valid));
  }

  /** A non-empty list of numbers, each meeting {@code valid}; duplicates are reported. */
  List<Double> numbers(String path, String elementExpected, DoublePredicate valid) {
    return distinct(path, elementExpected, (key, v) -> number(key, v, elementExpected, valid));
  }

  /** A non-empty list of non-empty strings; duplicates are reported. */
  List<String> strings(String path, String elementExpected) {
    return distinct(path, elementExpected, (key, v) -> string(key, v, elementExpected));
  }

  /** Reads the list at {@code path} element by element; null when any element is a problem. */
  private <T> List<T> distinct(
      String path, String elementExpected, BiFunction<String, ConfigValue, T> element) {
    List<T> result = new ArrayList<>();
    ConfigList list = list(path, elementExpected);
    if (list == null) {
      return null;
    }
    for (int i = 0; i < list.size(); i++) {
      addDistinct(result, element.apply(path + "[" + i + "]", list.get(i)), path, i, list.get(i));
    }
    return result.size() == list.size() ? result : null;
  }

  /** The {@code index}th element of the list at {@code path}, read already. */
  ConfigValue element(String path, int index) {
    return ((ConfigList) value(path, "a list")).get(index);
  }

  /**
   * A {@code [low, high]} pair of numbers with {@code 0 < low <= high}, or {@code null}.
   */
  double[] range(String path) {
    String expected = "a list [low, high] with 0 < low <= high";
    ConfigValue value = value(path, expected);
    if (value == null) {
      return null;
    }
    if (!(value instanceof ConfigList list)) {
      typeError(path, value, expected);
      return null;
    }
    if (list.size() != 2) {
      report(value.origin(), path,
          render(value) + " has " + list.size() + " element" + (list.size() == 1 ? "" : "s")
              + "; expected " + expected);
      return null;
    }
    Double low = number(path + "[0]", list.get(0), "a number > 0", v -> v > 0);
    Double high = number(path + "[1]", list.get(1), "a number > 0", v -> v > 0);
    if (low == null || high == null) {
      return null;
    }
    if (low > high) {
      report(value.origin(), path,
          render(value) + " has low > high; expected " + expected);
      return null;
    }
    return new double[] {low, high};
  }

  private ConfigList list(String path, String elementExpected) {
    String expected = "a non-empty list of values, each " + elementExpected;
    ConfigValue value = value(path, expected);
    if (value == null) {
      return null;
    }
    if (!(value instanceof ConfigList list)) {
      typeError(path, value, expected);
      return null;
    }
    if (list.isEmpty()) {
      report(value.origin(), path, "[] is empty; expected " + expected);
      return null;
    }
    return list;
  }

  private <T> void addDistinct(List<T> result, T element, String path, int index, ConfigValue value) {
    if (element == null) {
      return;
    }
    if (result.contains(element)) {
      report(value.origin(), path + "[" + index + "]",
          render(value) + " is a duplicate; expected distinct values");
      return;
    }
    result.add(element);
  }

  private Integer integer(String key, ConfigValue value, String expected, LongPredicate valid) {
    Long whole = wholeNumber(key, value, expected);
    if (whole == null) {
      return null;
    }
    if (whole < Integer.MIN_VALUE || whole > Integer.MAX_VALUE || !valid.test(whole)) {
      outOfRange(key, value, expected);
      return null;
    }
    return whole.intValue();
  }

  private Long wholeNumber(String key, ConfigValue value, String expected) {
    Object number = numeric(value);
    if (number == null) {
      typeError(key, value, expected);
      return null;
    }
    if (number instanceof Long || number instanceof Integer) {
      return ((Number) number).longValue();
    }
    double d = (Double) number;
    if (d != Math.rint(d) || Math.abs(d) > Long.MAX_VALUE) {
      report(value.origin(), key, render(value) + " is not an integer; expected " + expected);
      return null;
    }
    return (long) d;
  }

  private Double number(String key, ConfigValue value, String expected, DoublePredicate valid) {
    Object number = numeric(value);
    if (number == null) {
      typeError(key, value, expected);
      return null;
    }
    double d = ((Number) number).doubleValue();
    if (!valid.test(d)) {
      outOfRange(key, value, expected);
      return null;
    }
    return d;
  }

  /** The value as a Long, Integer or finite Double, or {@code null} when it is not a number. */
  private static Object numeric(ConfigValue value) {
    Object raw = value.unwrapped();
    if (value.valueType() == ConfigValueType.NUMBER) {
      return raw instanceof Double d && !Double.isFinite(d) ? null : raw;
    }
    if (value.valueType() != ConfigValueType.STRING) {
      return null;
    }
    String text = ((String) raw).trim();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notLong) {
      try {
        double d = Double.parseDouble(text);
        return Double.isFinite(d) ? d : null;
      } catch (NumberFormatException notNumber) {
        return null;
      }
    }
  }

  private static String asString(ConfigValue value) {
    return switch (value.valueType()) {
      case STRING, NUMBER, BOOLEAN -> ConfigFactory.empty().withValue("v", value).getString("v");
      default -> null;
    };
  }

  /**
   * The value as the user wrote it: numbers in their original text ({@code 1e-3}, {@code 0.50}),
   * strings quoted, lists with spaces after commas.
   */
  static String render(ConfigValue value) {
    if (value instanceof ConfigList list) {
      return list.stream().map(ConfigReader::render).collect(Collectors.joining(", ", "[", "]"));
    }
    if (value.valueType() == ConfigValueType.NUMBER) {
      return asString(value);
    }
    return value.render(CONCISE);
  }

  static String typeName(ConfigValue value) {
    return switch (value.valueType()) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "not a value";
      case STRING -> "a string";
    };
  }

  /** {@code file:line}; a classpath resource is named by its resource name, e.g. reference.conf. */
  static String where(ConfigOrigin origin) {
    return where(fileOf(origin), origin.lineNumber());
  }

  private static String where(String file, int line) {
    return line >= 0 ? file + ":" + line : file;
  }

  private static String fileOf(ConfigOrigin origin) {
    // A classpath resource also has a filename when loaded from target/classes; name it the same
    // way wherever it was loaded from.
    if (origin.resource() != null) {
      return origin.resource();
    }
    if (origin.filename() != null) {
      return origin.filename();
    }
    String description = origin.description();
    String lineSuffix = ": " + origin.lineNumber();
    return description.endsWith(lineSuffix)
        ? description.substring(0, description.length() - lineSuffix.length())
        : description;
  }

  private static ConfigValue lookup(ConfigObject root, String path) {
    ConfigValue current = root;
    for (String key : ConfigUtil.splitPath(path)) {
      if (!(current instanceof ConfigObject object)) {
        return null;
      }
      try {
        current = object.get(key);
      } catch (ConfigException.NotResolved e) {
        return null; // the user's root is unresolved; an object merged with a substitution has no place
      }
    }
    return current;
  }

  private static void collectLeafOrigins(ConfigValue value, List<ConfigOrigin> into) {
    if (value instanceof ConfigObject object) {
      object.values().forEach(v -> collectLeafOrigins(v, into));
    } else {
      into.add(value.origin());
    }
  }
}
