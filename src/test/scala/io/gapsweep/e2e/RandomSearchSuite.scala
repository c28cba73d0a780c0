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
           |  validation.scheme = holdout
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
      assert(again.out.contains(s"2 trials, all done in $out, which is as the last run left it"),
        again.out)
    }
  }

  test("a random search under successive halving prunes, and two runs of it give the same tables") {
    withTempDir { dir =>
      def sweep(name: String): java.nio.file.Path = {
        val out = dir.resolve(name)
        val conf = Files.writeString(dir.resolve(name + ".conf"),
          s"""gapsweep {
             |  name = drawn-halving
             |  search {
             |    strategy = random, trials = 6, seed = 5
             |    scheduler = successive-halving, successive-halving { min-epochs = 1, reduction-factor = 3 }
             |  }
             |  search-space {
             |    depth = [1]
             |    learning-rate = { log-uniform = [1e-5, 1e-1] }
             |    dropout = { uniform = [0, 0.5] }
             |    l2 = [0.0]
             |    augmentation = [none]
             |  }
             |  training { max-epochs = 3, patience = 3, base-filters = 4, dense-units = 8, batch-size = 8 }
             |  validation.scheme = holdout
             |  data { width = 8, height = 8, synthetic { train-per-class = 6, validation-per-class = 6 } }
             |  run { output = "$out", save-models = 0 }
             |}
             |""".stripMargin)
        val result = Cli.run("run", conf.toString)
        assert(result.code == 0, result.err + result.out)
        out
      }
      val (first, second) = (sweep("first"), sweep("second"))
      def trials(out: java.nio.file.Path) = spark.read.parquet(out.resolve("trials").toString)
        .select("trial_id", "config_id", "seed", "status", "stop_reason", "rung", "best_epoch",
          "epochs_run", "dropout", "learning_rate")
        .orderBy("trial_id").collect().toSeq
      def curves(out: java.nio.file.Path) = spark.read.parquet(out.resolve("curves").toString)
        .select("trial_id", "epoch", "train_loss", "val_loss", "val_acc")
        .orderBy("trial_id", "epoch").collect().toSeq

      // The 6 drawn configurations, 1 seed each: rung 0 (epoch 1) keeps ⌈6/3⌉ and any tied.
      val rows = trials(first)
      assert(rows.size == 6)
      val pruned = rows.filter(_.getAs[String]("stop_reason") == "pruned")
      assert(pruned.nonEmpty, rows)
      for (row <- pruned) {
        assert(row.getAs[String]("status") == "COMPLETED", row)
        assert(row.getAs[Int]("epochs_run") == Seq(1, 3)(row.getAs[Int]("rung")), row)
      }
      assert(rows.exists(_.getAs[Int]("epochs_run") == 3), rows)
      val decision = new String(Files.readAllBytes(first.resolve("journal/rungs/rung-0.json")), "UTF-8")

      // Same settings, another output: the same draws, decisions, epochs and losses, bit for bit.
      assert(trials(second) == rows)
      assert(curves(second) == curves(first))
      assert(new String(Files.readAllBytes(second.resolve("journal/rungs/rung-0.json")), "UTF-8") ==
        decision)
    }
  }
}
