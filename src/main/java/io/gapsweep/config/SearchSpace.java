package io.gapsweep.config;

import java.io.Serializable;
import java.util.List;

/**
 * The grid axes. Values keep the order the user wrote; grid expansion sorts them.
 *
 * @param depth numbers of conv blocks
 * @param dropout drop rates (Keras meaning: the fraction of units dropped), in [0, 1)
 * @param l2 L2 coefficients, {@code >= 0}
 * @param augmentation names of augmentation presets
 * @param seeds repeats per configuration, {@code >= 1}
 */
public record SearchSpace(
    List<Integer> depth, List<Double> dropout, List<Double> l2, List<String> augmentation, int seeds)
    implements Serializable {

  public SearchSpace {
    depth = List.copyOf(depth);
    dropout = List.copyOf(dropout);
    l2 = List.copyOf(l2);
    augmentation = List.copyOf(augmentation);
  }

  public int size() {
    return depth.size() * dropout.size() * l2.size() * augmentation.size() * seeds;
  }
}
