package io.gapsweep.data;

import java.io.Serializable;

/**
 * Decoded images as compact unsigned bytes, ready to broadcast.
 *
 * <p>Layout: image-major, then channel, row, column (NCHW), one byte per value in 0..255, channels
 * in RGB order. The arrays are owned by this record: nobody mutates them after construction.
 *
 * @param count number of images
 * @param channels 1 or 3
 * @param height rows
 * @param width columns
 * @param pixels {@code count * channels * height * width} bytes
 * @param labels class index of each image
 */
public record ImageSet(int count, int channels, int height, int width, byte[] pixels, int[] labels)
    implements Serializable {

  public ImageSet {
    if (pixels.length != (long) count * channels * height * width) {
      throw new IllegalArgumentException(
          "Cannot build image set: " + pixels.length + " bytes for " + count + " images of "
              + channels + "x" + height + "x" + width);
    }
    if (labels.length != count) {
      throw new IllegalArgumentException(
          "Cannot build image set: " + labels.length + " labels for " + count + " images");
    }
  }

  /** No images of this shape: a split that does not exist (a dataset without a test split). */
  public static ImageSet empty(int channels, int height, int width) {
    return new ImageSet(0, channels, height, width, new byte[0], new int[0]);
  }

  /** The images at these indices, in this order (an index may repeat). */
  public ImageSet select(int[] indices) {
    int size = imageSize();
    byte[] out = new byte[indices.length * size];
    int[] outLabels = new int[indices.length];
    for (int i = 0; i < indices.length; i++) {
      System.arraycopy(pixels, indices[i] * size, out, i * size, size);
      outLabels[i] = labels[indices[i]];
    }
    return new ImageSet(indices.length, channels, height, width, out, outLabels);
  }

  /** This set's images followed by {@code other}'s, which must have the same shape. */
  public ImageSet concat(ImageSet other) {
    if (other.channels != channels || other.height != height || other.width != width) {
      throw new IllegalArgumentException(
          "Cannot concatenate image sets of " + channels + "x" + height + "x" + width + " and "
              + other.channels + "x" + other.height + "x" + other.width);
    }
    byte[] out = java.util.Arrays.copyOf(pixels, pixels.length + other.pixels.length);
    System.arraycopy(other.pixels, 0, out, pixels.length, other.pixels.length);
    int[] outLabels = java.util.Arrays.copyOf(labels, count + other.count);
    System.arraycopy(other.labels, 0, outLabels, count, other.count);
    return new ImageSet(count + other.count, channels, height, width, out, outLabels);
  }

  // Pixel byte to 0..1 by table lookup: a division per value cost a twentieth of a training step
  // under the launcher's C1 compiler. The same float divisions, so the same values.
  private static final float[] SCALED = new float[256];

  static {
    for (int value = 0; value < 256; value++) {
      SCALED[value] = value / 255f;
    }
  }

  /**
   * The images {@code order[from..to)}, NCHW, each value scaled to 0..1 (pixel / 255): what a
   * network trains and predicts on.
   */
  public float[] scaled(int[] order, int from, int to) {
    int size = imageSize();
    float[] data = new float[(to - from) * size];
    for (int i = from; i < to; i++) {
      int source = order[i] * size;
      int target = (i - from) * size;
      for (int k = 0; k < size; k++) {
        data[target + k] = SCALED[pixels[source + k] & 0xFF];
      }
    }
    return data;
  }

  public int imageSize() {
    return channels * height * width;
  }

  /** Unsigned value of one pixel channel, 0..255. */
  public int pixel(int image, int channel, int row, int column) {
    return pixels[((image * channels + channel) * height + row) * width + column] & 0xFF;
  }
}
