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
      seeds: Int = 1,
      others: Map[Axis[_], Seq[Any]] = Map.empty): Space =
    Space(Map(
      Axes.DEPTH.name -> depth, Axes.DROPOUT.name -> dropout, Axes.L2.name -> l2,
      Axes.AUGMENTATION.name -> augmentation) ++ others.map { case (a, v) => a.name -> v }, seeds)

  /**
   * A search space before the training settings are known: {@link #settings} fills in each axis it
   * leaves out that takes the place of a training setting, as reference.conf does.
   */
  case class Space(values: Map[String, Seq[Any]], seeds: Int) {
    def toSearchSpace(training: TrainingSettings): SearchSpace =
    {
      val byName = new java.util.LinkedHashMap[String, java.util.List[_]]()
      withTrainingAxes(values, training).foreach { case (k, v) =>
        byName.put(k, v.map(_.asInstanceOf[AnyRef]).asJava) }
      new SearchSpace(byName, seeds)
    }
  }

  /**
   * {@code given} with a single value, taken from {@code training}, for each axis it leaves out
   * that takes the place of a training setting, as reference.conf's defaults do.
   */
  def withTrainingAxes(given: Map[String, Seq[Any]], training: TrainingSettings): Map[String, Seq[Any]] =
    Axes.ALL.asScala.foldLeft(given) { (values, axis) =>
      if (values.contains(axis.name) || axis.trainingKey == null) values
      else values + (axis.name -> Seq[Any](axis.trainingValue(training)))
    }

  /** A point of the search space: the given values, the others from {@code training}. */
  def params(
      depth: Int = 1,
      dropout: Double = 0.0,
      l2: Double = 0.0,
      augmentation: String = "none",
      others: Map[Axis[_], Any] = Map.empty,
      trainingSettings: TrainingSettings = training()): Params = {
    val given: Map[String, Seq[Any]] = Map(
      Axes.DEPTH.name -> Seq(depth), Axes.DROPOUT.name -> Seq(dropout), Axes.L2.name -> Seq(l2),
      Axes.AUGMENTATION.name -> Seq(augmentation)) ++ others.map { case (a, v) => a.name -> Seq(v) }
    Params.of(withTrainingAxes(given, trainingSettings).map { case (k, v) => k -> v.head.asInstanceOf[AnyRef] }.asJava)
  }

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
      space: Space = searchSpace(),
      trainingSettings: TrainingSettings = training(),
      dataSettings: DataSettings = data(),
      output: String = "unused",
      validation: ValidationSettings = holdout): SweepSettings =
    new SweepSettings(
      "test",
      space.toSearchSpace(trainingSettings),
      trainingSettings,
      dataSettings,
      Map("none" -> AugmentationPreset.none(), "flips" -> flips).asJava,
      validation,
      new LeaderboardSettings(LeaderboardSettings.Band.ONE_STANDARD_ERROR, 1.0, 0.05, 0.05),
      new RunSettings(output, "local[2]", 1, 10000, 1))

  val holdout: ValidationSettings =
    new ValidationSettings(ValidationSettings.Scheme.HOLDOUT, 5, 1, false)

  def kFold(folds: Int, repeats: Int = 1): ValidationSettings =
    new ValidationSettings(ValidationSettings.Scheme.K_FOLD, folds, repeats, false)

  def spec(
      depth: Int = 1,
      dropout: Double = 0.0,
      l2: Double = 0.0,
      augmentation: String = "none",
      seed: Long = 42L): TrialSpec =
    new TrialSpec("t-" + seed, "c-" + seed, params(depth, dropout, l2, augmentation), 0, 0, seed)
}
