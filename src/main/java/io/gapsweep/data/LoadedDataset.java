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
 */
public record LoadedDataset(
    Dataset dataset, String source, List<SkippedFile> skipped, List<String> warnings) {

  public LoadedDataset {
    skipped = List.copyOf(skipped);
    warnings = List.copyOf(warnings);
  }

  /** A dataset with nothing skipped and nothing to warn about. */
  public static LoadedDataset clean(Dataset dataset, String source) {
    return new LoadedDataset(dataset, source, List.of(), List.of());
  }
}
