package io.gapsweep.data;

import io.gapsweep.config.DataSettings;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/** Loads the dataset a sweep's configuration names; runs once, on the driver. */
public final class DatasetSource {

  private DatasetSource() {}

  /** Skipped files named one by one in the summary; the rest are counted. */
  static final int SKIPPED_SHOWN = 20;

  /**
   * Loads the dataset; {@code spark} decodes image folders in parallel.
   *
   * @throws io.gapsweep.UserError when the images cannot be loaded
   */
  public static LoadedDataset load(SparkSession spark, DataSettings settings) {
    return switch (settings.source()) {
      case "synthetic" -> SyntheticShapes.load(settings);
      case "directory" -> ImageFolders.load(spark, settings);
      // The settings loader only lets known sources through.
      default -> throw new IllegalArgumentException("Unknown data source " + settings.source());
    };
  }

  /**
   * What the images are, as cheaply as it can be told without reading them: for the built-in data
   * nothing (its settings make it); for a folder every file's path, size and modification time.
   * Empty when the folder cannot be listed (then nothing may assume the data unchanged).
   */
  public static Optional<String> fingerprint(DataSettings settings) {
    if (!"directory".equals(settings.source())) {
      return Optional.of("synthetic");
    }
    Path root = new Path(settings.directory().path());
    String scheme = root.toUri().getScheme();
    List<String> files = new ArrayList<>();
    try {
      if (scheme == null || scheme.equals("file")) {
        // Hadoop's local listing costs milliseconds per file (7.5-9 s for the 1,797 files of
        // the digits tree); the JDK's takes a fraction of a second.
        try (Stream<java.nio.file.Path> walk = Files.walk(
            java.nio.file.Paths.get(root.toUri().getPath()), FileVisitOption.FOLLOW_LINKS)) {
          for (java.nio.file.Path file : (Iterable<java.nio.file.Path>) walk::iterator) {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            if (attributes.isRegularFile()) {
              files.add(file + " " + attributes.size() + " " + attributes.lastModifiedTime().toMillis());
            }
          }
        }
      } else {
        RemoteIterator<LocatedFileStatus> it =
            root.getFileSystem(new Configuration()).listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus file = it.next();
          files.add(file.getPath() + " " + file.getLen() + " " + file.getModificationTime());
        }
      }
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    Collections.sort(files);
    return Optional.of(String.join("\n", files));
  }

  /**
   * What the user should know about the data before training: where it came from, the summary of
   * {@link #summary(Dataset)}, then the skipped files and the warnings.
   */
  public static String summary(LoadedDataset loaded) {
    StringBuilder text = new StringBuilder();
    text.append(String.format("Data source: %s%n", loaded.source()));
    text.append(summary(loaded.dataset()));
    ImageSet test = loaded.test();
    if (test.count() > 0) {
      int[] counts = countPerClass(test, loaded.dataset().classCount());
      StringBuilder perClass = new StringBuilder();
      for (int c = 0; c < counts.length; c++) {
        perClass.append(c == 0 ? "" : ", ").append(loaded.dataset().classes().get(c)).append(' ')
            .append(counts[c]);
      }
      text.append(String.format("Test: %d image%s held out, never seen by trials (%s)%n",
          test.count(), test.count() == 1 ? "" : "s", perClass));
    }
    List<SkippedFile> skipped = loaded.skipped();
    if (!skipped.isEmpty()) {
      text.append(String.format("Warning: skipped %d file%s that %s not readable images:%n",
          skipped.size(), skipped.size() == 1 ? "" : "s", skipped.size() == 1 ? "is" : "are"));
      skipped.stream().limit(SKIPPED_SHOWN).forEach(
          f -> text.append(String.format("  %s: %s%n", f.path(), f.reason())));
      if (skipped.size() > SKIPPED_SHOWN) {
        text.append(String.format("  ... and %d more%n", skipped.size() - SKIPPED_SHOWN));
      }
    }
    loaded.warnings().forEach(w -> text.append("Warning: ").append(w).append(System.lineSeparator()));
    balanceWarnings(loaded.dataset())
        .forEach(w -> text.append("Warning: ").append(w).append(System.lineSeparator()));
    return text.toString();
  }

  /**
   * Classes whose share of the training images and of the validation images differ by more than
   * {@link #BALANCE_TOLERANCE}: validation accuracy then weighs classes unlike training does.
   */
  static List<String> balanceWarnings(Dataset data) {
    int[] train = countPerClass(data.train(), data.classCount());
    int[] validation = countPerClass(data.validation(), data.classCount());
    List<String> warnings = new java.util.ArrayList<>();
    if (data.train().count() == 0 || data.validation().count() == 0) {
      return warnings;
    }
    for (int c = 0; c < data.classCount(); c++) {
      double trainShare = (double) train[c] / data.train().count();
      double validationShare = (double) validation[c] / data.validation().count();
      if (Math.abs(trainShare - validationShare) > BALANCE_TOLERANCE) {
        warnings.add(String.format(java.util.Locale.ROOT,
            "class %s is %.0f%% of the training images but %.0f%% of the validation images",
            data.classes().get(c), 100 * trainShare, 100 * validationShare));
      }
    }
    return warnings;
  }

  /** Largest difference of a class's share between the splits before a warning (10 points). */
  static final double BALANCE_TOLERANCE = 0.10;

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
    int width = Math.max(
        "class".length(), data.classes().stream().mapToInt(String::length).max().orElse(0));
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
