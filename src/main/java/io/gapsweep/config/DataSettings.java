package io.gapsweep.config;

import java.io.Serializable;

/**
 * Where the images come from and the shape every image is brought to.
 *
 * @param source {@code synthetic} (the built-in dataset) or {@code directory} (image folders)
 * @param width image width in pixels after loading
 * @param height image height in pixels after loading
 * @param channels 1 (grayscale) or 3 (colour)
 * @param synthetic settings of the built-in dataset
 * @param directory settings of the image folder source
 */
public record DataSettings(
    String source,
    int width,
    int height,
    int channels,
    SyntheticSettings synthetic,
    DirectorySettings directory)
    implements Serializable {}
