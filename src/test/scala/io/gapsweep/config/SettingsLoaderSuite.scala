package io.gapsweep.config

import io.gapsweep.testing.Fixtures.preset
import java.io.File
import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path, Paths}

import com.typesafe.config.ConfigFactory
import io.gapsweep.testing.TempDirs
import org.scalatest.funsuite.AnyFunSuite

import scala.collection.JavaConverters._

class SettingsLoaderSuite extends AnyFunSuite with TempDirs {

  private val defaultTraining =
    new TrainingSettings(Optimizer.ADAM, 0.001, 0.9, 32, 30, 5, 0.0, 8, 32)


  private val defaultPresets: Map[String, AugmentationPreset] = Map(
    "none" -> AugmentationPreset.none(),
    "light" -> preset("light", rotation = 10, widthShift = 0.1, heightShift = 0.1,
      horizontalFlip = true),
    "heavy" -> preset("heavy", rotation = 30, widthShift = 0.2, heightShift = 0.2, shear = 10,
      zoom = 0.2, horizontalFlip = true, verticalFlip = true, channelShift = 30,
      brightness = (0.7, 1.3)),
    "keras-example" -> preset("keras-example", rotation = 10, widthShift = 0.05,
      heightShift = 0.05, shear = 0.05, zoom = 0.05, channelShift = 51))

  private def ints(values: Int*): java.util.List[Integer] =
    values.map(Integer.valueOf).asJava

  private def doubles(values: Double*): java.util.List[java.lang.Double] =
    values.map(java.lang.Double.valueOf).asJava

  /** A search space; axes that take the place of a training setting get that setting's value. */
  private def space(
      depth: java.util.List[Integer], dropout: java.util.List[java.lang.Double],
      l2: java.util.List[java.lang.Double], augmentation: java.util.List[String], seeds: Int,
      training: TrainingSettings = defaultTraining): SearchSpace =
    io.gapsweep.testing.Fixtures.Space(Map(
      Axes.DEPTH.name -> depth.asScala.toSeq, Axes.DROPOUT.name -> dropout.asScala.toSeq,
      Axes.L2.name -> l2.asScala.toSeq, Axes.AUGMENTATION.name -> augmentation.asScala.toSeq),
      seeds).toSearchSpace(training)

  private def settings(
      name: String = "sweep",
      searchSpace: SearchSpace = null,
      training: TrainingSettings = defaultTraining,
      presets: Map[String, AugmentationPreset] = defaultPresets,
      output: String = "results/sweep",
      size: Int = 32,
      data: DataSettings = null,
      validation: ValidationSettings = new ValidationSettings(ValidationSettings.Scheme.K_FOLD, 3, 1, false)): SweepSettings =
    new SweepSettings(
      name,
      // By default reference.conf's grid, whose optional axes take the training settings' values.
      Option(searchSpace).getOrElse(
        space(ints(1, 2), doubles(0.0, 0.5), doubles(0.0, 0.001), List("none").asJava, 1, training)),
      training,
      Option(data).getOrElse(new DataSettings("synthetic", size, size, 3,
        new SyntheticSettings(40, 30, 7L, 12.0, 1, 200),
        new DirectorySettings("", 0.0, false, 10, 40000000))),
      presets.asJava,
      validation,
      new LeaderboardSettings(LeaderboardSettings.Band.ONE_STANDARD_ERROR, 1.0, 0.05, 0.05),
      new RunSettings(output, "local[*]", RunSettings.AUTO, 10000, 1))

  private def write(dir: Path, text: String, name: String = "sweep.conf"): Path =
    Files.write(dir.resolve(name), text.stripMargin.getBytes(StandardCharsets.UTF_8))

  /** Loads `text` from a file named sweep.conf; returns the problems with the folder left out. */
  private def problems(text: String): Seq[String] = withTempDir { dir =>
    val file = write(dir, text)
    val e = intercept[SettingsException](SettingsLoader.load(file))
    assert(e.getMessage == e.problems().asScala.mkString("\n"))
    e.problems().asScala.toSeq.map(_.replace(dir.toString + File.separator, ""))
  }

  private def loads(text: String): SweepSettings = withTempDir { dir =>
    SettingsLoader.load(write(dir, text))
  }

  // ---- Valid configurations

  test("reference.conf alone gives the documented defaults") {
    assert(SettingsLoader.fromConfig(ConfigFactory.empty()) == settings())
  }

  test("another output changes the settings and the saved text alike") {
    val moved = SettingsLoader.read(Paths.get("conf/demo.conf")).withOutput("/data/sweeps/demo")
    assert(moved.settings().run().output() == "/data/sweeps/demo")
    assert(SettingsLoader.fromConfig(ConfigFactory.parseString(moved.resolvedHocon())) ==
      moved.settings())
  }

