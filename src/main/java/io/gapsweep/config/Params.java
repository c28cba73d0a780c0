package io.gapsweep.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * One value per axis of {@link Axes#ALL}: a point of the search space. Immutable and serializable
 * (values are Integer, Double or String, kept by axis name), so it travels with a trial spec.
 */
public final class Params implements Serializable {

  private static final long serialVersionUID = 1L;

  private final Map<String, Object> values;

  private Params(Map<String, Object> values) {
    this.values = values;
  }

  /** Params with a value for every axis; {@code values} is keyed by axis name. */
  public static Params of(Map<String, ?> values) {
    Map<String, Object> ordered = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      Object value = values.get(axis.name());
      if (value == null) {
        throw new IllegalArgumentException("Cannot make trial parameters: no value for " + axis
            + " in " + values);
      }
      ordered.put(axis.name(), axis.type().cast(value));
    }
    if (!ordered.keySet().containsAll(values.keySet())) {
      throw new IllegalArgumentException("Cannot make trial parameters: unknown axis in "
          + values.keySet() + "; expected " + Axes.ALL);
    }
    return new Params(Collections.unmodifiableMap(ordered));
  }

  /**
   * Params read back from the journal's JSON, where a number's Java type is JSON's (an integer or
   * a double), not necessarily the axis's.
   */
  @JsonCreator
  static Params fromJson(Map<String, Object> json) {
    Map<String, Object> typed = new LinkedHashMap<>();
    json.forEach((name, value) -> {
      Class<?> type = Axes.named(name).type();
      Object converted = value;
      if (value instanceof Number number && type == Integer.class) {
        converted = number.intValue();
      } else if (value instanceof Number number && type == Double.class) {
        converted = number.doubleValue();
      }
      typed.put(name, converted);
    });
    return of(typed);
  }

  /** The values by axis name, as the journal stores them. */
  @JsonValue
  Map<String, Object> asMap() {
    return values;
  }

  public <T extends Comparable<T>> T value(Axis<T> axis) {
    return axis.type().cast(values.get(axis.name()));
  }

  /** The canonical text of this point's value on {@code axis}; see {@link Axis#print}. */
  public String print(Axis<?> axis) {
    return axis.printAny(values.get(axis.name()));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Params p && values.equals(p.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    StringJoiner text = new StringJoiner(", ", "{", "}");
    Axes.ALL.forEach(axis -> text.add(axis.name() + "=" + print(axis)));
    return text.toString();
  }
}
