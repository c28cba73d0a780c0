package io.gapsweep.data;

import java.util.List;

/**
 * A dataset as loaded on the driver, with what the user should hear about it. Only
 * {@link #dataset()} is broadcast to executors; {@link #test()} never leaves the driver.
 *
 * @param dataset the images
 * @param source where the images came from, e.g. {@code synthetic} or the image folder
 * @param skipped files left out because they are not readable images, in file order
 * @param warnings problems that do not stop the sweep, e.g. a class with few images
 * @param test the held-out test images, labelled with {@code dataset.classes()}: never used for
 *     training, early stopping or ranking, only to evaluate a configuration once it is chosen. An
 *     empty set (count 0, the training images' shape) when the data has no test split
 */
public record LoadedDataset(
    Dataset dataset, String source, List<SkippedFile> skipped, List<String> warnings,
    ImageSet test) {

  public LoadedDataset {
    skipped = List.copyOf(skipped);
    warnings = List.copyOf(warnings);
  }

  /** A dataset without a test split. */
  public LoadedDataset(
      Dataset dataset, String source, List<SkippedFile> skipped, List<String> warnings) {
    this(dataset, source, skipped, warnings, noTest(dataset));
  }

  /** A dataset with nothing skipped, nothing to warn about and no test split. */
  public static LoadedDataset clean(Dataset dataset, String source) {
    return clean(dataset, source, noTest(dataset));
  }

  /** A dataset with nothing skipped and nothing to warn about. */
  public static LoadedDataset clean(Dataset dataset, String source, ImageSet test) {
    return new LoadedDataset(dataset, source, List.of(), List.of(), test);
  }

  /** Whether the data has a test split. */
  public boolean hasTest() {
    return test.count() > 0;
  }

  private static ImageSet noTest(Dataset dataset) {
    ImageSet train = dataset.train();
    return ImageSet.empty(train.channels(), train.height(), train.width());
  }
}
