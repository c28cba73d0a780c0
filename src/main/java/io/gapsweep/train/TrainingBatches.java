package io.gapsweep.train;

import io.gapsweep.data.Augmenter;
import io.gapsweep.data.ImageSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * Training mini-batches: reshuffled and freshly augmented on every pass.
 *
 * <p>Every random choice of pass {@code p} comes from one {@link Random} seeded with the trial seed
 * and {@code p}, consumed in a fixed order on the calling thread; so the batches depend on the seed
 * alone, never on thread scheduling. Asynchronous prefetch is refused for the same reason, and
 * because a hidden thread per trial would fight the thread policy.
 */
public final class TrainingBatches implements DataSetIterator {

  private final ImageSet images;
  private final int classes;
  private final int batchSize;
  private final long seed;
  private final Augmenter augmenter;
  private final float[] image;
  private final int[] order;
  private Random random;
  private int pass = -1;
  private int cursor;

  /** @param augmenter applied to each training image, or {@code null} for none */
  public TrainingBatches(
      ImageSet images, int classes, int batchSize, long seed, Augmenter augmenter) {
    this(images, classes, batchSize, seed, augmenter, 0);
  }

  /**
   * Batches of a trial that has already trained {@code passesDone} passes (a continued trial):
   * its next pass draws what pass {@code passesDone + 1} of an uninterrupted trial draws. The
   * order is reshuffled in place from pass to pass, so the passes done are replayed (shuffles
   * only, no augmentation: cheap) to reach the same order.
   *
   * @param augmenter applied to each training image, or {@code null} for none
   */
  public TrainingBatches(
      ImageSet images, int classes, int batchSize, long seed, Augmenter augmenter,
      int passesDone) {
    this.images = images;
    this.classes = classes;
    this.batchSize = batchSize;
    this.seed = seed;
    this.augmenter = augmenter;
    this.image = new float[images.imageSize()];
    this.order = ImageTensors.identity(images.count());
    reset();
    for (int p = 0; p < passesDone; p++) {
      reset();
    }
  }

  @Override
  public void reset() {
    pass++;
    random = new Random(seed * 31 + pass);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    cursor = 0;
  }

  @Override
  public boolean hasNext() {
    return cursor < order.length;
  }

  @Override
  public DataSet next() {
    return next(batchSize);
  }

  @Override
  public DataSet next(int num) {
    if (!hasNext()) {
      throw new NoSuchElementException("Cannot read past the end of the training set");
    }
    int to = Math.min(order.length, cursor + num);
    INDArray features =
        augmenter == null
            ? ImageTensors.features(images, order, cursor, to)
            : augmentedFeatures(cursor, to);
    INDArray labels = ImageTensors.oneHot(images, order, cursor, to, classes);
    cursor = to;
    return new DataSet(features, labels);
  }

  private INDArray augmentedFeatures(int from, int to) {
    int size = images.imageSize();
    float[] data = new float[(to - from) * size];
    byte[] pixels = images.pixels();
    for (int i = from; i < to; i++) {
      int source = order[i] * size;
      for (int k = 0; k < size; k++) {
        image[k] = pixels[source + k] & 0xFF;
      }
      // Keras semantics: augmentation works on 0..255 pixels; scaling comes after.
      augmenter.apply(image, images.channels(), images.height(), images.width(), random);
      int target = (i - from) * size;
      for (int k = 0; k < size; k++) {
        data[target + k] = image[k] / 255f;
      }
    }
    return ImageTensors.create(data, to - from, images);
  }

  @Override
  public int inputColumns() {
    return images.imageSize();
  }

  @Override
  public int totalOutcomes() {
    return classes;
  }

  @Override
  public boolean resetSupported() {
    return true;
  }

  @Override
  public boolean asyncSupported() {
    return false;
  }

  @Override
  public int batch() {
    return batchSize;
  }

  @Override
  public void setPreProcessor(DataSetPreProcessor preProcessor) {
    throw new UnsupportedOperationException("Cannot pre-process: images are scaled on the way in");
  }

  @Override
  public DataSetPreProcessor getPreProcessor() {
    return null;
  }

  @Override
  public List<String> getLabels() {
    return null;
  }
}
