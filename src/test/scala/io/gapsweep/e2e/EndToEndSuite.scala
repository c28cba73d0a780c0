package io.gapsweep.e2e

import io.gapsweep.testing.{Cli, SharedSparkSession, TempDirs}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path, Paths}
import scala.jdk.CollectionConverters._

/** The real pipeline on tiny images: HOCON → Spark tasks → DL4J → Parquet → leaderboard. */
class EndToEndSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  /** A 2x2 grid on 12x12 images, long enough without regularization to overfit. */
  private def writeConf(dir: Path): Path = {
    val conf = dir.resolve("tiny.conf")
    Files.writeString(conf,
      s"""gapsweep {
         |  name = tiny
         |  search-space {
         |    depth = [1]
         |    dropout = [0.0, 0.5]
         |    l2 = [0.0, 0.01]
         |    augmentation = [none]
         |  }
         |  training {
         |    learning-rate = 0.01
         |    batch-size = 16
         |    max-epochs = 12
         |    patience = 12
         |    base-filters = 4
         |    dense-units = 16
         |  }
         |  validation.scheme = holdout
         |  data {
         |    width = 12
         |    height = 12
         |    synthetic { train-per-class = 6, validation-per-class = 6 }
         |  }
         |  run.output = "${dir.resolve("out")}"
         |}
         |""".stripMargin)
    conf
  }


  test("a sweep writes trials and curves, ranks them, resumes, and refuses another sweep") {
    withTempDir { dir =>
      val conf = writeConf(dir)
      val out = dir.resolve("out")
      val result = Cli.run("run", conf.toString)
      assert(result.code == 0, result.err)
      assert(result.out.contains("Dataset: 6 classes, 36 training and 36 validation images, 12x12"))
      assert(result.out.contains("4 trials: 4 completed, 0 diverged, 0 failed."), result.out)

      val trials = spark.read.parquet(out.resolve("trials").toString)
      val curves = spark.read.parquet(out.resolve("curves").toString)
      assert(trials.count() == 4)
      assert(trials.select("status").distinct().collect().toSeq == Seq(Row("COMPLETED")))
      assert(trials.select("trial_id").distinct().count() == 4)
      val epochs = trials.selectExpr("sum(epochs_run)").head().getLong(0)
      assert(curves.count() == epochs)
      assert(trials.selectExpr("min(threads)", "max(threads)").head() == Row(1, 1))
      assert(trials.select("backend").distinct().collect().toSeq ==
        Seq(Row(io.gapsweep.train.NativeBackend.running())))
      val saved = io.gapsweep.config.SettingsLoader.fromConfig(
        com.typesafe.config.ConfigFactory.parseFile(out.resolve("sweep.conf").toFile))
      assert(saved == io.gapsweep.config.SettingsLoader.load(conf))

      // Overfitting, as the user sees it: past the best epoch, validation loss is above its
      // minimum while the clean training loss keeps falling.
      curves.createOrReplaceTempView("e2e_curves")
      trials.createOrReplaceTempView("e2e_trials")
      val overfitting = spark.sql(
        """SELECT t.trial_id
          |FROM e2e_trials t
          |JOIN e2e_curves best ON best.trial_id = t.trial_id AND best.epoch = t.best_epoch
          |JOIN e2e_curves last ON last.trial_id = t.trial_id AND last.epoch = t.epochs_run
          |WHERE last.val_loss > best.val_loss AND last.train_loss < best.train_loss
          |  AND last.train_acc > last.val_acc""".stripMargin).count()
      assert(overfitting >= 1)

      val printed = result.out.linesIterator.toSeq
      val header = printed.indexWhere(_.startsWith("rank  depth"))
      assert(header > 0, result.out)
      assert(printed(header + 2).startsWith("   1      1"), result.out)

      // Live progress goes to standard error as plain lines when there is no terminal.
      assert(result.err.linesIterator.exists(_.startsWith("trials 4/4 (100%), running ")), result.err)

      // The top configuration's early-stopped model reloads and scores what its curve says.
      val models = Files.list(out.resolve("models")).iterator().asScala.toSeq
      assert(models.size == 1)
      assert(models.head.getFileName.toString.startsWith("1-"))
      val described = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(models.head.resolve("trial.json").toFile)
      assert(Files.readAllLines(models.head.resolve("classes.txt")).asScala ==
        Seq("disk", "plus", "ring", "square", "star", "triangle"))
      val model = org.deeplearning4j.util.ModelSerializer
        .restoreMultiLayerNetwork(models.head.resolve("model.zip").toFile)
      val settings = io.gapsweep.config.SettingsLoader.load(conf)
      val validation = io.gapsweep.data.SyntheticShapes.generate(settings.data()).validation
      val features = org.nd4j.linalg.factory.Nd4j.create(
        validation.pixels.map(b => (b & 0xFF) / 255f),
        Array(validation.count.toLong, 3L, 12L, 12L), org.nd4j.linalg.api.buffer.DataType.FLOAT)
      val predicted = model.output(features, false).argMax(1).toIntVector
      val accuracy = predicted.zip(validation.labels).count { case (p, l) => p == l }.toDouble /
        validation.count
      assert(accuracy == described.get("val_acc").asDouble())
      val recorded = trials.where(s"trial_id = '${described.get("trial_id").asText()}'")
        .join(curves, Seq("trial_id")).where("epoch = best_epoch").select("val_acc").head().getDouble(0)
      assert(accuracy == recorded)

      // Every SQL statement of the notebooks runs against this real output, after the notebooks'
      // own setup call, so they cannot drift from the schema.
      io.gapsweep.analysis.SavedSweep.open(spark, out.toString)
      // test_results and audit as CONTRACTS.md has them, where the output has none yet.
      val contractViews = io.gapsweep.testing.ContractViews.register(spark)
      try {
        for ((notebook, queries) <- NotebookQueries.all(Paths.get("notebooks"))) {
          assert(queries.nonEmpty, notebook)
          for (query <- queries) {
            val rows = spark.sql(query).collect()
            assert(rows.nonEmpty, s"$notebook: no rows from\n$query")
          }
        }
      } finally contractViews.foreach(spark.catalog.dropTempView)

      val board = Cli.run("leaderboard", out.toString)
      assert(board.code == 0, board.err)
      assert(board.out.linesIterator.toSeq == printed.slice(header, header + 6))

      // The same sweep again: nothing is left to train and nothing changed, so the last run's
      // answer is printed again (FinishedSweepSuite) and the tables keep their rows.
      val rows = (trials.orderBy("trial_id").collect().toSeq, curves.orderBy("trial_id", "epoch").collect().toSeq)
      val again = Cli.run("run", conf.toString)
      assert(again.code == 0, again.err)
      assert(again.out.contains(s"Sweep tiny: 4 trials, all done in $out, which is as the last run left it"),
        again.out)
      assert((spark.read.parquet(out.resolve("trials").toString).orderBy("trial_id").collect().toSeq,
        spark.read.parquet(out.resolve("curves").toString).orderBy("trial_id", "epoch").collect().toSeq) == rows)

      // Another sweep in the same output is refused, saying what differs, and changes nothing.
      val before = snapshot(out)
      val wider = Files.writeString(dir.resolve("wider.conf"),
        s"""include "$conf"
           |gapsweep.search-space.dropout = [0.0, 0.5, 0.7]
           |gapsweep.training.learning-rate = 0.02
           |""".stripMargin)
      val other = Cli.run("run", wider.toString)
      assert(other.code == 2)
      assert(other.err == s"gapsweep: Cannot run in $out: it holds another sweep; choose another " +
        "--output, or pass --overwrite to delete its results and start again. What differs:\n" +
        "  gapsweep.search-space.dropout: [0,0.5] in the output, [0,0.5,0.7] now\n" +
        "  gapsweep.training.learning-rate: 0.01 in the output, 0.02 now\n")
      assert(snapshot(out) == before)
    }
  }

  test("an output path that is a file is refused before any training") {
    withTempDir { dir =>
      val conf = writeConf(dir)
      val file = Files.writeString(dir.resolve("file.txt"), "keep me")
      val result = Cli.run("run", conf.toString, "--output", file.toString)
      assert(result.code == 2)
      assert(result.err ==
        s"gapsweep: Cannot write results to $file: it is a file, not a folder; choose another --output\n")
      assert(Files.readString(file) == "keep me")
    }
  }
}
