package io.gapsweep.search;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.Params;
import io.gapsweep.config.SearchSpace;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Every combination of the axes' values. Axes nest in the order of their names (the first name
 * outermost) and each axis's values are sorted, so the order the user wrote them in changes
 * nothing (Spark's {@code ParamGridBuilder} keeps insertion order; Optuna's grid sorts, as here).
 */
public final class GridSampler implements Sampler {

  @Override
  public List<Params> configurations(SearchSpace space) {
    List<Axis<?>> byName = new ArrayList<>(Axes.ALL);
    byName.sort(Comparator.comparing(Axis::name));
    List<Map<String, Object>> points = new ArrayList<>();
    points.add(new LinkedHashMap<>());
    for (Axis<?> axis : byName) {
      List<?> values = sorted(space, axis);
      List<Map<String, Object>> next = new ArrayList<>(points.size() * values.size());
      for (Map<String, Object> point : points) {
        for (Object value : values) {
          Map<String, Object> extended = new LinkedHashMap<>(point);
          extended.put(axis.name(), value);
          next.add(extended);
        }
      }
      points = next;
    }
    return points.stream().map(Params::of).toList();
  }

  private static <T extends Comparable<T>> List<T> sorted(SearchSpace space, Axis<T> axis) {
    return new ArrayList<>(new TreeSet<>(space.values(axis)));
  }
}
