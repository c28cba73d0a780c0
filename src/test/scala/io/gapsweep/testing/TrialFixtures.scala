package io.gapsweep.testing

import io.gapsweep.plan.TrialSpec
import io.gapsweep.train.{EpochMetrics, ExecutorInfo, Predictions, TrialResult, TrialStatus}

import scala.collection.JavaConverters._

/** Hand-made trial results with hand-made learning curves, for store and analysis suites. */
object TrialFixtures {

  /** One curve point; fit loss, L2 penalty and seconds derive from the epoch so rows stay distinct. */
  def point(
      epoch: Int,
      trainLoss: Double,
      trainAcc: Double,
      valLoss: Double,
      valAcc: Double): EpochMetrics =
    new EpochMetrics(epoch, trainLoss, trainAcc, valLoss, valAcc, trainLoss + 0.5, 0.0625 * epoch, 2.0 * epoch)

  /** Points numbered 1..n from (trainLoss, trainAcc, valLoss, valAcc) tuples. */
  def curve(points: (Double, Double, Double, Double)*): Seq[EpochMetrics] =
    points.zipWithIndex.map { case ((tl, ta, vl, va), i) => point(i + 1, tl, ta, vl, va) }

  val executor = new ExecutorInfo("1", "worker-a", 4242L, "linux-x86_64-avx2")

  /** A trial of configuration {@code config} with the given grid point and outcome. */
  def trial(
      config: String,
      seedIndex: Int,
      curve: Seq[EpochMetrics],
      bestEpoch: Int,
      depth: Int = 2,
      dropout: Double = 0.25,
      l2: Double = 0.0001,
      augmentation: String = "none",
      status: TrialStatus = TrialStatus.COMPLETED,
      stopReason: String = "patience",
      error: String = "",
      fold: Int = 0,
      predictions: Predictions = null): TrialResult =
    new TrialResult(
      new TrialSpec(s"$config-s$seedIndex" + (if (fold == 0) "" else s"-f$fold"), config,
        Fixtures.params(depth, dropout, l2, augmentation), seedIndex, fold, 1000L + seedIndex),
      status,
      stopReason,
      error,
      bestEpoch,
      curve.size,
      10.0 * curve.size,
      2,
      executor,
      curve.asJava,
      predictions)
}
