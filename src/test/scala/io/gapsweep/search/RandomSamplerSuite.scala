package io.gapsweep.search

import com.typesafe.config.ConfigFactory
import io.gapsweep.UserError
import io.gapsweep.config.{Axes, SettingsLoader, SweepSettings}
import io.gapsweep.plan.GridExpander
import io.gapsweep.testing.{Cli, TempDirs}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Files
import scala.jdk.CollectionConverters._

class RandomSamplerSuite extends AnyFunSuite with TempDirs {

  // Holdout, so that a search's trials are its configurations times its seeds.
  private def load(hocon: String): SweepSettings = SettingsLoader.fromConfig(
    ConfigFactory.parseString(hocon + "\ngapsweep.validation.scheme = holdout"))

  private def small(trials: Int = 4, seed: Long = 7): String =
    s"""gapsweep {
      |  search { strategy = random, trials = $trials, seed = $seed }
      |  search-space {
      |    depth = { uniform = [1, 3] }
      |    dropout = { uniform = [0, 0.5] }
      |    l2 = { log-uniform = [1e-5, 1e-2] }
      |    augmentation = { choices = [none, light] }
      |    learning-rate = { log-uniform = [1e-4, 1e-1] }
      |    batch-size = { log-uniform = [8, 64] }
      |  }
      |}
      |""".stripMargin

  private def drawn(hocon: String): Seq[String] =
    GridExpander.expand(load(hocon)).trials().asScala.toSeq.map(_.params.toString)

  test("a seeded draw gives these configurations, rounded to 3 significant digits") {
    assert(drawn(small()) == Seq(
      "{depth=1, dropout=0.219, l2=0.00463, augmentation=none, learning-rate=0.028, batch-size=56}",
      "{depth=2, dropout=0.346, l2=0.0000196, augmentation=light, learning-rate=0.000559, batch-size=13}",
      "{depth=1, dropout=0.36, l2=0.000237, augmentation=none, learning-rate=0.00314, batch-size=18}",
      "{depth=1, dropout=0.191, l2=0.000812, augmentation=light, learning-rate=0.000409, batch-size=53}"))
  }

  test("the same settings give the same trial ids; more trials keep the first; another seed differs") {
    val ids = GridExpander.expand(load(small())).trials().asScala.map(_.trialId)
    assert(GridExpander.expand(load(small())).trials().asScala.map(_.trialId) == ids)
    assert(drawn(small(trials = 6)).take(4) == drawn(small()))
    assert(drawn(small(seed = 8)).toSet.intersect(drawn(small()).toSet).isEmpty)
  }

  test("a drawn configuration has the id the grid gives the same values") {
    val random = GridExpander.expand(load(small(trials = 1))).trials().get(0)
    val p = random.params
    val grid = GridExpander.expand(load(
      s"""gapsweep.search-space {
         |  depth = [${p.print(Axes.DEPTH)}], dropout = [${p.print(Axes.DROPOUT)}]
         |  l2 = [${p.print(Axes.L2)}], augmentation = [${p.print(Axes.AUGMENTATION)}]
         |  learning-rate = [${p.print(Axes.LEARNING_RATE)}], batch-size = [${p.print(Axes.BATCH_SIZE)}]
         |}
         |""".stripMargin)).trials().get(0)
    assert(grid.trialId == random.trialId)
  }

  test("draws stay inside their bounds; log-uniform spreads evenly across decades") {
    val space = load(small()).searchSpace()
    val params = new RandomSampler(3000, 1L, 3).configurations(space).asScala
    val l2 = params.map(_.value(Axes.L2).toDouble)
    assert(l2.forall(v => v >= 1e-5 && v <= 1e-2))
    val decades = l2.groupBy(v => math.floor(math.log10(v)).toInt).map { case (d, vs) => d -> vs.size }
    assert(decades.keySet == Set(-5, -4, -3))
    decades.values.foreach(n => assert(n > 850 && n < 1150, decades))
    assert(params.map(_.value(Axes.DROPOUT).toDouble).forall(v => v >= 0 && v <= 0.5))
    assert(params.map(_.value(Axes.DEPTH).toInt).toSet == Set(1, 2, 3))
    params.map(_.value(Axes.DEPTH).toInt).groupBy(identity).values.foreach(vs =>
      assert(vs.size > 850 && vs.size < 1150))
    val batch = params.map(_.value(Axes.BATCH_SIZE).toInt)
    assert(batch.min == 8 && batch.max == 64)
    assert(batch.count(_ < 23) > 1300) // log-uniform: [8, 22.6) is half of [8, 64] in the log
    assert(params.map(_.value(Axes.AUGMENTATION)).toSet == Set("none", "light"))
  }

  test("a space with exactly as many configurations as trials gives each once") {
    val all = drawn(
      """gapsweep {
        |  search { strategy = random, trials = 6 }
        |  search-space { depth = { uniform = [1, 3] }, dropout = [0.0], l2 = [0.0, 0.001] }
        |}
        |""".stripMargin)
    assert(all.distinct.size == 6)
  }

  test("too few distinct values at the rounding stop the draw with a message") {
    val settings = load(
      """gapsweep {
        |  search { strategy = random, trials = 3, significant-digits = 1 }
        |  search-space { depth = [1], dropout = { uniform = [0.1, 0.2] }, l2 = [0.0] }
        |}
        |""".stripMargin)
    val e = intercept[UserError](GridExpander.expand(settings))
    assert(e.getMessage == "Cannot draw 3 distinct configurations with search seed 0:" +
      " configuration 3 was drawn before in each of 100 attempts (2 distinct so far); widen the" +
      " search space, raise gapsweep.search.significant-digits or lower gapsweep.search.trials")
  }

  test("gapsweep plan lists the distributions and the drawn configurations") {
    withTempDir { dir =>
      val conf = Files.writeString(dir.resolve("random.conf"),
        """gapsweep {
          |  name = drawn
          |  search { strategy = random, trials = 3, seed = 7 }
          |  validation.scheme = holdout
          |  search-space {
          |    dropout = { uniform = [0, 0.5] }
          |    l2 = { log-uniform = [1e-5, 1e-2] }
          |    learning-rate = [0.001, 0.01]
          |  }
          |}
          |""".stripMargin)
      val result = Cli.run("plan", conf.toString)
      assert(result.code == 0, result.err)
      assert(result.out.linesIterator.toSeq == Seq(
        "drawn: 3 trials (3 random configurations (seed 7) x 1 seeds)",
        "  depth: [1, 2]",
        "  dropout: uniform [0, 0.5]",
        "  l2: log-uniform [0.00001, 0.01]",
        "  augmentation: [none]",
        "  learning-rate: [0.001, 0.01]",
        "trial_id          config_id         depth  dropout         l2  augmentation  learning-rate  seed",
        "6c18d23347b32d33  25700c406f1cc846      1    0.219    0.00463  none                   0.01     0",
        "3b6c3b1ca8f34f47  34063d477030e767      1    0.346  0.0000196  none                  0.001     0",
        "6dc18d3740974118  f2a431e2bc03afa3      1     0.36   0.000237  none                  0.001     0"))
    }
  }
}
