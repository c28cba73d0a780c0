package io.gapsweep.plan

import com.typesafe.config.ConfigFactory
import io.gapsweep.config.SettingsLoader
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

/**
 * Trial ids are the identity of saved sweeps: a resume finds its trials by them. These tests pin
 * them to literal values, so that renaming a hashed field or changing its format fails here
 * instead of silently re-running every saved sweep.
 */
class TrialIdsSuite extends AnyFunSuite {

  // Holdout adds nothing to an id, so these goldens pin the encoding that every sweep shares;
  // the k-fold lines (reference.conf's default) have their own golden below.
  private val holdout = ConfigFactory.parseString("gapsweep.validation.scheme = holdout")

  private def plan(hocon: String): SweepPlan =
    GridExpander.expand(SettingsLoader.fromConfig(ConfigFactory.parseString(hocon).withFallback(holdout)))

  private def ids(hocon: String): Seq[String] = plan(hocon).trials.asScala.map(_.trialId).toSeq

  private val base = ids("")

  test("golden: the encoding of reference.conf's first trial, line by line") {
    val settings = SettingsLoader.fromConfig(ConfigFactory.empty())
    val first = GridExpander.expand(settings).trials.get(0)
    val shared = TrialIds.shared(settings.training, settings.data)
    val encoding = TrialIds.configuration(
      shared, settings.augmentationPresets.get("none"), first.params).asScala
    assert(encoding == Seq(
      "gapsweep-trial-v2",
      "training.optimizer=adam",
      "training.max-epochs=30",
      "training.patience=5",
      "training.min-delta=0",
      "training.base-filters=8",
      "training.dense-units=32",
      "data.source=synthetic",
      "data.width=32",
      "data.height=32",
      "data.channels=3",
      "data.synthetic.train-per-class=40",
      "data.synthetic.validation-per-class=30",
      "data.synthetic.seed=7",
      "data.synthetic.noise=12",
      "data.synthetic.clutter=1",
      "axis.augmentation=none",
      "axis.batch-size=32",
      "axis.depth=1",
      "axis.dropout=0",
      "axis.l2=0",
      "axis.learning-rate=0.001"))
  }

  test("golden: the ids of reference.conf's grid under holdout") {
    assert(base == GOLDEN)
    val first = plan("").trials.get(0)
    assert(first.configId == GOLDEN_CONFIG)
    assert(first.seed == GOLDEN_SEED)
  }

  test("golden: an augmented, nesterov, image-folder trial encodes its preset, momentum and folder") {
    val hocon =
      """gapsweep.search-space.augmentation = [light]
        |gapsweep.training.optimizer = nesterov
        |gapsweep.data.source = directory
        |gapsweep.data.directory.path = "/data/shapes"
        |""".stripMargin
    assert(ids(hocon).head == GOLDEN_OTHER)
  }

  test("fields that change nothing a trial computes leave every id alone") {
    for (unused <- Seq(
        "gapsweep.name = other",
        "gapsweep.run.output = /elsewhere",
        "gapsweep.run.threads-per-trial = 2",
        "gapsweep.run.max-trials = 9",
        "gapsweep.run.save-models = 0",
        "gapsweep.run.local-master = \"local[1]\"",
        "gapsweep.leaderboard.accuracy-tolerance = 0.2",
        "gapsweep.data.directory.path = /unused/when/synthetic",
        "gapsweep.validation.folds = 3",
        "gapsweep.validation.repeats = 2",
        "gapsweep.validation.keep-given-split = true",
        "gapsweep.data.directory.validation-split = 0.3",
        "gapsweep.data.directory.strict = true",
        "gapsweep.data.directory.min-images-per-class = 0",
        "gapsweep.training.momentum = 0.5",
        "gapsweep.augmentation-presets.heavy.rotation-range = 5",
        "gapsweep.search-space.depth = [2, 1]\ngapsweep.search-space.l2 = [1e-3, 0.0]")) {
      assert(ids(unused) == base, unused)
    }
    val folder = "gapsweep.data.source = directory\ngapsweep.data.directory.path = /data\n"
    assert(ids(folder + "gapsweep.data.synthetic.seed = 8") == ids(folder))
    assert(ids(folder + "gapsweep.data.synthetic.noise = 1") == ids(folder))
  }

