package io.gapsweep.testing

import org.scalatest.funsuite.AnyFunSuite
import org.slf4j.LoggerFactory

import java.io.File
import scala.jdk.CollectionConverters._

/** The pins that, when lost, break Spark silently or at start-up (see the pom). */
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

  /** Maven coordinates (group, artifact, version) of every jar on the test classpath. */
  private lazy val jars: Seq[(String, String, String)] = {
    val repository = (File.separator + "repository" + File.separator)
    System.getProperty("java.class.path").split(File.pathSeparator).toSeq
      .filter(p => p.endsWith(".jar") && p.contains(repository))
      .map { p =>
        val parts = p.substring(p.indexOf(repository) + repository.length).split(File.separator.head)
        // group/as/dirs/artifact/version/artifact-version.jar
        val version = parts(parts.length - 2)
        val artifact = parts(parts.length - 3)
        (parts.take(parts.length - 3).mkString("."), artifact, version)
      }
  }

  test("dl4j-spark brings no Spark but the pinned one (mvn dependency:tree agrees)") {
    val spark = jars.filter(_._1 == "org.apache.spark")
    assert(spark.exists(_._2 == "spark-mllib_2.12"), "dl4j-spark's mllib is on the classpath")
    assert(spark.map(_._3).distinct == Seq(org.apache.spark.SPARK_VERSION), spark)
    // Also what a fat classpath or a shaded jar would hide from the list above.
    val contexts = getClass.getClassLoader.getResources("org/apache/spark/SparkContext.class").asScala
    assert(contexts.size == 1)
  }

  test("one Kryo: Spark's kryo-shaded, not nd4j-kryo's com.esotericsoftware:kryo 4.0.0") {
    assert(jars.filter(_._1 == "com.esotericsoftware").map(_._2).sorted == Seq("kryo-shaded", "minlog"))
    val kryos = getClass.getClassLoader.getResources("com/esotericsoftware/kryo/Kryo.class").asScala
    assert(kryos.size == 1)
  }
}
