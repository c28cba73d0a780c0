package io.gapsweep.e2e

import io.gapsweep.config.SettingsLoader
import io.gapsweep.plan.GridExpander
import io.gapsweep.testing.{Cli, SharedSparkSession, TempDirs}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Files
import scala.jdk.CollectionConverters._

/** A random search through the sweep service (gapsweep run): 2 drawn trials, 1 epoch each. */
class RandomSearchSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  test("a random sweep trains the drawn configurations, ranks them, and resumes by their ids") {
    withTempDir { dir =>
      val out = dir.resolve("out")
      val conf = Files.writeString(dir.resolve("random.conf"),
        s"""gapsweep {
           |  name = drawn
           |  search { strategy = random, trials = 2, seed = 3 }
           |  search-space {
           |    depth = [1]
           |    dropout = { uniform = [0, 0.5] }
           |    l2 = { log-uniform = [1e-5, 1e-2] }
           |  }
           |  training { max-epochs = 1, patience = 1, base-filters = 4, dense-units = 8, batch-size = 16 }
           |  data { width = 12, height = 12, synthetic { train-per-class = 4, validation-per-class = 4 } }
           |  run { output = "$out", save-models = 0 }
           |}
           |""".stripMargin)
      val result = Cli.run("run", conf.toString)
      assert(result.code == 0, result.err)
      assert(result.out.contains("2 trials: 2 completed, 0 diverged, 0 failed."), result.out)

      val planned = GridExpander.expand(SettingsLoader.load(conf)).trials().asScala
      val trials = spark.read.parquet(out.resolve("trials").toString)
      assert(trials.select("trial_id").collect().map(_.getString(0)).toSet ==
        planned.map(_.trialId).toSet)
      val l2 = trials.orderBy("trial_id").select("l2").collect().map(_.getDouble(0)).toSeq
      assert(l2 == planned.sortBy(_.trialId).map(_.params.value(io.gapsweep.config.Axes.L2).toDouble))
      assert(trials.selectExpr("max(epochs_run)").head() == Row(1))

      val again = Cli.run("run", conf.toString)
      assert(again.code == 0, again.err)
      assert(again.out.contains(s"Resuming the sweep in $out: 2 of 2 trials are already done; 0 to run"),
        again.out)
    }
  }
}
