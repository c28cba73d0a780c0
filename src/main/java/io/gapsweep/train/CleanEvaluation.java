package io.gapsweep.train;

import io.gapsweep.data.ImageSet;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loss and accuracy of a network on a fixed image set, measured the honest way: inference mode
 * (dropout off, batch norm on running statistics), no L2 penalty, no augmentation.
 *
 * <p>The features are built once and reused every epoch.
 */
final class CleanEvaluation {

  /** DL4J's MCXENT clips softmax outputs at this value too, so losses match its own scoring. */
  private static final double CLIP = 1e-10;

  private static final int CHUNK = 256;

  private final INDArray[] chunks;
  private final int[] labels;

  CleanEvaluation(ImageSet images) {
    int[] order = ImageTensors.identity(images.count());
    int count = (images.count() + CHUNK - 1) / CHUNK;
    this.chunks = new INDArray[count];
    for (int c = 0; c < count; c++) {
      chunks[c] =
          ImageTensors.features(
              images, order, c * CHUNK, Math.min(images.count(), (c + 1) * CHUNK));
    }
    this.labels = images.labels();
  }

  Score evaluate(MultiLayerNetwork network) {
    return measure(network, false).score();
  }

  /** The score and, per example, the prediction, loss and class probabilities it averages. */
  Measured measureWithPredictions(MultiLayerNetwork network) {
    return measure(network, true);
  }

  private Measured measure(MultiLayerNetwork network, boolean keep) {
    int n = labels.length;
    int[] predicted = keep ? new int[n] : null;
    double[] losses = keep ? new double[n] : null;
    float[] all = null;
    int classCount = 0;
    double lossSum = 0;
    int correct = 0;
    int index = 0;
    for (INDArray chunk : chunks) {
      INDArray probabilities = network.output(chunk, false);
      int rows = (int) probabilities.rows();
      int classes = (int) probabilities.columns();
      float[] p = probabilities.dup('c').data().asFloat();
      if (keep && all == null) {
        classCount = classes;
        all = new float[n * classes];
      }
      if (keep) {
        System.arraycopy(p, 0, all, index * classes, rows * classes);
      }
      for (int r = 0; r < rows; r++, index++) {
        int label = labels[index];
        int argmax = 0;
        for (int k = 1; k < classes; k++) {
          if (p[r * classes + k] > p[r * classes + argmax]) {
            argmax = k;
          }
        }
        if (argmax == label) {
          correct++;
        }
        double truth = p[r * classes + label];
        // NaN must survive to the curve so that divergence is seen, not clipped away.
        double loss = Double.isNaN(truth) ? Double.NaN : -Math.log(Math.max(truth, CLIP));
        lossSum += loss;
        if (keep) {
          predicted[index] = argmax;
          losses[index] = loss;
        }
      }
    }
    Score score = new Score(lossSum / index, (double) correct / index);
    return new Measured(
        score,
        keep ? new Predictions(classCount, labels.clone(), predicted, losses,
            all == null ? new float[0] : all) : null);
  }

  record Score(double loss, double accuracy) {}

  /** A score and, when asked for, the predictions behind it. */
  record Measured(Score score, Predictions predictions) {}
}
