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
 */
public record SyntheticSettings(
    int trainPerClass, int validationPerClass, long seed, double noise, int clutter)
    implements Serializable {}