  test("each field that changes what a trial computes changes every id") {
    for (used <- Seq(
        "gapsweep.training.optimizer = sgd",
        "gapsweep.training.learning-rate = 0.002",
        "gapsweep.training.batch-size = 16",
        "gapsweep.training.max-epochs = 31",
        "gapsweep.training.patience = 4",
        "gapsweep.training.min-delta = 0.001",
        "gapsweep.training.base-filters = 4",
        "gapsweep.training.dense-units = 16",
        "gapsweep.data.width = 24",
        "gapsweep.data.height = 24",
        "gapsweep.data.channels = 1",
        "gapsweep.data.synthetic.train-per-class = 41",
        "gapsweep.data.synthetic.validation-per-class = 31",
        "gapsweep.data.synthetic.seed = 8",
        "gapsweep.data.synthetic.noise = 11",
        "gapsweep.data.synthetic.clutter = 2",
        "gapsweep.data.source = directory\ngapsweep.data.directory.path = /data")) {
      assert(ids(used).toSet.intersect(base.toSet).isEmpty, used)
    }
    val nesterov = "gapsweep.training.optimizer = nesterov\n"
    assert(ids(nesterov + "gapsweep.training.momentum = 0.5").toSet
      .intersect(ids(nesterov).toSet).isEmpty)
    val folder = "gapsweep.data.source = directory\ngapsweep.data.directory.path = /data\n"
    assert(ids(folder + "gapsweep.data.directory.validation-split = 0.3").toSet
      .intersect(ids(folder).toSet).isEmpty)
    assert(ids("gapsweep.data.source = directory\ngapsweep.data.directory.path = /other").toSet
      .intersect(ids(folder).toSet).isEmpty)
    val light = "gapsweep.search-space.augmentation = [light]\n"
    assert(ids(light + "gapsweep.augmentation-presets.light.rotation-range = 20").toSet
      .intersect(ids(light).toSet).isEmpty)
    for (axis <- Seq("depth = [3]", "dropout = [0.25]", "l2 = [0.01]", "learning-rate = [0.1]",
        "batch-size = [7]")) {
      assert(ids("gapsweep.search-space." + axis).toSet.intersect(base.toSet).isEmpty, axis)
    }
  }

  test("fold and seed index are part of the trial id, not of the configuration id") {
    val configuration = Seq("line").asJava
    val ids = for (fold <- 0 to 1; seed <- 0 to 1) yield TrialIds.trialId(configuration, fold, seed)
    assert(ids.distinct.size == 4)
    assert(plan("").trials.asScala.forall(_.fold == 0))
  }

  test("golden: a k-fold trial adds the scheme, folds and repeats; the folds' seed hashes the data") {
    val hocon = "gapsweep.validation { scheme = k-fold, folds = 3, repeats = 2 }"
    val settings = SettingsLoader.fromConfig(ConfigFactory.parseString(hocon))
    val folds = TrialIds.folds(settings.validation, settings.data)
    assert(TrialIds.validation(folds).asScala ==
      Seq("validation.scheme=k-fold", "validation.folds=3", "validation.repeats=2"))
    val kFold = plan(hocon)
    assert(kFold.trials.size == 8 * 6)
    assert(kFold.trials.asScala.take(2).map(_.trialId) == GOLDEN_K_FOLD)
    assert(kFold.folds.seed == GOLDEN_FOLD_SEED)
    assert(plan(hocon + "\ngapsweep.training.max-epochs = 3").folds == kFold.folds)
  }

  test("keep-given-split keeps an image folder's validation/ as holdout, with holdout's ids") {
    val folder = "gapsweep.data.source = directory\ngapsweep.data.directory.path = /data\n"
    val kFold = folder + "gapsweep.validation.scheme = k-fold\n"
    assert(ids(kFold + "gapsweep.validation.keep-given-split = true") == ids(folder))
    assert(ids(kFold).size == ids(folder).size * 3)
    val split = folder + "gapsweep.data.directory.validation-split = 0.2\n"
    // A split cut by validation-split is not a given one: pooled all the same.
    assert(ids(split + "gapsweep.validation.scheme = k-fold\ngapsweep.validation.keep-given-split = true")
      .size == ids(split).size * 3)
  }

  test("an output written by an older gapsweep is refused in one line") {
    val current = SettingsLoader.read(holdout)
    val old = ConfigFactory.parseString(current.resolvedHocon)
      .withoutPath("gapsweep.search-space.learning-rate")
      .withoutPath("gapsweep.search-space.batch-size")
      .root.render()
    assert(SweepIdentity.differences(old, current.resolvedHocon, plan("")).asScala == Seq(
      "it was written by an older gapsweep (no gapsweep.search-space.batch-size), whose trial" +
        " ids this version (gapsweep-trial-v2) does not reproduce, so it cannot be resumed"))
    assert(SweepIdentity.differences(current.resolvedHocon, current.resolvedHocon, plan(""))
      .isEmpty)
  }

  // The grid of reference.conf under holdout: augmentation none, batch size 32, learning rate 0.001, then depth
  // [1, 2] x dropout [0, 0.5] x l2 [0, 0.001], in grid order.
  private val GOLDEN = Seq("462b7d013d30726a", "090bc8e364861f68", "223b42fccbe78e46",
    "be7c0b023f59d39e", "84ce95400234955f", "03300a9d3f27e662", "0f2eed44af4e335e",
    "dcb500f2638b2b82")
  private val GOLDEN_CONFIG = "1d034c9ff2cbfe9c"
  private val GOLDEN_SEED = 5763578806119396332L
  private val GOLDEN_OTHER = "c30e9d91d02f0765"
  // reference.conf's grid under 3-fold cross-validation repeated twice: its first two trials (seed
  // 0, folds 0 and 1).
  private val GOLDEN_K_FOLD = Seq("49bbe67e37534b13", "fda10c23826ee6b3")
  private val GOLDEN_FOLD_SEED = 7173295590450799725L
}
