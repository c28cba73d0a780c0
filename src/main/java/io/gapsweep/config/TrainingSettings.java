package io.gapsweep.config;

import java.io.Serializable;

/**
 * Settings shared by every trial of a sweep; shipped to executors with each trial.
 *
 * @param optimizer the updater
 * @param learningRate step size
 * @param momentum momentum for {@link Optimizer#NESTEROV}; ignored otherwise
 * @param batchSize mini-batch size
 * @param maxEpochs hard stop
 * @param patience epochs without a validation-loss improvement of more than {@code minDelta}
 *     before early stopping
 * @param minDelta the smallest decrease of validation loss that counts as an improvement
 * @param baseFilters filters of the first conv block; each further block doubles them
 * @param denseUnits width of the dense layer before the softmax
 */
public record TrainingSettings(
    Optimizer optimizer,
    double learningRate,
    double momentum,
    int batchSize,
    int maxEpochs,
    int patience,
    double minDelta,
    int baseFilters,
    int denseUnits)
    implements Serializable {

  /** These settings with another learning rate, e.g. a trial's value of the learning-rate axis. */
  public TrainingSettings withLearningRate(double rate) {
    return new TrainingSettings(optimizer, rate, momentum, batchSize, maxEpochs, patience,
        minDelta, baseFilters, denseUnits);
  }

  /** These settings with another batch size, e.g. a trial's value of the batch-size axis. */
  public TrainingSettings withBatchSize(int size) {
    return new TrainingSettings(optimizer, learningRate, momentum, size, maxEpochs, patience,
        minDelta, baseFilters, denseUnits);
  }
}
