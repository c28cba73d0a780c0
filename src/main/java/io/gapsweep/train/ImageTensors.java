package io.gapsweep.train;

import io.gapsweep.data.ImageSet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Turns compact image bytes into the float tensors DL4J trains on: NCHW, scaled to 0..1. */
final class ImageTensors {

  private ImageTensors() {}

  // Pixel byte to 0..1: a table lookup, where the division cost a twentieth of a training step
  // under the launcher's C1 compiler. The same float divisions, so the same values.
  private static final float[] SCALED = new float[256];

  static {
    for (int value = 0; value < 256; value++) {
      SCALED[value] = value / 255f;
    }
  }

  /** Features of the images {@code order[from..to)}, un-augmented. */
  static INDArray features(ImageSet images, int[] order, int from, int to) {
    int size = images.imageSize();
    float[] data = new float[(to - from) * size];
    byte[] pixels = images.pixels();
    for (int i = from; i < to; i++) {
      int source = order[i] * size;
      int target = (i - from) * size;
      for (int k = 0; k < size; k++) {
        data[target + k] = SCALED[pixels[source + k] & 0xFF];
      }
    }
    return create(data, to - from, images);
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
