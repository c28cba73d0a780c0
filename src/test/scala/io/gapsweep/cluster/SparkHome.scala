package io.gapsweep.cluster

import java.io.File
import java.nio.file.{Files, Path, Paths}
import scala.jdk.CollectionConverters._

/**
 * A Spark home assembled from Maven-resolved jars: what a Spark distribution's jars/ folder holds
 * for spark-core and spark-sql, taken from the test classpath, so no Spark tarball is needed.
 */
object SparkHome {

  private val Log4j =
    """status = error
      |appender.console.type = Console
      |appender.console.name = console
      |appender.console.target = SYSTEM_ERR
      |appender.console.layout.type = PatternLayout
      |appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1}: %m%n
      |rootLogger.level = warn
      |rootLogger.appenderRef.console.ref = console
      |logger.deploy.name = org.apache.spark.deploy
      |logger.deploy.level = info
      |logger.gapsweep.name = io.gapsweep
      |logger.gapsweep.level = info
      |""".stripMargin

  /**
   * Fills `home` with jars/ (links to the jars of `sparkJars`, or copies of them with `copy`) and
   * conf/log4j2.properties, and returns the jars. Copies are for JVMs of another user: the links
   * point into the local Maven repository, which is usually private to its owner.
   */
  def build(home: Path, dependencyTree: Path, copy: Boolean = false): Seq[Path] = {
    val jars = sparkJars(Files.readAllLines(dependencyTree).asScala.toSeq, classpath)
    val jarDir = Files.createDirectories(home.resolve("jars"))
    jars.foreach { jar =>
      if (copy) Files.copy(jar, jarDir.resolve(jar.getFileName))
      else Files.createSymbolicLink(jarDir.resolve(jar.getFileName), jar)
    }
    Files.writeString(Files.createDirectories(home.resolve("conf")).resolve("log4j2.properties"), Log4j)
    jars
  }

  private def classpath: Seq[Path] =
    System.getProperty("java.class.path").split(File.pathSeparator).toSeq.map(Paths.get(_))

  /**
   * The jars of `classpath` that spark-core and spark-sql need at run time, according to the
   * verbose output of `mvn dependency:tree`. Maven places an artifact that several branches reach
   * under one of them only, so the closure follows every node of an artifact Spark needs.
   */
  def sparkJars(tree: Seq[String], classpath: Seq[Path]): Seq[Path] = {
    val nodes = tree.drop(1).filter(_.trim.nonEmpty).map(parse).toVector
    def subtree(i: Int): Seq[String] =
      nodes.drop(i + 1).takeWhile(_._1 > nodes(i)._1).map(_._2)
    val roots = nodes.indices.filter(i => nodes(i)._1 == 1 && nodes(i)._2.startsWith("org.apache.spark:"))
    var keys = roots.flatMap(i => nodes(i)._2 +: subtree(i)).toSet
    var grown = true
    while (grown) {
      val more = nodes.indices.filter(i => keys(nodes(i)._2)).flatMap(subtree).toSet -- keys
      grown = more.nonEmpty
      keys ++= more
    }
    keys.toSeq.sorted.map { key =>
      classpath.find(isArtifact(_, key)).getOrElse(
        throw new IllegalStateException(s"Cannot find $key of Spark's runtime on the test classpath"))
    }
  }

  /** (depth, "group:artifact[:classifier]") of a tree line such as `|  +- (g:a:jar:1.0:compile - ...)`. */
  private def parse(line: String): (Int, String) = {
    val start = line.indexWhere(c => c.isLetterOrDigit || c == '(')
    val parts = line.substring(start).stripPrefix("(").takeWhile(_ != ' ').split(':')
    val key = if (parts.length == 6) s"${parts(0)}:${parts(1)}:${parts(3)}" else s"${parts(0)}:${parts(1)}"
    (start / 3, key)
  }

  /** Whether `jar`, in a Maven repository layout, is the artifact "group:artifact[:classifier]". */
  private def isArtifact(jar: Path, key: String): Boolean = {
    val Array(group, artifact, classifier @ _*) = key.split(':')
    val versionDir = jar.getParent
    versionDir != null && versionDir.getParent != null &&
      versionDir.getParent.endsWith(Paths.get(group.replace('.', '/'), artifact)) && {
        val version = versionDir.getFileName.toString
        jar.getFileName.toString == (Seq(artifact, version) ++ classifier).mkString("-") + ".jar"
      }
  }
}
