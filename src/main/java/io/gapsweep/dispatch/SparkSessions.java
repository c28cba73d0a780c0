package io.gapsweep.dispatch;

import io.gapsweep.config.RunSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Opens the one Spark session a command uses.
 *
 * <p>Under {@code spark-submit} the master and everything else come from it; gapsweep adds only
 * what a DL4J sweep needs (one core per trial thread, no speculative duplicate trials). Without
 * it, the session runs embedded in local mode, bound to 127.0.0.1 and with the UI off, so a
 * laptop run exposes nothing on the network.
 */
public final class SparkSessions {

  private SparkSessions() {}

  public static SparkSession forSweep(String appName, RunSettings run) {
    SparkSession.Builder builder =
        base(appName, run.localMaster())
            .config("spark.task.cpus", String.valueOf(run.threadsPerTrial()))
            .config("spark.speculation", "false");
    return builder.getOrCreate();
  }

  /** A session for reading results: local unless spark-submit says otherwise. */
  public static SparkSession forQueries(String appName) {
    return base(appName, "local[*]").getOrCreate();
  }

  private static SparkSession.Builder base(String appName, String localMaster) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    // SparkConf reads the spark.* system properties that spark-submit sets.
    if (!new SparkConf().contains("spark.master")) {
      builder
          .master(localMaster)
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1");
    }
    return builder;
  }
}
