package io.gapsweep.config;

import java.io.Serializable;

/**
 * The built-in synthetic shapes dataset.
 *
 * @param trainPerClass training images per class
 * @param validationPerClass validation images per class
 * @param seed generator seed: the same seed gives the same pixels
 * @param noise standard deviation of the per-pixel Gaussian noise, in 0..255 units
 * @param clutter number of distracting strokes drawn on each image
 * @param testPerClass test images per class, 0 for none; they are generated on the driver only
 */
public record SyntheticSettings(
    int trainPerClass, int validationPerClass, long seed, double noise, int clutter,
    int testPerClass)
    implements Serializable {

  /** Settings without a test split. */
  public SyntheticSettings(
      int trainPerClass, int validationPerClass, long seed, double noise, int clutter) {
    this(trainPerClass, validationPerClass, seed, noise, clutter, 0);
  }
}
