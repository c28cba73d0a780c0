package io.gapsweep.testing

import io.gapsweep.dispatch.SparkSessions
import org.apache.spark.sql.SparkSession
import org.scalatest.{BeforeAndAfterAll, Suite}

import scala.jdk.CollectionConverters._

/**
 * One local[2] Spark session for every suite in the JVM, as Spark's own test harness does, with
 * the interpreted evaluation gapsweep's own sessions use.
 */
trait SharedSparkSession extends BeforeAndAfterAll { self: Suite =>

  protected def spark: SparkSession = SharedSparkSession.session
}

object SharedSparkSession {
  lazy val session: SparkSession = SparkSessions.INTERPRETED.asScala
    .foldLeft(SparkSession.builder())((builder, setting) => builder.config(setting._1, setting._2))
    .master("local[2]")
    .appName("gapsweep-tests")
    .config("spark.ui.enabled", "false")
    .config("spark.sql.shuffle.partitions", "2")
    .config("spark.speculation", "false")
    .config("spark.driver.host", "127.0.0.1")
    .config("spark.driver.bindAddress", "127.0.0.1")
    .getOrCreate()
}
