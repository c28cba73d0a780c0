package io.gapsweep.train;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A trial's clean prediction for every validation example at its kept (best) epoch: inference
 * mode, no L2 penalty, no augmentation, as the learning curve measures it. Example {@code i} is the
 * trial's i-th validation image; the sweep maps that position to a stable example id.
 *
 * <p>Kept as primitive arrays, so that it crosses the wire and sits in the journal compactly. The
 * arrays are owned by this record: nobody mutates them after construction.
 *
 * @param classes number of classes
 * @param labels true class of each example
 * @param predicted class of highest probability of each example (the first on ties)
 * @param losses cross-entropy of each example, {@code -ln max(p[label], 1e-10)}, as the curve's
 *     validation loss averages it
 * @param probabilities softmax outputs, example-major: {@code probabilities[i * classes + c]}
 * @param exampleIds the stable id of each example (its index in the validation set under
 *     holdout, in the pooled training and validation images under k-fold); {@code null} when the
 *     i-th example's id is {@code i} (and in journals written before folds)
 */
public record Predictions(
    int classes, int[] labels, int[] predicted, double[] losses, float[] probabilities,
    int[] exampleIds)
    implements Serializable {

  public Predictions {
    int n = labels.length;
    if (predicted.length != n || losses.length != n || probabilities.length != (long) n * classes
        || (exampleIds != null && exampleIds.length != n)) {
      throw new IllegalArgumentException(
          "Cannot build predictions: " + n + " labels, " + predicted.length + " predictions, "
              + losses.length + " losses and " + probabilities.length + " probabilities for "
              + classes + " classes");
    }
  }

  /** Predictions whose i-th example is example {@code i}. */
  public Predictions(
      int classes, int[] labels, int[] predicted, double[] losses, float[] probabilities) {
    this(classes, labels, predicted, losses, probabilities, null);
  }

  /** These predictions with the stable id of each example. */
  public Predictions withExampleIds(int[] ids) {
    return new Predictions(classes, labels, predicted, losses, probabilities, ids.clone());
  }

  /** The stable id of example {@code i}. */
  public int exampleId(int i) {
    return exampleIds == null ? i : exampleIds[i];
  }

  /** Number of examples. */
  public int size() {
    return labels.length;
  }

  /** Probability the network gave class {@code c} for example {@code i}. */
  public float probability(int i, int c) {
    return probabilities[i * classes + c];
  }

  /** Mean of {@link #losses()}, summed in example order: the curve's validation loss, exactly. */
  public double meanLoss() {
    double sum = 0;
    for (double loss : losses) {
      sum += loss;
    }
    return sum / losses.length;
  }

  /** Fraction of examples predicted right. */
  public double accuracy() {
    int correct = 0;
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] == labels[i]) {
        correct++;
      }
    }
    return (double) correct / labels.length;
  }

  // Records compare arrays by reference; a prediction read back from the journal must equal the
  // one written.
  @Override
  public boolean equals(Object other) {
    return other instanceof Predictions p
        && classes == p.classes
        && Arrays.equals(labels, p.labels)
        && Arrays.equals(predicted, p.predicted)
        && Arrays.equals(losses, p.losses)
        && Arrays.equals(probabilities, p.probabilities)
        && Arrays.equals(exampleIds, p.exampleIds);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * (31 * classes + Arrays.hashCode(labels)) + Arrays.hashCode(predicted))
        + Arrays.hashCode(losses)) + Arrays.hashCode(probabilities)
        + 17 * Arrays.hashCode(exampleIds);
  }

  @Override
  public String toString() {
    return "Predictions[" + labels.length + " examples, " + classes + " classes, mean loss "
        + meanLoss() + "]";
  }
}
