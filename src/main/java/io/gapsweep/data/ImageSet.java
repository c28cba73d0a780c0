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

  /** No images, of the given shape: e.g. the test split of a dataset that has none. */
  public static ImageSet empty(int channels, int height, int width) {
    return new ImageSet(0, channels, height, width, new byte[0], new int[0]);
  }

  public int imageSize() {
    return channels * height * width;
  }

  /** Unsigned value of one pixel channel, 0..255. */
  public int pixel(int image, int channel, int row, int column) {
    return pixels[((image * channels + channel) * height + row) * width + column] & 0xFF;
  }
}
