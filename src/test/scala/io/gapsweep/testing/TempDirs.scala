package io.gapsweep.testing

import java.nio.file.{Files, Path}
import java.util.Comparator

/** Temporary folders that are removed after the block, whatever it does. */
trait TempDirs {

  protected def withTempDir[T](body: Path => T): T = {
    val dir = Files.createTempDirectory("gapsweep-test-")
    try body(dir)
    finally deleteRecursively(dir)
  }

  protected def deleteRecursively(dir: Path): Unit = {
    if (Files.exists(dir)) {
      val paths = Files.walk(dir)
      try paths.sorted(Comparator.reverseOrder[Path]()).forEach(p => Files.deleteIfExists(p))
      finally paths.close()
    }
  }
}
