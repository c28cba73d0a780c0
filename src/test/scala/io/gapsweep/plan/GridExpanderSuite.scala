package io.gapsweep.plan

import io.gapsweep.config.Axes
import io.gapsweep.testing.Fixtures
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class GridExpanderSuite extends AnyFunSuite {

  private val space = Fixtures.searchSpace(
    depth = Seq(2, 1),
    dropout = Seq(0.5, 0.0),
    l2 = Seq(0.001, 0.0),
    augmentation = Seq("none", "flips"),
    seeds = 2)

  private def trials(settings: io.gapsweep.config.SweepSettings): Seq[TrialSpec] =
    GridExpander.expand(settings).trials().asScala.toSeq

  test("the grid has one trial per combination and seed") {
    assert(trials(Fixtures.settings(space)).size == 2 * 2 * 2 * 2 * 2)
  }

  test("axes nest in alphabetical order of their names, values sorted") {
    val params = trials(Fixtures.settings(space)).map(t =>
      (t.value(Axes.AUGMENTATION), t.value(Axes.DEPTH).toInt, t.value(Axes.DROPOUT).toDouble,
        t.value(Axes.L2).toDouble, t.seedIndex))
    assert(params.take(5) == Seq(
      ("flips", 1, 0.0, 0.0, 0),
      ("flips", 1, 0.0, 0.0, 1),
      ("flips", 1, 0.0, 0.001, 0),
      ("flips", 1, 0.0, 0.001, 1),
      ("flips", 1, 0.5, 0.0, 0)))
    assert(params.last == (("none", 2, 0.5, 0.001, 1)))
    assert(params == params.sorted)
  }

  test("ids and seeds are stable across runs and orders of values") {
    val reordered = Fixtures.searchSpace(
      depth = Seq(1, 2),
      dropout = Seq(0.0, 0.5),
      l2 = Seq(0.0, 0.001),
      augmentation = Seq("flips", "none"),
      seeds = 2)
    assert(trials(Fixtures.settings(space)) == trials(Fixtures.settings(reordered)))
    val first = trials(Fixtures.settings(space)).head
    // Literal ids, which fail when a hashed field is renamed or reformatted: TrialIdsSuite.
    assert(first.trialId.matches("[0-9a-f]{16}"))
    assert(first.seed >= 0)
  }

  test("ids are unique, seeds differ, and seeds of one configuration share its config id") {
    val all = trials(Fixtures.settings(space))
    assert(all.map(_.trialId).distinct.size == all.size)
    assert(all.map(_.seed).distinct.size == all.size)
    assert(all.map(_.configId).distinct.size == all.size / 2)
    all.grouped(2).foreach(pair => assert(pair(0).configId == pair(1).configId))
  }

  test("adding a value to an axis keeps the ids of existing trials") {
    val wider = Fixtures.searchSpace(
      depth = Seq(1, 2, 3),
      dropout = Seq(0.5, 0.0),
      l2 = Seq(0.001, 0.0),
      augmentation = Seq("none", "flips"),
      seeds = 2)
    val before = trials(Fixtures.settings(space)).map(_.trialId).toSet
    val after = trials(Fixtures.settings(wider)).map(_.trialId).toSet
    assert(before.subsetOf(after))
    assert(after.size == before.size * 3 / 2)
  }

  test("a training setting changes every id; equal numbers written differently do not") {
    val base = trials(Fixtures.settings(space)).map(_.trialId)
    val slower = trials(Fixtures.settings(space, trainingSettings = Fixtures.training(learningRate = 0.01)))
    assert(base.toSet.intersect(slower.map(_.trialId).toSet).isEmpty)
    assert(TrialIds.canonical(0.0010) == TrialIds.canonical(1e-3))
    assert(TrialIds.canonical(0.5) == "0.5")
    assert(TrialIds.canonical(0.0) == "0")
  }

  // ---- k-fold: a trial is (configuration, seed, fold)

  private val kFold = Fixtures.settings(space, validation = Fixtures.kFold(3, repeats = 2))

  test("k-fold: one trial per configuration, seed and fold, folds innermost") {
    val all = trials(kFold)
    assert(all.size == 16 * 2 * 3 * 2)
    assert(all.take(7).map(t => (t.seedIndex, t.fold)) ==
      Seq((0, 0), (0, 1), (0, 2), (0, 3), (0, 4), (0, 5), (1, 0)))
    assert(all.map(_.trialId).distinct.size == all.size)
    assert(all.map(_.seed).distinct.size == all.size)
    assert(all.map(_.configId).distinct.size == 16)
    all.grouped(12).foreach(group => assert(group.map(_.configId).distinct.size == 1))
    assert(trials(kFold) == all)
  }

  test("k-fold: the plan carries the folds, with one seed for every configuration") {
    val plan = GridExpander.expand(kFold)
    assert(plan.folds.folds == 3 && plan.folds.repeats == 2 && plan.folds.splits == 6)
    assert(plan.folds == GridExpander.expand(kFold).folds)
    // The folds' seed follows the data only: another grid or training keeps the same folds.
    val other = Fixtures.settings(Fixtures.searchSpace(depth = Seq(3)),
      trainingSettings = Fixtures.training(maxEpochs = 7),
      validation = Fixtures.kFold(3, repeats = 2))
    assert(GridExpander.expand(other).folds == plan.folds)
    val otherData = Fixtures.settings(space, dataSettings = Fixtures.data(trainPerClass = 9),
      validation = Fixtures.kFold(3, repeats = 2))
    assert(GridExpander.expand(otherData).folds.seed != plan.folds.seed)
  }

  test("k-fold changes every id; holdout ids do not depend on folds or repeats") {
    val holdout = trials(Fixtures.settings(space))
    assert(trials(kFold).map(_.trialId).toSet.intersect(holdout.map(_.trialId).toSet).isEmpty)
    val ignored = Fixtures.settings(space, validation =
      new io.gapsweep.config.ValidationSettings(
        io.gapsweep.config.ValidationSettings.Scheme.HOLDOUT, 7, 3, true))
    assert(trials(ignored) == holdout)
    assert(GridExpander.expand(Fixtures.settings(space)).folds == FoldPlan.HOLDOUT)
  }
}
