package io.gapsweep.e2e

import io.gapsweep.analysis.SavedSweep
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.{ContractViews, SavedResults, SharedSparkSession, TempDirs, TrialFixtures}
import io.gapsweep.train.Predictions
import org.apache.spark.api.java.JavaSparkContext
import org.apache.spark.sql.SparkSession
import org.scalatest.funsuite.AnyFunSuite

import java.lang.reflect.{Executable, Modifier}
import java.nio.file.{Files, Path, Paths}
import java.util.concurrent.TimeUnit
import scala.jdk.CollectionConverters._

/**
 * The notebooks as far as this machine can run them without PySpark (which no registry here
 * serves): every code cell compiles under python3 and reads no undefined name, every JVM entry
 * point a notebook calls exists with that signature, every SQL statement returns rows from an output
 * with folds, predictions and pruned trials, and git holds no outputs. EndToEndSuite runs every
 * SQL statement again against the output of a real sweep.
 */
class NotebookSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val folder = Paths.get("notebooks")
  private val notebooks = NotebookQueries.notebooks(folder)

  // Debian's python3 when present (CI installs it: .ci/run), else the first on the PATH.
  private val python =
    if (Files.isExecutable(Paths.get("/usr/bin/python3"))) "/usr/bin/python3" else "python3"

  private def runPython(args: String*): (Int, String) = {
    val process = try new ProcessBuilder((python +: args): _*).redirectErrorStream(true).start()
    catch {
      case e: java.io.IOException =>
        fail(s"Cannot check the notebooks: no $python (.ci/run installs Debian's python3): ${e.getMessage}")
    }
    val output = new String(process.getInputStream.readAllBytes())
    assert(process.waitFor(1, TimeUnit.MINUTES), output)
    (process.exitValue(), output)
  }

  test("there are notebooks, and each starts with the shared setup") {
    assert(notebooks.map(_.getFileName.toString) ==
      Seq("axis-effects.ipynb", "leaderboard.ipynb", "learning-curves.ipynb", "report-pictures.ipynb"))
    assert(NotebookQueries.all(folder).forall(_._2.nonEmpty))
  }

  test("every SQL statement of every notebook returns rows from an output with folds, predictions, " +
      "pruned trials, a test result and an audit") {
    withTempDir { dir =>
      val out = dir.resolve("out").toString
      // 3 configurations x 2 seeds x 2 folds of 4 validation examples; successive halving pruned
      // the third configuration.
      val results = for {
        (dropout, c) <- Seq(0.0, 0.25, 0.5).zipWithIndex
        seed <- 0 to 1
        fold <- 0 to 1
      } yield {
        val losses = Array(0.2 + 0.1 * c, 0.3 + 0.01 * seed, 0.9 - 0.05 * fold, 0.25)
        val probabilities = losses.flatMap { loss =>
          val p = math.exp(-loss).toFloat
          Array(p, 1 - p)
        }
        val predictions = new Predictions(2, Array(0, 0, 0, 0), Array(0, 0, c % 2, 0), losses,
          probabilities, Array(0, 1, 2, 3).map(_ + 4 * fold))
        val points = TrialFixtures.curve((1.2, 0.5, 1.3, 0.45), (0.8, 0.7, 1.0 + 0.1 * c, 0.6),
          (0.5, 0.8, 1.1 + 0.1 * c, 0.62), (0.3, 0.9, 1.3 + 0.1 * c, 0.6))
        TrialFixtures.trial(s"c$c", seed, points, 2, dropout = dropout, fold = fold,
          stopReason = if (c == 2) "pruned" else "patience", predictions = predictions)
      }
      SavedResults.write(spark, out, results.asJava, "gapsweep { name = \"notebooks\" }\n")
      OutputFolder.of(spark, out).writeText(OutputFolder.CLASSES, "circle\nsquare\n")
      SavedSweep.open(spark, out)
      // Branch verdict writes test_results and audit; until then, views with their columns.
      val created = ContractViews.register(spark)
      try {
        for ((notebook, queries) <- NotebookQueries.all(folder); query <- queries) {
          val rows = spark.sql(query).collect()
          assert(rows.nonEmpty, s"$notebook: no rows from\n$query")
        }
        val outcomes = spark.sql("SELECT CASE WHEN stop_reason = 'pruned' THEN 'pruned' ELSE fit END AS o " +
          "FROM trial_summary WHERE config_id = 'c2'").collect().map(_.getString(0)).distinct.toSeq
        assert(outcomes == Seq("pruned"))
      } finally created.foreach(spark.catalog.dropTempView)
    }
  }

  test("every code cell compiles under python3 and reads only names bound before it") {
    val checker = Paths.get(getClass.getResource("/io/gapsweep/notebooks/check_cells.py").toURI)
    val (code, output) = runPython(checker.toString +: notebooks.map(_.toString): _*)
    assert(code == 0, output)
    assert(output.isEmpty)
  }

  test("the cell checker reports a syntax error and an undefined name, with cell and line") {
    withTempDir { dir =>
      val notebook = writeNotebook(dir.resolve("broken.ipynb"),
        Seq("%matplotlib inline\nx = 1", "print(x)\nbst.plot()", "def f(:\n  pass"), outputs = false)
      val checker = Paths.get(getClass.getResource("/io/gapsweep/notebooks/check_cells.py").toURI)
      val (code, output) = runPython(checker.toString, notebook.toString)
      assert(code == 1)
      val lines = output.linesIterator.toSeq
      assert(lines.size == 2, output)
      assert(lines(0) == s"$notebook cell 2 line 2: bst is not defined")
      // The wording of a syntax error is Python's own and changes between versions.
      assert(lines(1).startsWith(s"$notebook cell 3 line 1: "), output)
    }
  }

  test("every JVM entry point a notebook calls exists, public and static, with that signature") {
    val calls = notebooks.flatMap(NotebookQueries.jvmCalls).map(_.toString)
    assert(calls.contains(
      "leaderboard.ipynb: io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, OUTPUT)"))
    assert(notebooks.flatMap(entryPointProblems).isEmpty)
  }

  test("a JVM call with the wrong arguments, or to a method that does not exist, is reported") {
    withTempDir { dir =>
      val notebook = writeNotebook(dir.resolve("calls.ipynb"), Seq(
        "OUTPUT = 'results/demo'\nspark._jvm.io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, OUTPUT)",
        "spark._jvm.io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, 3)",
        "spark._jvm.io.gapsweep.analysis.SavedSweep.load(spark._jsparkSession, OUTPUT)",
        "spark._jvm.io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, where)"), outputs = false)
      val open = "public static io.gapsweep.analysis.SavedSweep io.gapsweep.analysis.SavedSweep.open(" +
        "org.apache.spark.sql.SparkSession,java.lang.String)"
      assert(entryPointProblems(notebook) == Seq(
        s"calls.ipynb: io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, 3): no public " +
          s"static method accepts these arguments; found $open",
        "calls.ipynb: io.gapsweep.analysis.SavedSweep.load(spark._jsparkSession, OUTPUT): no public " +
          "static method accepts these arguments; found nothing of that name",
        "calls.ipynb: io.gapsweep.analysis.SavedSweep.open(spark._jsparkSession, where): cannot " +
          "tell the Java type of argument where; bind it to a literal"))
    }
  }

  /** Each `spark._jvm` call of a notebook that Py4J could not make, and why. */
  private def entryPointProblems(notebook: Path): Seq[String] = {
    val literals = NotebookQueries.literals(notebook)
    NotebookQueries.jvmCalls(notebook).flatMap { call =>
      val kinds = call.args.map(arg => arg -> kind(arg, literals))
      kinds.collectFirst { case (arg, None) => arg } match {
        case Some(arg) => Some(s"$call: cannot tell the Java type of argument $arg; bind it to a literal")
        case None =>
          val target = Class.forName(call.className)
          val candidates: Seq[Executable] =
            if (call.method == "new") target.getConstructors.toSeq
            else target.getMethods.toSeq.filter(m => m.getName == call.method && Modifier.isStatic(m.getModifiers))
          val matching = candidates.filter { e =>
            Modifier.isPublic(e.getModifiers) && e.getParameterCount == kinds.size &&
              e.getParameterTypes.toSeq.zip(kinds.map(_._2.get)).forall { case (parameter, accepts) => accepts(parameter) }
          }
          val found = if (candidates.isEmpty) "nothing of that name" else candidates.map(_.toString).mkString("; ")
          if (matching.nonEmpty) None
          else Some(s"$call: no public static method accepts these arguments; found $found")
      }
    }
  }

  /** What Py4J passes for a notebook argument: which Java parameter types accept it. */
  private def kind(arg: String, literals: Map[String, String]): Option[Class[_] => Boolean] = {
    def assignable(c: Class[_]): Class[_] => Boolean = parameter => parameter.isAssignableFrom(c)
    val IntLiteral = "-?\\d+".r
    val DecimalLiteral = "-?\\d+\\.\\d*".r
    arg match {
      case "spark._jsparkSession" => Some(assignable(classOf[SparkSession]))
      case "spark._jsc" => Some(assignable(classOf[JavaSparkContext]))
      case s if s.startsWith("\"") || s.startsWith("'") => Some(assignable(classOf[String]))
      case IntLiteral() => Some(Set[Class[_]](Integer.TYPE, classOf[java.lang.Integer], java.lang.Long.TYPE,
        classOf[java.lang.Long], classOf[Object]).contains)
      case DecimalLiteral() => Some(Set[Class[_]](java.lang.Double.TYPE, classOf[java.lang.Double], classOf[Object]).contains)
      case "True" | "False" => Some(Set[Class[_]](java.lang.Boolean.TYPE, classOf[java.lang.Boolean]).contains)
      case name => literals.get(name).flatMap(kind(_, Map.empty))
    }
  }

  test("no notebook holds outputs or execution counts: git keeps only their source") {
    for (notebook <- notebooks; cell <- NotebookQueries.cells(notebook)
         if cell.get("cell_type").asText() == "code") {
      val why = s"$notebook: a cell was run; python3 notebooks/strip-outputs.py removes what it left"
      assert(cell.get("outputs").isEmpty, why)
      assert(cell.get("execution_count").isNull, why)
    }
  }

  test("strip-outputs.py removes outputs and execution counts and leaves a clean notebook as it is") {
    withTempDir { dir =>
      val run = writeNotebook(dir.resolve("run.ipynb"), Seq("1 + 1", "print('×')"), outputs = true)
      val clean = Files.copy(notebooks.head, dir.resolve("clean.ipynb"))
      val before = Files.readAllBytes(clean)
      val script = folder.resolve("strip-outputs.py").toString

      assert(runPython(script, "--check", run.toString, clean.toString) == (1, s"has outputs: $run\n"))
      assert(runPython(script, run.toString, clean.toString) == (0, s"stripped: $run\n"))
      assert(runPython(script, "--check", run.toString, clean.toString) == (0, ""))
      assert(NotebookQueries.codeCells(run) == Seq("1 + 1", "print('×')"))
      assert(Files.readAllBytes(clean).sameElements(before))
    }
  }

  /** A notebook of code cells, as Jupyter writes it once run when outputs is set. */
  private def writeNotebook(path: Path, code: Seq[String], outputs: Boolean): Path = {
    val mapper = new com.fasterxml.jackson.databind.ObjectMapper()
    val root = mapper.createObjectNode()
    val cells = root.putArray("cells")
    for ((source, i) <- code.zipWithIndex) {
      val cell = cells.addObject()
      cell.put("cell_type", "code")
      cell.putObject("metadata")
      val lines = cell.putArray("source")
      source.split("(?<=\n)").foreach(line => lines.add(line))
      val out = cell.putArray("outputs")
      if (outputs) {
        cell.put("execution_count", i + 1)
        val result = out.addObject()
        result.put("output_type", "execute_result")
        result.putObject("data").put("text/plain", "2")
      } else cell.putNull("execution_count")
    }
    root.putObject("metadata")
    root.put("nbformat", 4)
    root.put("nbformat_minor", 5)
    Files.writeString(path, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root))
  }
}
