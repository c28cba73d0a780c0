package io.gapsweep.analysis

import io.gapsweep.config.{Axes, LeaderboardSettings}
import io.gapsweep.config.LeaderboardSettings.Band
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.{PredictionRows, SavedResults}
import io.gapsweep.testing.{SharedSparkSession, TempDirs}
import io.gapsweep.testing.TrialFixtures._
import io.gapsweep.train.{EpochMetrics, TrialResult, TrialStatus}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import scala.collection.JavaConverters._

/**
 * Hand-made curves and per-example losses with dyadic values (0.5, 0.125, ...), so every mean and
 * sd is exact in binary floating point whatever order Spark sums in; standard errors (square
 * roots) are compared within 1e-12.
 */
class LeaderboardSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private def oneSe(multiple: Double) = new LeaderboardSettings(Band.ONE_STANDARD_ERROR, multiple, 0.05, 0.05)
  private def tTest(alpha: Double) = new LeaderboardSettings(Band.PAIRED_T_TEST, 1.0, alpha, 0.05)
  private def tolerance(t: Double) = new LeaderboardSettings(Band.ACCURACY_TOLERANCE, 1.0, 0.05, t)
  private val minimumLoss = new LeaderboardSettings(Band.MINIMUM_LOSS, 1.0, 0.05, 0.05)
  private val settings = oneSe(1.0)

  // cfg-a: two completed seeds whose best epoch is not their last, one failed, one diverged.
  private val a0 = trial("cfg-a", 0,
    curve((1.0, 0.5, 1.0, 0.5), (0.5, 0.875, 0.75, 0.75), (0.25, 1.0, 1.0, 0.75)), bestEpoch = 2)
  private val a1 = trial("cfg-a", 1,
    curve((0.25, 1.0, 0.75, 0.875), (0.125, 1.0, 1.5, 0.75)), bestEpoch = 1)
  private val a2 = trial("cfg-a", 2, Nil, bestEpoch = 0,
    status = TrialStatus.FAILED, stopReason = "error", error = "boom")
  // A perfect first epoch: it would change every metric of cfg-a if diverged trials counted.
  private val a3 = trial("cfg-a", 3,
    Seq(point(1, 0.0625, 1.0, 0.0625, 1.0),
      new EpochMetrics(2, Double.NaN, 0.0, Double.NaN, 0.0, Double.NaN, 0.0, 1.0)),
    bestEpoch = 1, status = TrialStatus.DIVERGED, stopReason = "diverged", error = "loss is NaN")
  // cfg-t2 and cfg-t1 tie on gap (0.25); cfg-t2 has the lower val loss, so wins despite its id.
  private val t2 = trial("cfg-t2", 0, curve((0.25, 0.9375, 0.5, 0.8125)), bestEpoch = 1, depth = 3)
  private val t1 = trial("cfg-t1", 0,
    curve((1.5, 0.5, 1.5, 0.5), (0.75, 0.875, 1.0, 0.8125), (0.5, 0.9375, 1.25, 0.75)),
    bestEpoch = 2, depth = 4)
  // cfg-d learned nothing: chance accuracy (8 classes), no gap at all.
  private val d0 = trial("cfg-d", 0, curve((2.0, 0.125, 2.0, 0.125)), bestEpoch = 1,
    depth = 1, dropout = 0.0, l2 = 0.0)
  private val d1 = trial("cfg-d", 1, curve((2.0, 0.125, 2.0, 0.125)), bestEpoch = 1,
    depth = 1, dropout = 0.0, l2 = 0.0)
  // cfg-e learned something, but too little to compete.
  private val e0 = trial("cfg-e", 0, curve((0.5, 0.625, 1.0, 0.5)), bestEpoch = 1,
    depth = 1, dropout = 0.5, l2 = 0.001, augmentation = "flip")
  // cfg-f never completed.
  private val f0 = trial("cfg-f", 0, Nil, bestEpoch = 0, depth = 5,
    status = TrialStatus.FAILED, stopReason = "error", error = "boom")

  private val sweep = Seq(a0, a1, a2, a3, t2, t1, d0, d1, e0, f0)

  /*
   * Four validation examples; each trial's losses average to its val loss at best_epoch. Per
   * configuration (averaged over seeds) and paired against the best, cfg-t2 [0.25, 0.5, 0.75, 0.5]:
   *   cfg-t1 [2.25, 0.25, 0.5, 1.0]   d = [2, -0.25, -0.25, 0.5]      mean 0.5,  ss(d) 3.375
   *   cfg-a  [0.5, 0.5, 1.25, 0.75]   d = [0.25, 0, 0.5, 0.25]        mean 0.25, ss(d) 0.125
   *   cfg-e  [0.75, 1.0, 1.25, 1.0]   d = 0.5 each (a constant shift)  se 0, distance infinite
   *   cfg-d  [2, 2, 2, 2]             d = [1.75, 1.5, 1.25, 1.5]      mean 1.5,  ss(d) 0.125
   * se = sqrt(ss / 3 / 4): cfg-t1 is 0.943 se behind (in a 1-se band), cfg-a 2.449 (out), cfg-d 14.7.
   */
  private val predictions =
    PredictionRows.of(t2, Seq(0.25, 0.5, 0.75, 0.5)) ++
      PredictionRows.of(t1, Seq(2.25, 0.25, 0.5, 1.0)) ++
      PredictionRows.of(a0, Seq(0.25, 0.5, 1.5, 0.75)) ++
      PredictionRows.of(a1, Seq(0.75, 0.5, 1.0, 0.75)) ++
      // The diverged trial's losses would make cfg-a the best if they counted.
      PredictionRows.of(a3, Seq(0.0, 0.0, 0.0, 0.0)) ++
      PredictionRows.of(d0, Seq(2.0, 2.0, 2.0, 2.0)) ++
      PredictionRows.of(d1, Seq(2.0, 2.0, 2.0, 2.0)) ++
      PredictionRows.of(e0, Seq(0.75, 1.0, 1.25, 1.0))

  private def se(ss: Double) = math.sqrt(ss / 3 / 4)

  private def leaderboardOf(results: Seq[TrialResult], s: LeaderboardSettings = settings,
      preds: Option[Seq[Row]] = Some(predictions)) =
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, results.asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      preds match {
        case Some(rows) => PredictionRows.register(spark, rows)
        case None => PredictionRows.drop(spark)
      }
      try {
        // Collected inside the block: the views read files that are deleted after it.
        val board = Leaderboard.compute(spark, s)
        (board.collect().toSeq, Leaderboard.format(board, 10), spark.sql(
          "SELECT config_id FROM leaderboard WHERE rank = 1").collect().toSeq,
          spark.table("competitive_band").collect().toSeq)
      } finally PredictionRows.drop(spark)
    }

  private def ranks(rows: Seq[Row]) = rows.map(r => (r.get(0), r.getString(1)))

  /** t(0.975, 1) from a printed table, independent of the Commons Math solver. */
  private val t975df1 = 12.706204736174707

  // cfg-a's two gaps are 0.25 and 0.5: mean 0.375, sd sqrt(0.03125), half-width t · sd / sqrt(2).
  private val aHalfWidth = t975df1 * math.sqrt(0.03125) / math.sqrt(2)
  private val inf = Double.PositiveInfinity

  private val expected = Seq(
    Row(1, "cfg-t2", 3, 0.25, 0.0001, "none", 0.005, 16, 1, 1, 1, 1,
      0.25, null, null, null, 0.125, 0.5, 0.8125, null, 0.8125, 0.25, 0.9375, 1.0,
      se(0.125), 0.0, 0.0, 0.0, true),
    Row(2, "cfg-t1", 4, 0.25, 0.0001, "none", 0.005, 16, 1, 1, 1, 1,
      0.25, null, null, null, 0.0625, 1.0, 0.8125, null, 0.8125, 0.75, 0.875, 2.0,
      se(2.375), 0.5, se(3.375), 0.5 / se(3.375), true),
    // As accurate as the best, but 2.449 se behind it in loss: out of the band.
    Row(null, "cfg-a", 2, 0.25, 0.0001, "none", 0.005, 16, 2, 1, 2, 4,
      0.375, math.sqrt(0.03125), 0.375 - aHalfWidth, 0.375 + aHalfWidth,
      0.125, 0.75, 0.8125, math.sqrt(0.0078125), 0.8125, 0.375, 0.9375, 1.5,
      se(0.375), 0.25, se(0.125), 0.25 / se(0.125), false),
    Row(null, "cfg-e", 1, 0.5, 0.001, "flip", 0.005, 16, 1, 1, 1, 1,
      0.5, null, null, null, 0.125, 1.0, 0.5, null, 0.5, 0.5, 0.625, 1.0,
      se(0.125), 0.5, 0.0, inf, false),
    // Two identical seeds: sd 0, so the interval is the mean itself.
    Row(null, "cfg-d", 1, 0.0, 0.0, "none", 0.005, 16, 2, 1, 2, 2,
      0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.125, 0.0, 0.125, 2.0, 0.125, 1.0,
      0.0, 1.5, se(0.125), 1.5 / se(0.125), false),
    Row(null, "cfg-f", 5, 0.25, 0.0001, "none", 0.005, 16, 0, 0, 0, 1,
      null, null, null, null, null, null, null, null, null, null, null, null,
      null, null, null, null, false))

  /** Rows equal field by field, doubles within 1e-12 (t-interval bounds and se are not dyadic). */
  private def assertClose(actual: Seq[Row], wanted: Seq[Row]): Unit = {
    assert(actual.size == wanted.size, s"$actual vs $wanted")
    actual.zip(wanted).foreach { case (a, w) =>
      assert(a.length == w.length, s"$a vs $w")
      (0 until a.length).foreach { i =>
        (a.get(i), w.get(i)) match {
          case (x: Double, y: Double) if x.isInfinite || y.isInfinite =>
            assert(x == y, s"field $i: $a vs $w")
          case (x: Double, y: Double) => assert(math.abs(x - y) <= 1e-12, s"field $i: $a vs $w")
          case (x, y) => assert(x == y, s"field $i: $a vs $w")
        }
      }
    }
  }

  test("whole leaderboard: exact ranks, means, sample sds, t-intervals and band statistics") {
    val (rows, _, _, _) = leaderboardOf(sweep)
    assertClose(rows, expected)
    // Everything but the interval bounds and standard errors is exact.
    val exact = (r: Row) => Row.fromSeq(r.toSeq.patch(24, Nil, 4).patch(14, Nil, 2))
    assert(rows.map(exact) == expected.map(exact))
  }

  test("competitive_band: one row per configuration, by config_id, with the paired statistics") {
    val (_, _, _, band) = leaderboardOf(sweep)
    // One-sided p of a t with 3 df: 1/2 - (t / (sqrt3 (1 + t^2/3)) + atan(t / sqrt3)) / pi.
    def p(t: Double) = 0.5 - (t / (math.sqrt(3) * (1 + t * t / 3)) + math.atan(t / math.sqrt(3))) / math.Pi
    assertClose(band, Seq(
      Row("cfg-a", 4, 0.75, se(0.375), 0.25, se(0.125), 0.25 / se(0.125), p(0.25 / se(0.125)), false),
      Row("cfg-d", 4, 2.0, 0.0, 1.5, se(0.125), 1.5 / se(0.125), p(1.5 / se(0.125)), false),
      Row("cfg-e", 4, 1.0, se(0.125), 0.5, 0.0, inf, 0.0, false),
      Row("cfg-f", 0, null, null, null, null, null, null, false),
      Row("cfg-t1", 4, 1.0, se(2.375), 0.5, se(3.375), 0.5 / se(3.375), p(0.5 / se(3.375)), true),
      Row("cfg-t2", 4, 0.5, se(0.125), 0.0, 0.0, 0.0, 1.0, true)))
  }

  test("the band's multiple decides who competes: 3 se admit cfg-a, ranked by its larger gap") {
    val (rows, _, _, _) = leaderboardOf(sweep, oneSe(3.0))
    assert(ranks(rows) == Seq((1, "cfg-t2"), (2, "cfg-t1"), (3, "cfg-a"), (null, "cfg-e"),
      (null, "cfg-d"), (null, "cfg-f")))
    val (strict, _, _, _) = leaderboardOf(sweep, oneSe(0.5))
    // Outside the band by loss, then config_id: cfg-e and cfg-t1 both lose 1.0.
    assert(ranks(strict) == Seq((1, "cfg-t2"), (null, "cfg-a"), (null, "cfg-e"), (null, "cfg-t1"),
      (null, "cfg-d"), (null, "cfg-f")))
  }

  test("the other rules: paired t-test, minimum loss and the old accuracy tolerance") {
    // cfg-a's t is sqrt(6): p = 0.0459, worse at alpha 0.05, not at 0.01; cfg-t1 p = 0.208.
    assert(ranks(leaderboardOf(sweep, tTest(0.05))._1).take(3) ==
      Seq((1, "cfg-t2"), (2, "cfg-t1"), (null, "cfg-a")))
    assert(ranks(leaderboardOf(sweep, tTest(0.01))._1).take(3) ==
      Seq((1, "cfg-t2"), (2, "cfg-t1"), (3, "cfg-a")))
    assert(ranks(leaderboardOf(sweep, minimumLoss)._1).take(2) == Seq((1, "cfg-t2"), (null, "cfg-a")))
    // Accuracy within 0.05 of 0.8125: cfg-t2, cfg-t1 and cfg-a, whatever their losses.
    assert(ranks(leaderboardOf(sweep, tolerance(0.05))._1).take(4) ==
      Seq((1, "cfg-t2"), (2, "cfg-t1"), (3, "cfg-a"), (null, "cfg-e")))
  }

  // x has the lowest loss; y is 0.943 se behind with a smaller gap; z is 2.449 se behind with the
  // smallest gap of all.
  private val x = trial("cfg-x", 0, curve((0.0, 1.0, 0.5, 0.75)), bestEpoch = 1)
  private val y = trial("cfg-y", 0, curve((0.875, 0.75, 1.0, 0.75)), bestEpoch = 1, depth = 3)
  private val z = trial("cfg-z", 0, curve((0.6875, 0.75, 0.75, 0.75)), bestEpoch = 1, depth = 4)
  private val xyz = PredictionRows.of(x, Seq(0.25, 0.5, 0.75, 0.5)) ++
    PredictionRows.of(y, Seq(2.25, 0.25, 0.5, 1.0)) ++ PredictionRows.of(z, Seq(0.5, 0.5, 1.25, 0.75))

  test("inside the band the smallest gap ranks first, not the lowest loss; outside, no rank") {
    val (rows, _, winner, _) = leaderboardOf(Seq(x, y, z), preds = Some(xyz))
    assert(rows.map(r => (r.get(0), r.getString(1), r.getAs[Double]("gap_mean"))) ==
      Seq((1, "cfg-y", 0.125), (2, "cfg-x", 0.5), (null, "cfg-z", 0.0625)))
    assert(winner == Seq(Row("cfg-y")))
  }

  test("a do-nothing model with zero gap and chance accuracy is not competitive and does not win") {
    val (rows, _, winner, _) = leaderboardOf(sweep)
    val d = rows.find(_.getAs[String]("config_id") == "cfg-d").get
    assert(d.getAs[Double]("gap_mean") == 0.0)
    assert(rows.flatMap(r => Option(r.getAs[java.lang.Double]("gap_mean"))).map(_.doubleValue).min == 0.0)
    assert(d.isNullAt(0))
    assert(!d.getAs[Boolean]("competitive"))
    assert(winner == Seq(Row("cfg-t2")))
  }

  test("a tie on gap is broken by val loss, not by config id") {
    val (rows, _, _, _) = leaderboardOf(Seq(t1, t2))
    assert(rows.map(r => (r.get(0), r.getString(1), r.getDouble(12), r.getDouble(17))) ==
      Seq((1, "cfg-t2", 0.25, 0.5), (2, "cfg-t1", 0.25, 1.0)))
  }

  test("the point used is the one at best_epoch, not the last epoch") {
    val (rows, _, _, _) = leaderboardOf(Seq(a0))
    // At the last epoch (3) the gap would be 0.75 and val acc the same; at best_epoch 2 it is 0.25.
    assertClose(rows, Seq(Row(1, "cfg-a", 2, 0.25, 0.0001, "none", 0.005, 16, 1, 1, 1, 1,
      0.25, null, null, null, 0.125, 0.75, 0.75, null, 0.75, 0.5, 0.875, 2.0,
      math.sqrt(0.875 / 12), 0.0, 0.0, 0.0, true)))
  }

  test("failed and diverged trials are counted in trials but not in seeds, metrics or the band") {
    val (rows, _, _, band) = leaderboardOf(Seq(a0, a1, a2, a3))
    assertClose(rows, Seq(Row(1, "cfg-a", 2, 0.25, 0.0001, "none", 0.005, 16, 2, 1, 2, 4,
      0.375, math.sqrt(0.03125), 0.375 - aHalfWidth, 0.375 + aHalfWidth,
      0.125, 0.75, 0.8125, math.sqrt(0.0078125), 0.8125, 0.375, 0.9375, 1.5,
      se(0.375), 0.0, 0.0, 0.0, true)))
    assert(band.map(r => (r.getString(0), r.getInt(1), r.getDouble(2))) == Seq(("cfg-a", 4, 0.75)))
  }

  test("edge cases: no predictions means not competitive; a single configuration with them is rank 1") {
    val g = trial("cfg-g", 0, Seq(point(1, Double.NaN, 0.0, Double.NaN, 0.0)), bestEpoch = 1,
      status = TrialStatus.DIVERGED, stopReason = "diverged", error = "loss is NaN")
    val (rows, _, winner, band) = leaderboardOf(Seq(a2, f0, x, g),
      preds = Some(PredictionRows.of(x, Seq(0.25, 0.5, 0.75, 0.5)) ++
        PredictionRows.of(g, Seq(0.0, 0.0, 0.0, 0.0))))
    assert(rows.map(r => (r.get(0), r.getString(1), r.getInt(8), r.getInt(11), r.get(12),
      r.get(27), r.getBoolean(28))) == Seq(
      (1, "cfg-x", 1, 1, 0.5, 0.0, true),
      (null, "cfg-a", 0, 1, null, null, false),
      (null, "cfg-f", 0, 1, null, null, false),
      (null, "cfg-g", 0, 1, null, null, false)))
    assert(winner == Seq(Row("cfg-x")))
    assert(band.map(r => (r.getString(0), r.getInt(1), r.get(2), r.getBoolean(8))) == Seq(
      ("cfg-a", 0, null, false), ("cfg-f", 0, null, false), ("cfg-g", 0, null, false),
      ("cfg-x", 4, 0.5, true)))
  }

  test("edge case: a configuration missing some examples (a fold lost) is not compared or ranked") {
    val (rows, _, _, band) = leaderboardOf(Seq(x, y, z),
      preds = Some(PredictionRows.of(x, Seq(0.25, 0.5, 0.75, 0.5)) ++
        PredictionRows.of(y, Seq(2.25, 0.25, 0.5, 1.0)) ++ PredictionRows.of(z, Seq(0.5, 0.5, 1.25))))
    assert(ranks(rows) == Seq((1, "cfg-y"), (2, "cfg-x"), (null, "cfg-z")))
    val zBand = band.find(_.getString(0) == "cfg-z").get
    assertClose(Seq(zBand), Seq(Row("cfg-z", 3, 0.75, math.sqrt(0.375 / 6), null, null, null, null,
      false)))
  }

  test("out-of-fold losses: each example from the trial that held it out, averaged over seeds") {
    // Two folds of two examples and two seeds per configuration: trial ids differ by seed_index
    // in the fixtures, so seeds 0, 1 hold fold 0 and seeds 2, 3 fold 1.
    def folds(config: String, gap: Double, f0s0: Seq[Double], f0s1: Seq[Double],
        f1s0: Seq[Double], f1s1: Seq[Double], depth: Int) = {
      val ts = (0 until 4).map(i => trial(config, i, curve((0.5, 1.0, 0.5 + gap, 0.75)),
        bestEpoch = 1, depth = depth))
      (ts, PredictionRows.of(ts(0), f0s0, fold = 0) ++ PredictionRows.of(ts(1), f0s1, fold = 0) ++
        PredictionRows.of(ts(2), f1s0, fold = 1, firstExample = 2) ++
        PredictionRows.of(ts(3), f1s1, fold = 1, firstExample = 2))
    }
    // Per example: p [0.25, 0.5, 0.75, 0.5]; q [2.25, 0.25, 0.5, 1.0], 0.943 se behind.
    val (p, pp) = folds("cfg-p", 0.5, Seq(0.0, 0.5), Seq(0.5, 0.5), Seq(1.0, 0.25), Seq(0.5, 0.75), 2)
    val (q, qp) = folds("cfg-q", 0.25, Seq(2.5, 0.0), Seq(2.0, 0.5), Seq(0.5, 1.0), Seq(0.5, 1.0), 3)
    val (rows, _, _, band) = leaderboardOf(p ++ q, preds = Some(pp ++ qp))
    assert(ranks(rows) == Seq((1, "cfg-q"), (2, "cfg-p")))
    assertClose(band, Seq(
      Row("cfg-p", 4, 0.5, se(0.125), 0.0, 0.0, 0.0, 1.0, true),
      Row("cfg-q", 4, 1.0, se(2.375), 0.5, se(3.375), 0.5 / se(3.375), band(1).getDouble(7), true)))
  }

  test("without a predictions table: null statistics, and only the lowest loss competes") {
    val (rows, _, _, band) = leaderboardOf(sweep, preds = None)
    assert(ranks(rows) == Seq((1, "cfg-t2"), (null, "cfg-a"), (null, "cfg-e"), (null, "cfg-t1"),
      (null, "cfg-d"), (null, "cfg-f")))
    assert(rows.forall(r => (24 to 27).forall(r.isNullAt)))
    assert(band.map(r => (r.getString(0), r.getInt(1), r.getBoolean(8))) == Seq(("cfg-a", 0, false),
      ("cfg-d", 0, false), ("cfg-e", 0, false), ("cfg-f", 0, false), ("cfg-t1", 0, false),
      ("cfg-t2", 0, true)))
    // The accuracy tolerance needs no per-example losses: it still applies.
    assert(ranks(leaderboardOf(sweep, tolerance(0.05), None)._1).take(3) ==
      Seq((1, "cfg-t2"), (2, "cfg-t1"), (3, "cfg-a")))
  }

  test("the columns are named as documented") {
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, sweep.asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      PredictionRows.drop(spark)
      // One column per axis of the registry, in its order: depth, dropout, l2, augmentation, ...
      assert(Leaderboard.compute(spark, settings).columns.toSeq ==
        Seq("rank", "config_id") ++ Axes.ALL.asScala.map(_.column) ++ Seq("seeds", "folds", "completed",
        "trials", "gap_mean", "gap_sd", "gap_ci_low", "gap_ci_high", "acc_gap_mean", "val_loss_mean",
        "val_acc_mean", "val_acc_sd", "val_acc_best_mean", "train_loss_mean", "train_acc_mean",
        "best_epoch_mean", "val_loss_se", "loss_diff", "loss_diff_se", "distance_se",
        "competitive"))
      assert(spark.table("competitive_band").columns.toSeq == Seq("config_id", "examples",
        "val_loss_cv", "val_loss_se", "loss_diff", "loss_diff_se", "distance_se", "p_value",
        "competitive"))
    }
  }

  test("the accuracy tolerance boundary is inclusive despite binary rounding (0.85 vs 0.90 - 0.05)") {
    val best = trial("cfg-best", 0, curve((0.1, 1.0, 0.5, 0.9)), bestEpoch = 1)
    val near = trial("cfg-near", 0, curve((0.4, 0.9, 0.5, 0.85)), bestEpoch = 1)
    val below = trial("cfg-below", 0, curve((0.45, 0.9, 0.5, 0.8499)), bestEpoch = 1)
    // cfg-best has the lowest loss (tied with cfg-near, first by id): the best is always in.
    val losses = Seq(best, near).flatMap(t => PredictionRows.of(t, Seq(0.25, 0.75))) ++
      PredictionRows.of(below, Seq(0.5, 0.75))
    val (rows, _, _, _) = leaderboardOf(Seq(best, near, below), tolerance(0.05), Some(losses))
    assert(ranks(rows) == Seq((1, "cfg-near"), (2, "cfg-best"), (null, "cfg-below")))
  }

  test("a band parameter out of range is refused with the exact message") {
    def fails(s: LeaderboardSettings) =
      intercept[IllegalArgumentException](Leaderboard.rule(s)).getMessage
    assert(fails(oneSe(-0.5)) ==
      "Cannot draw the competitive band: gapsweep.leaderboard.band-multiple -0.5 is not a finite number >= 0")
    assert(fails(oneSe(Double.NaN)) ==
      "Cannot draw the competitive band: gapsweep.leaderboard.band-multiple NaN is not a finite number >= 0")
    assert(fails(tTest(1.0)) ==
      "Cannot draw the competitive band: gapsweep.leaderboard.band-alpha 1.0 is not in (0, 1)")
    assert(fails(tolerance(-0.1)) ==
      "Cannot draw the competitive band: gapsweep.leaderboard.accuracy-tolerance -0.1 is not in [0, 1]")
    // Only the chosen rule's parameter matters.
    assert(Leaderboard.rule(new LeaderboardSettings(Band.MINIMUM_LOSS, -1, 7, 9)) ==
      new CompetitiveBand.MinimumLoss())
  }

  test("the console table is aligned, with fixed decimals, mean ± sd, loss ± se and se to best") {
    val (_, text, _, _) = leaderboardOf(sweep)
    assert(text ==
      """rank  depth  dropout      l2  augmentation  seeds              gap  acc gap         val loss  se to best  val acc  best epoch
        |----  -----  -------  ------  ------------  -----  ---------------  -------  ---------------  ----------  -------  ----------
        |   1      3     0.25  0.0001  none            1/1  0.2500            0.1250  0.5000 ± 0.1021         0.0   0.8125         1.0
        |   2      4     0.25  0.0001  none            1/1  0.2500            0.0625  1.0000 ± 0.4449         0.9   0.8125         2.0
        |   -      2     0.25  0.0001  none            2/4  0.3750 ± 0.1768   0.1250  0.7500 ± 0.1768         2.4   0.8125         1.5
        |   -      1      0.5   0.001  flip            1/1  0.5000            0.1250  1.0000 ± 0.1021         inf   0.5000         1.0
        |   -      1        0       0  none            2/2  0.0000 ± 0.0000   0.0000  2.0000 ± 0.0000        14.7   0.1250         1.0
        |   -      5     0.25  0.0001  none            0/1       -                 -       -                    -        -           -
        |""".stripMargin)
  }

  test("the console table shows at most maxRows rows and says how many it left out") {
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, Seq(t2, t1, e0).asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      PredictionRows.register(spark, predictions)
      try {
        val text = Leaderboard.format(Leaderboard.compute(spark, settings), 1)
        assert(text ==
          """rank  depth  dropout      l2  augmentation  seeds     gap  acc gap         val loss  se to best  val acc  best epoch
            |----  -----  -------  ------  ------------  -----  ------  -------  ---------------  ----------  -------  ----------
            |   1      3     0.25  0.0001  none            1/1  0.2500   0.1250  0.5000 ± 0.1021         0.0   0.8125         1.0
            |(2 more configurations not shown)
            |""".stripMargin)
      } finally PredictionRows.drop(spark)
    }
  }
}
