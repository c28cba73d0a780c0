package io.gapsweep.train;

import io.gapsweep.data.ImageSet;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.earlystopping.scorecalc.ScoreCalculator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * Records one learning-curve point per epoch and gives early stopping its score.
 *
 * <p>It is both the trainer's {@link ScoreCalculator} (called exactly once at the end of each
 * epoch, with evaluation every epoch) and a training listener (to average the mini-batch loss as
 * trained). Early stopping therefore watches the same clean validation loss the curve shows,
 * not DL4J's default score, which adds the L2 penalty.
 */
final class CurveRecorder extends BaseTrainingListener
    implements ScoreCalculator<MultiLayerNetwork> {

  private final transient CleanEvaluation train;
  private final transient CleanEvaluation validation;
  private final List<EpochMetrics> curve = new ArrayList<>();
  private double fitLossSum;
  private int fitLossCount;
  private long epochStart;
  private double bestValidationLoss = Double.POSITIVE_INFINITY;
  private Predictions bestPredictions;

  CurveRecorder(ImageSet trainImages, ImageSet validationImages) {
    this.train = new CleanEvaluation(trainImages);
    this.validation = new CleanEvaluation(validationImages);
    this.epochStart = System.nanoTime();
  }

  /**
   * A recorder that continues a paused trial: its curve so far and the predictions of its best
   * epoch, so the next point is numbered on and a later best replaces the kept predictions only
   * if it is strictly lower, as in one uninterrupted run.
   */
  CurveRecorder(
      ImageSet trainImages, ImageSet validationImages, List<EpochMetrics> curveSoFar,
      Predictions bestSoFar) {
    this(trainImages, validationImages);
    for (EpochMetrics point : curveSoFar) {
      curve.add(point);
      if (point.valLoss() < bestValidationLoss) {
        bestValidationLoss = point.valLoss();
      }
    }
    this.bestPredictions = bestSoFar;
  }

  @Override
  public void onEpochStart(Model model) {
    fitLossSum = 0;
    fitLossCount = 0;
    epochStart = System.nanoTime();
  }

  @Override
  public void iterationDone(Model model, int iteration, int epoch) {
    fitLossSum += model.score();
    fitLossCount++;
  }

  @Override
  public double calculateScore(MultiLayerNetwork network) {
    CleanEvaluation.Score onTrain = train.evaluate(network);
    CleanEvaluation.Measured measured = validation.measureWithPredictions(network);
    CleanEvaluation.Score onValidation = measured.score();
    // The same rule as TrialRunner.bestEpoch (strictly lower, NaN never): the epoch whose weights
    // the early-stopping saver keeps.
    if (onValidation.loss() < bestValidationLoss) {
      bestValidationLoss = onValidation.loss();
      bestPredictions = measured.predictions();
    }
    curve.add(
        new EpochMetrics(
            curve.size() + 1,
            onTrain.loss(),
            onTrain.accuracy(),
            onValidation.loss(),
            onValidation.accuracy(),
            fitLoss(),
            network.calcRegularizationScore(true),
            (System.nanoTime() - epochStart) / 1e9));
    return onValidation.loss();
  }

  @Override
  public boolean minimizeScore() {
    return true;
  }

  /** Mean loss of the mini-batches seen since the epoch started; NaN before any. */
  double fitLoss() {
    return fitLossCount == 0 ? Double.NaN : fitLossSum / fitLossCount;
  }

  /** The validation predictions of the epoch of lowest validation loss; null before any. */
  Predictions bestPredictions() {
    return bestPredictions;
  }

  List<EpochMetrics> curve() {
    return List.copyOf(curve);
  }

  EpochMetrics last() {
    return curve.isEmpty() ? null : curve.get(curve.size() - 1);
  }
}
