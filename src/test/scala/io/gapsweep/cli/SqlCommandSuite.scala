package io.gapsweep.cli

import io.gapsweep.config.SettingsLoader
import io.gapsweep.store.OutputFolder
import io.gapsweep.testing.SavedResults
import io.gapsweep.testing.{Cli, SharedSparkSession, TempDirs}
import io.gapsweep.testing.TrialFixtures._
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Paths
import scala.collection.JavaConverters._

class SqlCommandSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private val results = Seq(
    trial("cfg-a", 0, curve((1.0, 0.5, 1.0, 0.5), (0.5, 0.875, 0.75, 0.75)), bestEpoch = 2),
    trial("cfg-a", 1, curve((0.5, 0.875, 1.0, 0.75)), bestEpoch = 1),
    trial("cfg-b", 0, curve((0.25, 1.0, 0.75, 0.875)), bestEpoch = 1, depth = 3, l2 = 0.0))

  /**
   * A results folder of the trials above, saved with the demo settings and their views as a run
   * leaves them; every test reads it, and those that must write nothing check that it is unchanged.
   */
  private def saved: java.nio.file.Path = savedDir.getOrElse {
    val dir = java.nio.file.Files.createTempDirectory("gapsweep-sql-")
    savedDir = Some(dir)
    val conf = SettingsLoader.read(Paths.get("conf/demo.conf")).resolvedHocon()
    SavedResults.write(spark, dir.toString, results.asJava, conf)
    OutputFolder.of(spark, dir.toString).writeText(OutputFolder.CLASSES, "a\nb\nc\nd\ne\nf\n")
    SavedResults.saveViews(spark, dir.toString)
    dir
  }

  private var savedDir: Option[java.nio.file.Path] = None

  override def afterAll(): Unit =
    try savedDir.foreach(deleteRecursively)
    finally super.afterAll()

  /** Runs gapsweep sql over {@link #saved}. */
  private def sql(args: String*): Cli.Result = Cli.run(Seq("sql", saved.toString) ++ args: _*)

  private def refused(query: String, kind: String): Unit = {
    val result = sql(query)
    assert(result.code == 2, result)
    assert(result.out == "")
    assert(result.err == "gapsweep: Cannot run this statement: gapsweep sql runs queries only" +
      s" (SELECT, WITH, VALUES, TABLE, FROM ...); got $kind\n")
  }

  test("a SELECT on each view, as an aligned table by default") {
    val result = sql(
      """SELECT l.config_id, l.seeds, l.gap_mean, s.fits, e.axis, e.level
        |FROM leaderboard l
        |JOIN (SELECT config_id, count(*) AS fits FROM trial_summary GROUP BY config_id) s
        |  ON s.config_id = l.config_id
        |JOIN axis_effects e ON e.axis = 'l2' AND e.level_value = l.l2
        |JOIN t_quantiles q ON q.df = 1
        |ORDER BY l.config_id, e.level""".stripMargin)
    assert(result.code == 0, result)
    assert(result.out ==
      """config_id  seeds  gap_mean  fits  axis  level
        |---------  -----  --------  ----  ----  ------
        |cfg-a          2     0.375     2  l2    0.0001
        |cfg-b          1       0.5     1  l2    0
        |(2 rows)
        |""".stripMargin)
  }

  test("csv: a header, RFC 4180 quoting, null as an empty field") {
    val result = sql("SELECT 'a,b' AS x, 'say \"hi\"' AS y, CAST(NULL AS STRING) AS z, 0.0001D AS w, " +
      "'two\nlines' AS v", "--format", "csv")
    assert(result.code == 0, result)
    assert(result.out == "x,y,z,w,v\n\"a,b\",\"say \"\"hi\"\"\",,1.0E-4,\"two\nlines\"\n")
  }

  test("json: one object per line, nulls kept") {
    val result = sql(
      "SELECT config_id, seeds, gap_mean, gap_sd FROM leaderboard ORDER BY config_id",
      "--format", "json")
    assert(result.code == 0, result)
    assert(result.out ==
      """{"config_id":"cfg-a","seeds":2,"gap_mean":0.375,"gap_sd":0.1767766952966369}
        |{"config_id":"cfg-b","seeds":1,"gap_mean":0.5,"gap_sd":null}
        |""".stripMargin)
  }

  test("statements that are not queries are refused, naming their kind") {
    refused("DROP TABLE trials", "DropTable")
    refused("CREATE TEMPORARY VIEW v AS SELECT 1", "CreateViewCommand")
    refused("INSERT INTO trials SELECT * FROM trials", "InsertIntoStatement")
    refused("SET spark.sql.shuffle.partitions=3", "SetCommand")
    refused("CACHE TABLE trials", "CacheTable")
    refused("ADD JAR /tmp/evil.jar", "AddJarsCommand")
    refused("WITH t AS (SELECT 1) INSERT INTO trials SELECT * FROM t", "InsertIntoStatement")
    refused("SELECT reflect('java.lang.System', 'exit', 0)", "function reflect")
  }

  test("two statements are refused; a trailing semicolon is fine") {
    val two = sql("SELECT 1; DROP TABLE trials")
    assert(two.code == 2)
    assert(two.err == "gapsweep: Cannot run the query: gapsweep sql runs one statement at a time;" +
      " got 2 statements separated by ';'\n")
    val one = sql("SELECT 'a;b' AS x; -- done;", "--format", "csv")
    assert(one.code == 0, one)
    assert(one.out == "x\na;b\n")
  }

  test("without a query: the tables and views with their columns") {
    val result = sql()
    assert(result.code == 0, result)
    val lines = result.out.linesIterator.toSeq
    assert(lines.filterNot(_.startsWith("  ")) ==
      Seq("trials", "curves", "predictions", "t_quantiles", "trial_summary", "competitive_band",
        "leaderboard", "axis_effects"))
    assert(lines.contains("  overfit_onset int"))
    assert(lines.contains("  gap_ci_low double"))
    assert(lines.take(3) == Seq("trials", "  trial_id string", "  config_id string"))
  }

  test("a syntax error gives Spark's parse message, no stack trace") {
    val result = sql("SELEC * FROM trials")
    assert(result.code == 2)
    assert(result.out == "")
    assert(result.err.startsWith("gapsweep: Cannot parse the query: "), result.err)
    assert(result.err.contains("Syntax error at or near 'SELEC'"), result.err)
    assert(!result.err.contains("\tat "), result.err)
  }

  test("an unknown column is a user error naming it") {
    val result = sql("SELECT nope FROM trials")
    assert(result.code == 2)
    assert(result.err.startsWith("gapsweep: Cannot run the query: "), result.err)
    assert(result.err.contains("`nope`"), result.err)
  }

  // ---- Hostile input (issue 18): every write path is refused, no file is read or written ----

  /**
   * Runs `query`, with `$X` replaced by a path in a fresh temporary folder, and checks that it is
   * refused with exit 2 and `message`, and that neither that path nor the sweep's folder changed.
   */
  private def refusedWritingNothing(query: String, message: String): Unit = withTempDir { scratch =>
    val target = scratch.resolve("x")
    val text = query.replace("$X", target.toString)
    val before = snapshot(saved)
    val result = Cli.run("sql", saved.toString, text)
    assert(result.code == 2, s"$text: $result")
    assert(result.out == "", text)
    assert(result.err == s"gapsweep: $message\n", text)
    assert(!java.nio.file.Files.exists(target), text)
    assert(snapshot(saved) == before, text)
    assert(snapshot(scratch).isEmpty, text)
  }

  private def notAQuery(query: String, kind: String): Unit =
    refusedWritingNothing(query, "Cannot run this statement: gapsweep sql runs queries only" +
      s" (SELECT, WITH, VALUES, TABLE, FROM ...); got $kind")

  test("INSERT INTO and OVERWRITE of a table or a directory are refused, nothing written") {
    notAQuery("INSERT OVERWRITE DIRECTORY '$X' USING parquet SELECT * FROM trials", "InsertIntoDir")
    notAQuery("INSERT OVERWRITE LOCAL DIRECTORY '$X' USING csv SELECT 1", "InsertIntoDir")
    notAQuery("INSERT OVERWRITE DIRECTORY USING json OPTIONS (path '$X') SELECT 1", "InsertIntoDir")
    notAQuery("INSERT OVERWRITE LOCAL DIRECTORY '$X' ROW FORMAT DELIMITED FIELDS TERMINATED BY ','" +
      " STORED AS TEXTFILE SELECT 1", "InsertIntoDir")
    notAQuery("INSERT OVERWRITE DIRECTORY '$X' STORED AS PARQUET SELECT 1", "InsertIntoDir")
    notAQuery("INSERT INTO trials SELECT * FROM trials", "InsertIntoStatement")
    notAQuery("INSERT OVERWRITE TABLE trials SELECT * FROM trials", "InsertIntoStatement")
    notAQuery("INSERT INTO parquet.`$X` SELECT 1", "InsertIntoStatement")
    notAQuery("WITH t AS (SELECT 1) INSERT OVERWRITE DIRECTORY '$X' USING parquet SELECT * FROM t",
      "InsertIntoDir")
    notAQuery("FROM trials INSERT OVERWRITE DIRECTORY '$X' USING parquet SELECT *", "InsertIntoDir")
  }

  test("CREATE, CTAS, DROP, ALTER and TRUNCATE are refused, nothing written") {
    notAQuery("CREATE TABLE t (a INT) USING parquet LOCATION '$X'", "CreateTable")
    notAQuery("CREATE TABLE t USING parquet LOCATION '$X' AS SELECT * FROM trials",
      "CreateTableAsSelect")
    notAQuery("CREATE TABLE t STORED AS PARQUET LOCATION '$X' AS SELECT 1", "CreateTableAsSelect")
    notAQuery("CREATE VIEW v AS SELECT 1", "CreateView")
    notAQuery("CREATE OR REPLACE TEMPORARY VIEW trials AS SELECT 1", "CreateViewCommand")
    notAQuery("CREATE TEMPORARY VIEW v USING parquet OPTIONS (path '$X')", "CreateTempViewUsing")
    notAQuery("CREATE FUNCTION f AS 'java.lang.Runtime' USING JAR '$X'", "CreateFunction")
    notAQuery("CREATE TEMPORARY FUNCTION f AS 'java.lang.Runtime'", "CreateFunctionCommand")
    notAQuery("CREATE DATABASE d LOCATION '$X'", "CreateNamespace")
    notAQuery("DROP VIEW trial_summary", "DropView")
    notAQuery("DROP TABLE trials", "DropTable")
    notAQuery("ALTER TABLE trials RENAME TO t", "RenameTable")
    notAQuery("ALTER TABLE trials SET LOCATION '$X'", "SetTableLocation")
    notAQuery("ALTER VIEW leaderboard AS SELECT 1", "AlterViewAs")
    notAQuery("TRUNCATE TABLE trials", "TruncateTable")
  }

  test("ADD JAR/FILE/ARCHIVE, CACHE, UNCACHE, REFRESH, SET and RESET are refused") {
    notAQuery("ADD JAR $X", "AddJarsCommand")
    notAQuery("ADD FILE $X", "AddFilesCommand")
    notAQuery("ADD ARCHIVE $X", "AddArchivesCommand")
    notAQuery("CACHE TABLE trials", "CacheTable")
    notAQuery("CACHE TABLE c AS SELECT * FROM trials", "CacheTableAsSelect")
    notAQuery("UNCACHE TABLE trials", "UncacheTable")
    notAQuery("CLEAR CACHE", "ClearCacheCommand")
    notAQuery("REFRESH TABLE trials", "RefreshTable")
    notAQuery("REFRESH '$X'", "RefreshResource")
    notAQuery("SET spark.sql.runSQLOnFiles=true", "SetCommand")
    notAQuery("RESET", "ResetCommand")
  }

  test("MERGE, UPDATE, DELETE, LOAD DATA, MSCK and ANALYZE are refused") {
    notAQuery("MERGE INTO trials t USING curves c ON t.trial_id = c.trial_id" +
      " WHEN MATCHED THEN DELETE", "MergeIntoTable")
    notAQuery("UPDATE trials SET seed = 0", "UpdateTable")
    notAQuery("DELETE FROM trials WHERE seed = 0", "DeleteFromTable")
    notAQuery("LOAD DATA LOCAL INPATH '$X' OVERWRITE INTO TABLE trials", "LoadData")
    notAQuery("MSCK REPAIR TABLE trials", "RepairTable")
    notAQuery("ANALYZE TABLE trials COMPUTE STATISTICS", "AnalyzeTable")
    notAQuery("ANALYZE TABLES COMPUTE STATISTICS", "AnalyzeTables")
  }

  test("code: reflect, java_method, TRANSFORM USING a script are refused, also when nested") {
    notAQuery("SELECT reflect('java.nio.file.Files', 'createDirectory', '$X')", "function reflect")
    notAQuery("SELECT java_method('java.lang.System', 'exit', 0)", "function java_method")
    notAQuery("SELECT * FROM trials WHERE seed IN (SELECT java_method('java.lang.Math', 'abs', 1))",
      "function java_method")
    notAQuery("WITH t AS (SELECT reflect('java.lang.System', 'exit', 0) AS r) SELECT * FROM t",
      "function reflect")
    notAQuery("SELECT TRANSFORM(trial_id) USING 'touch $X' AS (x) FROM trials",
      "ScriptTransformation")
    notAQuery("FROM trials SELECT TRANSFORM(trial_id) USING 'touch $X'", "ScriptTransformation")
  }

  test("SHOW, DESCRIBE and EXPLAIN are refused like every statement that is not a query") {
    notAQuery("SHOW TABLES", "ShowTables")
    notAQuery("DESCRIBE TABLE trials", "DescribeRelation")
    notAQuery("EXPLAIN SELECT 1", "ExplainCommand")
  }

  private def onFile(query: String, name: String): Unit =
    refusedWritingNothing(query, "Cannot run the query: gapsweep sql reads only the sweep's" +
      " tables and views (run it without a query to list them), not files or other catalogs;" +
      s" got $name")

  private def onFile(query: String): Unit = onFile(query, query.substring(query.indexOf("FROM ") + 5))

  test("queries on files are refused: text, csv, json, parquet, orc, binaryFile") {
    onFile("SELECT * FROM text.`/etc/passwd`")
    onFile("SELECT * FROM csv.`/etc/passwd`")
    onFile("SELECT * FROM json.`/etc/passwd`")
    onFile("SELECT * FROM parquet.`/etc`")
    onFile("SELECT * FROM orc.`/etc`")
    onFile("SELECT * FROM binaryFile.`/etc/hostname`")
    onFile("SELECT * FROM trials t WHERE EXISTS (SELECT 1 FROM text.`/etc/passwd`)",
      "text.`/etc/passwd`")
    onFile("SELECT * FROM global_temp.trials")
  }

  test("the sql command's session has queries on files turned off; the caller's is untouched") {
    val session = io.gapsweep.dispatch.SparkSessions.forUserQueries(spark)
    assert(session.conf.get("spark.sql.runSQLOnFiles") == "false")
    assert(spark.conf.get("spark.sql.runSQLOnFiles") == "true")
    val error = intercept[org.apache.spark.sql.AnalysisException] {
      session.sql("SELECT * FROM text.`/etc/passwd`").collect()
    }
    assert(error.getMessage.contains("TABLE_OR_VIEW_NOT_FOUND"), error.getMessage)
  }

  test("a failing query is a user error: exit 2, Spark's message on one line, no task logs") {
    val logged = new java.io.ByteArrayOutputStream()
    val stderr = System.err
    System.setErr(new java.io.PrintStream(logged, true))
    val result =
      try sql("SELECT raise_error('boom') FROM trials")
      finally System.setErr(stderr)
    assert(result.code == 2, result)
    assert(result.out == "")
    assert(result.err == "gapsweep: Cannot run the query: boom\n")
    assert(!logged.toString.contains("boom"), logged.toString)
  }

  test("a query that reads: CTEs, VALUES, range, subqueries and windows still run") {
    val result = sql(
      "WITH t AS (SELECT config_id, seed FROM trials), v(x) AS (VALUES (1), (2)) " +
        "SELECT t.config_id, v.x, (SELECT max(id) FROM range(3)) AS r, " +
        "rank() OVER (ORDER BY t.config_id, t.seed, v.x) AS w " +
        "FROM t CROSS JOIN v ORDER BY w LIMIT 2", "--format", "csv")
    assert(result.code == 0, result)
    assert(result.out == "config_id,x,r,w\ncfg-a,1,2,1\ncfg-a,2,2,2\n")
  }

  // ---- Out of memory (issue 18, item 3): exit 52 and one line, in a JVM of its own

  private val outOfMemoryAdvice = "; give the JVM more memory: -Xmx in GAPSWEEP_JAVA_OPTS, or" +
    " spark.driver.memory and spark.executor.memory under spark-submit"

  private def sqlInOwnJvm(query: String, env: Map[String, String]): io.gapsweep.testing.LocalScript.Result =
    io.gapsweep.testing.LocalScript.run(Seq(saved.toString, query),
      Map("GAPSWEEP_COMMAND" -> "sql") ++ env)

  test("out of memory on the driver's thread: exit 52 and one line naming the cause") {
    val result = sqlInOwnJvm("SELECT 1", Map("GAPSWEEP_FAULT_OUT_OF_MEMORY" -> "sql"))
    assert(result.code == 52, result.output)
    assert(result.output == "gapsweep: Cannot go on: out of memory (Fault injection: out of memory at" +
      " sql) in thread \"main\"" + outOfMemoryAdvice + "\n")
  }

  test("out of memory in a Spark task: exit 52 and one line, no stack traces") {
    // One string longer than the heap: the task thread's allocation fails at once.
    val result = sqlInOwnJvm("SELECT length(repeat(trial_id, 200000000)) FROM trials",
      Map("GAPSWEEP_JAVA_OPTS" -> "-Xmx600m"))
    assert(result.code == 52, result.output)
    val lines = result.output.linesIterator.toSeq
    assert(lines.size == 1, result.output)
    assert(lines.head.startsWith("gapsweep: Cannot go on: out of memory ("), result.output)
    assert(lines.head.endsWith(outOfMemoryAdvice), result.output)
  }
}
