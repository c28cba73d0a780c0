package io.gapsweep.testing

import org.scalatest.funsuite.AnyFunSuite
import org.slf4j.LoggerFactory

/** The two pins that, when lost, break Spark silently or at start-up (see the pom). */
class DependencyPinsSuite extends AnyFunSuite with SharedSparkSession {

  test("slf4j binds to log4j2, not to the no-op logger") {
    val factory = LoggerFactory.getILoggerFactory.getClass.getName
    assert(factory == "org.apache.logging.slf4j.Log4jLoggerFactory")
  }

  test("commons-lang3 is new enough for Spark (JavaVersion.JAVA_17 exists)") {
    val field = classOf[org.apache.commons.lang3.JavaVersion].getField("JAVA_17")
    assert(field != null)
    assert(spark.range(3).count() == 3)
  }
}
