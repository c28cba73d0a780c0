package io.gapsweep.testing

import io.gapsweep.analysis.{AnalysisViews, SavedSweep}
import io.gapsweep.store.{OutputFolder, WriteMode}
import io.gapsweep.train.TrialResult
import org.apache.spark.sql.SparkSession

/** Results written as a finished sweep leaves them, without running one. */
object SavedResults {

  /**
   * Writes `trials`, `curves`, the marker and `sweep.conf` under `output`.
   *
   * @throws io.gapsweep.store.ResultsExistException when the output holds a sweep and `mode` is
   *     FAIL_IF_EXISTS; nothing is touched then
   */
  def write(spark: SparkSession, output: String, results: java.util.List[TrialResult], conf: String,
      mode: WriteMode = WriteMode.FAIL_IF_EXISTS): Unit = {
    val folder = OutputFolder.of(spark, output)
    folder.makeRoom(mode)
    folder.replaceTables(spark, results)
    folder.mark()
    folder.writeText(OutputFolder.SWEEP_CONF, conf)
  }

  /**
   * Saves the views of the results under `output` (its `classes.txt` written) as a run saves them,
   * computing them once: commands that read the folder then register the saved rows.
   */
  def saveViews(spark: SparkSession, output: String): Unit = {
    val sweep = SavedSweep.open(spark, output)
    AnalysisViews.save(spark, OutputFolder.of(spark, output), sweep.settings.leaderboard,
      sweep.classes.size)
  }
}