  test("conf/demo.conf loads with its overrides and the defaults for the rest") {
    val demo = SettingsLoader.load(Paths.get("conf/demo.conf"))
    val expected = settings(
      name = "demo",
      searchSpace = space(ints(2, 3), doubles(0.0, 0.2), doubles(0.0, 0.001),
        List("none", "light").asJava, 1,
        new TrainingSettings(Optimizer.ADAM, 0.002, 0.9, 32, 40, 10, 0.0, 8, 32)),
      training = new TrainingSettings(Optimizer.ADAM, 0.002, 0.9, 32, 40, 10, 0.0, 8, 32),
      output = "results/demo",
      data = new DataSettings("synthetic", 24, 24, 1, new SyntheticSettings(30, 40, 7L, 6.0, 0, 250),
        new DirectorySettings("", 0.0, false, 10, 40000000)),
      validation = new ValidationSettings(ValidationSettings.Scheme.HOLDOUT, 3, 1, false))
    assert(demo == expected)
    assert(demo.searchSpace().size() == 16)
  }

  test("a valid override changes only what it names") {
    val loaded = loads(
      """gapsweep {
        |  training.batch-size = "64"
        |  training.optimizer = nesterov
        |  augmentation-presets.tilt { rotation-range = 5, fill-mode = constant, fill-value = 128 }
        |}
        |""")
    val expected = settings(
      training = new TrainingSettings(Optimizer.NESTEROV, 0.001, 0.9, 64, 30, 5, 0.0, 8, 32),
      presets = defaultPresets +
        ("tilt" -> preset("tilt", rotation = 5, fillMode = FillMode.CONSTANT, fillValue = 128)))
    assert(loaded == expected)
  }

  test("a preset takes the keys it leaves out from augmentation-defaults") {
    val loaded = loads(
      """gapsweep {
        |  augmentation-defaults.vertical-flip = true
        |  augmentation-presets.flips { horizontal-flip = true }
        |}
        |""")
    assert(loaded.augmentationPresets().get("flips") ==
      preset("flips", horizontalFlip = true, verticalFlip = true))
    assert(loaded.augmentationPresets().get("light").verticalFlip())
    assert(loaded.augmentationPresets().get("none") == AugmentationPreset.none())
  }

  test("redefining none without changing images is allowed and keeps the built-in none") {
    val loaded = loads("""gapsweep.augmentation-presets.none { fill-mode = reflect }
                         |""")
    assert(loaded.augmentationPresets().get("none") == AugmentationPreset.none())
  }

  test("the resolved HOCON loads back to the same settings") {
    withTempDir { dir =>
      val file = write(dir,
        """gapsweep {
          |  name = round-trip
          |  search-space.augmentation = [heavy, none]
          |  augmentation-presets.tilt { rotation-range = 5 }
          |}
          |""")
      val loaded = SettingsLoader.read(file)
      assert(loaded.settings().run().output() == "results/round-trip")
      val saved = write(dir, loaded.resolvedHocon(), "resolved.conf")
      assert(SettingsLoader.load(saved) == loaded.settings())
    }
  }

  test("withOutput replaces only the output folder") {
    val moved = settings().withOutput("hdfs:///sweeps/a")
    assert(moved == settings(output = "hdfs:///sweeps/a"))
  }

  // ---- Whole-file failures

  test("a missing file") {
    withTempDir { dir =>
      val file = dir.resolve("absent.conf")
      val e = intercept[SettingsException](SettingsLoader.load(file))
      assert(e.problems().asScala == Seq(s"Cannot read configuration $file: file not found"))
    }
  }

  test("a HOCON syntax error names file and line, with no stack trace") {
    assert(problems(
      """gapsweep {
        |  training {
        |    batch-size = = 3
        |  }
        |}
        |""") == Seq(
      "Cannot parse configuration sweep.conf:3: Expecting a value but got wrong token: '='" +
        " (if you intended '=' to be part of a key or string value, try enclosing the key or" +
        " value in double quotes, or you may be able to rename the file .properties rather than" +
        " .conf)"))
  }

  test("a substitution that resolves to nothing") {
    assert(problems(
      """gapsweep {
        |  name = ${sweep-name}
        |}
        |""") == Seq(
      "Cannot resolve configuration sweep.conf:2: Could not resolve substitution to a value:" +
        " ${sweep-name}"))
  }

  // ---- Unknown keys

  test("an unknown key suggests the nearest known key") {
    assert(problems(
      """gapsweep {
        |  training {
        |    learning-rat = 0.01
        |  }
        |}
        |""") == Seq(
      "sweep.conf:3: gapsweep.training.learning-rat: unknown key;" +
        " did you mean gapsweep.training.learning-rate?"))
  }

