package io.gapsweep.testing

import org.apache.spark.sql.SparkSession

/**
 * `test_results` and `audit` with exactly the columns of CONTRACTS.md, made from the session's
 * `leaderboard`, for outputs written before branch verdict writes the real ones: every
 * configuration "tested" on 320 images (accuracy from a hash of its id), Wilson 95% intervals,
 * rank_on_test, regret and a stand-in for its paired interval (±3 points), and a 3-class test confusion matrix of the
 * recommendation (162 + 158 images).
 */
object ContractViews {

  val Names: Seq[String] = Seq("audit", "test_results")

  /** Registers both as temp views, each unless it exists; returns the ones it registered. */
  def register(spark: SparkSession): Seq[String] = {
    val missing = Names.filterNot(spark.catalog.tableExists)
    val board = spark.table("leaderboard")
    val axes = board.columns.dropWhile(_ != "config_id").drop(1).takeWhile(_ != "seeds").mkString(", ")
    val wilson = (sign: String) =>
      s"CAST((p + 1.96 * 1.96 / (2 * n) $sign 1.96 * sqrt(p * (1 - p) / n + 1.96 * 1.96 / (4 * n * n))) / " +
        "(1 + 1.96 * 1.96 / n) AS DOUBLE)"
    if (missing.contains("audit")) spark.sql(
      s"""SELECT config_id, $axes, rank, competitive, coalesce(rank = 1, false) AS recommended,
         |       val_loss_mean AS val_loss, gap_mean AS gap,
         |       CAST(greatest(1, round(coalesce(best_epoch_mean, 1))) AS INT) AS epochs,
         |       n AS examples, p AS test_acc, ${wilson("-")} AS test_acc_ci_low,
         |       ${wilson("+")} AS test_acc_ci_high, CAST(1.1 - p AS DOUBLE) AS test_loss,
         |       CAST(rank() OVER (PARTITION BY n ORDER BY p DESC) AS INT) AS rank_on_test,
         |       max(p) OVER (PARTITION BY n) - p AS regret,
         |       CASE WHEN max(p) OVER (PARTITION BY n) = p THEN NULL
         |            ELSE max(p) OVER (PARTITION BY n) - p - 0.03 END AS regret_ci_low,
         |       CASE WHEN max(p) OVER (PARTITION BY n) = p THEN NULL
         |            ELSE max(p) OVER (PARTITION BY n) - p + 0.03 END AS regret_ci_high
         |FROM (SELECT *, 320 AS n, CAST((200 + pmod(hash(config_id), 97)) / 320.0 AS DOUBLE) AS p
         |      FROM leaderboard)
         |""".stripMargin).createOrReplaceTempView("audit")
    if (missing.contains("test_results")) spark.sql(
      s"""SELECT config_id, rank, $axes,
         |       'refit on train+validation for 7 epochs (mean best epoch of 2 trials)' AS policy,
         |       'local' AS refit_mode, epochs, examples, CAST(round(test_acc * examples) AS INT) AS correct,
         |       test_acc, test_acc_ci_low, test_acc_ci_high, test_loss,
         |       CAST(array(0.9012345, 0.75, NULL) AS ARRAY<DOUBLE>) AS per_class_acc,
         |       array(array(150, 10, 2), array(18, 140, 0), array(0, 0, 0)) AS confusion
         |FROM audit WHERE recommended""".stripMargin).createOrReplaceTempView("test_results")
    missing
  }
}
