package io.gapsweep.bench

import com.typesafe.config.ConfigFactory
import io.gapsweep.analysis.CompetitiveBand
import io.gapsweep.bench.SelectionSweep._
import io.gapsweep.config.{SettingsLoader, SweepSettings}
import io.gapsweep.data.{ImageSet, LoadedDataset, SyntheticShapes}
import io.gapsweep.train.TrialStatus
import org.scalatest.funsuite.AnyFunSuite

import java.io.{PrintWriter, StringWriter}
import scala.jdk.CollectionConverters._

class SelectionSweepSuite extends AnyFunSuite {

  // A grid with an under- and an over-regularized configuration, small enough to train in seconds.
  private val settings: SweepSettings = SettingsLoader.fromConfig(ConfigFactory.parseString(
    """gapsweep {
      |  name = selection-test
      |  search-space { depth = [1], dropout = [0, 0.5], l2 = [0, 0.01], augmentation = [none],
      |    seeds = 1 }
      |  training { max-epochs = 3, patience = 1, batch-size = 16, dense-units = 8 }
      |  data { source = synthetic, width = 8, height = 8, channels = 1,
      |    synthetic { train-per-class = 6, validation-per-class = 3, test-per-class = 5 } }
      |}""".stripMargin))

  private lazy val data: LoadedDataset = SyntheticShapes.load(settings.data())

  private def sweep(scheme: Scheme, loaded: LoadedDataset = data): Outcome =
    SelectionSweep.run(settings, loaded, scheme, 3, 1L, 1, 2, new PrintWriter(new StringWriter()))

  private lazy val holdout = sweep(Scheme.HOLDOUT)
  private lazy val kfold = sweep(Scheme.KFOLD)

  private def candidates(o: Outcome) = o.configurations.asScala.map(c =>
    new CompetitiveBand.Candidate(c.key, c.losses, c.valAcc, c.gap)).asJava

  private def checkPicks(o: Outcome): Unit = {
    val cs = o.configurations.asScala
    assert(cs.size == 4 && o.failed == 0)
    val best = cs.map(_.testAcc).max
    val median = SelectionRules.median(cs.map(_.gap).toArray)
    assert(o.bestTestAcc == best && o.medianGap == median)
    assert(o.picks.size == SelectionRules.ALL.size)
    for ((pick, rule) <- o.picks.asScala.zip(SelectionRules.ALL.asScala)) {
      val chosen = cs.find(_.key == pick.key).get
      assert(pick.rule == rule.name)
      assert(math.abs(pick.regret - 100 * (best - chosen.testAcc)) < 1e-12, pick)
      assert(pick.regret >= 0)
      assert(pick.testRank == 1 + cs.count(_.testAcc > chosen.testAcc), pick)
      assert(pick.gapBelowMedian == (chosen.gap < median), pick)
      val band = CompetitiveBand.rank(candidates(o), rule.band).asScala.filter(_.competitive)
      assert(pick.bandSize == band.size, pick)
      assert(band.exists(_.key == pick.key), s"$pick is outside its band")
      rule.order match {
        case SelectionRules.Order.SMALLEST_GAP =>
          assert(chosen.gap == band.map(_.gap).min, pick)
        case SelectionRules.Order.HIGHEST_ACCURACY =>
          assert(chosen.valAcc == band.map(_.accuracy).max, pick)
        case SelectionRules.Order.LOWEST_LOSS_GAP_BELOW_MEDIAN =>
          val eligible = band.filter(_.gap <= median)
          val pool = if (eligible.isEmpty) band else eligible
          assert(math.abs(chosen.meanLoss - pool.map(_.meanLoss).min) < 1e-12, pick)
      }
    }
    val minLoss = o.picks.asScala.find(_.rule == "min validation loss").get
    assert(minLoss.bandSize == 1)
    assert(minLoss.key == cs.minBy(_.meanLoss).key)
    // Bands nest as their parameters say.
    def size(name: String) = o.picks.asScala.find(_.rule == name).get.bandSize
    assert(size("1-SE ×0.5 (paired), then smallest gap") <= size("1-SE ×1 (paired), then smallest gap"))
    assert(size("paired t-test α 0.2, then smallest gap") <=
      size("paired t-test α 0.05, then smallest gap"))
  }

