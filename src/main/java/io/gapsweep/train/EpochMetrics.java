package io.gapsweep.train;

import java.io.Serializable;

/**
 * One point of a learning curve.
 *
 * <p>{@code trainLoss}/{@code trainAcc} and {@code valLoss}/{@code valAcc} are measured the same
 * way, so that their difference is an honest generalization gap: inference mode (no dropout, batch
 * norm on its running statistics), without the L2 penalty, on un-augmented images.
 *
 * @param epoch 1-based epoch number
 * @param trainLoss mean cross-entropy on the clean training set
 * @param trainAcc accuracy on the clean training set
 * @param valLoss mean cross-entropy on the validation set
 * @param valAcc accuracy on the validation set
 * @param fitLoss mean mini-batch loss as trained: dropout, augmentation and L2 penalty included
 *     (what Keras prints as "loss")
 * @param l2Penalty the L2 term of the objective at the end of the epoch
 * @param seconds wall time of the epoch, training and evaluation
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double trainAcc,
    double valLoss,
    double valAcc,
    double fitLoss,
    double l2Penalty,
    double seconds)
    implements Serializable {

  public boolean isFinite() {
    return Double.isFinite(trainLoss) && Double.isFinite(valLoss) && Double.isFinite(fitLoss);
  }
}
