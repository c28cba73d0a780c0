package io.gapsweep.train;

import io.gapsweep.Faults;
import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.data.Augmenter;
import io.gapsweep.data.Dataset;
import io.gapsweep.data.ImageSet;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.kernels.Kernels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.deeplearning4j.earlystopping.EarlyStoppingConfiguration;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.saver.InMemoryModelSaver;
import org.deeplearning4j.earlystopping.termination.EpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.MaxEpochsTerminationCondition;
import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.deeplearning4j.earlystopping.trainer.EarlyStoppingTrainer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains one trial with DL4J early stopping and records its learning curve.
 *
 * <p>Never throws for a training problem: a failing or diverging trial becomes a result with its
 * status, so the sweep goes on. Only errors of the JVM itself (out of memory, for one) propagate,
 * so that Spark can retry the task elsewhere.
 */
public final class TrialRunner {

  private TrialRunner() {}

  /** A finished trial and, when one was kept, its early-stopped network (lowest validation loss). */
  public record Outcome(TrialResult result, MultiLayerNetwork bestModel) {}

  /** Trains the trial and serializes its early-stopped model, ready to cross the wire. */
  public static TrialOutput run(
      TrialSpec spec,
      TrainingSettings training,
      AugmentationPreset preset,
      Dataset data,
      int threads,
      ExecutorInfo executor) {
    return output(train(spec, training, preset, data, threads, executor));
  }

  /** The outcome ready to cross the wire: the kept model of a completed trial as a zip. */
  static TrialOutput output(Outcome outcome) {
    if (outcome.bestModel() == null || outcome.result().status() != TrialStatus.COMPLETED) {
      return new TrialOutput(outcome.result(), null);
    }
    return new TrialOutput(outcome.result(), portableZip(outcome.bestModel(), outcome.result().spec()));
  }

  /**
   * Retrains {@code spec}'s configuration on {@code images} for exactly {@code epochs} epochs,
   * without validation or early stopping: the refit before a held-out test. Everything else is a
   * trial's training: the network, its seed, the batches (shuffled per pass from the seed),
   * augmentation, kernels and threads. Deterministic for the same arguments and thread count.
   *
   * @param classes number of classes (the network's outputs)
   * @param epochs passes over {@code images}, >= 1
   * @return the trained network as a DL4J model zip, with DL4J's own layers ({@link
   *     Kernels#makePortable}), ready to cross the wire
   */
  public static byte[] refit(
      TrialSpec spec,
      TrainingSettings shared,
      AugmentationPreset preset,
      ImageSet images,
      int classes,
      int epochs,
      int threads) {
    if (epochs < 1) {
      throw new IllegalArgumentException(
          "Cannot refit " + spec.configId() + " for " + epochs + " epochs: expected >= 1");
    }
    TrainingSettings training = Axes.training(spec.params(), shared);
    ThreadPolicy.applyToCurrentThread(threads);
    try {
      Nd4j.getRandom().setSeed(spec.seed());
      MultiLayerNetwork network =
          NetworkFactory.create(spec, training, ImageShape.of(images), classes, Kernels.GAPSWEEP);
      TrainingBatches batches = refitBatches(spec, shared, preset, images, classes);
      for (int epoch = 0; epoch < epochs; epoch++) {
        if (!batches.hasNext()) {
          batches.reset();
        }
        network.fit(batches);
      }
      return portableZip(network, spec);
    } finally {
      ThreadPolicy.releaseWorkspaces();
    }
  }

  /**
   * The batches a refit of {@code spec} trains on, pass after pass: the trial's own (shuffled from
   * its seed, augmented with its preset), over {@code images}.
   */
  public static TrainingBatches refitBatches(TrialSpec spec, TrainingSettings shared,
      AugmentationPreset preset, ImageSet images, int classes) {
    TrainingSettings training = Axes.training(spec.params(), shared);
    return new TrainingBatches(images, classes, training.batchSize(), spec.seed(),
        preset.changesImages() ? new Augmenter(preset) : null);
  }

  private static byte[] portableZip(MultiLayerNetwork network, TrialSpec spec) {
    Kernels.makePortable(network);
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try {
      ModelSerializer.writeModel(network, zip, false);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize the model of trial " + spec.trialId(), e);
    }
    return zip.toByteArray();
  }

  public static Outcome train(
      TrialSpec spec,
      TrainingSettings training,
      AugmentationPreset preset,
      Dataset data,
      int threads,
      ExecutorInfo executor) {
    return train(spec, training, preset, data, threads, executor, Kernels.GAPSWEEP);
  }

