package io.gapsweep.e2e

import io.gapsweep.analysis.SavedSweep
import io.gapsweep.config.SettingsLoader
import io.gapsweep.data.SyntheticShapes
import io.gapsweep.testing.{Cli, SharedSparkSession, TempDirs}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}

/** A k-fold sweep end to end: 2 configurations x 2 folds on tiny images, then a resume. */
class KFoldSweepSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  /** 6 classes x (3 training + 3 validation) = a pool of 36 images, 8x8; 2 epochs per trial. */
  private def writeConf(dir: Path): Path =
    Files.writeString(dir.resolve("kfold.conf"),
      s"""gapsweep {
         |  search-space { depth = [1], dropout = [0.0, 0.5], l2 = [0.0] }
         |  training { max-epochs = 2, patience = 2, base-filters = 2, dense-units = 8 }
         |  data { width = 8, height = 8, synthetic { train-per-class = 3, validation-per-class = 3 } }
         |  validation { scheme = k-fold, folds = 2 }
         |  run.output = "${dir.resolve("out")}"
         |}
         |""".stripMargin)

  /** Everything the trials computed: all columns but timings and where they ran. */
  private def tables(out: Path): Seq[Seq[Row]] = {
    def read(name: String, drop: Seq[String], order: Seq[String]) =
      spark.read.parquet(out.resolve(name).toString).drop(drop: _*)
        .orderBy(order.head, order.tail: _*).collect().toSeq
    Seq(
      read("trials", Seq("seconds", "executor_id", "host", "pid"), Seq("trial_id")),
      read("curves", Seq("seconds"), Seq("trial_id", "epoch")),
      read("predictions", Nil, Seq("trial_id", "example_id")))
  }

  test("trials, curves and predictions carry folds; every pooled example is held out once; resume") {
    withTempDir { dir =>
      val conf = writeConf(dir)
      val out = dir.resolve("out")
      val result = Cli.run("run", conf.toString)
      assert(result.code == 0, result.err)
      assert(result.out.contains("4 trials: 4 completed, 0 diverged, 0 failed."), result.out)
      // The console and the report count trials, not seeds, and say what a gap's sd is over.
      assert(result.out.linesIterator.exists(line =>
        line.startsWith("rank ") && line.split(" +").contains("trials")), result.out)
      val report = Files.readString(out.resolve("report.html"))
      assert(report.contains("<th>trials</th>") && !report.contains("<th>seeds</th>"))
      assert(report.contains("2/2") && report.contains("(sd over its 2 trials: 1 seed(s) × 2 folds)"))

      SavedSweep.open(spark, out.toString)
      assert(spark.sql("SELECT config_id, seed_index, fold FROM trials ORDER BY config_id, fold")
        .collect().toSeq.map(r => (r.getInt(1), r.getInt(2))) == Seq((0, 0), (0, 1), (0, 0), (0, 1)))
      assert(spark.sql("SELECT count(*) FROM curves c JOIN trials t USING (trial_id)" +
        " WHERE c.fold <> t.fold").head().getLong(0) == 0)

      // Each (configuration, seed) holds every pooled example out exactly once, with its label.
      val settings = SettingsLoader.load(conf)
      val data = SyntheticShapes.generate(settings.data)
      val labels = data.train.concat(data.validation).labels.toSeq
      val perConfig = spark.sql(
        """SELECT config_id, collect_list(example_id) AS ids
          |FROM predictions GROUP BY config_id, seed_index""".stripMargin).collect().toSeq
      assert(perConfig.size == 2)
      for (row <- perConfig) {
        assert(row.getSeq[Int](1).sorted == (0 until 36), row)
      }
      val byExample = spark.sql("SELECT DISTINCT example_id, label FROM predictions ORDER BY 1")
        .collect().toSeq.map(r => r.getInt(1))
      assert(byExample == labels)
      // Folds are identical across configurations: paired comparisons.
      val folds = spark.sql(
        "SELECT count(DISTINCT fold) FROM predictions GROUP BY example_id").collect().toSeq
      assert(folds.forall(_.getLong(0) == 1))
      // A trial's mean example loss is its curve's validation loss at the kept epoch.
      val mismatch = spark.sql(
        """SELECT p.trial_id, avg(p.loss) AS mean, first(c.val_loss) AS curve
          |FROM predictions p JOIN trials t USING (trial_id)
          |JOIN curves c ON c.trial_id = t.trial_id AND c.epoch = t.best_epoch
          |GROUP BY p.trial_id HAVING abs(mean - curve) > 1e-9""".stripMargin).count()
      assert(mismatch == 0)

      // The views average over seeds and folds: one row per configuration.
      assert(spark.sql("SELECT seeds, folds, completed, trials FROM leaderboard").collect().toSeq ==
        Seq(Row(1, 2, 2, 2), Row(1, 2, 2, 2)))
      assert(spark.sql("SELECT count(*), count(DISTINCT config_id) FROM (" +
        io.gapsweep.analysis.AnalysisViews.BEST_SEEDS_SQL + ")").head() == Row(2L, 2L))
      assert(spark.sql("SELECT configs, trials FROM axis_effects WHERE axis = 'dropout'")
        .collect().toSeq == Seq(Row(1, 2), Row(1, 2)))

      // A resumed sweep (one trial lost, all tables gone) reaches the same tables.
      val before = tables(out)
      val journal = out.resolve("journal")
      val lost = Files.list(journal).filter(_.toString.endsWith(".json")).findFirst().get()
      Files.delete(lost)
      for (name <- Seq("trials", "curves", "predictions")) {
        deleteRecursively(out.resolve(name))
      }
      val again = Cli.run("run", conf.toString)
      assert(again.code == 0, again.err)
      assert(again.out.contains(s"Resuming the sweep in $out: 3 of 4 trials are already done; 1 to run"),
        again.out)
      assert(tables(out) == before)
    }
  }
}
