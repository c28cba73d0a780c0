package io.gapsweep.testing

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/** What an output's trial journal holds, read from its files, as a crash test checks it. */
object Journals {

  /** Trial ids with a record in the journal of the output {@code out} (none before it exists). */
  def committed(out: Path): Set[String] = {
    val journal = out.resolve("journal")
    if (!Files.isDirectory(journal)) Set.empty
    else Files.list(journal).iterator().asScala.map(_.getFileName.toString)
      .filter(_.endsWith(".json")).map(_.stripSuffix(".json")).toSet
  }
}
