package io.gapsweep.testing

import java.nio.file.{Files, Path}
import java.util.Comparator
import scala.jdk.CollectionConverters._

/** Temporary folders that are removed after the block, whatever it does. */
trait TempDirs {

  protected def withTempDir[T](body: Path => T): T = {
    val dir = Files.createTempDirectory("gapsweep-test-")
    try body(dir)
    finally deleteRecursively(dir)
  }

  /** Every file under the folder with its size and modification time, to prove nothing changed. */
  protected def snapshot(dir: Path): Map[String, (Long, Long)] = {
    val paths = Files.walk(dir)
    try paths.iterator().asScala.filter(Files.isRegularFile(_)).map { p =>
      dir.relativize(p).toString -> ((Files.size(p), Files.getLastModifiedTime(p).toMillis))
    }.toMap
    finally paths.close()
  }

  protected def deleteRecursively(dir: Path): Unit = {
    if (Files.exists(dir)) {
      val paths = Files.walk(dir)
      try paths.sorted(Comparator.reverseOrder[Path]()).forEach(p => Files.deleteIfExists(p))
      finally paths.close()
    }
  }
}