  test("holdout: one trial per configuration and seed, scored on the validation split") {
    assert(holdout.trials == 4 && holdout.k == 1)
    assert(holdout.examples == data.dataset.validation.count)
    assert(holdout.testImages == 30)
    holdout.configurations.asScala.foreach(c => assert(c.losses.length == 18))
    checkPicks(holdout)
  }

  test("k-fold: one trial per fold, every pooled example scored once, out of fold") {
    assert(kfold.trials == 12 && kfold.k == 3)
    val pool = data.dataset.train.count + data.dataset.validation.count
    assert(kfold.examples == pool)
    kfold.configurations.asScala.foreach { c =>
      assert(c.losses.length == pool)
      assert(c.losses.forall(l => java.lang.Double.isFinite(l) && l >= 0))
      assert(math.abs(c.meanLoss - c.losses.sum / pool) < 1e-12)
    }
    checkPicks(kfold)
  }

  test("the same grid gives the same figures") {
    val again = sweep(Scheme.KFOLD)
    assert(again.picks == kfold.picks)
    assert(again.configurations.asScala.map(c => (c.key, c.meanLoss, c.gap, c.testAcc)) ==
      kfold.configurations.asScala.map(c => (c.key, c.meanLoss, c.gap, c.testAcc)))
  }

  test("test labels change test accuracies only: no loss, gap or band moves") {
    val t = data.test
    val shifted = new ImageSet(t.count, t.channels, t.height, t.width, t.pixels,
      t.labels.map(l => (l + 1) % 6))
    val relabelled = new LoadedDataset(data.dataset, data.source, data.skipped, data.warnings,
      shifted)
    val other = sweep(Scheme.HOLDOUT, relabelled)
    assert(other.configurations.asScala.map(c => (c.key, c.meanLoss, c.gap, c.valAcc)) ==
      holdout.configurations.asScala.map(c => (c.key, c.meanLoss, c.gap, c.valAcc)))
    assert(other.picks.asScala.map(p => (p.key, p.bandSize)) ==
      holdout.picks.asScala.map(p => (p.key, p.bandSize)))
  }

  test("a failed trial leaves its configuration out instead of guessing its examples") {
    def ok(config: String, fold: Int, ids: Array[Int], losses: Array[Double], test: Double) =
      new TrialEvidence(config, config, 0, fold, TrialStatus.COMPLETED, losses.sum / losses.length,
        0.5, 0.1, ids, losses, test)
    val evidence = Seq(
      ok("a", 0, Array(0, 2), Array(0.2, 0.4), 0.8), ok("a", 1, Array(1, 3), Array(0.6, 0.8), 0.6),
      ok("b", 0, Array(0, 2), Array(0.3, 0.5), 0.9), ok("b", 1, Array(1, 3), Array(0.7, 0.9), 0.7),
      ok("c", 0, Array(0, 2), Array(0.1, 0.1), 0.9),
      new TrialEvidence("c", "c", 0, 1, TrialStatus.FAILED, Double.NaN, Double.NaN, Double.NaN,
        Array(1, 3), null, Double.NaN))
    val o = SelectionSweep.summarize(Scheme.KFOLD, 2, evidence.asJava, 4, 10)
    assert(o.failed == 1)
    assert(o.configurations.asScala.map(_.key) == Seq("a", "b"))
    val a = o.configurations.get(0)
    assert(a.losses.toSeq == Seq(0.2, 0.6, 0.4, 0.8))
    assert(math.abs(a.testAcc - 0.7) < 1e-12)
    assert(math.abs(o.bestTestAcc - 0.8) < 1e-12)
    val minLoss = o.picks.get(0)
    assert(minLoss.key == "a" && minLoss.testRank == 2 && math.abs(minLoss.regret - 10) < 1e-9)
  }

  test("data without a test split is refused") {
    val noTest = LoadedDataset.clean(data.dataset, "synthetic")
    val e = intercept[IllegalArgumentException](sweep(Scheme.HOLDOUT, noTest))
    assert(e.getMessage == "Cannot measure selection rules: synthetic has no test split")
  }
}
