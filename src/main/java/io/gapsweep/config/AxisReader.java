package io.gapsweep.config;

import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import java.util.List;
import java.util.Map;

/**
 * Reads one axis of {@code gapsweep.search-space} into a {@link Distribution}: a list is choices;
 * an object with one key is the distribution of that {@linkplain Distribution.Shape shape}, e.g.
 * {@code l2 = { log-uniform = [1e-5, 1e-2] }}. Ranges are for random search only.
 */
final class AxisReader {

  private static final String SEARCH_SPACE = "gapsweep.search-space.";

  private AxisReader() {}

  /**
   * The distribution of {@code axis}, each value checked as the axis declares; {@code null} after a
   * problem. An axis that takes the place of a training setting and is left at its reference.conf
   * default (the setting's value, by substitution) is that setting's value, already checked: it is
   * not read again, so a bad setting is reported once, at its own key.
   *
   * @param search the search settings, or {@code null} when they could not be read (then a range
   *     is not reported for the strategy)
   */
  static Distribution distribution(
      ConfigReader r, Axis<?> axis, Map<String, Object> training, SearchSettings search) {
    String path = SEARCH_SPACE + axis.name();
    ConfigValue written = r.value(path, axis.expected());
    if (written == null) {
      return null;
    }
    if (axis.trainingKey() != null && written.origin().resource() != null) {
      Object value = training.get(axis.trainingKey());
      return value == null ? null : Distribution.choices(List.of(value));
    }
    if (written instanceof ConfigObject object) {
      return shaped(r, axis, path, object, search);
    }
    if (written instanceof ConfigList list
        && list.stream().anyMatch(element -> element instanceof ConfigObject)) {
      r.report(written.origin(), path, ConfigReader.render(written)
          + " is a list of distributions; expected a list of values or one distribution, an"
          + " object with one key of " + Distribution.Shape.names());
      return null;
    }
    List<?> values = list(r, axis, path);
    return values == null ? null : Distribution.choices(values);
  }

  private static Distribution shaped(ConfigReader r, Axis<?> axis, String path, ConfigObject object,
      SearchSettings search) {
    String expected = "an object with one key of " + Distribution.Shape.names();
    if (object.size() != 1) {
      r.report(object.origin(), path, ConfigReader.render(object) + " has " + object.size()
          + " keys; expected " + expected);
      return null;
    }
    String name = object.keySet().iterator().next();
    String key = path + "." + name;
    Distribution.Shape shape = Distribution.Shape.named(name);
    if (shape == null) {
      r.report(object.get(name).origin(), key,
          "unknown distribution; expected one of " + Distribution.Shape.names());
      return null;
    }
    if (!shape.fits(axis.kind())) {
      r.report(object.get(name).origin(), key, name + " does not fit " + axis.name()
          + ", whose values are each " + axis.expected() + "; expected "
          + Distribution.Shape.CHOICES.configName());
      return null;
    }
    if (shape.isRange() && search != null && !search.strategy().takesRanges()) {
      r.report(object.get(name).origin(), key, "a " + name + " range needs gapsweep.search.strategy"
          + " = random (it is " + search.strategy().configName() + "); expected a list of values");
      return null;
    }
    List<?> values = list(r, axis, key);
    if (values == null || !shape.isRange()) {
      return values == null ? null : Distribution.choices(values);
    }
    ConfigValue bounds = object.get(name);
    String boundsExpected = "[low, high] with " + shape.boundsExpected();
    if (values.size() != 2) {
      r.report(bounds.origin(), key, ConfigReader.render(bounds) + " has " + values.size()
          + " element" + (values.size() == 1 ? "" : "s") + "; expected " + boundsExpected);
      return null;
    }
    double low = ((Number) values.get(0)).doubleValue();
    double high = ((Number) values.get(1)).doubleValue();
    if (!shape.acceptsBounds(low, high)) {
      String hint = shape == Distribution.Shape.LOG_UNIFORM && low <= 0 && low < high
          ? "; to include 0, list choices instead" : "";
      r.report(bounds.origin(), key, ConfigReader.render(bounds)
          + " is out of range; expected " + boundsExpected + hint);
      return null;
    }
    return new Distribution(shape, values);
  }

  /** The list at {@code path}, each element checked as the axis declares, without repeats. */
  private static List<?> list(ConfigReader r, Axis<?> axis, String path) {
    return switch (axis.kind()) {
      case INTEGER -> r.integers(path, axis.expected(), v -> v == (int) v && accepts(axis, (int) v));
      case NUMBER -> r.numbers(path, axis.expected(), v -> accepts(axis, v));
      case TEXT -> r.strings(path, axis.expected());
    };
  }

  private static <T extends Comparable<T>> boolean accepts(Axis<T> axis, Object value) {
    return axis.accepts(axis.type().cast(value));
  }

  /**
   * Where the list of {@code distribution}'s values was written: the axis's key for a plain list,
   * else the key of its shape, e.g. {@code gapsweep.search-space.depth.uniform}.
   */
  static String listPath(ConfigReader r, Axis<?> axis, Distribution distribution) {
    String path = SEARCH_SPACE + axis.name();
    return r.object(path) == null ? path : path + "." + distribution.shape().configName();
  }

  /**
   * Random search needs {@code trials} distinct configurations; a space of choices and integer
   * ranges may hold fewer, which is reported here rather than after a thousand draws.
   */
  static void checkEnoughConfigurations(ConfigReader r, SearchSpace space) {
    long available = space.configurations();
    int trials = space.search().trials();
    if (space.search().isRandom() && available < trials) {
      String key = "gapsweep.search.trials";
      r.report(r.value(key, "").origin(), key, trials + " is out of range; expected at most "
          + available + ", the distinct configurations of gapsweep.search-space");
    }
  }
}
