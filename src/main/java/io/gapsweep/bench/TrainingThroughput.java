package io.gapsweep.bench;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Augmenter;
import io.gapsweep.data.ImageSet;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.ImageShape;
import io.gapsweep.train.NetworkFactory;
import io.gapsweep.train.TrainingBatches;
import io.gapsweep.train.kernels.Kernels;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Part 1: how fast one trial trains the reference network, in samples per second, on the path a
 * trial takes (the network gapsweep builds, {@link TrainingBatches} reshuffling every epoch), on
 * the calling thread. Clean evaluation and early stopping are left out: this is the training step.
 */
final class TrainingThroughput {

  private TrainingThroughput() {}

  /**
   * The reference network built as a trial builds it, warmed up by one epoch, then trained one
   * timed epoch at a time on the calling thread, so that epochs of different kinds can alternate.
   * The caller sets the thread's ND4J threads and destroys its workspaces when done.
   */
  static final class Trainer {

    private final MultiLayerNetwork network;
    private final TrainingBatches batches;
    private final int samples;

    Trainer(ImageSet images, Kernels kernels) {
      SweepSettings settings = ReferenceSweep.settings(1, 1, 1, 1);
      TrialSpec spec = GridExpander.expand(settings).trials().get(0);
      Nd4j.getRandom().setSeed(spec.seed());
      network = NetworkFactory.create(
          spec, settings.training(), ImageShape.of(images), ReferenceData.CLASSES, kernels);
      batches = new TrainingBatches(
          images, ReferenceData.CLASSES, settings.training().batchSize(), spec.seed(), null);
      samples = images.count();
      epoch(); // warm-up: JIT, workspaces, native pools
    }

    /** Trains one epoch; its samples per second. */
    double epoch() {
      long start = System.nanoTime();
      batches.reset();
      while (batches.hasNext()) {
        network.fit(batches.next());
      }
      return samples / ((System.nanoTime() - start) / 1e9);
    }
  }

  /**
   * Samples per second of assembling the training batches alone (bytes to scaled floats, labels,
   * augmentation when {@code preset} changes images), on the calling thread: the most that moving
   * this work off the training thread could save.
   */
  static double batchesOnly(ImageSet images, int epochs, AugmentationPreset preset) {
    TrainingBatches batches =
        new TrainingBatches(images, ReferenceData.CLASSES, 32, 1L,
            preset.changesImages() ? new Augmenter(preset) : null);
    long start = 0;
    for (int e = -1; e < epochs; e++) {
      if (e == 0) {
        start = System.nanoTime();
      }
      batches.reset();
      while (batches.hasNext()) {
        batches.next();
      }
    }
    return (double) images.count() * epochs / ((System.nanoTime() - start) / 1e9);
  }
}
