package io.gapsweep.config;

import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * What each axis of {@link Axes#ALL} may take, the repeats per configuration and how
 * configurations are chosen. Under the grid every axis is a list of choices, as the user wrote them
 * (the grid sampler sorts them); under random search an axis may also be a range.
 *
 * @param distributions each axis's distribution by axis name
 * @param seeds repeats per configuration, {@code >= 1}
 * @param search grid or random, and the random search's settings
 */
public record SearchSpace(Map<String, Distribution> distributions, int seeds, SearchSettings search)
    implements Serializable {

  public SearchSpace {
    Map<String, Distribution> ordered = new LinkedHashMap<>();
    for (Axis<?> axis : Axes.ALL) {
      Distribution distribution = distributions.get(axis.name());
      if (distribution == null) {
        throw new IllegalArgumentException(
            "Cannot make a search space: no values for " + axis + " in " + distributions.keySet());
      }
      if (distribution.isChoices()) {
        distribution = Distribution.choices(axis.cast(distribution.values()));
      } else if (!search.strategy().takesRanges()) {
        throw new IllegalArgumentException("Cannot make a " + search.strategy().configName()
            + " search space: " + axis + " is a " + distribution.shape().configName() + " range");
      }
      ordered.put(axis.name(), distribution);
    }
    distributions = Collections.unmodifiableMap(ordered);
  }

  /** A grid: each axis's choices by axis name. */
  public SearchSpace(Map<String, ? extends List<?>> values, int seeds) {
    this(choices(values), seeds, SearchSettings.grid());
  }

  private static Map<String, Distribution> choices(Map<String, ? extends List<?>> values) {
    Map<String, Distribution> choices = new LinkedHashMap<>();
    values.forEach((name, list) -> choices.put(name, Distribution.choices(list)));
    return choices;
  }

  /** The distribution of {@code axis}. */
  public Distribution distribution(Axis<?> axis) {
    return distributions.get(axis.name());
  }

  /**
   * The choices of {@code axis}, in the order written.
   *
   * @throws IllegalStateException when the axis is a range (random search only)
   */
  public <T extends Comparable<T>> List<T> values(Axis<T> axis) {
    Distribution distribution = distribution(axis);
    if (!distribution.isChoices()) {
      throw new IllegalStateException("Cannot list the values of " + axis + ": it is a "
          + distribution.describe(axis) + " range");
    }
    return axis.cast(distribution.values());
  }

  /** Whether {@code axis} can take more than one value; an optional axis is shown only then. */
  public boolean varies(Axis<?> axis) {
    return distribution(axis).count(axis) > 1;
  }

  /** Distinct configurations the space holds, {@link Long#MAX_VALUE} when a real range is in it. */
  public long configurations() {
    long count = 1;
    for (Axis<?> axis : Axes.ALL) {
      long axisCount = distribution(axis).count(axis);
      if (axisCount == Long.MAX_VALUE || count > Long.MAX_VALUE / axisCount) {
        return Long.MAX_VALUE;
      }
      count *= axisCount;
    }
    return count;
  }

  /** Trials the sweep has: the grid's or the drawn configurations, times the seeds. */
  public long size() {
    long configurations = search.isRandom() ? search.trials() : configurations();
    return configurations > Long.MAX_VALUE / seeds ? Long.MAX_VALUE : configurations * seeds;
  }

  /**
   * The sweep's factors, e.g. "2 depth x 3 dropout x 2 l2 x 1 augmentation x 20 seeds" for a grid,
   * "12 random configurations (seed 7) x 2 seeds" for random search; an optional axis appears in a
   * grid's factors only when it has more than one value.
   */
  public String factors() {
    StringJoiner text = new StringJoiner(" x ");
    if (search.isRandom()) {
      text.add(search.trials() + " random configurations (seed " + search.seed() + ")");
    } else {
      for (Axis<?> axis : Axes.shown(this::varies)) {
        text.add(distribution(axis).count(axis) + " " + axis.name());
      }
    }
    return text.add(seeds + " seeds").toString();
  }
}
