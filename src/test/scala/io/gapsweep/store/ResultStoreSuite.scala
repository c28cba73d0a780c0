package io.gapsweep.store

import io.gapsweep.testing.{SavedResults, SharedSparkSession, TempDirs}
import io.gapsweep.testing.TrialFixtures._
import io.gapsweep.train.{EpochMetrics, Predictions, TrialResult, TrialStatus}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.charset.StandardCharsets
import java.nio.file.{Files, Path}
import scala.collection.JavaConverters._

class ResultStoreSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val conf = "gapsweep {\n  name = \"démo\"\n}\n"

  private val completed = trial(
    "cfg-a", 0,
    curve((1.0, 0.5, 1.25, 0.375), (0.5, 0.75, 0.875, 0.625)),
    bestEpoch = 2, depth = 3, dropout = 0.5, l2 = 0.001, augmentation = "flip",
    stopReason = "max-epochs")

  private val diverged = trial(
    "cfg-a", 1,
    Seq(
      point(1, 2.0, 0.25, 2.5, 0.125),
      new EpochMetrics(2, Double.PositiveInfinity, 0.0, Double.NaN, 0.0, Double.NaN, Double.NegativeInfinity, 3.0)),
    bestEpoch = 1, depth = 3, dropout = 0.5, l2 = 0.001, augmentation = "flip",
    status = TrialStatus.DIVERGED, stopReason = "diverged", error = "loss is NaN at epoch 2")

  private val failed = trial(
    "cfg-b", 0, Nil, bestEpoch = 0,
    status = TrialStatus.FAILED, stopReason = "error", error = "java.lang.OutOfMemoryError: Java heap space")

  private val results = Seq(completed, diverged, failed)

  private def write(output: String, rs: Seq[TrialResult], text: String = conf, mode: WriteMode = WriteMode.FAIL_IF_EXISTS): Unit =
    SavedResults.write(spark, output, rs.asJava, text, mode)

  private def table(name: String, order: String*): Seq[Row] =
    spark.table(name).orderBy(order.head, order.tail: _*).collect().toSeq


  private def readConf(output: Path): String =
    new String(Files.readAllBytes(output.resolve("sweep.conf")), StandardCharsets.UTF_8)

  test("trials round-trip: one row per trial, nulls for empty error and best epoch 0") {
    withTempDir { dir =>
      val output = dir.resolve("out").toString
      write(output, results)
      OutputFolder.of(spark, output).registerViews(spark)
      assert(table("trials", "trial_id") == Seq(
        Row("cfg-a-s0", "cfg-a", 3, 0.5, 0.001, "flip", 0.005, 16, 0, 0, 1000L, "COMPLETED", "max-epochs", null, 2, 2, 0, 20.0, 2, "1", "worker-a", 4242L, "linux-x86_64-avx2"),
        Row("cfg-a-s1", "cfg-a", 3, 0.5, 0.001, "flip", 0.005, 16, 1, 0, 1001L, "DIVERGED", "diverged", "loss is NaN at epoch 2", 1, 2, 0, 20.0, 2, "1", "worker-a", 4242L, "linux-x86_64-avx2"),
        Row("cfg-b-s0", "cfg-b", 2, 0.25, 0.0001, "none", 0.005, 16, 0, 0, 1000L, "FAILED", "error", "java.lang.OutOfMemoryError: Java heap space", null, 0, 0, 0.0, 2, "1", "worker-a", 4242L, "linux-x86_64-avx2")))
      assert(spark.table("trials").schema.map(f => f.name -> f.dataType) ==
        ResultSchema.TRIALS_SCHEMA.map(f => f.name -> f.dataType))
    }
  }

  test("curves round-trip: one row per epoch, NaN and infinities kept") {
    withTempDir { dir =>
      val output = dir.resolve("out").toString
      write(output, results)
      OutputFolder.of(spark, output).registerViews(spark)
      assert(table("curves", "trial_id", "epoch") == Seq(
        Row("cfg-a-s0", 0, 1, 1.0, 0.5, 1.25, 0.375, 1.5, 0.0625, 2.0),
        Row("cfg-a-s0", 0, 2, 0.5, 0.75, 0.875, 0.625, 1.0, 0.125, 4.0),
        Row("cfg-a-s1", 0, 1, 2.0, 0.25, 2.5, 0.125, 2.5, 0.0625, 2.0),
        Row("cfg-a-s1", 0, 2, Double.PositiveInfinity, 0.0, Double.NaN, 0.0, Double.NaN, Double.NegativeInfinity, 3.0)))
      val nan = spark.sql("SELECT isnan(val_loss), train_loss = double('Infinity') FROM curves WHERE epoch = 2 AND trial_id = 'cfg-a-s1'")
      assert(nan.collect().toSeq == Seq(Row(true, true)))
      assert(spark.table("curves").schema.map(f => f.name -> f.dataType) ==
        ResultSchema.CURVES_SCHEMA.map(f => f.name -> f.dataType))
    }
  }

  test("predictions: one row per trial and example, under its stable id and fold; none without") {
    withTempDir { dir =>
      val output = dir.resolve("out").toString
      // Two classes, two examples held out by fold 1 of seed 0: pool examples 5 and 2.
      val held = new Predictions(2, Array(1, 0), Array(1, 1), Array(0.25, 1.5),
        Array(0.25f, 0.75f, 0.5f, 0.5f)).withExampleIds(Array(5, 2))
      val folded = trial("cfg-a", 0, curve((1.0, 0.5, 0.875, 0.5)), bestEpoch = 1, fold = 1,
        predictions = held)
      val positional = trial("cfg-c", 0, curve((1.0, 0.5, 0.75, 1.0)), bestEpoch = 1,
        predictions = new Predictions(2, Array(0), Array(0), Array(0.5), Array(0.75f, 0.25f)))
      write(output, Seq(folded, positional, failed))
      OutputFolder.of(spark, output).registerViews(spark)
      assert(table("predictions", "trial_id", "example_id") == Seq(
        Row("cfg-a-s0-f1", "cfg-a", 0, 1, 2, 0, 1, 1.5, Seq(0.5, 0.5)),
        Row("cfg-a-s0-f1", "cfg-a", 0, 1, 5, 1, 1, 0.25, Seq(0.25, 0.75)),
        Row("cfg-c-s0", "cfg-c", 0, 0, 0, 0, 0, 0.5, Seq(0.75, 0.25))))
      assert(spark.table("predictions").schema.map(f => f.name -> f.dataType) ==
        ResultSchema.PREDICTIONS_SCHEMA.map(f => f.name -> f.dataType))
      assert(spark.sql("SELECT trial_id, fold FROM trials ORDER BY trial_id").collect().toSeq ==
        Seq(Row("cfg-a-s0-f1", 1), Row("cfg-b-s0", 0), Row("cfg-c-s0", 0)))
      assert(spark.sql("SELECT DISTINCT fold FROM curves WHERE trial_id = 'cfg-a-s0-f1'")
        .collect().toSeq == Seq(Row(1)))
    }
  }

  test("views registered from the rows just written are the tables read back: schema, rows, one partition") {
    withTempDir { dir =>
      val output = dir.resolve("out").toString
      val held = new Predictions(2, Array(1, 0), Array(1, 1), Array(0.25, 1.5),
        Array(0.25f, 0.75f, 0.5f, 0.5f))
      val rs = Seq(completed, diverged, failed,
        trial("cfg-c", 0, curve((1.0, 0.5, 0.75, 1.0)), bestEpoch = 1, predictions = held))
      write(output, rs)
      val folder = OutputFolder.of(spark, output)
      val names = Seq("trials", "curves", "predictions")
      folder.registerViews(spark)
      val read = names.map(n => n -> (spark.table(n).schema, spark.table(n).collect().toSeq)).toMap
      folder.registerViews(spark, rs.asJava)
      for (name <- names) {
        val local = spark.table(name)
        // StructField equality covers nullability and the comments.
        assert(local.schema == read(name)._1, name)
        assert(local.collect().toSeq == read(name)._2, name)
        assert(local.rdd.getNumPartitions == 1, name)
      }
    }
  }

  test("each table is one Parquet file, and sweep.conf holds the configuration text verbatim") {
    withTempDir { dir =>
      val output = dir.resolve("out")
      write(output.toString, results)
      for (name <- Seq("trials", "curves", "predictions")) {
        val parts = Files.list(output.resolve(name))
        try assert(parts.iterator().asScala.count(_.getFileName.toString.endsWith(".parquet")) == 1, name)
        finally parts.close()
      }
      assert(readConf(output) == conf)
    }
  }

  test("a file: URI works as output, and an empty sweep writes empty tables with their schema") {
    withTempDir { dir =>
      val output = dir.resolve("nested/out").toUri.toString
      assert(output.startsWith("file:"))
      write(output, Nil)
      OutputFolder.of(spark, output).registerViews(spark)
      assert(spark.table("trials").count() == 0)
      assert(spark.table("curves").count() == 0)
      assert(spark.table("trials").columns.toSeq == ResultSchema.TRIALS_SCHEMA.fieldNames.toSeq)
    }
  }

  test("writing into an output that holds results is refused with the exact message, and nothing changes") {
    withTempDir { dir =>
      val out = dir.resolve("out")
      write(out.toString, results)
      val before = snapshot(out)
      val e = intercept[ResultsExistException] {
        write(out.toString, Seq(completed), "other = 1\n")
      }
      assert(e.getMessage == s"Cannot write results to $out: it already holds a sweep's results; " +
        "choose another --output or pass --overwrite")
      assert(snapshot(out) == before)
      assert(readConf(out) == conf)
      OutputFolder.of(spark, out.toString).registerViews(spark)
      assert(spark.table("trials").count() == 3)
    }
  }

  test("any one of trials, curves or sweep.conf is enough to refuse") {
    for (entry <- Seq("trials", "curves", "sweep.conf")) {
      withTempDir { dir =>
        val out = dir.resolve("out")
        Files.createDirectories(out)
        if (entry == "sweep.conf") Files.write(out.resolve(entry), Array[Byte](1))
        else Files.createDirectories(out.resolve(entry))
        val before = snapshot(out)
        val e = intercept[ResultsExistException](write(out.toString, results))
        assert(e.getMessage.startsWith(s"Cannot write results to $out: "), entry)
        assert(snapshot(out) == before, entry)
        assert(Files.list(out).count() == 1, entry)
      }
    }
  }

  test("an output folder with other files but no results is written to") {
    withTempDir { dir =>
      Files.write(dir.resolve("notes.txt"), "mine".getBytes(StandardCharsets.UTF_8))
      write(dir.toString, results)
      assert(readConf(dir) == conf)
      assert(new String(Files.readAllBytes(dir.resolve("notes.txt")), StandardCharsets.UTF_8) == "mine")
    }
  }

  test("OVERWRITE replaces trials, curves and sweep.conf and leaves everything else alone") {
    withTempDir { dir =>
      val out = dir.resolve("out")
      write(out.toString, results)
      Files.write(out.resolve("notes.txt"), "mine".getBytes(StandardCharsets.UTF_8))
      Files.createDirectories(out.resolve("plots"))
      Files.write(out.resolve("plots/gap.png"), Array[Byte](1, 2, 3))
      write(out.toString, Seq(failed), "second = true\n", WriteMode.OVERWRITE)
      OutputFolder.of(spark, out.toString).registerViews(spark)
      assert(spark.sql("SELECT trial_id, status FROM trials").collect().toSeq == Seq(Row("cfg-b-s0", "FAILED")))
      assert(spark.table("curves").count() == 0)
      assert(readConf(out) == "second = true\n")
      assert(new String(Files.readAllBytes(out.resolve("notes.txt")), StandardCharsets.UTF_8) == "mine")
      assert(Files.readAllBytes(out.resolve("plots/gap.png")).toSeq == Seq[Byte](1, 2, 3))
    }
  }

  test("reading a folder without results fails with the exact message") {
    withTempDir { dir =>
      val e = intercept[MissingResultsException](OutputFolder.of(spark, dir.toString).registerViews(spark))
      assert(e.getMessage == s"Cannot read results from $dir: no trials table (is this a gapsweep output folder?)")
      val missing = dir.resolve("does-not-exist").toString
      val e2 = intercept[MissingResultsException](OutputFolder.of(spark, missing).registerViews(spark))
      assert(e2.getMessage == s"Cannot read results from $missing: no trials table (is this a gapsweep output folder?)")
    }
  }

  test("reading an output whose curves table is missing names it") {
    withTempDir { dir =>
      write(dir.toString, results)
      deleteRecursively(dir.resolve("curves"))
      val e = intercept[MissingResultsException](OutputFolder.of(spark, dir.toString).registerViews(spark))
      assert(e.getMessage == s"Cannot read results from $dir: no curves table (the output is incomplete)")
    }
  }

  test("markdownDoc documents every column of the tables") {
    val doc = ResultSchema.markdownDoc()
    for (f <- ResultSchema.TRIALS_SCHEMA.fields ++ ResultSchema.CURVES_SCHEMA.fields
        ++ ResultSchema.PREDICTIONS_SCHEMA.fields ++ ResultSchema.TEST_RESULTS_SCHEMA.fields
        ++ ResultSchema.AUDIT_SCHEMA.fields) {
      assert(doc.contains(s"| `${f.name}` |"), f.name)
    }
    assert(doc.contains("| `error` | string | yes | Error message of a failed or diverged trial; null when there is none. |\n"))
    assert(doc.contains("| `best_epoch` | int | yes | 1-based epoch of the lowest validation loss; null when none was measured. |\n"))
    assert(doc.contains("### `trials`: one row per trial, whatever its status\n"))
    assert(doc.contains("| `confusion` | array<array<int>> | no | Test image counts, confusion[true class][predicted class]. |\n"))
    assert(doc.contains("| `rank_on_test` | int | no | 1 + the configurations with a strictly higher test_acc. |\n"))
  }

  test("the README's column tables are ResultSchema.markdownDoc()") {
    val readme = new String(Files.readAllBytes(java.nio.file.Paths.get("README.md")), StandardCharsets.UTF_8)
    val expected = ResultSchema.markdownDoc()
    val start = readme.indexOf("### `trials`: ")
    val end = readme.indexOf("above every number.\n", math.max(start, 0))
    val shown = if (start < 0 || end < 0) "" else readme.substring(start, end + "above every number.\n".length)
    assert(shown == expected,
      s"README.md's tables differ from the schema; replace them (from '### `trials`' to '... above every number.') with:\n\n$expected")
  }
}
