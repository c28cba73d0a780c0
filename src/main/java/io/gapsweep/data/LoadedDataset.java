package io.gapsweep.data;

import java.util.List;

/**
 * A dataset as loaded on the driver, with what the user should hear about it. Only
 * {@link #dataset()} is broadcast to executors.
 *
 * @param dataset the images
 * @param source where the images came from, e.g. {@code synthetic} or the image folder
 * @param skipped files left out because they are not readable images, in file order
 * @param warnings problems that do not stop the sweep, e.g. a class with few images
 * @param test the held-out test images (an image folder's {@code test/}); count 0 when absent.
 *     Stays on the driver: never broadcast to trials
 */
public record LoadedDataset(
    Dataset dataset, String source, List<SkippedFile> skipped, List<String> warnings,
    ImageSet test) {

  public LoadedDataset {
    skipped = List.copyOf(skipped);
    warnings = List.copyOf(warnings);
  }

  /** A dataset with nothing skipped and nothing to warn about. */
  public static LoadedDataset clean(Dataset dataset, String source) {
    ImageSet train = dataset.train();
    return new LoadedDataset(dataset, source, List.of(), List.of(),
        ImageSet.empty(train.channels(), train.height(), train.width()));
  }
}
