package io.gapsweep.e2e

import com.fasterxml.jackson.databind.{JsonNode, ObjectMapper}

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * What the notebooks ask of gapsweep, read from their code cells: every `spark.sql("""...""")`
 * and every call into the JVM through `spark._jvm`.
 */
object NotebookQueries {

  private val Sql = "(?s)spark\\.sql\\(\"\"\"(.*?)\"\"\"\\)".r
  private val Setup = "spark._jvm.io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, OUTPUT)"
  // A call is the dotted path after spark._jvm and its argument list; nested calls are not
  // arguments a notebook needs, so an argument list holds no parentheses.
  private val Call = "spark\\._jvm\\.([A-Za-z_][\\w.]*)\\(([^()]*)\\)".r
  private val Assignment = "(?m)^([A-Za-z_]\\w*)\\s*=\\s*(\"[^\"]*\"|'[^']*'|-?\\d+(?:\\.\\d*)?)\\s*(?:#.*)?$".r

  /** A call from a notebook into the JVM: a static method (or a constructor, method "new"). */
  final case class JvmCall(notebook: String, className: String, method: String, args: Seq[String]) {
    override def toString: String = s"$notebook: $className.$method(${args.mkString(", ")})"
  }

  /** The notebooks of a folder, by file name. */
  def notebooks(folder: Path): Seq[Path] = {
    val paths = Files.list(folder)
    try paths.iterator().asScala.filter(_.toString.endsWith(".ipynb")).toSeq
      .sortBy(_.getFileName.toString)
    finally paths.close()
  }

  /** The cells of a notebook, code and markdown, as JSON. */
  def cells(notebook: Path): Seq[JsonNode] =
    new ObjectMapper().readTree(notebook.toFile).get("cells").elements().asScala.toSeq

  /** The source of every code cell, in order. */
  def codeCells(notebook: Path): Seq[String] =
    cells(notebook).filter(_.get("cell_type").asText() == "code").map { cell =>
      val source = cell.get("source")
      if (source.isArray) source.elements().asScala.map(_.asText()).mkString else source.asText()
    }

  /** Notebook file name → its queries, in order; fails if a notebook skips the shared setup. */
  def all(folder: Path): Seq[(String, Seq[String])] = {
    val found = notebooks(folder)
    require(found.nonEmpty, s"no notebooks in $folder")
    found.map { path =>
      val code = codeCells(path)
      require(code.headOption.exists(_.contains(Setup)), s"$path: the first code cell must call $Setup")
      path.getFileName.toString -> code.flatMap(cell => Sql.findAllMatchIn(cell).map(_.group(1).trim))
    }
  }

  /** Every `spark._jvm` call of a notebook, with its arguments as written. */
  def jvmCalls(notebook: Path): Seq[JvmCall] =
    codeCells(notebook).flatMap(cell => Call.findAllMatchIn(cell)).map { m =>
      val path = m.group(1).split('.').toSeq
      val args = m.group(2).split(',').map(_.trim).filter(_.nonEmpty).toSeq
      if (path.last.head.isUpper) JvmCall(notebook.getFileName.toString, path.mkString("."), "new", args)
      else JvmCall(notebook.getFileName.toString, path.init.mkString("."), path.last, args)
    }

  /** The literals a notebook binds to names at the top of a cell (`OUTPUT = "results/demo"`). */
  def literals(notebook: Path): Map[String, String] =
    codeCells(notebook).flatMap(cell => Assignment.findAllMatchIn(cell))
      .map(m => m.group(1) -> m.group(2)).toMap
}
