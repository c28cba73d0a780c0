package io.gapsweep.analysis

import io.gapsweep.config.{Axes, LeaderboardSettings}
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.{PredictionRows, SavedResults}
import io.gapsweep.testing.{SharedSparkSession, TempDirs}
import io.gapsweep.testing.TrialFixtures._
import io.gapsweep.train.{EpochMetrics, TrialResult, TrialStatus}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import scala.collection.JavaConverters._

/**
 * trial_summary and axis_effects on hand-made curves with dyadic values, so means are exact;
 * t-interval bounds are checked against t quantiles from a printed table, within 1e-12.
 */
class AnalysisViewsSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val settings =
    new LeaderboardSettings(LeaderboardSettings.Band.ONE_STANDARD_ERROR, 1.0, 0.05, 0.05)
  /** Four classes: chance 0.25, so a trial underfits below train_acc (1 + 1/4) / 2 = 0.625. */
  private val classes = 4
  private val t975df1 = 12.706204736174707
  private def oneSe(multiple: Double) =
    new LeaderboardSettings(LeaderboardSettings.Band.ONE_STANDARD_ERROR, multiple, 0.05, 0.05)

  private def withViews[T](results: Seq[TrialResult])(body: => T): T = withTempDir { dir =>
    SavedResults.write(spark, dir.toString, results.asJava, "{}")
    OutputFolder.of(spark, dir.toString).registerViews(spark)
    PredictionRows.drop(spark)
    AnalysisViews.register(spark, settings, classes)
    body // Collect inside: the views read files that are deleted after the block.
  }

  // Validation loss turns up after epoch 3 while training loss keeps falling: onset 3, overfit.
  private val overfit = trial("cfg-o", 0, curve((1.0, 0.5, 1.0, 0.5), (0.5, 0.75, 0.5, 0.75),
    (0.25, 1.0, 0.375, 0.75), (0.125, 1.0, 0.5, 0.75), (0.0625, 1.0, 1.0, 0.625)), bestEpoch = 3)
  // Still improving when max-epochs stopped it: no onset, small gap, good.
  private val good = trial("cfg-g", 0, curve((1.0, 0.5, 1.0, 0.5), (0.5, 0.875, 0.625, 0.8125),
    (0.25, 0.9375, 0.5, 0.875)), bestEpoch = 3, stopReason = "max-epochs")
  // A one-epoch dip at epoch 2 (the raw best epoch, four epochs before the end): the smoothed
  // loss is lowest at epoch 5, only one epoch before the end, so no onset.
  private val dip = trial("cfg-dip", 0, curve((1.0, 0.5, 1.0, 0.5), (0.5, 0.75, 0.25, 0.75),
    (0.25, 0.875, 1.0, 0.75), (0.125, 0.9375, 0.5, 0.75), (0.0625, 0.9375, 0.5, 0.75),
    (0.03125, 1.0, 0.5, 0.75)), bestEpoch = 2)
  // Validation loss flat after its minimum: a plateau, not overfitting.
  private val flat = trial("cfg-flat", 0, curve((1.0, 0.5, 1.0, 0.5), (0.5, 0.75, 0.5, 0.75),
    (0.25, 0.875, 0.5, 0.75), (0.125, 0.9375, 0.5, 0.75), (0.0625, 1.0, 0.5, 0.75)), bestEpoch = 2)
  // Both losses rise together after epoch 2: training degraded, it did not overfit.
  private val up = trial("cfg-up", 0, curve((0.5, 0.75, 0.5, 0.75), (0.25, 0.875, 0.25, 0.875),
    (0.5, 0.75, 0.5, 0.75), (1.0, 0.625, 1.0, 0.625)), bestEpoch = 2)
  // Training accuracy 0.5 < 0.625: underfit; exactly 0.625 is not.
  private val under = trial("cfg-u", 0, curve((1.5, 0.5, 1.5, 0.5)), bestEpoch = 1, dropout = 0.5)
  private val boundary = trial("cfg-u", 1, curve((1.0, 0.625, 1.0, 0.625)), bestEpoch = 1,
    dropout = 0.5)
  private val failed = trial("cfg-f", 0, Nil, bestEpoch = 0,
    status = TrialStatus.FAILED, stopReason = "error", error = "boom")
  private val diverged = trial("cfg-x", 0,
    Seq(point(1, 0.5, 0.75, 0.5, 0.75),
      new EpochMetrics(2, Double.NaN, 0.0, Double.NaN, 0.0, Double.NaN, 0.0, 1.0)),
    bestEpoch = 1, status = TrialStatus.DIVERGED, stopReason = "diverged", error = "loss is NaN")

  private val summaryTrials = Seq(overfit, good, dip, flat, up, under, boundary, failed, diverged)

  test("trial_summary: onset, epochs past it and fit label of every kind of curve") {
    val rows = withViews(summaryTrials) {
      spark.sql(
        """SELECT trial_id, status, epochs_run, best_epoch, gap, acc_gap, val_acc_best, final_gap,
          |       final_acc_gap, overfit_onset, epochs_past_onset, fit
          |FROM trial_summary ORDER BY trial_id""".stripMargin).collect().toSeq
    }
    assert(rows == Seq(
      Row("cfg-dip-s0", "COMPLETED", 6, 2, -0.25, 0.0, 0.75, 0.46875, 0.25, null, null, "good"),
      Row("cfg-f-s0", "FAILED", 0, null, null, null, null, null, null, null, null, "failed"),
      Row("cfg-flat-s0", "COMPLETED", 5, 2, 0.0, 0.0, 0.75, 0.4375, 0.25, null, null, "good"),
      Row("cfg-g-s0", "COMPLETED", 3, 3, 0.25, 0.0625, 0.875, 0.25, 0.0625, null, null, "good"),
      Row("cfg-o-s0", "COMPLETED", 5, 3, 0.125, 0.25, 0.75, 0.9375, 0.375, 3, 2, "overfit"),
      Row("cfg-u-s0", "COMPLETED", 1, 1, 0.0, 0.0, 0.5, 0.0, 0.0, null, null, "underfit"),
      Row("cfg-u-s1", "COMPLETED", 1, 1, 0.0, 0.0, 0.625, 0.0, 0.0, null, null, "good"),
      Row("cfg-up-s0", "COMPLETED", 4, 2, 0.0, 0.0, 0.875, 0.0, 0.0, null, null, "good"),
      Row("cfg-x-s0", "DIVERGED", 2, 1, null, null, null, null, null, null, null, "diverged")))
  }

  test("trial_summary, leaderboard and axis_effects hold their query's rows, order and schema") {
    withViews(summaryTrials) {
      for ((view, sql) <- Seq("trial_summary" -> AnalysisViews.trialSummarySql(classes),
          "leaderboard" -> Leaderboard.sql(), "axis_effects" -> AnalysisViews.AXIS_EFFECTS_SQL)) {
        val table = spark.table(view)
        val query = spark.sql(sql)
        assert(table.schema == query.schema, view)
        assert(table.collect().toSeq == query.collect().toSeq, view)
        // Computed once: a query of the view reads no table file again.
        assert(table.queryExecution.optimizedPlan.collect {
          case r: org.apache.spark.sql.execution.datasources.LogicalRelation => r
        }.isEmpty, view)
      }
    }
  }

  test("saved views come back with the rows and schemas computed; new tables or settings recompute") {
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, Seq(overfit, good, under, failed).asJava, "{}")
      val folder = OutputFolder.of(spark, dir.toString)
      folder.registerViews(spark)
      AnalysisViews.register(spark, settings, classes)
      def contents(session: org.apache.spark.sql.SparkSession) = AnalysisViews.VIEWS.asScala.map { v =>
        v -> ((session.table(v).schema, session.table(v).collect().toSeq)) }.toMap
      val computed = contents(spark)
      AnalysisViews.save(spark, folder, settings, classes)

      val reader = spark.newSession()
      folder.registerViews(reader)
      assert(AnalysisViews.registerSaved(reader, folder, settings, classes))
      // Schemas with their comments and nullability, rows in their order.
      assert(contents(reader) == computed)
      // Each miss computes the views again (seconds each): one miss stands for settings and classes.
      assert(!AnalysisViews.registerSaved(reader, folder, oneSe(2.0), classes))

      // A rerun rewrote the tables: the saved rows no longer stand for them.
      folder.replaceTables(spark, Seq(overfit).asJava)
      val rewritten = spark.newSession()
      folder.registerViews(rewritten)
      assert(!AnalysisViews.registerSaved(rewritten, folder, settings, classes))
      assert(rewritten.table("trial_summary").count() == 1)
    }
  }

  test("trial_summary and axis_effects have the documented columns; leaderboard is registered too") {
    val (summary, effects, board) = withViews(Seq(overfit)) {
      (spark.table("trial_summary").columns.toSeq, spark.table("axis_effects").columns.toSeq,
        spark.sql("SELECT config_id, rank FROM leaderboard").collect().toSeq)
    }
    // One column per axis of the registry, in its order: depth, dropout, l2, augmentation, ...
    assert(summary == Seq("trial_id", "config_id") ++ Axes.ALL.asScala.map(_.column) ++ Seq(
      "seed_index", "fold", "status", "stop_reason", "epochs_run", "best_epoch", "train_loss", "val_loss",
      "train_acc", "val_acc", "gap", "acc_gap", "val_acc_best", "final_gap", "final_acc_gap",
      "overfit_onset", "epochs_past_onset", "fit"))
    assert(effects == Seq("axis", "level", "level_value", "baseline", "configs", "trials",
      "completed", "gap_mean", "gap_ci_low", "gap_ci_high", "val_acc_mean", "val_acc_ci_low",
      "val_acc_ci_high", "gap_change_vs_baseline", "val_acc_change_vs_baseline"))
    assert(board == Seq(Row("cfg-o", 1)))
  }

  test("competitive_band is registered before the leaderboard, which ranks by gap inside it") {
    assert(AnalysisViews.VIEWS.asScala == Seq("t_quantiles", "trial_summary", "competitive_band",
      "leaderboard", "axis_effects"))
    // good has the lowest loss; overfit is 0.943 se behind it (in the band) with a smaller gap;
    // flat is 2.449 se behind (out). Paired differences against good: [2, -0.25, -0.25, 0.5] and
    // [0.25, 0, 0.5, 0.25].
    val rows = withTempDir { dir =>
      SavedResults.write(spark, dir.toString, Seq(good, overfit, flat).asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      PredictionRows.register(spark, PredictionRows.of(good, Seq(0.25, 0.5, 0.75, 0.5)) ++
        PredictionRows.of(overfit, Seq(2.25, 0.25, 0.5, 1.0)) ++
        PredictionRows.of(flat, Seq(0.5, 0.5, 1.25, 0.75)))
      try {
        AnalysisViews.register(spark, settings, classes)
        spark.sql("""SELECT b.config_id, b.examples, b.val_loss_cv, b.loss_diff, l.rank, l.gap_mean,
                    |       l.competitive
                    |FROM competitive_band b JOIN leaderboard l ON l.config_id = b.config_id
                    |ORDER BY l.rank NULLS LAST""".stripMargin).collect().toSeq
      } finally PredictionRows.drop(spark)
    }
    // Gaps at the best epoch: cfg-o 0.125, cfg-g 0.25, cfg-flat 0.
    assert(rows == Seq(
      Row("cfg-o", 4, 1.0, 0.5, 1, 0.125, true),
      Row("cfg-g", 4, 0.5, 0.0, 2, 0.25, true),
      Row("cfg-flat", 4, 0.75, 0.25, null, 0.0, false)))
  }

  test("the fit label needs at least two classes, with the exact message") {
    val e = intercept[IllegalArgumentException](AnalysisViews.trialSummarySql(1))
    assert(e.getMessage == "Cannot define the fit label: 1 classes; a classifier needs at least 2")
  }

  test("the t quantiles agree with a printed table") {
    assert(math.abs(TQuantiles.t975(1) - 12.706204736174707) <= 1e-12)
    assert(math.abs(TQuantiles.t975(2) - 4.302652729749464) <= 1e-12)
    assert(math.abs(TQuantiles.t975(30) - 2.042272456301238) <= 1e-12)
  }

  // A 2 x 2 grid of depth x dropout; l2 and augmentation follow depth. One trial of the last
  // configuration failed: it counts in trials, not in completed or the means.
  private def point1(config: String, seed: Int, gap: Double, valAcc: Double, depth: Int,
      dropout: Double, l2: Double, augmentation: String) =
    trial(config, seed, curve((0.5, 1.0, 0.5 + gap, valAcc)), bestEpoch = 1, depth = depth,
      dropout = dropout, l2 = l2, augmentation = augmentation)

  private val grid = Seq(
    point1("p1", 0, 0.5, 0.5, 1, 0.0, 0.0, "none"),
    point1("p2", 0, 0.25, 0.75, 1, 0.5, 0.0, "none"),
    point1("p3", 0, 1.0, 0.5, 2, 0.0, 0.0001, "flip"),
    point1("p4", 0, 0.25, 0.875, 2, 0.5, 0.0001, "flip"),
    trial("p4", 1, Nil, bestEpoch = 0, depth = 2, dropout = 0.5, l2 = 0.0001,
      augmentation = "flip", status = TrialStatus.FAILED, stopReason = "error", error = "boom"))

  /** Mean and 95% t-interval of two values, computed here independently of the SQL. */
  private def stats(a: Double, b: Double): (Double, Double, Double) = {
    val mean = (a + b) / 2
    val sd = math.sqrt((a - mean) * (a - mean) + (b - mean) * (b - mean))
    val half = t975df1 * sd / math.sqrt(2)
    (mean, mean - half, mean + half)
  }

  private def effect(axis: String, level: String, value: java.lang.Double, baseline: Boolean,
      trials: Int, gaps: (Double, Double), accs: (Double, Double),
      base: ((Double, Double), (Double, Double))): Row = {
    val (g, gLow, gHigh) = stats(gaps._1, gaps._2)
    val (a, aLow, aHigh) = stats(accs._1, accs._2)
    val (bg, _, _) = stats(base._1._1, base._1._2)
    val (ba, _, _) = stats(base._2._1, base._2._2)
    Row(axis, level, value, baseline, 2, trials, 2, g, gLow, gHigh, a, aLow, aHigh, g - bg, a - ba)
  }

  test("axis_effects: per level means, t-intervals over trials and change against the baseline") {
    val rows = withViews(grid) { spark.table("axis_effects").collect().toSeq }
    // p1 and p2 (depth 1, l2 0, none) against p3 and p4 (depth 2, l2 0.0001, flip).
    val low = ((0.5, 0.25), (0.5, 0.75))
    val high = ((1.0, 0.25), (0.5, 0.875))
    val noDropout = ((0.5, 1.0), (0.5, 0.5))
    val dropout = ((0.25, 0.25), (0.75, 0.875))
    val expected = Seq(
      effect("depth", "1", 1.0, baseline = true, 2, low._1, low._2, low),
      effect("depth", "2", 2.0, baseline = false, 3, high._1, high._2, low),
      effect("dropout", "0", 0.0, baseline = true, 2, noDropout._1, noDropout._2, noDropout),
      effect("dropout", "0.5", 0.5, baseline = false, 3, dropout._1, dropout._2, noDropout),
      effect("l2", "0", 0.0, baseline = true, 2, low._1, low._2, low),
      effect("l2", "0.0001", 0.0001, baseline = false, 3, high._1, high._2, low),
      effect("augmentation", "none", null, baseline = true, 2, low._1, low._2, low),
      effect("augmentation", "flip", null, baseline = false, 3, high._1, high._2, low))
    assertClose(rows, expected)
    // The headline numbers are exact: dropout 0.5 cut the mean gap by 0.5 and added 0.3125 accuracy.
    val drop = rows.find(r => r.getString(0) == "dropout" && r.getString(1) == "0.5").get
    assert(drop.getAs[Double]("gap_mean") == 0.25)
    assert(drop.getAs[Double]("gap_change_vs_baseline") == -0.5)
    assert(drop.getAs[Double]("val_acc_change_vs_baseline") == 0.3125)
    // Two equal values: sd 0, the interval is the point itself.
    val none = rows.find(r => r.getString(0) == "dropout" && r.getString(1) == "0").get
    assert(none.getAs[Double]("val_acc_ci_low") == 0.5 && none.getAs[Double]("val_acc_ci_high") == 0.5)
  }

  test("axis_effects: one point gives no interval; no 'none' level gives no augmentation baseline") {
    val rows = withViews(Seq(point1("p3", 0, 1.0, 0.5, 2, 0.0, 0.0001, "flip"))) {
      spark.sql("SELECT axis, level, completed, gap_mean, gap_ci_low, gap_ci_high, " +
        "gap_change_vs_baseline FROM axis_effects").collect().toSeq
    }
    assert(rows == Seq(
      Row("depth", "2", 1, 1.0, null, null, 0.0),
      Row("dropout", "0", 1, 1.0, null, null, 0.0),
      Row("l2", "0.0001", 1, 1.0, null, null, 0.0),
      Row("augmentation", "flip", 1, 1.0, null, null, null)))
  }

  private def assertClose(actual: Seq[Row], wanted: Seq[Row]): Unit = {
    assert(actual.size == wanted.size, s"$actual vs $wanted")
    actual.zip(wanted).foreach { case (a, w) =>
      assert(a.length == w.length, s"$a vs $w")
      (0 until a.length).foreach { i =>
        (a.get(i), w.get(i)) match {
          case (x: Double, y: Double) => assert(math.abs(x - y) <= 1e-12, s"field $i: $a vs $w")
          case (x, y) => assert(x == y, s"field $i: $a vs $w")
        }
      }
    }
  }
}