  test("a known key in the wrong section suggests where it belongs") {
    assert(problems(
      """gapsweep {
        |  patience = 3
        |  trainnig { max-epochs = 4 }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.patience: unknown key; did you mean gapsweep.training.patience?",
      "sweep.conf:3: gapsweep.trainnig: unknown key; did you mean gapsweep.training?"))
  }

  test("an unknown key with nothing close lists the keys of its section") {
    assert(problems(
      """gapsweep.leaderboard.rank-by = gap
        |""") == Seq(
      "sweep.conf:1: gapsweep.leaderboard.rank-by: unknown key; expected one of" +
        " accuracy-tolerance, band, band-alpha, band-multiple"))
  }

  test("a preset's keys are those of augmentation-defaults") {
    assert(problems(
      """gapsweep.augmentation-presets {
        |  tilt {
        |    rotation = 5
        |    brightness = [0.5, 1.5]
        |  }
        |}
        |""") == Seq(
      "sweep.conf:3: gapsweep.augmentation-presets.tilt.rotation: unknown key;" +
        " did you mean gapsweep.augmentation-presets.tilt.rotation-range?",
      "sweep.conf:4: gapsweep.augmentation-presets.tilt.brightness: unknown key;" +
        " did you mean gapsweep.augmentation-presets.tilt.brightness-range?"))
  }

  test("a misspelt gapsweep at the top, which would silently ignore the whole file") {
    assert(problems(
      """# my sweep
        |gapswep {
        |  name = typo
        |}
        |spark.executor.memory = 2g
        |""") == Seq("sweep.conf:2: gapswep: unknown key; did you mean gapsweep?"))
  }

  // ---- Wrong types

  test("a string where a number is expected") {
    assert(problems(
      """gapsweep.training {
        |  batch-size = big
        |  learning-rate = "fast"
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.training.batch-size: \"big\" is a string; expected an integer >= 1",
      "sweep.conf:3: gapsweep.training.learning-rate: \"fast\" is a string; expected a number > 0"))
  }

  test("a list where a number is expected, and a number where a list is expected") {
    assert(problems(
      """gapsweep.search-space {
        |  seeds = [1, 2]
        |  depth = 2
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search-space.seeds: [1, 2] is a list; expected an integer >= 1",
      "sweep.conf:3: gapsweep.search-space.depth: 2 is a number;" +
        " expected a non-empty list of values, each an integer >= 1"))
  }

  test("a fraction where an integer is expected, a word where a boolean is, and null") {
    assert(problems(
      """gapsweep {
        |  training.max-epochs = 2.5
        |  augmentation-presets.light.horizontal-flip = sometimes
        |  training.momentum = null
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.training.max-epochs: 2.5 is not an integer; expected an integer >= 1",
      "sweep.conf:3: gapsweep.augmentation-presets.light.horizontal-flip: \"sometimes\" is a string;" +
        " expected true or false",
      "sweep.conf:4: gapsweep.training.momentum: null is not a value; expected a number in [0, 1)"))
  }

  test("a value where a section is expected") {
    assert(problems(
      """gapsweep {
        |  training = adam
        |  augmentation-presets.flip = true
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.training: \"adam\" is a string; expected an object",
      "sweep.conf:3: gapsweep.augmentation-presets.flip: true is a boolean;" +
        " expected an object with keys of gapsweep.augmentation-defaults"))
  }

  // ---- Out of range

  test("grid values out of range") {
    assert(problems(
      """gapsweep.search-space {
        |  depth = [0, 2]
        |  dropout = [0.0, 1.0]
        |  l2 = [-0.001]
        |  seeds = 0
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search-space.depth[0]: 0 is out of range; expected an integer >= 1",
      "sweep.conf:3: gapsweep.search-space.dropout[1]: 1.0 is out of range;" +
        " expected a number in [0, 1)",
      "sweep.conf:4: gapsweep.search-space.l2[0]: -0.001 is out of range; expected a number >= 0",
      "sweep.conf:5: gapsweep.search-space.seeds: 0 is out of range; expected an integer >= 1"))
  }

  test("training values out of range") {
    assert(problems(
      """gapsweep.training {
        |  learning-rate = 0
        |  momentum = 1
        |  batch-size = 0
        |  max-epochs = 0
        |  patience = 0
        |  min-delta = -1e-4
        |  base-filters = 0
        |  dense-units = -8
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.training.learning-rate: 0 is out of range; expected a number > 0",
      "sweep.conf:3: gapsweep.training.momentum: 1 is out of range; expected a number in [0, 1)",
      "sweep.conf:4: gapsweep.training.batch-size: 0 is out of range; expected an integer >= 1",
      "sweep.conf:5: gapsweep.training.max-epochs: 0 is out of range; expected an integer >= 1",
      "sweep.conf:6: gapsweep.training.patience: 0 is out of range; expected an integer >= 1",
      "sweep.conf:7: gapsweep.training.min-delta: -1e-4 is out of range; expected a number >= 0",
      "sweep.conf:8: gapsweep.training.base-filters: 0 is out of range; expected an integer >= 1",
      "sweep.conf:9: gapsweep.training.dense-units: -8 is out of range; expected an integer >= 1"))
  }

  test("data values out of range") {
    assert(problems(
      """gapsweep.data {
        |  width = 2
        |  channels = 2
        |  synthetic {
        |    train-per-class = 0
        |    validation-per-class = 0
        |    seed = 1.5
        |    noise = -1
        |    clutter = -1
        |  }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.data.width: 2 is out of range; expected an integer >= 4",
      "sweep.conf:3: gapsweep.data.channels: 2 is out of range; expected 1 or 3",
      "sweep.conf:5: gapsweep.data.synthetic.train-per-class: 0 is out of range;" +
        " expected an integer >= 1",
      "sweep.conf:6: gapsweep.data.synthetic.validation-per-class: 0 is out of range;" +
        " expected an integer >= 1",
      "sweep.conf:7: gapsweep.data.synthetic.seed: 1.5 is not an integer; expected an integer",
      "sweep.conf:8: gapsweep.data.synthetic.noise: -1 is out of range; expected a number >= 0",
      "sweep.conf:9: gapsweep.data.synthetic.clutter: -1 is out of range; expected an integer >= 0"))
  }

  test("augmentation values out of range, in a preset and in the defaults") {
    assert(problems(
      """gapsweep {
        |  augmentation-defaults.fill-value = 256
        |  augmentation-presets.wild {
        |    rotation-range = 270
        |    width-shift-range = 1
        |    height-shift-range = -0.1
        |    shear-range = 90
        |    zoom-range = 1.5
        |    channel-shift-range = 300
        |  }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.augmentation-defaults.fill-value: 256 is out of range;" +
        " expected a number in [0, 255]",
      "sweep.conf:4: gapsweep.augmentation-presets.wild.rotation-range: 270 is out of range;" +
        " expected a number in [0, 180]",
      "sweep.conf:5: gapsweep.augmentation-presets.wild.width-shift-range: 1 is out of range;" +
        " expected a number in [0, 1)",
      "sweep.conf:6: gapsweep.augmentation-presets.wild.height-shift-range: -0.1 is out of range;" +
        " expected a number in [0, 1)",
      "sweep.conf:7: gapsweep.augmentation-presets.wild.shear-range: 90 is out of range;" +
        " expected a number in [0, 90)",
      "sweep.conf:8: gapsweep.augmentation-presets.wild.zoom-range: 1.5 is out of range;" +
        " expected a number in [0, 1)",
      "sweep.conf:9: gapsweep.augmentation-presets.wild.channel-shift-range: 300 is out of range;" +
        " expected a number in [0, 255]"))
  }

  test("brightness-range must be [low, high] with 0 < low <= high") {
    assert(problems(
      """gapsweep.augmentation-presets {
        |  a.brightness-range = [1.2]
        |  b.brightness-range = [1.3, 0.7]
        |  c.brightness-range = [0, 1]
        |  d.brightness-range = 1.0
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.augmentation-presets.a.brightness-range: [1.2] has 1 element;" +
        " expected a list [low, high] with 0 < low <= high",
      "sweep.conf:3: gapsweep.augmentation-presets.b.brightness-range: [1.3, 0.7] has low > high;" +
        " expected a list [low, high] with 0 < low <= high",
      "sweep.conf:4: gapsweep.augmentation-presets.c.brightness-range[0]: 0 is out of range;" +
        " expected a number > 0",
      "sweep.conf:5: gapsweep.augmentation-presets.d.brightness-range: 1.0 is a number;" +
        " expected a list [low, high] with 0 < low <= high"))
  }

  test("leaderboard and run values out of range") {
    assert(problems(
      """gapsweep {
        |  leaderboard.accuracy-tolerance = 1.5
        |  run.threads-per-trial = 0
        |  run.max-trials = 0
        |  run.output = ""
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.leaderboard.accuracy-tolerance: 1.5 is out of range;" +
        " expected a number in [0, 1]",
      "sweep.conf:3: gapsweep.run.threads-per-trial: 0 is out of range; expected auto or an integer >= 1",
      "sweep.conf:4: gapsweep.run.max-trials: 0 is out of range; expected an integer >= 1",
      "sweep.conf:5: gapsweep.run.output: \"\" is empty; expected a non-empty string"))
  }

  test("the competitive band: rule names and parameters, every problem at once") {
    assert(problems(
      """gapsweep.leaderboard {
        |  band = one-se
        |  band-multiple = -1
        |  band-alpha = 0
        |  accuracy-tolerance = x
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.leaderboard.band: \"one-se\" is unknown; expected one of" +
        " one-standard-error, paired-t-test, accuracy-tolerance, minimum-loss",
      "sweep.conf:3: gapsweep.leaderboard.band-multiple: -1 is out of range; expected a number >= 0",
      "sweep.conf:4: gapsweep.leaderboard.band-alpha: 0 is out of range; expected a number in (0, 1)",
      "sweep.conf:5: gapsweep.leaderboard.accuracy-tolerance: \"x\" is a string;" +
        " expected a number in [0, 1]"))
    assert(problems("gapsweep.leaderboard.band-alpha = 1\n") == Seq(
      "sweep.conf:1: gapsweep.leaderboard.band-alpha: 1 is out of range; expected a number in (0, 1)"))
  }

  test("the band's rule and parameter are read; the default is one standard error") {
    {
      val board = (text: String) => loads(text).leaderboard()
      assert(board("") ==
        new LeaderboardSettings(LeaderboardSettings.Band.ONE_STANDARD_ERROR, 1.0, 0.05, 0.05))
      assert(board("gapsweep.leaderboard { band = paired-t-test, band-alpha = 0.01 }\n") ==
        new LeaderboardSettings(LeaderboardSettings.Band.PAIRED_T_TEST, 1.0, 0.01, 0.05))
      assert(board("gapsweep.leaderboard { band = minimum-loss, band-multiple = 2 }\n") ==
        new LeaderboardSettings(LeaderboardSettings.Band.MINIMUM_LOSS, 2.0, 0.05, 0.05))
    }
  }

  test("threads-per-trial is auto or a count") {
    assert(problems(
      """gapsweep {
        |  run.threads-per-trial = many
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.run.threads-per-trial: \"many\" is a string; expected auto or an integer >= 1"))
    assert(loads("gapsweep.run.threads-per-trial = 3").run().requestedThreadsPerTrial() == 3)
    assert(loads("gapsweep.run.threads-per-trial = auto").run().requestedThreadsPerTrial() ==
      RunSettings.AUTO)
  }

  test("auto threads share an executor's cores evenly among the trials it can run at once") {
    val auto = new RunSettings("out", "local[*]", RunSettings.AUTO, 10000, 1)
    // (cores, trials) -> threads per trial
    val expected = Seq((2, 16) -> 1, (2, 2) -> 1, (2, 1) -> 2, (8, 3) -> 2, (8, 1) -> 8, (1, 5) -> 1,
      (4, 0) -> 4)
    assert(expected.map { case ((cores, trials), _) => (cores, trials) -> auto.threadsPerTrial(cores, trials) } ==
      expected)
    assert(new RunSettings("out", "local[*]", 3, 10000, 1).threadsPerTrial(2, 16) == 3)
  }

  // ---- Enumerations

  test("optimizer and fill-mode list the allowed names") {
    assert(problems(
      """gapsweep {
        |  training.optimizer = adamw
        |  augmentation-presets.light.fill-mode = wrap
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.training.optimizer: \"adamw\" is unknown;" +
        " expected one of adam, nesterov, sgd",
      "sweep.conf:3: gapsweep.augmentation-presets.light.fill-mode: \"wrap\" is unknown;" +
        " expected one of nearest, constant, reflect"))
  }

  test("data.source other than synthetic") {
    assert(problems(
      """gapsweep.data.source = folder
        |""") == Seq(
      "sweep.conf:1: gapsweep.data.source: \"folder\" is unknown; expected one of synthetic, directory"))
  }

  test("the directory source reads its section") {
    val loaded = loads(
      """gapsweep.data {
        |  source = directory
        |  directory { path = " hdfs://nn/images ", validation-split = 0.25, strict = true }
        |  directory.min-images-per-class = 3
        |}
        |""")
    assert(loaded.data().source() == "directory")
    assert(loaded.data().directory() == new DirectorySettings("hdfs://nn/images", 0.25, true, 3, 40000000))
  }

  test("the directory source without a path names the line that chose the source") {
    assert(problems(
      """gapsweep.name = x
        |gapsweep.data.source = directory
        |""") == Seq(
      "sweep.conf:2: gapsweep.data.directory.path: is empty; expected a local path or Hadoop URI" +
        " of the image folder, since gapsweep.data.source = directory"))
    assert(problems(
      """gapsweep.data.source = directory
        |gapsweep.data.directory.path = "  "
        |""") == Seq(
      "sweep.conf:2: gapsweep.data.directory.path: is empty; expected a local path or Hadoop URI" +
        " of the image folder, since gapsweep.data.source = directory"))
  }

  test("directory values out of range") {
    assert(problems(
      """gapsweep.data.directory {
        |  validation-split = 1
        |  strict = maybe
        |  min-images-per-class = -1
        |}
        |gapsweep.data.directory.validation-split = -0.1
        |""") == Seq(
      "sweep.conf:3: gapsweep.data.directory.strict: \"maybe\" is a string; expected true or false",
      "sweep.conf:4: gapsweep.data.directory.min-images-per-class: -1 is out of range;" +
        " expected an integer >= 0",
      "sweep.conf:6: gapsweep.data.directory.validation-split: -0.1 is out of range;" +
        " expected 0 (no split) or a number in (0, 1)"))
    assert(problems(
      """gapsweep.data.directory.validation-split = 1.5
        |""") == Seq(
      "sweep.conf:1: gapsweep.data.directory.validation-split: 1.5 is out of range;" +
        " expected 0 (no split) or a number in (0, 1)"))
  }

  test("a path with the synthetic source is allowed and kept") {
    assert(loads(
      """gapsweep.data.directory.path = /images
        |""").data().directory().path() == "/images")
  }

  // ---- The grid

  test("an empty axis") {
    assert(problems(
      """gapsweep.search-space.l2 = []
        |""") == Seq(
      "sweep.conf:1: gapsweep.search-space.l2: [] is empty;" +
        " expected a non-empty list of values, each a number >= 0"))
  }

  test("duplicate values in an axis, however they are written") {
    assert(problems(
      """gapsweep.search-space {
        |  dropout = [0.5,
        |             0.50]
        |  l2 = [0.001, 1e-3]
        |  augmentation = [none, light, none]
        |}
        |""") == Seq(
      "sweep.conf:3: gapsweep.search-space.dropout[1]: 0.50 is a duplicate; expected distinct values",
      "sweep.conf:4: gapsweep.search-space.l2[1]: 1e-3 is a duplicate; expected distinct values",
      "sweep.conf:5: gapsweep.search-space.augmentation[2]: \"none\" is a duplicate;" +
        " expected distinct values"))
  }

  test("a preset named in the grid that does not exist") {
    assert(problems(
      """gapsweep.search-space.augmentation = [none, ligth]
        |""") == Seq(
      "sweep.conf:1: gapsweep.search-space.augmentation[1]: \"ligth\" is unknown;" +
        " expected one of heavy, keras-example, light, none"))
  }

  test("redefining none so that it changes images") {
    assert(problems(
      """gapsweep.augmentation-presets {
        |  none {
        |    horizontal-flip = true
        |  }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.augmentation-presets.none: redefines the built-in preset none so" +
        " that it changes images; expected a preset under another name"))
  }

  test("depth too deep for the image size") {
    assert(problems(
      """gapsweep {
        |  data { width = 24, height = 12 }
        |  search-space.depth = [2, 3, 4]
        |}
        |""") == Seq(
      "sweep.conf:3: gapsweep.search-space.depth[2]: 4 is too deep for 24x12 images;" +
        " expected at most 3, since 2^depth must not exceed the smaller image side"))
  }

  // ---- Validation

  test("validation: 3-fold by default, holdout or other folds as written") {
    val default = SettingsLoader.fromConfig(ConfigFactory.empty()).validation
    assert(default == new ValidationSettings(ValidationSettings.Scheme.K_FOLD, 3, 1, false))
    val kFold = SettingsLoader.fromConfig(ConfigFactory.parseString(
      "gapsweep.validation { folds = 5, repeats = 2, keep-given-split = true }")).validation
    assert(kFold == new ValidationSettings(ValidationSettings.Scheme.K_FOLD, 5, 2, true))
    val holdout = SettingsLoader.fromConfig(ConfigFactory.parseString(
      "gapsweep.validation.scheme = holdout")).validation
    assert(holdout == new ValidationSettings(ValidationSettings.Scheme.HOLDOUT, 3, 1, false))
  }

  test("validation: every bad value is reported, with file and line") {
    assert(problems(
      """gapsweep.validation {
        |  scheme = kfold
        |  folds = 1
        |  repeats = 0
        |  keep-given-split = maybe
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.validation.scheme: \"kfold\" is unknown; expected one of holdout, k-fold",
      "sweep.conf:3: gapsweep.validation.folds: 1 is out of range; expected an integer >= 2",
      "sweep.conf:4: gapsweep.validation.repeats: 0 is out of range; expected an integer >= 1",
      "sweep.conf:5: gapsweep.validation.keep-given-split: \"maybe\" is a string; expected true or" +
        " false"))
  }

  test("a k-fold grid counts its folds against run.max-trials") {
    val reference = scala.io.Source.fromResource("reference.conf")
    val searchSpaceLine =
      try reference.getLines().indexWhere(_ == "  search-space {") + 1
      finally reference.close()
    assert(problems(
      """gapsweep {
        |  run.max-trials = 20
        |  validation { scheme = k-fold, folds = 5 }
        |}
        |""") == Seq(
      s"reference.conf:$searchSpaceLine: gapsweep.search-space: the grid has 40 trials" +
        " (2 depth x 2 dropout x 2 l2 x 1 augmentation x 1 seeds x 5 folds);" +
        " expected at most 20 (gapsweep.run.max-trials)"))
  }

  test("a grid larger than run.max-trials") {
    assert(problems(
      """gapsweep {
        |  run.max-trials = 100
        |  search-space {
        |    dropout = [0.0, 0.25, 0.5]
        |    seeds = 20
        |  }
        |}
        |""") == Seq(
      "sweep.conf:3: gapsweep.search-space: the grid has 720 trials" +
        " (2 depth x 3 dropout x 2 l2 x 1 augmentation x 20 seeds x 3 folds);" +
        " expected at most 100 (gapsweep.run.max-trials)"))
  }

  test("a problem found in defaults the user did not write names reference.conf") {
    val reference = scala.io.Source.fromResource("reference.conf")
    val searchSpaceLine =
      try reference.getLines().indexWhere(_ == "  search-space {") + 1
      finally reference.close()
    assert(problems(
      """gapsweep.run.max-trials = 4
        |""") == Seq(
      s"reference.conf:$searchSpaceLine: gapsweep.search-space: the grid has 24 trials" +
        " (2 depth x 2 dropout x 2 l2 x 1 augmentation x 1 seeds x 3 folds);" +
        " expected at most 4 (gapsweep.run.max-trials)"))
  }

  // ---- Everything at once

  test("several problems in one file are all reported together, in line order") {
    val found = problems(
      """gapsweep {
        |  augmentation-presets.tilt.rotation-range = -5
        |  search-space {
        |    depth = [1, 1]
        |    augmentation = [tilt, blur]
        |  }
        |  training.learning-rat = 0.1
        |  training.optimizer = rmsprop
        |  data.channels = 4
        |}
        |""")
    assert(found == Seq(
      "sweep.conf:2: gapsweep.augmentation-presets.tilt.rotation-range: -5 is out of range;" +
        " expected a number in [0, 180]",
      "sweep.conf:4: gapsweep.search-space.depth[1]: 1 is a duplicate; expected distinct values",
      "sweep.conf:5: gapsweep.search-space.augmentation[1]: \"blur\" is unknown;" +
        " expected one of heavy, keras-example, light, none, tilt",
      "sweep.conf:7: gapsweep.training.learning-rat: unknown key;" +
        " did you mean gapsweep.training.learning-rate?",
      "sweep.conf:8: gapsweep.training.optimizer: \"rmsprop\" is unknown;" +
        " expected one of adam, nesterov, sgd",
      "sweep.conf:9: gapsweep.data.channels: 4 is out of range; expected 1 or 3"))
  }

  test("a gapsweep section merged with a substitution is still checked") {
    assert(problems(
      """base { name = merged }
        |gapsweep = ${base}
        |gapsweep { search-space.seeds = 0 }
        |""") == Seq(
      "sweep.conf:3: gapsweep.search-space.seeds: 0 is out of range; expected an integer >= 1"))
  }

  test("fromConfig validates a parsed configuration in the same way") {
    val e = intercept[SettingsException] {
      SettingsLoader.fromConfig(ConfigFactory.parseString("gapsweep.training.patience = 0"))
    }
    assert(e.getMessage ==
      "String:1: gapsweep.training.patience: 0 is out of range; expected an integer >= 1")
  }

  // ---- Random search (gapsweep.search)

  test("random search reads distributions; a list still means choices") {
    val loaded = loads(
      """gapsweep {
        |  search { strategy = random, trials = 5, seed = 11, significant-digits = 4 }
        |  search-space {
        |    depth = { uniform = [1, 3] }
        |    dropout = [0.0, 0.25]
        |    l2 = { log-uniform = [1e-5, 1e-2] }
        |    augmentation = { choices = [none, light] }
        |  }
        |}
        |""")
    val space = loaded.searchSpace()
    assert(space.search() == new SearchSettings(SearchSettings.Strategy.RANDOM, 5, 11L, 4))
    assert(space.distribution(Axes.DEPTH) == new Distribution(Distribution.Shape.UNIFORM, ints(1, 3)))
    assert(space.distribution(Axes.DROPOUT) == Distribution.choices(doubles(0.0, 0.25)))
    assert(space.distribution(Axes.L2) ==
      new Distribution(Distribution.Shape.LOG_UNIFORM, doubles(1e-5, 1e-2)))
    assert(space.distribution(Axes.AUGMENTATION) ==
      Distribution.choices(List("none", "light").asJava))
    assert(space.size() == 5)
    assert(space.factors() == "5 random configurations (seed 11) x 1 seeds")
  }

  test("under the grid, the random search's settings change nothing, and choices are a list") {
    val loaded = loads(
      """gapsweep {
        |  search { trials = 3, seed = 5 }
        |  search-space.augmentation = { choices = [none] }
        |}
        |""")
    assert(loaded == settings())
  }

  test("search settings out of range") {
    assert(problems(
      """gapsweep.search {
        |  strategy = bayes
        |  trials = 0
        |  seed = 1.5
        |  significant-digits = 16
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search.strategy: \"bayes\" is unknown; expected one of grid, random",
      "sweep.conf:3: gapsweep.search.trials: 0 is out of range; expected an integer >= 1",
      "sweep.conf:4: gapsweep.search.seed: 1.5 is not an integer; expected an integer",
      "sweep.conf:5: gapsweep.search.significant-digits: 16 is out of range;" +
        " expected an integer in [1, 15]"))
  }

  test("the scheduler: successive halving with its settings, and every problem named") {
    val halving = loads(
      """gapsweep.search {
        |  scheduler = successive-halving
        |  successive-halving { min-epochs = 2, reduction-factor = 4 }
        |}
        |""").searchSpace().search()
    assert(halving.scheduler() == new SearchSettings.Scheduler(true, 2, 4))
    assert(halving.strategy() == SearchSettings.Strategy.GRID)
    assert(settings().searchSpace().search().scheduler() == SearchSettings.Scheduler.none())
    assert(problems(
      """gapsweep.search {
        |  scheduler = asha
        |  successive-halving { min-epochs = 0, reduction-factor = 1 }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search.scheduler: \"asha\" is unknown; expected one of none," +
        " successive-halving",
      "sweep.conf:3: gapsweep.search.successive-halving.min-epochs: 0 is out of range; expected" +
        " an integer >= 1",
      "sweep.conf:3: gapsweep.search.successive-halving.reduction-factor: 1 is out of range;" +
        " expected an integer >= 2"))
  }

  test("successive-halving.mode: synchronous by default, asynchronous on request, else named") {
    assert(loads("gapsweep.search.scheduler = successive-halving\n").searchSpace().search()
      .scheduler().mode() == SearchSettings.Mode.SYNCHRONOUS)
    val async = loads(
      """gapsweep.search {
        |  scheduler = successive-halving
        |  successive-halving { mode = asynchronous }
        |}
        |""").searchSpace().search().scheduler()
    assert(async == new SearchSettings.Scheduler(true, 3, 3, SearchSettings.Mode.ASYNCHRONOUS))
    assert(async.asynchronous())
    assert(!new SearchSettings.Scheduler(false, 3, 3, SearchSettings.Mode.ASYNCHRONOUS)
      .asynchronous()) // no scheduler: nothing to promote
    assert(problems(
      """gapsweep.search {
        |  successive-halving { mode = eager }
        |}
        |""") == Seq("sweep.conf:2: gapsweep.search.successive-halving.mode: \"eager\" is" +
      " unknown; expected one of synchronous, asynchronous"))
  }

  test("a range under the grid") {
    assert(problems(
      """gapsweep.search-space {
        |  l2 = { log-uniform = [1e-5, 1e-2] }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search-space.l2.log-uniform: a log-uniform range needs" +
        " gapsweep.search.strategy = random (it is grid); expected a list of values"))
  }

  test("bad bounds, a non-positive log-uniform bound, and a shape that does not fit the axis") {
    assert(problems(
      """gapsweep {
        |  search.strategy = random
        |  search-space {
        |    depth = { uniform = [3, 1] }
        |    dropout = { uniform = [0, 1] }
        |    l2 = { log-uniform = [0, 1e-2] }
        |    augmentation = { uniform = [0, 1] }
        |    learning-rate = { log-uniform = [1e-3] }
        |    batch-size = { uniform = [8, 8] }
        |  }
        |}
        |""") == Seq(
      "sweep.conf:4: gapsweep.search-space.depth.uniform: [3, 1] is out of range;" +
        " expected [low, high] with low < high",
      "sweep.conf:5: gapsweep.search-space.dropout.uniform[1]: 1 is out of range;" +
        " expected a number in [0, 1)",
      "sweep.conf:6: gapsweep.search-space.l2.log-uniform: [0, 1e-2] is out of range;" +
        " expected [low, high] with 0 < low < high; to include 0, list choices instead",
      "sweep.conf:7: gapsweep.search-space.augmentation.uniform: uniform does not fit" +
        " augmentation, whose values are each a preset name; expected choices",
      "sweep.conf:8: gapsweep.search-space.learning-rate.log-uniform: [1e-3] has 1 element;" +
        " expected [low, high] with 0 < low < high",
      "sweep.conf:9: gapsweep.search-space.batch-size.uniform[1]: 8 is a duplicate;" +
        " expected distinct values"))
  }

  test("a list of distributions, an unknown distribution, and two keys in one") {
    assert(problems(
      """gapsweep {
        |  search.strategy = random
        |  search-space {
        |    l2 = [0, { log-uniform = [1e-5, 1e-2] }]
        |    dropout = { normal = [0.2, 0.1] }
        |    depth = { uniform = [1, 2], choices = [1] }
        |  }
        |}
        |""") == Seq(
      "sweep.conf:4: gapsweep.search-space.l2: [0, {\"log-uniform\":[1.0E-5,0.01]}] is a list of" +
        " distributions; expected a list of values or one distribution, an object with one key" +
        " of choices, uniform, log-uniform",
      "sweep.conf:5: gapsweep.search-space.dropout.normal: unknown distribution;" +
        " expected one of choices, uniform, log-uniform",
      "sweep.conf:6: gapsweep.search-space.depth: {\"choices\":[1],\"uniform\":[1,2]} has 2 keys;" +
        " expected an object with one key of choices, uniform, log-uniform"))
  }

  test("more random trials than the space has configurations, and a depth range too deep") {
    assert(problems(
      """gapsweep {
        |  data { width = 16, height = 16 }
        |  search { strategy = random, trials = 7 }
        |  search-space {
        |    depth = { uniform = [1, 5] }
        |    augmentation = [none]
        |  }
        |}
        |""") == Seq(
      "sweep.conf:5: gapsweep.search-space.depth.uniform[1]: 5 is too deep for 16x16 images;" +
        " expected at most 4, since 2^depth must not exceed the smaller image side"))
    assert(problems(
      """gapsweep {
        |  search { strategy = random, trials = 13 }
        |  search-space.depth = { uniform = [1, 3] }
        |}
        |""") == Seq(
      "sweep.conf:2: gapsweep.search.trials: 13 is out of range; expected at most 12," +
        " the distinct configurations of gapsweep.search-space"))
  }

  test("a random search larger than run.max-trials") {
    assert(problems(
      """gapsweep {
        |  run.max-trials = 100
        |  search { strategy = random, trials = 60 }
        |  search-space { dropout = { uniform = [0, 0.5] }, seeds = 2 }
        |}
        |""") == Seq(
      "sweep.conf:4: gapsweep.search-space: the random search has 360 trials" +
        " (60 random configurations (seed 0) x 2 seeds x 3 folds);" +
        " expected at most 100 (gapsweep.run.max-trials)"))
  }
}
