package io.gapsweep.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The values of every axis of {@link Axes#ALL}, as the user wrote them (grid expansion sorts
 * them), and the repeats per configuration.
 *
 * @param values each axis's values by axis name, non-empty and without repeats
 * @param seeds repeats per configuration, {@code >= 1}
 */
public record SearchSpace(Map<String, List<?>> values, int seeds) implements Serializable {

  public SearchSpace {
    Map<String, List<?>> ordered = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      List<?> axisValues = values.get(axis.name());
      if (axisValues == null) {
        throw new IllegalArgumentException(
            "Cannot make a search space: no values for " + axis + " in " + values.keySet());
      }
      ordered.put(axis.name(), List.copyOf(axis.cast(axisValues)));
    }
    values = Collections.unmodifiableMap(ordered);
  }

  /** The values of {@code axis}, in the order written. */
  public <T extends Comparable<T>> List<T> values(Axis<T> axis) {
    return axis.cast(values.get(axis.name()));
  }

  /** Trials the grid has: the product of the axes' sizes and the seeds. */
  public long size() {
    long size = seeds;
    for (List<?> axisValues : values.values()) {
      size *= axisValues.size();
    }
    return size;
  }

  /**
   * The grid's factors, e.g. "2 depth x 3 dropout x 2 l2 x 1 augmentation x 20 seeds"; an optional
   * axis appears only when it has more than one value.
   */
  public String factors() {
    StringJoiner text = new StringJoiner(" x ");
    for (Axis<?> axis : Axes.shown(axis -> values.get(axis.name()).size() > 1)) {
      text.add(values.get(axis.name()).size() + " " + axis.name());
    }
    return text.add(seeds + " seeds").toString();
  }
}
