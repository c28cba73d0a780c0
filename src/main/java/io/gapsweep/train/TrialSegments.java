package io.gapsweep.train;

import io.gapsweep.Faults;
import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.data.Augmenter;
import io.gapsweep.data.Dataset;
import io.gapsweep.plan.TrialSpec;
import io.gapsweep.train.kernels.Kernels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.earlystopping.EarlyStoppingResult;
import org.deeplearning4j.earlystopping.termination.EpochTerminationCondition;
import org.deeplearning4j.earlystopping.termination.ScoreImprovementEpochTerminationCondition;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains a trial in segments, for successive halving: from its start or a {@link TrialCheckpoint}
 * up to a given epoch, where it pauses with a new checkpoint unless early stopping ended it first.
 *
 * <p>The epoch loop is DL4J's {@code BaseEarlyStoppingTrainer.fit} for gapsweep's configuration
 * (evaluation every epoch, no iteration condition, an in-memory saver of the best model), with its
 * state made explicit so that it can be stored and restored: the 0-based epoch counter, the best
 * score and epoch, the patience condition's best, the ND4J generator of the training thread. A
 * trial trained 3 + 6 epochs across a checkpoint therefore computes what {@link TrialRunner}
 * computes in 9 epochs at once, to the bit for the same threads ({@code TrialSegmentsSuite}).
 * {@link TrialRunner} stays the path of sweeps without a scheduler, so they are untouched.
 */
public final class TrialSegments {

  private TrialSegments() {}

  /**
   * Trains {@code spec} from {@code from} (null: from scratch) until it ends or has trained
   * {@code untilEpoch} epochs in all. Never throws for a training problem (see {@link
   * TrialRunner}).
   */
  public static SegmentOutput run(
      TrialSpec spec,
      TrainingSettings shared,
      AugmentationPreset preset,
      Dataset data,
      int threads,
      ExecutorInfo executor,
      TrialCheckpoint from,
      int untilEpoch) {
    TrainingSettings training = Axes.training(spec.params(), shared);
    long start = System.nanoTime();
    double secondsBefore = from == null ? 0 : from.seconds();
    int threadsUsed = ThreadPolicy.applyToCurrentThread(threads);
    CurveRecorder recorder = null;
    Dataset.Split split = null;
    try {
      Faults.maybeThrowInTrial(spec.trialId());
      Faults.maybeSleepInTrial();
      Nd4j.getRandom().setSeed(spec.seed());
      split = data.split(spec.fold());
      ImageShape shape = ImageShape.of(split.train());
      MultiLayerNetwork network =
          NetworkFactory.create(spec, training, shape, data.classCount(), Kernels.GAPSWEEP);
      List<EpochTerminationCondition> conditions = TrialRunner.terminationConditions(training);
      conditions.forEach(EpochTerminationCondition::initialize);
      ScoreImprovementEpochTerminationCondition patience = patience(conditions);
      int epoch = 0;
      INDArray bestParams = null;
      int bestEpochIndex = -1;
      double bestScore = Double.MAX_VALUE;
      Map<Integer, Double> scoreVsEpoch = new LinkedHashMap<>();
      if (from == null) {
        recorder = new CurveRecorder(split.train(), split.heldOut());
      } else {
        if (!from.trialId().equals(spec.trialId())) {
          throw new IllegalArgumentException("Cannot continue trial " + spec.trialId()
              + " from the checkpoint of trial " + from.trialId());
        }
        network.setParams(Nd4j.fromByteArray(from.params()));
        if (from.updaterState() != null) {
          network.getUpdater().setStateViewArray(
              network, Nd4j.fromByteArray(from.updaterState()), false);
        }
        network.setIterationCount(from.iterationCount());
        epoch = from.epochs();
        bestParams = from.bestParams() == null ? null : Nd4j.fromByteArray(from.bestParams());
        bestEpochIndex = from.bestEpochIndex();
        bestScore = from.bestScore();
        patience.setBestEpoch(from.patienceBestEpoch());
        patience.setBestScore(from.patienceBestScore());
        for (EpochMetrics point : from.curve()) {
          scoreVsEpoch.put(point.epoch() - 1, point.valLoss());
        }
        recorder = new CurveRecorder(
            split.train(), split.heldOut(), from.curve(), from.bestPredictions());
        // Last: building the network drew its initial weights from this generator.
        Nd4j.getRandom().setStates(from.rngRootState(), from.rngNodeState());
      }
      network.setListeners(recorder);
      TrainingBatches batches =
          new TrainingBatches(
              split.train(),
              data.classCount(),
              training.batchSize(),
              spec.seed(),
              preset.changesImages() ? new Augmenter(preset) : null,
              epoch);

      while (true) {
        batches.reset();
        network.setEpochCount(epoch);
        recorder.onEpochStart(network);
        try {
          while (batches.hasNext()) {
            network.fit(batches.next());
          }
        } catch (Exception e) {
          // As DL4J's trainer: the exception ends the trial with its best model so far.
          return finished(spec, training, data, shape, EarlyStoppingResult.TerminationReason.Error,
              e.toString(), scoreVsEpoch, bestEpochIndex, bestScore, epoch, bestParams, recorder,
              split, threadsUsed, secondsBefore + seconds(start), executor);
        }
        network.setEpochCount(epoch);
        recorder.onEpochEnd(network);
        double score = recorder.calculateScore(network);
        scoreVsEpoch.put(epoch, score);
        boolean invalid = Double.isNaN(score) || Double.isInfinite(score);
        if (score < bestScore || (bestEpochIndex == -1 && invalid)) {
          bestScore = score;
          bestEpochIndex = epoch;
          bestParams = network.params().dup();
        }
        for (EpochTerminationCondition condition : conditions) {
          if (condition.terminate(epoch, score, true)) {
            return finished(spec, training, data, shape,
                EarlyStoppingResult.TerminationReason.EpochTerminationCondition,
                condition.toString(), scoreVsEpoch, bestEpochIndex, bestScore, epoch + 1,
                bestParams, recorder, split, threadsUsed, secondsBefore + seconds(start),
                executor);
          }
        }
        epoch++;
        if (epoch >= untilEpoch) {
          Random random = Nd4j.getRandom();
          INDArray state = network.getUpdater().getStateViewArray();
          return new SegmentOutput(null, new TrialCheckpoint(
              spec.trialId(), epoch, bytes(network.params()),
              state == null ? null : bytes(state), network.getIterationCount(),
              bestParams == null ? null : bytes(bestParams), bestEpochIndex, bestScore,
              patience.getBestEpoch(), patience.getBestScore(),
              random.rootState(), random.nodeState(), recorder.curve(),
              recorder.bestPredictions(), secondsBefore + seconds(start), threadsUsed,
              executor));
        }
      }
    } catch (RuntimeException | LinkageError | AssertionError e) {
      List<EpochMetrics> curve = recorder == null ? List.of() : recorder.curve();
      return new SegmentOutput(new TrialOutput(
          new TrialResult(
              spec, TrialStatus.FAILED, "error", TrialRunner.describe(e),
              TrialRunner.bestEpoch(curve), curve.size(), secondsBefore + seconds(start),
              threadsUsed, executor, curve, TrialRunner.predictions(recorder, split)),
          null), null);
    } finally {
      ThreadPolicy.releaseWorkspaces();
    }
  }

