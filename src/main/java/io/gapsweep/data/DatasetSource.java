package io.gapsweep.data;

import io.gapsweep.config.DataSettings;

/** Loads the dataset a sweep's configuration names; runs once, on the driver. */
public final class DatasetSource {

  private DatasetSource() {}

  public static Dataset load(DataSettings settings) {
    return switch (settings.source()) {
      case "synthetic" -> SyntheticShapes.generate(settings);
      // The settings loader only lets known sources through.
      default -> throw new IllegalArgumentException("Unknown data source " + settings.source());
    };
  }

  /**
   * Number of classes the dataset of these settings has, without loading it (the result tables do
   * not record it; the analysis views need it for chance accuracy).
   */
  public static int classCount(DataSettings settings) {
    return switch (settings.source()) {
      case "synthetic" -> SyntheticShapes.CLASSES.size();
      default -> throw new IllegalArgumentException("Unknown data source " + settings.source());
    };
  }

  /** Classes and images per class per split, as printed before training. */
  public static String summary(Dataset data) {
    StringBuilder text = new StringBuilder();
    ImageSet train = data.train();
    text.append(
        String.format(
            "Dataset: %d classes, %d training and %d validation images, %dx%d pixels, %d channel%s%n",
            data.classCount(), train.count(), data.validation().count(), train.width(),
            train.height(), train.channels(), train.channels() == 1 ? "" : "s"));
    int[] trainCounts = countPerClass(train, data.classCount());
    int[] validationCounts = countPerClass(data.validation(), data.classCount());
    int width = data.classes().stream().mapToInt(String::length).max().orElse(5);
    text.append(String.format("  %-" + width + "s  %5s  %10s%n", "class", "train", "validation"));
    for (int c = 0; c < data.classCount(); c++) {
      text.append(
          String.format(
              "  %-" + width + "s  %5d  %10d%n",
              data.classes().get(c), trainCounts[c], validationCounts[c]));
    }
    return text.toString();
  }

  static int[] countPerClass(ImageSet images, int classes) {
    int[] counts = new int[classes];
    for (int label : images.labels()) {
      counts[label]++;
    }
    return counts;
  }
}
