package io.gapsweep.train

import io.gapsweep.data.{Dataset, SyntheticShapes}
import io.gapsweep.testing.Fixtures
import org.deeplearning4j.util.ModelSerializer
import org.scalatest.funsuite.AnyFunSuite

import java.io.{ByteArrayInputStream, ByteArrayOutputStream, ObjectInputStream, ObjectOutputStream}
import scala.jdk.CollectionConverters._

/** A trial paused at a rung and continued from its checkpoint is the trial trained at once. */
class TrialSegmentsSuite extends AnyFunSuite {

  private lazy val data: Dataset = SyntheticShapes.generate(Fixtures.data(size = 8))
  private val here = new ExecutorInfo("test", "localhost", 1L, "linux-x86_64")
  // Patience above the epoch limit: all 9 epochs are trained, so the seam is crossed.
  private val nineEpochs = Fixtures.training(maxEpochs = 9, patience = 20)
  // Dropout and flips: the ND4J generator and the augmentation draws must continue too.
  private val spec = Fixtures.spec(dropout = 0.25, augmentation = "flips")

  /** Through Java serialization, as the checkpoint crosses the wire and sits on disk. */
  private def roundTrip(checkpoint: TrialCheckpoint): TrialCheckpoint = {
    val bytes = new ByteArrayOutputStream()
    val out = new ObjectOutputStream(bytes)
    out.writeObject(checkpoint)
    out.close()
    new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray)).readObject()
      .asInstanceOf[TrialCheckpoint]
  }

  private def params(zip: Array[Byte]) =
    ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(zip), false).params()

  private def withoutTimes(curve: java.util.List[EpochMetrics]) =
    curve.asScala.map(p => p.copy(seconds = 0))

  implicit class Copy(p: EpochMetrics) {
    def copy(seconds: Double): EpochMetrics =
      new EpochMetrics(p.epoch, p.trainLoss, p.trainAcc, p.valLoss, p.valAcc, p.fitLoss,
        p.l2Penalty, seconds)
  }

  test("9 epochs at once (DL4J's trainer) equal 3 + 6 across a checkpoint: curve and kept model") {
    val once = TrialRunner.run(spec, nineEpochs, Fixtures.flips, data, 1, here)
    assert(once.result.status == TrialStatus.COMPLETED, once.result.error)
    assert(once.result.epochsRun == 9 && once.result.stopReason == "max-epochs")

    val first = TrialSegments.run(spec, nineEpochs, Fixtures.flips, data, 1, here, null, 3)
    assert(first.finished == null)
    val checkpoint = roundTrip(first.paused)
    assert(checkpoint.epochs == 3 && checkpoint.curve.size == 3)
    assert(checkpoint.updaterState != null)
    val second = TrialSegments.run(spec, nineEpochs, Fixtures.flips, data, 1, here, checkpoint, 27)
    assert(second.paused == null)
    val continued = second.finished

    assert(continued.result.status == TrialStatus.COMPLETED, continued.result.error)
    assert(continued.result.stopReason == "max-epochs")
    assert(continued.result.epochsRun == 9)
    assert(continued.result.bestEpoch == once.result.bestEpoch)
    // Bit for bit: the same numbers, not merely close ones (same thread count).
    assert(withoutTimes(continued.result.curve) == withoutTimes(once.result.curve))
    assert(continued.result.predictions.losses.sameElements(once.result.predictions.losses))
    assert(params(continued.bestModel) == params(once.bestModel))
  }

  test("a trial that early-stops inside a segment ends there, as it would at once") {
    val impatient = Fixtures.training(maxEpochs = 30, patience = 1)
    val once = TrialRunner.run(spec, impatient, Fixtures.flips, data, 1, here)
    var output = TrialSegments.run(spec, impatient, Fixtures.flips, data, 1, here, null, 2)
    var segments = 1
    while (output.finished == null) {
      output = TrialSegments.run(spec, impatient, Fixtures.flips, data, 1, here,
        roundTrip(output.paused), output.paused.epochs + 2)
      segments += 1
    }
    assert(output.finished.result.stopReason == once.result.stopReason)
    assert(withoutTimes(output.finished.result.curve) == withoutTimes(once.result.curve))
    assert(segments == (once.result.epochsRun + 1) / 2)
  }

  test("a pruned trial keeps its best epoch's model and predictions, with stop reason pruned") {
    val first = TrialSegments.run(spec, nineEpochs, Fixtures.flips, data, 1, here, null, 3)
    val pruned = TrialSegments.pruned(
      spec, nineEpochs, ImageShape.of(data.train), data.classCount, first.paused, 0)
    val r = pruned.result
    assert(r.status == TrialStatus.COMPLETED && r.stopReason == "pruned" && r.rung == 0)
    assert(r.epochsRun == 3 && r.bestEpoch == TrialRunner.bestEpoch(r.curve))
    assert(r.predictions.meanLoss == r.curve.get(r.bestEpoch - 1).valLoss)
    assert(pruned.bestModel != null)
  }
}
