package io.gapsweep.analysis

import io.gapsweep.config.{Axes, LeaderboardSettings}
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.SavedResults
import io.gapsweep.testing.{SharedSparkSession, TempDirs}
import io.gapsweep.testing.TrialFixtures._
import io.gapsweep.train.{EpochMetrics, TrialResult, TrialStatus}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import scala.collection.JavaConverters._

/**
 * Hand-made curves with dyadic values (0.5, 0.125, ...), so every mean and sd is exact in binary
 * floating point whatever order Spark sums in.
 */
class LeaderboardSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val settings = new LeaderboardSettings(0.05)

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

  private def leaderboardOf(results: Seq[TrialResult], s: LeaderboardSettings = settings) =
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, results.asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      // Collected inside the block: the views read files that are deleted after it.
      val board = Leaderboard.compute(spark, s)
      (board.collect().toSeq, Leaderboard.format(board, 10), spark.sql(
        "SELECT config_id FROM leaderboard WHERE rank = 1").collect().toSeq)
    }

  /** t(0.975, 1) from a printed table, independent of the Commons Math solver. */
  private val t975df1 = 12.706204736174707

  // cfg-a's two gaps are 0.25 and 0.5: mean 0.375, sd sqrt(0.03125), half-width t · sd / sqrt(2).
  private val aHalfWidth = t975df1 * math.sqrt(0.03125) / math.sqrt(2)
  private val aRow = Row(3, "cfg-a", 2, 0.25, 0.0001, "none", 0.005, 16, 2, 1, 2, 4,
    0.375, math.sqrt(0.03125), 0.375 - aHalfWidth, 0.375 + aHalfWidth,
    0.125, 0.75, 0.8125, math.sqrt(0.0078125), 0.8125, 0.375, 0.9375, 1.5, true)

  private val expected = Seq(
    Row(1, "cfg-t2", 3, 0.25, 0.0001, "none", 0.005, 16, 1, 1, 1, 1,
      0.25, null, null, null, 0.125, 0.5, 0.8125, null, 0.8125, 0.25, 0.9375, 1.0, true),
    Row(2, "cfg-t1", 4, 0.25, 0.0001, "none", 0.005, 16, 1, 1, 1, 1,
      0.25, null, null, null, 0.0625, 1.0, 0.8125, null, 0.8125, 0.75, 0.875, 2.0, true),
    aRow,
    Row(null, "cfg-e", 1, 0.5, 0.001, "flip", 0.005, 16, 1, 1, 1, 1,
      0.5, null, null, null, 0.125, 1.0, 0.5, null, 0.5, 0.5, 0.625, 1.0, false),
    // Two identical seeds: sd 0, so the interval is the mean itself.
    Row(null, "cfg-d", 1, 0.0, 0.0, "none", 0.005, 16, 2, 1, 2, 2,
      0.0, 0.0, 0.0, 0.0, 0.0, 2.0, 0.125, 0.0, 0.125, 2.0, 0.125, 1.0, false),
    Row(null, "cfg-f", 5, 0.25, 0.0001, "none", 0.005, 16, 0, 0, 0, 1,
      null, null, null, null, null, null, null, null, null, null, null, null, false))

  /** Rows equal field by field, doubles within 1e-12 (the t-interval bounds are not dyadic). */
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

  test("whole leaderboard: exact ranks, means, sample sds and t-intervals on hand-made curves") {
    val (rows, _, _) = leaderboardOf(sweep)
    assertClose(rows, expected)
    // Everything but the interval bounds is exact.
    val exact = (r: Row) => Row.fromSeq(r.toSeq.patch(14, Nil, 2))
    assert(rows.map(exact) == expected.map(exact))
  }

  test("the t-interval uses t(0.975, seeds - 1): three seeds give t(0.975, 2)") {
    val gaps = Seq(0.25, 0.5, 1.0)
    val seeds = gaps.zipWithIndex.map { case (g, i) =>
      trial("cfg-3", i, curve((0.5, 1.0, 0.5 + g, 0.75)), bestEpoch = 1)
    }
    val (rows, _, _) = leaderboardOf(seeds)
    val mean = gaps.sum / 3
    val sd = math.sqrt(gaps.map(g => (g - mean) * (g - mean)).sum / 2)
    val half = 4.302652729749464 * sd / math.sqrt(3)
    assert(math.abs(rows.head.getAs[Double]("gap_ci_low") - (mean - half)) <= 1e-12)
    assert(math.abs(rows.head.getAs[Double]("gap_ci_high") - (mean + half)) <= 1e-12)
  }

  test("the columns are named as documented") {
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, sweep.asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      // One column per axis of the registry, in its order: depth, dropout, l2, augmentation, ...
      assert(Leaderboard.compute(spark, settings).columns.toSeq ==
        Seq("rank", "config_id") ++ Axes.ALL.asScala.map(_.column) ++ Seq("seeds", "folds", "completed", "trials",
        "gap_mean", "gap_sd", "gap_ci_low", "gap_ci_high", "acc_gap_mean", "val_loss_mean",
        "val_acc_mean", "val_acc_sd", "val_acc_best_mean", "train_loss_mean", "train_acc_mean",
        "best_epoch_mean", "competitive"))
    }
  }

  test("a do-nothing model with zero gap and chance accuracy is not competitive and does not win") {
    val (rows, _, winner) = leaderboardOf(sweep)
    val d = rows.find(_.getAs[String]("config_id") == "cfg-d").get
    assert(d.getAs[Double]("gap_mean") == 0.0)
    assert(rows.flatMap(r => Option(r.getAs[java.lang.Double]("gap_mean"))).map(_.doubleValue).min == 0.0)
    assert(d.isNullAt(0))
    assert(!d.getAs[Boolean]("competitive"))
    assert(winner == Seq(Row("cfg-t2")))
  }

  test("a tie on gap is broken by val loss, not by config id") {
    val (rows, _, _) = leaderboardOf(Seq(t1, t2))
    assert(rows.map(r => (r.get(0), r.getString(1), r.getDouble(12), r.getDouble(17))) ==
      Seq((1, "cfg-t2", 0.25, 0.5), (2, "cfg-t1", 0.25, 1.0)))
  }

  test("the point used is the one at best_epoch, not the last epoch") {
    val (rows, _, _) = leaderboardOf(Seq(a0))
    // At the last epoch (3) the gap would be 0.75 and val acc the same; at best_epoch 2 it is 0.25.
    assert(rows == Seq(Row(1, "cfg-a", 2, 0.25, 0.0001, "none", 0.005, 16, 1, 1, 1, 1,
      0.25, null, null, null, 0.125, 0.75, 0.75, null, 0.75, 0.5, 0.875, 2.0, true)))
  }

  test("failed and diverged trials are counted in trials but not in seeds or metrics") {
    val (rows, _, _) = leaderboardOf(Seq(a0, a1, a2, a3))
    assertClose(rows, Seq(Row(1, "cfg-a", 2, 0.25, 0.0001, "none", 0.005, 16, 2, 1, 2, 4,
      0.375, math.sqrt(0.03125), 0.375 - aHalfWidth, 0.375 + aHalfWidth,
      0.125, 0.75, 0.8125, math.sqrt(0.0078125), 0.8125, 0.375, 0.9375, 1.5, true)))
  }

  test("a configuration whose trials all failed or diverged comes last with null metrics") {
    val (rows, _, _) = leaderboardOf(Seq(a2, f0, e0,
      trial("cfg-g", 0, Seq(point(1, Double.NaN, 0.0, Double.NaN, 0.0)), bestEpoch = 1,
        status = TrialStatus.DIVERGED, stopReason = "diverged", error = "loss is NaN")))
    assert(rows.map(r => (r.get(0), r.getString(1), r.getInt(8), r.getInt(11), r.get(12), r.getBoolean(24))) == Seq(
      (1, "cfg-e", 1, 1, 0.5, true),
      (null, "cfg-a", 0, 1, null, false),
      (null, "cfg-f", 0, 1, null, false),
      (null, "cfg-g", 0, 1, null, false)))
  }

  test("the tolerance boundary is inclusive despite binary rounding (0.85 vs 0.90 - 0.05)") {
    val best = trial("cfg-best", 0, curve((0.1, 1.0, 0.5, 0.9)), bestEpoch = 1)
    val near = trial("cfg-near", 0, curve((0.4, 0.9, 0.5, 0.85)), bestEpoch = 1)
    val below = trial("cfg-below", 0, curve((0.45, 0.9, 0.5, 0.8499)), bestEpoch = 1)
    val (rows, _, _) = leaderboardOf(Seq(best, near, below))
    assert(rows.map(r => (r.get(0), r.getString(1))) ==
      Seq((1, "cfg-near"), (2, "cfg-best"), (null, "cfg-below")))
  }

  test("with tolerance 0 only the most accurate configurations compete") {
    val (rows, _, _) = leaderboardOf(sweep, new LeaderboardSettings(0.0))
    assert(rows.map(r => (r.get(0), r.getString(1))) == Seq(
      (1, "cfg-t2"), (2, "cfg-t1"), (3, "cfg-a"), (null, "cfg-e"), (null, "cfg-d"), (null, "cfg-f")))
    val (strict, _, _) = leaderboardOf(Seq(t2, e0), new LeaderboardSettings(0.0))
    assert(strict.map(r => (r.get(0), r.getString(1))) == Seq((1, "cfg-t2"), (null, "cfg-e")))
  }

  test("a tolerance outside [0, 1] is refused with the exact message") {
    val e = intercept[IllegalArgumentException](Leaderboard.sql(new LeaderboardSettings(-0.1)))
    assert(e.getMessage == "Cannot compute the leaderboard: accuracy tolerance -0.1 is not in [0, 1]")
    intercept[IllegalArgumentException](Leaderboard.sql(new LeaderboardSettings(Double.NaN)))
  }

  test("the console table is aligned, with fixed decimals and mean ± sd") {
    val (_, text, _) = leaderboardOf(sweep)
    assert(text ==
      """rank  depth  dropout      l2  augmentation  seeds              gap  acc gap  val loss  val acc  best epoch
        |----  -----  -------  ------  ------------  -----  ---------------  -------  --------  -------  ----------
        |   1      3     0.25  0.0001  none            1/1  0.2500            0.1250    0.5000   0.8125         1.0
        |   2      4     0.25  0.0001  none            1/1  0.2500            0.0625    1.0000   0.8125         2.0
        |   3      2     0.25  0.0001  none            2/4  0.3750 ± 0.1768   0.1250    0.7500   0.8125         1.5
        |   -      1      0.5   0.001  flip            1/1  0.5000            0.1250    1.0000   0.5000         1.0
        |   -      1        0       0  none            2/2  0.0000 ± 0.0000   0.0000    2.0000   0.1250         1.0
        |   -      5     0.25  0.0001  none            0/1       -                 -         -        -           -
        |""".stripMargin)
  }

  test("the console table shows at most maxRows rows and says how many it left out") {
    withTempDir { dir =>
      SavedResults.write(spark, dir.toString, Seq(t2, t1, e0).asJava, "{}")
      OutputFolder.of(spark, dir.toString).registerViews(spark)
      val text = Leaderboard.format(Leaderboard.compute(spark, settings), 1)
      assert(text ==
        """rank  depth  dropout      l2  augmentation  seeds     gap  acc gap  val loss  val acc  best epoch
          |----  -----  -------  ------  ------------  -----  ------  -------  --------  -------  ----------
          |   1      3     0.25  0.0001  none            1/1  0.2500   0.1250    0.5000   0.8125         1.0
          |(2 more configurations not shown)
          |""".stripMargin)
    }
  }
}