  /** As the other {@code train}, with the given kernels (the bench compares them). */
  public static Outcome train(
      TrialSpec spec,
      TrainingSettings shared,
      AugmentationPreset preset,
      Dataset data,
      int threads,
      ExecutorInfo executor,
      Kernels kernels) {
    // The trial's own values of axes that take the place of a training setting (batch size...).
    TrainingSettings training = Axes.training(spec.params(), shared);
    long start = System.nanoTime();
    int threadsUsed = ThreadPolicy.applyToCurrentThread(threads);
    CurveRecorder recorder = null;
    Dataset.Split split = null;
    try {
      Faults.maybeThrowInTrial(spec.trialId());
      Faults.maybeSleepInTrial();
      Nd4j.getRandom().setSeed(spec.seed());
      // Holdout: the training and validation images; k-fold: the trial's fold of the pool.
      split = data.split(spec.fold());
      MultiLayerNetwork network =
          NetworkFactory.create(
              spec, training, ImageShape.of(split.train()), data.classCount(), kernels);
      recorder = new CurveRecorder(split.train(), split.heldOut());
      network.setListeners(recorder);
      TrainingBatches batches =
          new TrainingBatches(
              split.train(),
              data.classCount(),
              training.batchSize(),
              spec.seed(),
              preset.changesImages() ? new Augmenter(preset) : null);
      EarlyStoppingConfiguration<MultiLayerNetwork> config =
          new EarlyStoppingConfiguration.Builder<MultiLayerNetwork>()
              .scoreCalculator(recorder)
              .evaluateEveryNEpochs(1)
              .modelSaver(new InMemoryModelSaver<>())
              .epochTerminationConditions(terminationConditions(training))
              .build();
      EarlyStoppingResult<MultiLayerNetwork> outcome =
          new EarlyStoppingTrainer(config, network, batches).fit();
      return new Outcome(
          result(spec, outcome, recorder, split, threadsUsed, seconds(start), executor),
          outcome.getBestModel());
    } catch (RuntimeException | LinkageError | AssertionError e) {
      List<EpochMetrics> curve = recorder == null ? List.of() : recorder.curve();
      return new Outcome(
          new TrialResult(
              spec, TrialStatus.FAILED, "error", describe(e), bestEpoch(curve), curve.size(),
              seconds(start), threadsUsed, executor, curve, predictions(recorder, split)),
          null);
    } finally {
      // Spark reuses task threads; ND4J workspaces belong to the thread and would outlive the trial.
      ThreadPolicy.releaseWorkspaces();
    }
  }

  static List<EpochTerminationCondition> terminationConditions(TrainingSettings training) {
    return List.of(
        new DivergenceCondition(),
        new MaxEpochsTerminationCondition(training.maxEpochs()),
        new ScoreImprovementEpochTerminationCondition(training.patience(), training.minDelta()));
  }

  static TrialResult result(
      TrialSpec spec,
      EarlyStoppingResult<MultiLayerNetwork> outcome,
      CurveRecorder recorder,
      Dataset.Split split,
      int threads,
      double seconds,
      ExecutorInfo executor) {
    List<EpochMetrics> curve = recorder.curve();
    int bestEpoch = bestEpoch(curve);
    Predictions predictions = predictions(recorder, split);
    String details = String.valueOf(outcome.getTerminationDetails());
    return switch (outcome.getTerminationReason()) {
      // No iteration condition is configured: one that fires before the first evaluation leaves
      // DL4J without a best model. Divergence is caught at the end of the epoch instead.
      case Error, IterationTerminationCondition -> new TrialResult(
          spec, TrialStatus.FAILED, "error", details, bestEpoch, curve.size(), seconds, threads,
          executor, curve, predictions);
      case EpochTerminationCondition -> {
        EpochMetrics last = recorder.last();
        if (last != null && !last.isFinite()) {
          yield new TrialResult(
              spec, TrialStatus.DIVERGED, "diverged",
              "loss became non-finite in epoch " + last.epoch() + " (train " + last.trainLoss()
                  + ", validation " + last.valLoss() + ", fit " + last.fitLoss() + ")",
              bestEpoch, curve.size(), seconds, threads, executor, curve, predictions);
        }
        String reason = details.startsWith("MaxEpochs") ? "max-epochs" : "patience";
        yield new TrialResult(
            spec, TrialStatus.COMPLETED, reason, "", bestEpoch, curve.size(), seconds, threads,
            executor, curve, predictions);
      }
    };
  }

  /** The kept epoch's predictions, each example under its stable id; null when none. */
  static Predictions predictions(CurveRecorder recorder, Dataset.Split split) {
    Predictions best = recorder == null ? null : recorder.bestPredictions();
    return best == null ? null : best.withExampleIds(split.heldOutIds());
  }

  /**
   * 1-based epoch of the lowest finite validation loss, the first on ties: the epoch whose weights
   * DL4J's in-memory saver kept. 0 when no epoch was measured.
   */
  static int bestEpoch(List<EpochMetrics> curve) {
    int best = 0;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (EpochMetrics point : curve) {
      if (point.valLoss() < bestLoss) {
        bestLoss = point.valLoss();
        best = point.epoch();
      }
    }
    return best;
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Stops at the first epoch whose clean losses are not finite: nothing after it can recover. */
  static final class DivergenceCondition implements EpochTerminationCondition {

    @Override
    public void initialize() {}

    @Override
    public boolean terminate(int epochNum, double score, boolean minimize) {
      return !Double.isFinite(score);
    }

    @Override
    public String toString() {
      return "DivergenceCondition";
    }
  }
}
