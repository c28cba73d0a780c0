package io.gapsweep.config;

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
      ordered.put(axis.name(), axis.type().cast(numberAs(axis.type(), value)));
    }
    if (!ordered.keySet().containsAll(values.keySet())) {
      throw new IllegalArgumentException("Cannot make trial parameters: unknown axis in "
          + values.keySet() + "; expected " + Axes.ALL);
    }
    return new Params(Collections.unmodifiableMap(ordered));
  }

  /** The values by axis name, in registry order: what a journal record stores. */
  public Map<String, Object> asMap() {
    return values;
  }

  // A value read back from JSON may be an Integer where the axis holds doubles (0 for 0.0), or
  // the reverse; the number is the same, only its Java type differs.
  private static Object numberAs(Class<?> type, Object value) {
    if (value instanceof Number number && !type.isInstance(value)) {
      if (type == Double.class) {
        return number.doubleValue();
      }
      if (type == Integer.class && number.doubleValue() == number.intValue()) {
        return number.intValue();
      }
    }
    return value;
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
