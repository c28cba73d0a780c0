package io.gapsweep.testing

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
}
