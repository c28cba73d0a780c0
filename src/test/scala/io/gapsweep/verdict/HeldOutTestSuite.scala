package io.gapsweep.verdict

import io.gapsweep.analysis.SavedSweep
import io.gapsweep.testing.{Cli, ImageTrees, SharedSparkSession, TempDirs}
import org.apache.commons.math3.stat.interval.WilsonScoreInterval
import org.apache.spark.sql.{DataFrame, Row}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * The held-out test of the recommendation and the selection audit, through the whole pipeline on
 * tiny images: what the tables hold, that the test split changes nothing before them, and the
 * `audit` command.
 */
class HeldOutTestSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  /** 2 configurations (augmentation none and light) on 8x8 synthetic shapes, 10 test images per class. */
  private def syntheticConf(dir: Path, out: String, extra: String = ""): Path =
    Files.writeString(dir.resolve(s"$out.conf"),
      s"""gapsweep {
         |  search-space { depth = [1], dropout = [0.0], l2 = [0.0], augmentation = [none, light] }
         |  training { batch-size = 8, max-epochs = 2, patience = 2, base-filters = 2, dense-units = 4 }
         |  validation.scheme = holdout
         |  data {
         |    width = 8, height = 8
         |    synthetic { train-per-class = 8, validation-per-class = 8, test-per-class = 10 }
         |  }
         |  run.output = "${dir.resolve(out)}"
         |  $extra
         |}
         |""".stripMargin)

  private def table(out: Path, name: String): DataFrame = spark.read.parquet(out.resolve(name).toString)

  private def rows(out: Path, name: String, columns: String*): Seq[Row] =
    table(out, name).selectExpr(columns: _*).collect().toSeq.sortBy(_.toString)

  test("the recommendation is refit and tested once; the audit ranks every configuration") {
    withTempDir { dir =>
      val first = Cli.run("run", syntheticConf(dir, "one").toString, "--audit")
      assert(first.code == 0, first.err + first.out)
      val second = Cli.run("run", syntheticConf(dir, "two", "run.audit = true").toString)
      assert(second.code == 0, second.err + second.out)
      val one = dir.resolve("one")

      // One row: the leaderboard's rank 1, n = classes x test-per-class, commons-math's Wilson bounds.
      val test = table(one, "test_results").collect()
      assert(test.length == 1)
      val row = test.head
      SavedSweep.open(spark, one.toString)
      val best = spark.table("leaderboard").where("rank = 1").select("config_id", "best_epoch_mean").head()
      assert(row.getAs[String]("config_id") == best.getString(0))
      assert(row.getAs[Int]("rank") == 1)
      assert(row.getAs[Int]("epochs") == math.max(1L, math.round(best.getDouble(1))))
      assert(row.getAs[Int]("examples") == 6 * 10)
      assert(row.getAs[String]("refit_mode") == "local")
      val n = row.getAs[Int]("examples")
      val correct = row.getAs[Int]("correct")
      assert(row.getAs[Double]("test_acc") == correct.toDouble / n)
      val wilson = new WilsonScoreInterval().createInterval(n, correct, 0.95)
      assert(row.getAs[Double]("test_acc_ci_low") == wilson.getLowerBound)
      assert(row.getAs[Double]("test_acc_ci_high") == wilson.getUpperBound)
      val confusion = row.getSeq[scala.collection.Seq[Int]](row.fieldIndex("confusion"))
      assert(confusion.map(_.sum).sum == n)
      assert(confusion.indices.map(i => confusion(i)(i)).sum == correct)
      assert(row.getList[Double](row.fieldIndex("per_class_acc")).size == 6)
      assert(row.getAs[String]("policy").startsWith("refit on train+validation for "), row)
      // The views the report and gapsweep sql see.
      assert(spark.table("test_results").count() == 1)

      // The refit is deterministic: a second sweep (run.audit = true instead of --audit) agrees.
      val measured = Seq("config_id", "epochs", "correct", "test_acc", "test_loss", "confusion")
      assert(rows(dir.resolve("two"), "test_results", measured: _*) == rows(one, "test_results", measured: _*))

      // The audit: one row per configuration, regret = best - own >= 0, ranks consistent.
      val audit = table(one, "audit").collect().toSeq
      assert(audit.size == 2)
      val bestAcc = audit.map(_.getAs[Double]("test_acc")).max
      for (r <- audit) {
        val acc = r.getAs[Double]("test_acc")
        assert(r.getAs[Double]("regret") == bestAcc - acc)
        assert(r.getAs[Double]("regret") >= 0)
        assert(r.getAs[Int]("rank_on_test") == 1 + audit.count(_.getAs[Double]("test_acc") > acc))
        assert(r.getAs[Int]("examples") == 60)
      }
      // Regret's paired interval: none for the configuration it is measured against (the first of
      // the best accuracy, in leaderboard order), an interval around the regret for the other.
      val against = audit.filter(_.getAs[Double]("test_acc") == bestAcc)
      assert(audit.count(_.isNullAt(audit.head.fieldIndex("regret_ci_low"))) == 1)
      for (r <- audit if !r.isNullAt(r.fieldIndex("regret_ci_low"))) {
        val (low, high) = (r.getAs[Double]("regret_ci_low"), r.getAs[Double]("regret_ci_high"))
        assert(low <= r.getAs[Double]("regret") + 1e-12 && r.getAs[Double]("regret") <= high + 1e-12, r)
        assert(high - low < 0.5, r)
      }
      assert(against.exists(r => r.isNullAt(r.fieldIndex("regret_ci_low"))))
      // The recommended row is the held-out test, to the bit.
      val recommended = audit.filter(_.getAs[Boolean]("recommended"))
      assert(recommended.size == 1)
      for (column <- Seq("config_id", "epochs", "examples", "test_acc", "test_acc_ci_low",
          "test_acc_ci_high", "test_loss")) {
        assert(recommended.head.getAs[Any](column) == row.getAs[Any](column), column)
      }
      // The console says both, and the report shows them.
      assert(first.out.contains("Recommended: "), first.out)
      assert(first.out.contains(" — held-out test accuracy " + f"${row.getAs[Double]("test_acc")}%.3f" +
        " (95% CI "), first.out)
      assert(first.out.contains("Audit (post-hoc: every configuration refit and tested): the" +
        " recommendation ranks "), first.out)
      val mine = recommended.head
      if (!mine.isNullAt(mine.fieldIndex("regret_ci_low"))) {
        assert(first.out.contains(f"(paired 95%% CI ${100 * mine.getAs[Double]("regret_ci_low")}%.1f to" +
          f" ${100 * mine.getAs[Double]("regret_ci_high")}%.1f, n = 60; best: "), first.out)
      }
      assert(first.out.contains("held-out test ") && first.out.contains(", audit "), first.out)
      val report = Files.readString(one.resolve("report.html"))
      assert(report.contains("Held-out test") && report.contains("Audit"))

      // gapsweep audit DIR: refused while an audit exists, in one line, changing nothing.
      val before = snapshot(one)
      val refused = Cli.run("audit", one.toString)
      assert(refused.code == 2, refused)
      assert(refused.err == s"gapsweep: Cannot audit $one: it already has an audit; pass" +
        " --overwrite to replace it\n")
      assert(snapshot(one) == before)
      // With --overwrite it rebuilds settings and data from the output and gets the same audit.
      val auditColumns = Seq("config_id", "rank", "recommended", "epochs", "test_acc", "rank_on_test", "regret",
        "regret_ci_low", "regret_ci_high")
      val audited = rows(one, "audit", auditColumns: _*)
      val again = Cli.run("audit", one.toString, "--overwrite")
      assert(again.code == 0, again.err + again.out)
      assert(again.out.contains("Audit (post-hoc: every configuration refit and tested): "), again.out)
      assert(again.out.contains(s"Report: "), again.out)
      assert(rows(one, "audit", auditColumns: _*) == audited)
      assert(!Files.exists(one.resolve("run.lock")))
    }
  }

  test("gapsweep audit of a folder that does not exist, or that holds no sweep, says so in one line") {
    withTempDir { dir =>
      val missing = dir.resolve("nowhere")
      val result = Cli.run("audit", missing.toString)
      assert(result.code == 2, result)
      assert(result.err == s"gapsweep: Cannot audit $missing: it does not exist\n")
      val empty = Files.createDirectories(dir.resolve("empty"))
      val notSweep = Cli.run("audit", empty.toString)
      assert(notSweep.code == 2, notSweep)
      assert(notSweep.err == s"gapsweep: Cannot audit $empty: it is not a gapsweep output (no sweep.conf)\n")
      assert(Files.list(empty).count() == 0)
    }
  }

  /** train/, validation/ and test/ of two colours; `swapTest` files each test image under the other class. */
  private def tree(root: Path, swapTest: Boolean): Path = {
    ImageTrees.classFolder(root.resolve("train/a"), 8, 180, 40, 40)
    ImageTrees.classFolder(root.resolve("train/b"), 8, 40, 180, 40)
    ImageTrees.classFolder(root.resolve("validation/a"), 4, 190, 40, 40)
    ImageTrees.classFolder(root.resolve("validation/b"), 4, 50, 180, 40)
    val (red, green) = if (swapTest) ("b", "a") else ("a", "b")
    ImageTrees.classFolder(root.resolve(s"test/$red"), 6, 185, 45, 40)
    ImageTrees.classFolder(root.resolve(s"test/$green"), 6, 45, 185, 40)
    root
  }

  private def folderConf(dir: Path, name: String, images: Path, extra: String = ""): Path =
    Files.writeString(dir.resolve(s"$name.conf"),
      s"""gapsweep {
         |  search-space { depth = [1], dropout = [0.0, 0.5], l2 = [0.0], augmentation = [none] }
         |  training { batch-size = 4, max-epochs = 2, patience = 2, base-filters = 2, dense-units = 4 }
         |  validation.scheme = holdout
         |  data {
         |    source = directory, width = 8, height = 8
         |    directory { path = "$images", min-images-per-class = 3 }
         |  }
         |  run.output = "${dir.resolve(name)}"
         |  $extra
         |}
         |""".stripMargin)

  test("changing only the test labels changes no trial, no curve and no rank; only test_results") {
    withTempDir { dir =>
      // The same image folder twice (trial ids hash its path), its test/ classes swapped between runs.
      val images = dir.resolve("images")
      val plain = Cli.run("run", folderConf(dir, "plain", tree(images, false)).toString)
      assert(plain.code == 0, plain.err + plain.out)
      val (a, b) = (dir.resolve("plain"), dir.resolve("swapped"))
      val testA = table(a, "test_results").head()

      // Resumed with nothing to train and nothing changed, but without the last run's answer
      // (finished.json, as after a crash just before it): the test a run measured is kept, not
      // refit again (the same files), and the console says the same.
      def files(table: Path) = Files.list(table).iterator().asScala.map(_.getFileName.toString).toSet
      val testFiles = files(a.resolve("test_results"))
      Files.delete(a.resolve("finished.json"))
      val resumed = Cli.run("run", folderConf(dir, "plain", images).toString)
      assert(resumed.code == 0, resumed.err + resumed.out)
      assert(resumed.out.contains("already done; 0 to run"), resumed.out)
      assert(files(a.resolve("test_results")) == testFiles)
      def recommended(out: String) = out.linesIterator.find(_.startsWith("Recommended: "))
      assert(recommended(resumed.out).isDefined && recommended(resumed.out) == recommended(plain.out),
        resumed.out)

      // Resumed with nothing to train and refit.mode = data-parallel: the test is measured again,
      // across the local[2] executors, and no exported batch is left behind.
      val trialColumns = Seq("trial_id", "config_id", "seed", "status", "stop_reason", "best_epoch", "epochs_run")
      val trialsBefore = rows(a, "trials", trialColumns: _*)
      val parallel = Cli.run("run",
        folderConf(dir, "plain", images, "refit.mode = data-parallel").toString)
      assert(parallel.code == 0, parallel.err + parallel.out)
      assert(parallel.out.contains("already done; 0 to run"), parallel.out)
      val testParallel = table(a, "test_results").head()
      assert(testParallel.getAs[String]("refit_mode") == "data-parallel")
      assert(testParallel.getAs[String]("config_id") == testA.getAs[String]("config_id"))
      assert(testParallel.getAs[Int]("examples") == 12)
      assert(parallel.out.contains("(data-parallel)"), parallel.out)
      assert(rows(a, "trials", trialColumns: _*) == trialsBefore)
      assert(!Files.list(a).iterator().asScala.exists(_.getFileName.toString.startsWith("_staged")))

      deleteRecursively(images)
      val swapped = Cli.run("run", folderConf(dir, "swapped", tree(images, true)).toString)
      assert(swapped.code == 0, swapped.err + swapped.out)

      assert(rows(a, "trials", trialColumns: _*) == rows(b, "trials", trialColumns: _*))
      val curveColumns = Seq("trial_id", "epoch", "train_loss", "train_acc", "val_loss", "val_acc",
        "fit_loss", "l2_penalty")
      assert(rows(a, "curves", curveColumns: _*) == rows(b, "curves", curveColumns: _*))
      val boardColumns = Seq("rank", "config_id", "gap_mean", "val_loss_mean", "val_acc_mean", "competitive")
      SavedSweep.open(spark, a.toString)
      val boardA = spark.table("leaderboard").selectExpr(boardColumns: _*).collect().toSeq
      SavedSweep.open(spark, b.toString)
      val boardB = spark.table("leaderboard").selectExpr(boardColumns: _*).collect().toSeq
      assert(boardA == boardB)

      // The same refit network sees the same pixels under the other label: with two classes every
      // right answer becomes a wrong one and the reverse.
      val testB = table(b, "test_results").head()
      assert(testA.getAs[String]("config_id") == testB.getAs[String]("config_id"))
      assert(testA.getAs[String]("refit_mode") == "local" && testB.getAs[String]("refit_mode") == "local")
      assert(testA.getAs[Int]("examples") == 12)
      assert(testB.getAs[Int]("correct") == 12 - testA.getAs[Int]("correct"))
    }
  }

  test("a sweep without a test split writes no test_results and says so in one line") {
    withTempDir { dir =>
      val result = Cli.run("run", syntheticConf(dir, "none", "data.synthetic.test-per-class = 0").toString)
      assert(result.code == 0, result.err + result.out)
      assert(result.out.contains("No held-out test: the data has no test split"), result.out)
      assert(!Files.exists(dir.resolve("none/test_results")))
      assert(!spark.catalog.tableExists("test_results"))
    }
  }
}
