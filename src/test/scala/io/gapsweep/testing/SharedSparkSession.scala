package io.gapsweep.testing

import org.apache.spark.sql.SparkSession
import org.scalatest.{BeforeAndAfterAll, Suite}

/** One local[2] Spark session for every suite in the JVM, as Spark's own test harness does. */
trait SharedSparkSession extends BeforeAndAfterAll { self: Suite =>

  protected def spark: SparkSession = SharedSparkSession.session
}

object SharedSparkSession {
  lazy val session: SparkSession = SparkSession
    .builder()
    .master("local[2]")
    .appName("gapsweep-tests")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.speculation", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .getOrCreate()
}
