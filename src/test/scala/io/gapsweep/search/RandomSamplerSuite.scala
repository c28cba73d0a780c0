package io.gapsweep.search

import com.typesafe.config.ConfigFactory
import io.gapsweep.config.{Axes, SettingsLoader, SweepSettings}
import io.gapsweep.plan.GridExpander
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class RandomSamplerSuite extends AnyFunSuite {

  private def load(hocon: String): SweepSettings =
    SettingsLoader.fromConfig(ConfigFactory.parseString(hocon))

  private val small =
    """gapsweep {
      |  search { strategy = random, trials = 4, seed = 7 }
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

  test("print") {
    val plan = GridExpander.expand(load(small))
    plan.trials().asScala.foreach(t => println(t.trialId + " " + t.configId + " " + t.params))
  }
}
