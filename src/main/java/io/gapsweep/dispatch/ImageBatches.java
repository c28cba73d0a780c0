package io.gapsweep.dispatch;

import io.gapsweep.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Minibatches of an {@link ImageSet} as DL4J {@link DataSet}s: features NCHW scaled to 0..1 (as
 * trials see them), one-hot labels. Every batch but the last holds exactly {@code batchSize}
 * images, which is what dl4j-spark's {@code rddDataSetNumExamples} and exact evaluation rely on.
 */
final class ImageBatches {

  private ImageBatches() {}

  /** The images in {@code order}, cut into batches of {@code batchSize}. */
  static List<DataSet> of(ImageSet images, int classes, int batchSize, int[] order) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("Cannot cut images into batches of " + batchSize
          + ": expected a batch size >= 1");
    }
    List<DataSet> batches = new ArrayList<>();
    for (int from = 0; from < order.length; from += batchSize) {
      int to = Math.min(order.length, from + batchSize);
      float[] features = images.scaled(order, from, to);
      float[] labels = new float[(to - from) * classes];
      for (int i = from; i < to; i++) {
        int label = images.labels()[order[i]];
        if (label < 0 || label >= classes) {
          throw new IllegalArgumentException("Cannot build a batch: image " + order[i]
              + " has label " + label + ", expected 0.." + (classes - 1));
        }
        labels[(i - from) * classes + label] = 1f;
      }
      batches.add(new DataSet(
          Nd4j.create(features,
              new long[] {to - from, images.channels(), images.height(), images.width()},
              DataType.FLOAT),
          Nd4j.create(labels, new long[] {to - from, classes}, DataType.FLOAT)));
    }
    return batches;
  }

  /** The images in their own order. */
  static List<DataSet> of(ImageSet images, int classes, int batchSize) {
    int[] order = new int[images.count()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    return of(images, classes, batchSize, order);
  }
}
