package io.gapsweep.config;

import java.util.List;
import java.util.function.Predicate;

/**
 * The registry of search-space axes: one declaration per axis. The grid, the {@code trials}
 * columns, the SQL views, the console and HTML leaderboards, the model metadata, the plan listing
 * and the trial ids all iterate {@link #ALL}; adding an axis is a declaration here, its default and
 * documentation in {@code reference.conf}, and, when it is a setting the trainer already reads, an
 * {@link Axis#overriding} hook.
 *
 * <p>It lives in {@code config}, beside {@link SearchSpace}, because the settings loader reads and
 * validates each axis together with every other setting, and {@code plan} depends on
 * {@code config}: a registry in {@code plan} would make the two packages import each other.
 */
public final class Axes {

  public static final Axis<Integer> DEPTH =
      Axis.integer("depth", "Number of conv blocks.", "an integer >= 1", v -> v >= 1);

  public static final Axis<Double> DROPOUT =
      Axis.number("dropout", "Drop rate (Keras meaning).", "a number in [0, 1)",
          v -> v >= 0 && v < 1);

  public static final Axis<Double> L2 =
      Axis.number("l2", "L2 coefficient.", "a number >= 0", v -> v >= 0);

  public static final Axis<String> AUGMENTATION =
      Axis.text("augmentation", "Augmentation preset name.", "a preset name")
          .baseline(AugmentationPreset.NONE);

  public static final Axis<Double> LEARNING_RATE =
      Axis.number("learning-rate", "Step size of the optimizer.", "a number > 0", v -> v > 0)
          .optional()
          .overriding("learning-rate", TrainingSettings::learningRate,
              TrainingSettings::withLearningRate);

  public static final Axis<Integer> BATCH_SIZE =
      Axis.integer("batch-size", "Mini-batch size.", "an integer >= 1", v -> v >= 1)
          .optional()
          .overriding("batch-size", TrainingSettings::batchSize, TrainingSettings::withBatchSize);

  /** Every axis, in the order of columns and listings; the grid nests them by name instead. */
  public static final List<Axis<?>> ALL =
      List.of(DEPTH, DROPOUT, L2, AUGMENTATION, LEARNING_RATE, BATCH_SIZE);

  private Axes() {}

  /** The axis called {@code name}. */
  public static Axis<?> named(String name) {
    for (Axis<?> axis : ALL) {
      if (axis.name().equals(name)) {
        return axis;
      }
    }
    throw new IllegalArgumentException("Cannot find axis " + name + ": expected one of " + ALL);
  }

  /** The axes to show: every axis that is not optional, and the optional ones that {@code vary}. */
  public static List<Axis<?>> shown(Predicate<Axis<?>> varies) {
    return ALL.stream().filter(axis -> !axis.isOptional() || varies.test(axis)).toList();
  }

  /** {@code training} as a trial with {@code params} trains with it. */
  public static TrainingSettings training(Params params, TrainingSettings training) {
    TrainingSettings result = training;
    for (Axis<?> axis : ALL) {
      result = apply(axis, params, result);
    }
    return result;
  }

  private static <T extends Comparable<T>> TrainingSettings apply(
      Axis<T> axis, Params params, TrainingSettings training) {
    return axis.trainingKey() == null ? training : axis.applyTo(training, params.value(axis));
  }
}
