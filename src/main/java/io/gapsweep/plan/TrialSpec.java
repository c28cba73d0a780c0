package io.gapsweep.plan;

import io.gapsweep.config.Axis;
import io.gapsweep.config.Params;
import java.io.Serializable;

/**
 * One point of the search space plus its repeat index and fold: everything that makes one trial
 * differ from another.
 *
 * @param trialId stable id; see {@link TrialIds}
 * @param configId the same hash without the seed index and the fold; trials that differ only by
 *     seed or fold share it
 * @param params the trial's value on every axis; read with {@link #value(Axis)}
 * @param seedIndex repeat index, from 0
 * @param fold validation fold, from 0; always 0 until a cross-validation scheme sets it
 * @param seed the seed every random choice of the trial derives from (weights, shuffling,
 *     augmentation)
 */
public record TrialSpec(
    String trialId, String configId, Params params, int seedIndex, int fold, long seed)
    implements Serializable {

  /** The trial's value on {@code axis}, e.g. {@code spec.value(Axes.DEPTH)}. */
  public <T extends Comparable<T>> T value(Axis<T> axis) {
    return params.value(axis);
  }
}
