package io.gapsweep.bench;

import io.gapsweep.data.ImageSet;

/**
 * Random images and labels that the PyTorch script ({@code reference_cnn.py}) generates too, byte
 * for byte: one step of a 64-bit linear congruential generator over each index, so both sides
 * need no shared file and no common random number generator.
 */
final class ReferenceData {

  static final int CHANNELS = 3;
  static final int SIDE = 32;
  static final int CLASSES = 6;

  private static final long MULTIPLIER = 6364136223846793005L;
  private static final long INCREMENT = 1442695040888963407L;

  private ReferenceData() {}

  static ImageSet images(int count) {
    int size = CHANNELS * SIDE * SIDE;
    byte[] pixels = new byte[count * size];
    for (int k = 0; k < pixels.length; k++) {
      pixels[k] = (byte) ((k * MULTIPLIER + INCREMENT) >>> 56);
    }
    int[] labels = new int[count];
    for (int i = 0; i < count; i++) {
      labels[i] = (int) Long.remainderUnsigned((i * MULTIPLIER + INCREMENT) >>> 33, CLASSES);
    }
    return new ImageSet(count, CHANNELS, SIDE, SIDE, pixels, labels);
  }
}
