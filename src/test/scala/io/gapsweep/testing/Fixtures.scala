package io.gapsweep.testing

import io.gapsweep.config._
import io.gapsweep.plan.TrialSpec

import scala.jdk.CollectionConverters._

/** Small, fast settings for tests, built directly as records (no HOCON involved). */
object Fixtures {

  def training(
      optimizer: Optimizer = Optimizer.ADAM,
      learningRate: Double = 0.005,
      batchSize: Int = 16,
      maxEpochs: Int = 6,
      patience: Int = 3,
      baseFilters: Int = 4,
      denseUnits: Int = 16): TrainingSettings =
    new TrainingSettings(
      optimizer, learningRate, 0.9, batchSize, maxEpochs, patience, 0.0, baseFilters, denseUnits)

  def data(
      size: Int = 16,
      channels: Int = 3,
      trainPerClass: Int = 8,
      validationPerClass: Int = 8): DataSettings =
    new DataSettings(
      "synthetic", size, size, channels,
      new SyntheticSettings(trainPerClass, validationPerClass, 7L, 20.0, 2), noDirectory)

  /** The directory settings of reference.conf: no path, no split. */
  val noDirectory: DirectorySettings = new DirectorySettings("", 0.0, false, 10, 40000000)

  def searchSpace(
      depth: Seq[Int] = Seq(1),
      dropout: Seq[Double] = Seq(0.0),
      l2: Seq[Double] = Seq(0.0),
      augmentation: Seq[String] = Seq("none"),
      seeds: Int = 1): SearchSpace =
    new SearchSpace(
      depth.map(Int.box).asJava,
      dropout.map(Double.box).asJava,
      l2.map(Double.box).asJava,
      augmentation.asJava,
      seeds)

  /** A preset with every knob named; what is left out changes nothing. */
  def preset(
      name: String = "test",
      rotation: Double = 0,
      widthShift: Double = 0,
      heightShift: Double = 0,
      shear: Double = 0,
      zoom: Double = 0,
      horizontalFlip: Boolean = false,
      verticalFlip: Boolean = false,
      channelShift: Double = 0,
      fillMode: FillMode = FillMode.NEAREST,
      fillValue: Double = 0,
      brightness: (Double, Double) = (1.0, 1.0)): AugmentationPreset =
    new AugmentationPreset(name, rotation, widthShift, heightShift, shear, zoom, horizontalFlip,
      verticalFlip, channelShift, fillMode, fillValue, brightness._1, brightness._2)

  val flips: AugmentationPreset = preset("flips", horizontalFlip = true, verticalFlip = true)

  def settings(
      space: SearchSpace = searchSpace(),
      trainingSettings: TrainingSettings = training(),
      dataSettings: DataSettings = data(),
      output: String = "unused"): SweepSettings =
    new SweepSettings(
      "test",
      space,
      trainingSettings,
      dataSettings,
      Map("none" -> AugmentationPreset.none(), "flips" -> flips).asJava,
      new LeaderboardSettings(0.05),
      new RunSettings(output, "local[2]", 1, 10000, 1))

  def spec(
      depth: Int = 1,
      dropout: Double = 0.0,
      l2: Double = 0.0,
      augmentation: String = "none",
      seed: Long = 42L): TrialSpec =
    new TrialSpec("t-" + seed, "c-" + seed, depth, dropout, l2, augmentation, 0, seed)
}