  /**
   * The result of a trial that successive halving stops at a rung: COMPLETED (its kept model is
   * as good as any early-stopped one, for the epochs it had) with stop reason {@code pruned}, and
   * its kept model as a portable zip. Runs on the driver.
   */
  public static TrialOutput pruned(
      TrialSpec spec, TrainingSettings shared, ImageShape shape, int classes,
      TrialCheckpoint checkpoint, int rung) {
    List<EpochMetrics> curve = checkpoint.curve();
    TrialResult result = new TrialResult(
        spec, TrialStatus.COMPLETED, "pruned", "", TrialRunner.bestEpoch(curve), curve.size(),
        checkpoint.seconds(), checkpoint.threads(), checkpoint.executor(), curve,
        checkpoint.bestPredictions(), rung);
    if (checkpoint.bestParams() == null) {
      return new TrialOutput(result, null);
    }
    MultiLayerNetwork best = network(spec, Axes.training(spec.params(), shared), shape, classes,
        Nd4j.fromByteArray(checkpoint.bestParams()));
    return TrialRunner.output(new TrialRunner.Outcome(result, best));
  }

  private static SegmentOutput finished(
      TrialSpec spec, TrainingSettings training, Dataset data, ImageShape shape,
      EarlyStoppingResult.TerminationReason reason, String details,
      Map<Integer, Double> scoreVsEpoch, int bestEpochIndex, double bestScore, int totalEpochs,
      INDArray bestParams, CurveRecorder recorder, Dataset.Split split, int threads,
      double seconds, ExecutorInfo executor) {
    // Built after training, so that its initial weights do not disturb the training generator.
    MultiLayerNetwork best = bestParams == null
        ? null : network(spec, training, shape, data.classCount(), bestParams);
    EarlyStoppingResult<MultiLayerNetwork> outcome = new EarlyStoppingResult<>(
        reason, details, scoreVsEpoch, bestEpochIndex, bestScore, totalEpochs, best);
    TrialResult result =
        TrialRunner.result(spec, outcome, recorder, split, threads, seconds, executor);
    return new SegmentOutput(TrialRunner.output(new TrialRunner.Outcome(result, best)), null);
  }

  private static MultiLayerNetwork network(
      TrialSpec spec, TrainingSettings training, ImageShape shape, int classes, INDArray params) {
    MultiLayerNetwork network =
        NetworkFactory.create(spec, training, shape, classes, Kernels.GAPSWEEP);
    network.setParams(params);
    return network;
  }

  private static ScoreImprovementEpochTerminationCondition patience(
      List<EpochTerminationCondition> conditions) {
    for (EpochTerminationCondition condition : conditions) {
      if (condition instanceof ScoreImprovementEpochTerminationCondition patience) {
        return patience;
      }
    }
    throw new IllegalStateException("No patience condition among " + conditions);
  }

  private static byte[] bytes(INDArray array) {
    try {
      return Nd4j.toByteArray(array);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot serialize an array of a checkpoint", e);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
