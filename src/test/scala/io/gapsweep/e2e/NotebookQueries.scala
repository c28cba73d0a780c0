package io.gapsweep.e2e

import com.fasterxml.jackson.databind.ObjectMapper

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/** The SQL statements of the notebooks: every `spark.sql("""...""")` of every code cell. */
object NotebookQueries {

  private val Sql = "(?s)spark\\.sql\\(\"\"\"(.*?)\"\"\"\\)".r
  private val Setup = "spark._jvm.io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, OUTPUT)"

  /** Notebook file name → its queries, in order; fails if a notebook skips the shared setup. */
  def all(folder: Path): Seq[(String, Seq[String])] = {
    val notebooks = Files.list(folder).iterator().asScala.filter(_.toString.endsWith(".ipynb"))
      .toSeq.sortBy(_.getFileName.toString)
    require(notebooks.nonEmpty, s"no notebooks in $folder")
    notebooks.map { path =>
      val cells = new ObjectMapper().readTree(path.toFile).get("cells").elements().asScala
        .filter(_.get("cell_type").asText() == "code")
        .map(_.get("source").elements().asScala.map(_.asText()).mkString)
        .toSeq
      require(cells.headOption.exists(_.contains(Setup)), s"$path: the first code cell must call $Setup")
      path.getFileName.toString -> cells.flatMap(cell => Sql.findAllMatchIn(cell).map(_.group(1).trim))
    }
  }
}
