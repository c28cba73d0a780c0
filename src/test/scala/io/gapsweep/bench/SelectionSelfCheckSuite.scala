package io.gapsweep.bench

import com.typesafe.config.ConfigFactory
import io.gapsweep.bench.SelectionSweep._
import io.gapsweep.config.{SettingsLoader, SweepSettings}
import io.gapsweep.data.{LoadedDataset, SyntheticShapes}
import org.scalatest.funsuite.AnyFunSuite

import java.io.{PrintWriter, StringWriter}
import scala.jdk.CollectionConverters._

/**
 * Issue #15 item 6a: the repository checks its own selection rule. A seeded synthetic grid with
 * under-regularized configurations (no dropout, no L2: they overfit) and over-regularized ones
 * (heavy dropout and L2: they learn little) is swept under reference.conf's validation scheme
 * (3-fold), every trial's kept model is scored on a large test split that no trial sees, and the
 * leaderboard's rule as reference.conf sets it must recommend a configuration within 2 accuracy points of the grid's best. The bound
 * can fail: on the same grid a rule that insists on a below-median gap breaks it.
 */
class SelectionSelfCheckSuite extends AnyFunSuite {

  // Small grey images, at most 20 short epochs. The leaderboard and validation sections are left
  // to reference.conf on purpose: it is the defaults that are checked.
  private val settings: SweepSettings = SettingsLoader.fromConfig(ConfigFactory.parseString(
    """gapsweep {
      |  name = selection-self-check
      |  search-space { depth = [2], dropout = [0, 0.25, 0.6], l2 = [0, 0.01],
      |    augmentation = [none], seeds = 1 }
      |  training { learning-rate = 0.003, max-epochs = 20, patience = 4, batch-size = 16,
      |    dense-units = 16 }
      |  data { source = synthetic, width = 16, height = 16, channels = 1,
      |    synthetic { train-per-class = 40, validation-per-class = 40, test-per-class = 200,
      |      noise = 6, clutter = 0, seed = 11 } }
      |}""".stripMargin))

  private val bound = 2.0 // accuracy points, the target

  private lazy val data: LoadedDataset = SyntheticShapes.load(settings.data())

  private val scheme =
    if (settings.validation().crossValidates(settings.data())) Scheme.KFOLD else Scheme.HOLDOUT

  private def sweep(): Outcome = SelectionSweep.run(settings, data, scheme,
    settings.validation().folds(), 1L, 1, 2, new PrintWriter(new StringWriter()))

  private lazy val first = sweep()
  private lazy val second = sweep()

  private def pick(o: Outcome, rule: SelectionRules.Named): Pick =
    SelectionRules.scores(o.configurations).pick(rule)

  private lazy val default = SelectionRules.defaultRule(settings)

  private def label(o: Outcome): String = o.configurations.asScala.map(c =>
    f"${c.label}: val loss ${c.meanLoss}%.4f, gap ${c.gap}%.4f, test acc ${c.testAcc}%.4f")
    .mkString("\n")

  test("the checked rule and scheme are reference.conf's") {
    val reference = SettingsLoader.fromConfig(ConfigFactory.empty())
    assert(settings.leaderboard() == reference.leaderboard())
    assert(settings.validation() == reference.validation())
    assert(first.scheme == Scheme.KFOLD && first.trials == 6 * 3, "reference.conf's scheme changed: update the doc")
    assert(default.band() == io.gapsweep.analysis.Leaderboard.rule(settings.leaderboard()))
    assert(default.order() == SelectionRules.Order.SMALLEST_GAP)
  }

  test("the grid holds under- and over-regularized configurations, and most learn") {
    val cs = first.configurations.asScala
    assert(first.failed == 0 && cs.size == 6, label(first))
    assert(first.testImages == 1200)
    // Under-regularized: the unregularized configuration overfits more than the grid's median.
    val unregularized = cs.find(_.label == "depth 2, dropout 0.0, l2 0.0, none").get
    assert(unregularized.gap > first.medianGap, label(first))
    // Over-regularized: the heaviest configuration is well below the best on test.
    val heaviest = cs.find(_.label == "depth 2, dropout 0.6, l2 0.01, none").get
    assert(100 * (first.bestTestAcc - heaviest.testAcc) > bound, label(first))
    // Half the grid learns: above twice chance (1/6) on test.
    assert(cs.count(_.testAcc > 2.0 / 6) >= 3, label(first))
  }

  test("the leaderboard's default rule recommends within 2 points of the best on test") {
    val p = pick(first, default)
    assert(p.regret <= bound, s"$p\n${label(first)}")
    // The same pick as the leaderboard of `gapsweep run` would make: its band, smallest gap.
    val standings = io.gapsweep.analysis.CompetitiveBand.rank(first.configurations.asScala.map(c =>
      new io.gapsweep.analysis.CompetitiveBand.Candidate(c.key, c.losses, c.valAcc, c.gap)).asJava,
      default.band())
    assert(standings.get(0).key == p.key && standings.get(0).rank == 1)
  }

  test("the bound can fail: without a band, a below-median gap lands more than 2 points off") {
    val noBand = SelectionRules.ALL.asScala.find(_.name == "no band: gap ≤ grid median, then lowest loss").get
    val p = pick(first, noBand)
    assert(p.regret > bound, s"$p\n${label(first)}")
  }

  test("the same seeds give the same figures: the check is deterministic") {
    assert(second.configurations.asScala.map(c => (c.key, c.meanLoss, c.gap, c.testAcc)) ==
      first.configurations.asScala.map(c => (c.key, c.meanLoss, c.gap, c.testAcc)))
    assert(pick(second, default) == pick(first, default))
  }
}
