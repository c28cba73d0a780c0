package io.gapsweep.train;

import io.gapsweep.data.ImageSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Turns compact image bytes into the float tensors DL4J trains on: NCHW, scaled to 0..1. */
final class ImageTensors {

  private ImageTensors() {}

  /** Features of the images {@code order[from..to)}, un-augmented. */
  static INDArray features(ImageSet images, int[] order, int from, int to) {
    return create(images.scaled(order, from, to), to - from, images);
  }

  static INDArray create(float[] data, int count, ImageSet images) {
    return Nd4j.create(
        data,
        new long[] {count, images.channels(), images.height(), images.width()},
        DataType.FLOAT);
  }

  static INDArray oneHot(ImageSet images, int[] order, int from, int to, int classes) {
    float[] data = new float[(to - from) * classes];
    for (int i = from; i < to; i++) {
      data[(i - from) * classes + images.labels()[order[i]]] = 1f;
    }
    return Nd4j.create(data, new long[] {to - from, classes}, DataType.FLOAT);
  }

  static int[] identity(int count) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    return order;
  }
}
