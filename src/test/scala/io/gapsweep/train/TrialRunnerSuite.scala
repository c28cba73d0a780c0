package io.gapsweep.train

import io.gapsweep.config.{AugmentationPreset, Optimizer}
import io.gapsweep.data.{Dataset, SyntheticShapes}
import io.gapsweep.testing.Fixtures
import org.deeplearning4j.eval.Evaluation
import org.nd4j.linalg.dataset.DataSet
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class TrialRunnerSuite extends AnyFunSuite {

  private lazy val data: Dataset = SyntheticShapes.generate(Fixtures.data())
  private val here = new ExecutorInfo("test", "localhost", 1L, "linux-x86_64")

  private def train(
      spec: io.gapsweep.plan.TrialSpec = Fixtures.spec(),
      training: io.gapsweep.config.TrainingSettings = Fixtures.training(),
      preset: AugmentationPreset = AugmentationPreset.none()): TrialRunner.Outcome =
    TrialRunner.train(spec, training, preset, data, 1, here)

  private def cleanSet(images: io.gapsweep.data.ImageSet): DataSet = {
    val order = ImageTensors.identity(images.count)
    new DataSet(
      ImageTensors.features(images, order, 0, images.count),
      ImageTensors.oneHot(images, order, 0, images.count, data.classCount))
  }

  test("a trial completes with one curve point per epoch, numbered from 1") {
    val result = train().result
    assert(result.status == TrialStatus.COMPLETED, result.error)
    val curve = result.curve.asScala
    assert(curve.map(_.epoch) == (1 to result.epochsRun))
    assert(result.epochsRun >= 1 && result.epochsRun <= 6)
    assert(Set("patience", "max-epochs").contains(result.stopReason))
    assert(result.bestEpoch == curve.minBy(_.valLoss).epoch)
    assert(result.threads == 1)
    curve.foreach { p =>
      assert(p.trainAcc >= 0 && p.trainAcc <= 1 && p.valAcc >= 0 && p.valAcc <= 1)
      assert(p.seconds > 0)
    }
  }

  test("curve losses are clean: they equal a direct inference-mode evaluation of the best model") {
    val outcome = train(spec = Fixtures.spec(dropout = 0.5, l2 = 0.01))
    val result = outcome.result
    assert(result.status == TrialStatus.COMPLETED, result.error)
    val best = result.curve.get(result.bestEpoch - 1)
    val model = outcome.bestModel
    for ((images, loss, acc) <- Seq(
        (data.train, best.trainLoss, best.trainAcc),
        (data.validation, best.valLoss, best.valAcc))) {
      val set = cleanSet(images)
      // scoreExamples(_, false): per-example loss in inference mode, without the L2 term.
      val direct = model.scoreExamples(set, false).meanNumber().doubleValue()
      assert(math.abs(direct - loss) < 1e-4, s"direct $direct, curve $loss")
      val evaluation = new Evaluation(data.classCount)
      evaluation.eval(set.getLabels, model.output(set.getFeatures, false))
      assert(math.abs(evaluation.accuracy() - acc) < 1e-9)
      // DL4J's own score adds the penalty: the curve must not.
      val penalized = model.score(set, false)
      assert(math.abs(penalized - direct - best.l2Penalty) < 1e-3)
    }
    assert(best.l2Penalty > 0)
  }

  test("the validation predictions are the kept epoch's: per-example losses average to its validation loss") {
    val outcome = train(spec = Fixtures.spec(dropout = 0.5, l2 = 0.01))
    val result = outcome.result
    assert(result.status == TrialStatus.COMPLETED, result.error)
    val best = result.curve.get(result.bestEpoch - 1)
    val p = result.predictions
    val n = data.validation.count
    assert(p.size == n && p.classes == data.classCount)
    assert(p.labels.sameElements(data.validation.labels))
    // Summed in the same order as the curve: equal, not merely close.
    assert(p.meanLoss == best.valLoss)
    assert(p.accuracy == best.valAcc)
    // The same numbers as a direct inference-mode pass of the kept model.
    val direct = outcome.bestModel.output(cleanSet(data.validation).getFeatures, false).dup('c').data().asFloat()
    assert(direct.length == p.probabilities.length)
    assert(direct.indices.forall(i => math.abs(direct(i) - p.probabilities()(i)) < 1e-6))
    for (i <- 0 until n) {
      val row = (0 until p.classes).map(c => p.probability(i, c))
      assert(math.abs(row.sum - 1) < 1e-4)
      assert(p.predicted()(i) == row.indexOf(row.max))
      assert(p.losses()(i) == -math.log(math.max(row(p.labels()(i)).toDouble, 1e-10)))
    }
  }

  test("the same trial gives the same curve, run after run") {
    val spec = Fixtures.spec(dropout = 0.3, augmentation = "flips")
    def losses = {
      val result = train(spec = spec, preset = Fixtures.flips).result
      assert(result.status == TrialStatus.COMPLETED, result.error)
      result.curve.asScala.map(p => (p.trainLoss, p.valLoss, p.fitLoss, p.valAcc))
    }
    val first = losses
    assert(first.nonEmpty)
    assert(first == losses)
  }

  test("a trial whose loss explodes is DIVERGED with its epoch, not an exception") {
    val exploding = Fixtures.training(optimizer = Optimizer.SGD, learningRate = 1e12)
    // The learning rate a trial trains with is its value on the learning-rate axis.
    val spec = new io.gapsweep.plan.TrialSpec("t-42", "c-42",
      Fixtures.params(trainingSettings = exploding), 0, 0, 42L)
    val result = train(spec = spec, training = exploding).result
    assert(result.status == TrialStatus.DIVERGED, result.error)
    assert(result.stopReason == "diverged")
    assert(result.error.startsWith("loss became non-finite in epoch 1 "), result.error)
  }

  test("a trial that cannot be built is FAILED with the error message") {
    // Grayscale validation images for a colour network: evaluation throws inside DL4J.
    val gray = SyntheticShapes.generate(Fixtures.data(channels = 1))
    val broken = new Dataset(data.classes, data.train, gray.validation)
    val result = TrialRunner
      .train(Fixtures.spec(), Fixtures.training(), AugmentationPreset.none(), broken, 1, here)
      .result
    assert(result.status == TrialStatus.FAILED)
    assert(result.stopReason == "error")
    assert(result.error.startsWith("DL4JInvalidInputException: "), result.error)
    assert(result.curve.isEmpty && result.bestEpoch == 0 && result.epochsRun == 0)
    assert(result.predictions == null)
  }
}
