package io.gapsweep.bench;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.SweepSettings;
import io.gapsweep.data.Augmenter;
import io.gapsweep.data.ImageSet;
import io.gapsweep.plan.GridExpander;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.ImageShape;
import io.gapsweep.train.NetworkFactory;
import io.gapsweep.train.ThreadPolicy;
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

  /** A measurement: samples per second, and the threads ND4J reported for the training thread. */
  record Rate(double samplesPerSecond, int threads) {}

  private TrainingThroughput() {}

  static Rate measure(ImageSet images, int epochs, int threads, Kernels kernels) {
    SweepSettings settings = ReferenceSweep.settings(1, epochs, 1, 1);
    TrialSpec spec = GridExpander.expand(settings).trials().get(0);
    int used = ThreadPolicy.applyToCurrentThread(threads);
    Nd4j.getRandom().setSeed(spec.seed());
    MultiLayerNetwork network =
        NetworkFactory.create(
            spec, settings.training(), ImageShape.of(images), ReferenceData.CLASSES, kernels);
    TrainingBatches batches =
        new TrainingBatches(
            images, ReferenceData.CLASSES, settings.training().batchSize(), spec.seed(), null);
    try {
      epoch(network, batches); // warm-up: JIT, workspaces, native pools
      long start = System.nanoTime();
      for (int e = 0; e < epochs; e++) {
        epoch(network, batches);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Rate((double) images.count() * epochs / seconds, used);
    } finally {
      Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
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

  private static void epoch(MultiLayerNetwork network, TrainingBatches batches) {
    batches.reset();
    while (batches.hasNext()) {
      network.fit(batches.next());
    }
  }
}
