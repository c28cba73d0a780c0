package io.gapsweep.config

import java.io.File
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}

import io.gapsweep.data.{Dataset, SyntheticShapes}
import io.gapsweep.plan.{GridExpander, TrialSpec}
import io.gapsweep.testing.{Fixtures, TempDirs}
import io.gapsweep.train.{ExecutorInfo, NetworkFactory, TrialRunner, TrialStatus}
import org.nd4j.linalg.learning.config.Adam
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

/** The learning-rate and batch-size axes: optional, one value from training.* unless listed. */
class OptionalAxesSuite extends AnyFunSuite with TempDirs {

  private def load(text: String): SweepSettings = withTempDir { dir =>
    SettingsLoader.load(write(dir, text))
  }

  private def problems(text: String): Seq[String] = withTempDir { dir =>
    val e = intercept[SettingsException](SettingsLoader.load(write(dir, text)))
    e.problems().asScala.toSeq.map(_.replace(dir.toString + File.separator, ""))
  }

  // Holdout, so that a grid's trials are its configurations; appended, so that line numbers hold.
  private def write(dir: Path, text: String): Path =
    Files.write(dir.resolve("sweep.conf"),
      (text.stripMargin + "\ngapsweep.validation.scheme = holdout\n").getBytes(StandardCharsets.UTF_8))

  test("by default each axis has the one value of its training setting") {
    val settings = load(
      """gapsweep.training {
        |  learning-rate = 0.02
        |  batch-size = 8
        |}
        |""")
    assert(settings.searchSpace.values(Axes.LEARNING_RATE).asScala == Seq(0.02))
    assert(settings.searchSpace.values(Axes.BATCH_SIZE).asScala == Seq(8))
    assert(settings.searchSpace.factors == "2 depth x 2 dropout x 2 l2 x 1 augmentation x 1 seeds")
    val trials = GridExpander.expand(settings).trials.asScala
    assert(trials.size == 8)
    assert(trials.map(_.value(Axes.LEARNING_RATE).toDouble).toSet == Set(0.02))
    assert(trials.map(_.value(Axes.BATCH_SIZE).toInt).toSet == Set(8))
  }

  test("listed values multiply the grid, nested by axis name, values sorted") {
    val settings = load(
      """gapsweep.search-space {
        |  depth = [1]
        |  dropout = [0.0]
        |  l2 = [0.0]
        |  learning-rate = [0.01, 1e-3]
        |  batch-size = [16, 8]
        |  seeds = 1
        |}
        |""")
    assert(settings.searchSpace.factors ==
      "1 depth x 1 dropout x 1 l2 x 1 augmentation x 2 learning-rate x 2 batch-size x 1 seeds")
    val points = GridExpander.expand(settings).trials.asScala.map(t =>
      (t.value(Axes.BATCH_SIZE).toInt, t.value(Axes.LEARNING_RATE).toDouble))
    assert(points == Seq((8, 0.001), (8, 0.01), (16, 0.001), (16, 0.01)))
    assert(GridExpander.expand(settings).trials.asScala.map(_.params.print(Axes.LEARNING_RATE))
      .distinct == Seq("0.001", "0.01"))
  }

  test("once the axis is listed, training.learning-rate changes no trial id") {
    val listed =
      """gapsweep.search-space.learning-rate = [0.01]
        |gapsweep.training.learning-rate = %s
        |""".stripMargin
    def ids(rate: String) = GridExpander.expand(load(listed.format(rate))).trials.asScala.map(_.trialId)
    assert(ids("0.5") == ids("0.01"))
    def defaults(rate: String) =
      GridExpander.expand(load(s"gapsweep.training.learning-rate = $rate\n")).trials.asScala.map(_.trialId)
    assert(defaults("0.01") == ids("0.5"))
    assert(defaults("0.02").toSet.intersect(defaults("0.01").toSet).isEmpty)
  }

  test("values out of range are reported with file, line, key and what was expected") {
    assert(problems(
      """gapsweep.search-space {
        |  learning-rate = [0.01, 0]
        |  batch-size = [0, 8.5]
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search-space.learning-rate[1]: 0 is out of range;" +
        " expected a number > 0",
      "sweep.conf:3: gapsweep.search-space.batch-size[0]: 0 is out of range;" +
        " expected an integer >= 1",
      "sweep.conf:3: gapsweep.search-space.batch-size[1]: 8.5 is not an integer;" +
        " expected an integer >= 1"))
    assert(problems("gapsweep.search-space.learning-rate = []\n") == Seq(
      "sweep.conf:1: gapsweep.search-space.learning-rate: [] is empty;" +
        " expected a non-empty list of values, each a number > 0"))
    assert(problems("gapsweep.search-space.batch-size = [8, 8]\n") == Seq(
      "sweep.conf:1: gapsweep.search-space.batch-size[1]: 8 is a duplicate;" +
        " expected distinct values"))
  }

  test("the grid-size limit counts the optional axes") {
    assert(problems(
      """gapsweep.search-space.learning-rate = [0.1, 0.01, 0.001]
        |gapsweep.run.max-trials = 20
        |""") == Seq(
      "sweep.conf:1: gapsweep.search-space: the grid has 24 trials (2 depth x 2 dropout x" +
        " 2 l2 x 1 augmentation x 3 learning-rate x 1 seeds); expected at most 20" +
        " (gapsweep.run.max-trials)"))
  }

  private lazy val data: Dataset = SyntheticShapes.generate(Fixtures.data())
  private val here = new ExecutorInfo("test", "localhost", 1L, "linux-x86_64")

  private def spec(rate: Double, batch: Int): TrialSpec =
    new TrialSpec("t", "c", Fixtures.params(
      others = Map(Axes.LEARNING_RATE -> rate, Axes.BATCH_SIZE -> batch)), 0, 0, 42L)

  test("a trial's network uses its learning rate, not training.learning-rate") {
    val conf = NetworkFactory.configuration(spec(0.05, 16), Fixtures.training(learningRate = 0.001),
      new io.gapsweep.train.ImageShape(3, 16, 16), 6)
    val updater = conf.getConf(0).getLayer.asInstanceOf[org.deeplearning4j.nn.conf.layers.BaseLayer]
      .getIUpdater.asInstanceOf[Adam]
    assert(updater.getLearningRate == 0.05)
  }

  test("a trial trains with its learning rate and batch size, whatever training.* says") {
    def curve(rate: Double, batch: Int, training: TrainingSettings) = {
      val result = TrialRunner.train(spec(rate, batch), training, AugmentationPreset.none(), data, 1,
        here).result
      assert(result.status == TrialStatus.COMPLETED, result.error)
      result.curve.asScala.toSeq.map(p => (p.trainLoss, p.valLoss))
    }
    val short = Fixtures.training(maxEpochs = 2)
    val own = curve(0.01, 4, short)
    // The same axis values with other training.* values: the very same curve.
    assert(curve(0.01, 4, Fixtures.training(maxEpochs = 2, learningRate = 0.5, batchSize = 64)) == own)
    // Another value on either axis: another curve.
    assert(curve(0.001, 4, short) != own)
    assert(curve(0.01, 16, short) != own)
  }
}
