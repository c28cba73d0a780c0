package io.gapsweep.cli

import com.typesafe.config.{ConfigFactory, ConfigValueFactory}
import io.gapsweep.config.SettingsLoader
import io.gapsweep.testing.SavedResults
import io.gapsweep.testing.{Cli, ImageTrees, SharedSparkSession, TempDirs, TrialFixtures}
import org.scalatest.funsuite.AnyFunSuite

import java.net.InetAddress
import java.nio.file.{Files, Path, Paths}
import scala.jdk.CollectionConverters._

/**
 * Bad input of every kind, one row each: configuration files, command-line arguments and output
 * folders. Each must give one clear message naming what and where, exit code 2, no stack trace,
 * and leave every file as it was.
 */
class BadInputSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  /**
   * @param setup makes the bad input in a fresh folder that holds {@code out/keep.txt}, and
   *     returns the command line
   * @param expected what standard error must say, from its start (the folder is passed in)
   */
  private case class Case(name: String, setup: Path => Seq[String], expected: Path => String)

  private def conf(dir: Path, text: String): String =
    Files.writeString(dir.resolve("sweep.conf"), text).toString

  /** A valid 2-trial sweep on tiny images writing to out/. */
  private def valid(dir: Path): String = conf(dir,
    s"""gapsweep {
       |  search-space { l2 = [0.0, 0.01] }
       |  training { max-epochs = 1, base-filters = 2, dense-units = 8 }
       |  validation.scheme = holdout
       |  data { width = 8, height = 8, synthetic { train-per-class = 2, validation-per-class = 2 } }
       |  run.output = "${dir.resolve("out")}"
       |}
       |""".stripMargin)

  private def runConf(text: String): Path => Seq[String] =
    dir => Seq("run", conf(dir, text), "--output", dir.resolve("out").toString)

  private def at(line: Int, rest: String): Path => String = dir => s"gapsweep: ${dir.resolve("sweep.conf")}:$line: $rest"

  /** Results of a sweep in out/, so that the output folder cases have something to protect. */
  private def withResults(dir: Path, conf: String): Unit = {
    val results = Seq(TrialFixtures.trial("cfg-a", 0, TrialFixtures.curve((1.0, 0.5, 1.2, 0.4)), 1))
    SavedResults.write(spark, dir.resolve("out").toString, results.asJava, conf)
  }

  private val cases = Seq(
    // ---- Configuration files
    Case("a missing configuration file", dir => Seq("run", dir.resolve("absent.conf").toString),
      dir => s"gapsweep: Cannot read configuration ${dir.resolve("absent.conf")}: file not found"),
    Case("a configuration that is a folder", dir => Seq("run", dir.resolve("out").toString),
      dir => s"gapsweep: Cannot read configuration ${dir.resolve("out")}: is a directory, not a file"),
    Case("a HOCON syntax error", runConf("gapsweep {\n  training { batch-size = = 3 }\n}\n"),
      dir => s"gapsweep: Cannot parse configuration ${dir.resolve("sweep.conf")}:2: Expecting a value but got wrong token: '='"),
    Case("an unclosed brace", runConf("gapsweep {\n  training { batch-size = 3 }\n"),
      dir => s"gapsweep: Cannot parse configuration ${dir.resolve("sweep.conf")}:"),
    Case("a substitution that resolves to nothing", runConf("gapsweep.name = ${sweep-name}\n"),
      dir => s"gapsweep: Cannot resolve configuration ${dir.resolve("sweep.conf")}:1: Could not resolve substitution to a value: $${sweep-name}"),
    Case("an unknown key, with the nearest known key", runConf("gapsweep.training.learning-rat = 0.1\n"),
      at(1, "gapsweep.training.learning-rat: unknown key; did you mean gapsweep.training.learning-rate?")),
    Case("an unknown section", runConf("gapsweep.search-spaces.depth = [1]\n"),
      at(1, "gapsweep.search-spaces: unknown key; did you mean gapsweep.search-space?")),
    Case("a string where a number belongs", runConf("gapsweep.training.batch-size = big\n"),
      at(1, "gapsweep.training.batch-size: \"big\" is a string; expected an integer >= 1")),
    Case("a fraction where an integer belongs", runConf("gapsweep.training.max-epochs = 2.5\n"),
      at(1, "gapsweep.training.max-epochs: 2.5 is not an integer; expected an integer >= 1")),
    Case("a number where a list belongs", runConf("gapsweep.search-space.depth = 2\n"),
      at(1, "gapsweep.search-space.depth: 2 is a number; expected a non-empty list of values, each an integer >= 1")),
    Case("a batch size of zero", runConf("gapsweep.training.batch-size = 0\n"),
      at(1, "gapsweep.training.batch-size: 0 is out of range; expected an integer >= 1")),
    Case("a dropout of 1 or more", runConf("gapsweep.search-space.dropout = [0.5, 1.5]\n"),
      at(1, "gapsweep.search-space.dropout[1]: 1.5 is out of range; expected a number in [0, 1)")),
    Case("a negative learning rate", runConf("gapsweep.training.learning-rate = -0.1\n"),
      at(1, "gapsweep.training.learning-rate: -0.1 is out of range;")),
    Case("an empty axis", runConf("gapsweep.search-space.l2 = []\n"),
      at(1, "gapsweep.search-space.l2: [] is empty; expected a non-empty list of values, each a number >= 0")),
    Case("duplicate axis values, however written", runConf("gapsweep.search-space.l2 = [0.001, 1e-3]\n"),
      at(1, "gapsweep.search-space.l2[1]: 1e-3 is a duplicate; expected distinct values")),
    Case("a grid larger than max-trials", runConf(
      "gapsweep.search-space { depth = [1, 2], dropout = [0.0, 0.5] }\ngapsweep.run.max-trials = 3\n"),
      at(1, "gapsweep.search-space: the grid has 24 trials (2 depth x 2 dropout x 2 l2 x 1 augmentation" +
        " x 1 seeds x 3 folds); expected at most 3 (gapsweep.run.max-trials)")),
    Case("a depth too deep for the images", runConf(
      "gapsweep.data { width = 8, height = 8 }\ngapsweep.search-space.depth = [4]\n"),
      at(2, "gapsweep.search-space.depth[0]: 4 is too deep for 8x8 images; expected at most 3," +
        " since 2^depth must not exceed the smaller image side")),
    Case("an unknown augmentation preset", runConf("gapsweep.search-space.augmentation = [ligth]\n"),
      at(1, "gapsweep.search-space.augmentation[0]: \"ligth\" is unknown; expected one of heavy," +
        " keras-example, light, none")),
    Case("an unknown optimizer", runConf("gapsweep.training.optimizer = adamw\n"),
      at(1, "gapsweep.training.optimizer: \"adamw\" is unknown; expected one of")),
    Case("an unknown refit mode", runConf("gapsweep.refit.mode = foo\n"),
      at(1, "gapsweep.refit.mode: \"foo\" is unknown; expected one of local, data-parallel")),
    Case("an averaging frequency below 1", runConf("gapsweep.refit.averaging-frequency = 0\n"),
      at(1, "gapsweep.refit.averaging-frequency: 0 is out of range; expected an integer >= 1")),
    Case("the directory source without a path", runConf("gapsweep.data.source = directory\n"),
      at(1, "gapsweep.data.directory.path: is empty; expected a local path or Hadoop URI of the image" +
        " folder, since gapsweep.data.source = directory")),
    Case("an image folder that does not exist", dir => runConf(
      s"""gapsweep.data { source = directory, directory.path = "${dir.resolve("nowhere")}" }\n""")(dir),
      dir => s"gapsweep: Cannot load images from ${dir.resolve("nowhere")}: it does not exist"),
    Case("an image folder without class folders", dir => {
      Files.createDirectories(dir.resolve("images/train"))
      Files.createDirectories(dir.resolve("images/validation"))
      runConf(s"""gapsweep.data { source = directory, directory.path = "${dir.resolve("images")}" }\n""")(dir)
    }, dir => s"gapsweep: Cannot load images from ${dir.resolve("images/train")}: it has no class folders;" +
      " expected one folder per class, or train/ and validation/ folders with one folder per class"),
    // ---- Command-line arguments
    Case("an unknown command", _ => Seq("train"), _ => "Unmatched argument at index 0: 'train'"),
    Case("a missing configuration argument", _ => Seq("run"), _ => "Missing required parameter: 'CONF'"),
    Case("an unknown option", dir => Seq("run", valid(dir), "--outptu", "x"),
      _ => "Unknown options: '--outptu', 'x'\nPossible solutions: --output"),
    Case("an option without its value", dir => Seq("run", valid(dir), "--output"),
      _ => "Missing required parameter for option '--output' (DIR)"),
    Case("a non-query in gapsweep sql", dir => {
      withResults(dir, "{}")
      Seq("sql", dir.resolve("out").toString, "DROP TABLE trials")
    }, _ => "gapsweep: Cannot run this statement: gapsweep sql runs queries only"),
    Case("a leaderboard of a folder without results", dir => Seq("leaderboard", dir.resolve("out").toString),
      dir => s"gapsweep: Cannot read results from ${dir.resolve("out")}: no trials table"),
    // ---- Output folders
    Case("an output that is a file", dir => Seq("run", valid(dir), "--output", dir.resolve("out/keep.txt").toString),
      dir => s"gapsweep: Cannot write results to ${dir.resolve("out/keep.txt")}: it is a file, not a folder;" +
        " choose another --output"),
    Case("an output under a file", dir => Seq("run", valid(dir), "--output", dir.resolve("out/keep.txt/sub").toString),
      dir => s"gapsweep: Cannot write results to ${dir.resolve("out/keep.txt/sub")}: "),
    Case("an output where nothing can be written, not even by root", dir => Seq("run", valid(dir), "--output", "/proc/gapsweep-out"),
      _ => "gapsweep: Cannot write results to /proc/gapsweep-out: "),
    Case("an output that holds another sweep", dir => {
      val other = ConfigFactory.parseString(SettingsLoader.read(Paths.get(valid(dir))).resolvedHocon())
        .withValue("gapsweep.training.max-epochs", ConfigValueFactory.fromAnyRef(2)).root().render()
      withResults(dir, other)
      Seq("run", valid(dir))
    }, dir => s"gapsweep: Cannot run in ${dir.resolve("out")}: it holds another sweep; choose another --output," +
      " or pass --overwrite to delete its results and start again. What differs:\n" +
      "  gapsweep.training.max-epochs: 2 in the output, 1 now"),
    Case("an output that holds results without a configuration", dir => {
      withResults(dir, "{}")
      Files.delete(dir.resolve("out/sweep.conf"))
      Seq("run", valid(dir))
    }, dir => s"gapsweep: Cannot run in ${dir.resolve("out")}: it holds results but no sweep.conf to resume" +
      " them from; choose another --output, or pass --overwrite to delete them and start again"),
    Case("an output another run is using", dir => {
      val other = new ProcessBuilder("sleep", "300").start()
      Files.writeString(dir.resolve("out/run.lock"),
        s"""{"host":"${InetAddress.getLocalHost.getHostName}","pid":${other.pid()},""" +
          s""""processStart":"${other.toHandle.info().startInstant().get()}","since":"then","token":"t"}""")
      sleepers += other
      Seq("run", valid(dir))
    }, dir => s"gapsweep: Cannot run in ${dir.resolve("out")}: another gapsweep run is using it (process "))

  private val sleepers = scala.collection.mutable.Buffer[Process]()

  test(s"the table holds at least 25 bad inputs (${cases.size})") {
    assert(cases.size >= 25)
  }

  for (c <- cases) {
    test(c.name) {
      withTempDir { dir =>
        Files.writeString(Files.createDirectories(dir.resolve("out")).resolve("keep.txt"), "earlier work")
        try {
          val args = c.setup(dir)
          val before = snapshot(dir)
          val result = Cli.run(args: _*)
          assert(result.code == 2, result)
          assert(result.out.isEmpty, result)
          assert(result.err.startsWith(c.expected(dir)), result.err)
          assert(!result.err.contains("\tat ") && !result.err.contains("Exception"), result.err)
          assert(snapshot(dir) == before)
        } finally sleepers.foreach(_.destroyForcibly())
      }
    }
  }

  // ---- The output folder rule (#18): a run never replaces a file gapsweep did not write.

  /** Every file under `dir` with its bytes and modification time. */
  private def contents(dir: Path): Map[String, (Seq[Byte], Long)] = {
    val paths = Files.walk(dir)
    try paths.iterator().asScala.filter(Files.isRegularFile(_)).map { p =>
      dir.relativize(p).toString -> ((Files.readAllBytes(p).toSeq, Files.getLastModifiedTime(p).toMillis))
    }.toMap
    finally paths.close()
  }

  /** Runs `args`, expects exit 2 and exactly `message` on standard error, and `dir` unchanged. */
  private def refused(dir: Path, args: Seq[String], message: String): Unit = {
    val before = contents(dir)
    val result = Cli.run(args: _*)
    assert(result.code == 2, result)
    assert(result.out.isEmpty, result)
    assert(result.err == s"gapsweep: $message\n", result.err)
    assert(contents(dir) == before)
  }

  private val placeAdvice = "; choose a folder of its own for --output"

  private def foreign(out: Path, example: String): String =
    s"Cannot write results to $out: it holds files gapsweep did not write (such as $example);" +
      " choose a new or empty folder for --output, or pass --overwrite to write beside them" +
      " (replacing any of trials, curves, predictions, sweep.conf, journal, models, data-summary.txt," +
      " classes.txt, examples.json, report.html, test_results, audit, views, finished.json)"

  test("an output folder that holds the user's own files and no gapsweep marker is refused") {
    withTempDir { dir =>
      val conf = valid(dir)
      val out = Files.createDirectories(dir.resolve("out"))
      Files.copy(Paths.get(conf), out.resolve("sweep.conf"))
      Files.writeString(out.resolve("report.html"), "<p>my own report</p>")
      Files.writeString(out.resolve("classes.txt"), "mine\n")
      refused(dir, Seq("run", conf),
        foreign(out, "classes.txt"))
      assert(!Files.exists(out.resolve("run.lock")) && !Files.exists(out.resolve(".gapsweep")))
    }
  }

  test("an output folder that holds any file but no gapsweep marker is refused, once the data is read") {
    withTempDir { dir =>
      val conf = valid(dir)
      val out = Files.createDirectories(dir.resolve("out"))
      Files.writeString(out.resolve("notes.txt"), "mine")
      refused(dir, Seq("run", conf),
        foreign(out, "notes.txt"))
    }
  }

  test("the root of the file system is refused as output, even with --overwrite") {
    withTempDir { dir =>
      val conf = valid(dir)
      val rootBefore = Files.list(Paths.get("/")).iterator().asScala.map(_.getFileName.toString).toSet
      refused(dir, Seq("run", conf, "--output", "/", "--overwrite"),
        s"Cannot write results to /: it is the root of the file system$placeAdvice")
      assert(Files.list(Paths.get("/")).iterator().asScala.map(_.getFileName.toString).toSet == rootBefore)
    }
  }

  test("the current folder, and one above it, are refused as output") {
    withTempDir { dir =>
      val conf = valid(dir)
      val cwd = Paths.get("").toAbsolutePath
      val names = () => Files.list(cwd).iterator().asScala.map(_.getFileName.toString).toSet
      val before = names()
      refused(dir, Seq("run", conf, "--output", "."),
        s"Cannot write results to .: it is the current folder$placeAdvice")
      refused(dir, Seq("run", conf, "--output", ".."),
        s"Cannot write results to ..: it holds the current folder$placeAdvice")
      assert(names() == before)
    }
  }

  test("the home folder is refused as output") {
    withTempDir { dir =>
      val conf = valid(dir)
      val home = System.getProperty("user.home")
      refused(dir, Seq("run", conf, "--output", home, "--overwrite"),
        s"Cannot write results to $home: it is the home folder$placeAdvice")
      assert(!Files.exists(Paths.get(home, ".gapsweep")) && !Files.exists(Paths.get(home, "run.lock")))
    }
  }

  test("a folder that holds the configuration being run is refused as output, even with --overwrite") {
    withTempDir { dir =>
      val conf = valid(dir)
      refused(dir, Seq("run", conf, "--output", dir.toString, "--overwrite"),
        s"Cannot write results to $dir: it holds the configuration file $conf$placeAdvice")
      val nested = Files.createDirectories(dir.resolve("confs"))
      val inner = Files.copy(Paths.get(conf), nested.resolve("inner.conf")).toString
      refused(dir, Seq("run", inner, "--output", dir.toString),
        s"Cannot write results to $dir: it holds the configuration file $inner$placeAdvice")
    }
  }

  test("the lock is checked before Spark starts and the data is read") {
    withTempDir { dir =>
      // Data that cannot be read: reaching it would say so instead of naming the lock.
      val conf = runConf(s"""gapsweep.data { source = directory, directory.path = "${dir.resolve("nowhere")}" }\n""")(dir)
      val out = Files.createDirectories(dir.resolve("out"))
      val other = new ProcessBuilder("sleep", "300").start()
      try {
        Files.writeString(out.resolve("run.lock"),
          s"""{"host":"${InetAddress.getLocalHost.getHostName}","pid":${other.pid()},""" +
            s""""processStart":"${other.toHandle.info().startInstant().get()}","since":"then","token":"t"}""")
        val before = contents(dir)
        // Without a session to reuse, a run that started Spark would leave a new default one.
        val shared = spark
        org.apache.spark.sql.SparkSession.clearDefaultSession()
        org.apache.spark.sql.SparkSession.clearActiveSession()
        val result =
          try Cli.run(conf: _*)
          finally {
            assert(org.apache.spark.sql.SparkSession.getDefaultSession.isEmpty, "a session was started")
            org.apache.spark.sql.SparkSession.setDefaultSession(shared)
            org.apache.spark.sql.SparkSession.setActiveSession(shared)
          }
        assert(result.code == 2, result)
        assert(result.err.startsWith(s"gapsweep: Cannot run in $out: another gapsweep run is using it (process ${other.pid()}"),
          result.err)
        assert(contents(dir) == before)
      } finally other.destroyForcibly()
    }
  }

  // ---- Hostile input, round two (issue 18, items 4, 5, 6, 10): configuration and lock cases.

  /** Runs the command `setup` makes in a fresh folder; exit 2, nothing printed on out, no file changed. */
  private def refusedAsIs(setup: Path => Seq[String])(check: (Path, String) => Unit): Unit =
    withTempDir { dir =>
      Files.writeString(Files.createDirectories(dir.resolve("out")).resolve("keep.txt"), "earlier work")
      val args = setup(dir)
      val before = snapshot(dir)
      val result = Cli.run(args: _*)
      assert(result.code == 2, result)
      assert(result.out.isEmpty, result)
      assert(!result.err.contains("\tat ") && !result.err.contains("Exception"), result.err)
      check(dir, result.err)
      assert(snapshot(dir) == before)
    }

  test("include required of a file without an extension names the files it looked for and the line") {
    refusedAsIs(runConf("gapsweep {\n  training { max-epochs = 1 }\n}\ninclude required(\"/etc/passwd\")\n")) {
      (dir, err) => assert(err == s"gapsweep: Cannot read configuration ${dir.resolve("sweep.conf")}:4:" +
        " include required(\"/etc/passwd\") finds no file: looked for /etc/passwd.conf, /etc/passwd.json," +
        " /etc/passwd.properties (a name without .conf, .json or .properties gets each of them)\n")
    }
  }

  test("include required of a missing .conf names it and the including file:line") {
    refusedAsIs(dir => runConf("include required(\"" + dir.resolve("nope.conf") + "\")\n")(dir)) {
      (dir, err) => assert(err == s"gapsweep: Cannot read configuration ${dir.resolve("sweep.conf")}:1:" +
        " include required(\"" + dir.resolve("nope.conf") + "\") finds no file: looked for " +
        dir.resolve("nope.conf") + "\n")
    }
  }

  test("a missing required include inside an included file names that file and line") {
    refusedAsIs { dir =>
      Files.writeString(dir.resolve("part.conf"), "# part\ninclude required(\"gone.conf\")\n")
      runConf("include \"part.conf\"\n")(dir)
    } { (dir, err) =>
      assert(err == s"gapsweep: Cannot read configuration ${dir.resolve("part.conf")}:2:" +
        " include required(\"gone.conf\") finds no file: looked for " + dir.resolve("gone.conf") + "\n")
    }
  }

  test("bytes that are not UTF-8 name the file, line and byte instead of being replaced") {
    refusedAsIs { dir =>
      val file = dir.resolve("sweep.conf")
      Files.write(file, "gapsweep {\n  name = \"caf".getBytes("UTF-8") ++ Array(0xE9.toByte) ++
        "\"\n}\n".getBytes("UTF-8"))
      Seq("run", file.toString, "--output", dir.resolve("out").toString)
    } { (dir, err) =>
      assert(err == s"gapsweep: Cannot read configuration ${dir.resolve("sweep.conf")}:2: byte 0xE9 at" +
        " byte 14 of the line is not UTF-8; save the file as UTF-8\n")
    }
  }

  test("3,000 invalid list values print 20 problems and count the rest") {
    refusedAsIs(runConf("gapsweep.search-space.l2 = [" + Seq.fill(3000)("\"x\"").mkString(", ") + "]\n")) {
      (dir, err) =>
        val lines = err.linesIterator.toSeq
        assert(lines.size == 21, err.take(2000))
        assert(lines.head.startsWith(s"gapsweep: ${dir.resolve("sweep.conf")}:1: gapsweep.search-space.l2"), lines.head)
        assert(lines.last == "  ... and 2,980 more")
    }
  }

  test("a run.lock overwritten with garbage is reported at once as unreadable, with how to release it") {
    refusedAsIs { dir =>
      Files.write(dir.resolve("out/run.lock"), Array[Byte](1, 2, 3, 'g', 'a', 'r', 'b', 'a', 'g', 'e'))
      Seq("run", valid(dir))
    } { (dir, err) =>
      val lock = dir.resolve("out/run.lock")
      assert(err == s"gapsweep: Cannot run in ${dir.resolve("out")}: its lock $lock is unreadable" +
        " (not a gapsweep lock: 10 bytes that are not its JSON), so it names no run that could release it." +
        s" If no gapsweep run is using ${dir.resolve("out")}, delete $lock and run again.\n")
    }
  }
}
