package io.gapsweep.config;

import java.io.Serializable;

/**
 * Images in class folders, laid out as Keras's {@code flow_from_directory} expects.
 *
 * @param path local path or Hadoop filesystem URI of the image folder; empty when not set
 * @param validationSplit fraction of each class held out for validation when the folder has no
 *     {@code validation/} split of its own; 0 means no split
 * @param strict fail on the first file that is not a readable image, instead of skipping it
 * @param minImagesPerClass a class with fewer images than this in a split gets a warning
 * @param maxPixels an image that declares more pixels (width x height) than this is not decoded
 */
public record DirectorySettings(
    String path, double validationSplit, boolean strict, int minImagesPerClass, int maxPixels)
    implements Serializable {

  /** Whether images are held out of each class for validation. */
  public boolean splitsValidation() {
    return validationSplit > 0;
  }
}
