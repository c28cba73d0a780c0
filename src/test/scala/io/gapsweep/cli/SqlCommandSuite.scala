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

  /** Runs gapsweep sql over a results folder of the trials above, saved with the demo settings. */
  private def sql(args: String*): Cli.Result = withTempDir { dir =>
    val conf = SettingsLoader.read(Paths.get("conf/demo.conf")).resolvedHocon()
    SavedResults.write(spark, dir.toString, results.asJava, conf)
    OutputFolder.of(spark, dir.toString).writeText(OutputFolder.CLASSES, "a\nb\nc\nd\ne\nf\n")
    Cli.run(Seq("sql", dir.toString) ++ args: _*)
  }

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
      Seq("trials", "curves", "t_quantiles", "trial_summary", "leaderboard", "axis_effects"))
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
}
