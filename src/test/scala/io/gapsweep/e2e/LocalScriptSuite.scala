package io.gapsweep.e2e

import io.gapsweep.testing.{LocalScript, TempDirs}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path, Paths}
import java.nio.file.attribute.FileTime
import java.nio.file.attribute.PosixFilePermissions
import scala.jdk.CollectionConverters._

/**
 * submit/local.sh (the README's demo command) and submit/gapsweep, run as a user runs them: a
 * separate process. The tests with a stand-in `java` check what the scripts pass on, in
 * milliseconds; the others start the real JVM.
 */
class LocalScriptSuite extends AnyFunSuite with TempDirs {

  private def script(args: String*): (Int, String) = {
    val result = LocalScript.run(args)
    (result.code, result.output)
  }

  // reference.conf's validation (3-fold), as a user who changes nothing gets it. 2 configurations
  // x 3 folds; 4,818 pooled images give 9,636 predictions, whose rows make Spark tasks of about
  // 1,800 KiB, past Spark's 1,000 KiB warning, which the shipped log4j2.properties drops.
  private def writeConf(dir: Path): Path =
    Files.writeString(dir.resolve("script.conf"),
      """gapsweep {
        |  search-space { depth = [1], dropout = [0.0], l2 = [0.0, 0.01] }
        |  training { max-epochs = 2, base-filters = 2, dense-units = 8 }
        |  data { width = 8, height = 8, synthetic { train-per-class = 3, validation-per-class = 800 } }
        |}
        |""".stripMargin)

  test("local.sh runs a sweep end to end and exits 0; gapsweep queries and reports it") {
    withTempDir { dir =>
      val conf = writeConf(dir)
      val out = dir.resolve("out")
      val (code, output) = script(conf.toString, "--output", out.toString)
      assert(code == 0, output)
      assert(output.contains("6 trials: 6 completed, 0 diverged, 0 failed."), output)
      assert(!output.linesIterator.exists(_.contains(" WARN ")), output)
      assert(Files.isDirectory(out.resolve("trials")))

      val sql = LocalScript.streams("gapsweep",
        Seq("sql", out.toString, "SELECT count(*) AS trials FROM trials", "--format", "csv"))
      assert(sql.code == 0, sql.err)
      assert(sql.out == "trials\n6\n", sql.err)

      val board = LocalScript.streams("gapsweep", Seq("leaderboard", out.toString, "--rows", "1"))
      assert(board.code == 0, board.err)
      assert(board.out.linesIterator.exists(_.contains("dropout")), board.out)
      // The run saved its views; the commands above read them rather than compute them.
      assert(Files.isRegularFile(out.resolve("views").resolve("_key")))
      assert(Files.isRegularFile(out.resolve("report.html")))
    }
  }

  test("local.sh reports a bad configuration with exit code 2 and no stack trace") {
    withTempDir { dir =>
      val conf = Files.writeString(dir.resolve("bad.conf"), "gapsweep.training.batch-size = 0\n")
      val (code, output) = script(conf.toString)
      assert(code == 2, output)
      assert(output.trim ==
        s"gapsweep: $conf:1: gapsweep.training.batch-size: 0 is out of range; expected an integer >= 1")
    }
  }

  test("gapsweep --help prints the commands, exit codes and launcher, and exits 0") {
    val help = LocalScript.streams("gapsweep", Seq("--help"))
    assert(help.code == 0, help.err)
    assert(help.err.isEmpty, help.err)
    assert(help.out.startsWith("Usage: gapsweep [-hV] [COMMAND]\n"), help.out)
    assert(help.out.contains("\nExit codes:\n"), help.out)
    assert(help.out.contains("\nThis launcher (submit/gapsweep):\n"), help.out)
    assert(help.out.contains("    GAPSWEEP_JAVA_OPTS  JVM options"), help.out)
    assert(!help.out.linesIterator.exists(_.matches(" +threads .*")), help.out)
    assert(help.out.linesIterator.forall(_.length <= 80), help.out)
    // local.sh --help, and run --help without a CONF, start the same JVM with the same arguments
    // (the stand-in java's test below); each JVM start costs seconds.
  }

  test("usage errors through the launcher exit 2 with picocli's message") {
    // One of picocli's, one of gapsweep's own; CommandLineSuite has the rest, in this JVM.
    val cases = Seq(
      Seq("train") -> "Unmatched argument at index 0: 'train'",
      Seq("bench", "--repeats", "0") -> "gapsweep: Cannot run the bench: --repeats 0; expected an integer >= 1")
    for ((args, message) <- cases) {
      val result = LocalScript.streams("gapsweep", args)
      assert(result.code == 2, s"${args.mkString(" ")}: ${result.err}")
      assert(result.err.linesIterator.next() == message, result.err)
    }
  }

  test("the old GAPSWEEP_COMMAND form of local.sh runs that command") {
    val plan = LocalScript.streams("local.sh", Seq("conf/demo.conf"), Map("GAPSWEEP_COMMAND" -> "plan"))
    assert(plan.code == 0, plan.err)
    assert(plan.out.linesIterator.next() ==
      "demo: 16 trials (2 depth x 2 dropout x 2 l2 x 2 augmentation x 1 seeds)")
  }

  /**
   * A stand-in `java` (through JAVA_HOME) that logs each call, OMP_NUM_THREADS and the arguments
   * after the main class.
   */
  private def withFakeJava(body: (Map[String, String], () => Seq[String]) => Unit): Unit =
    withTempDir { home =>
      val java = Files.createDirectories(home.resolve("bin")).resolve("java")
      Files.writeString(java,
        s"""#!/usr/bin/env bash
           |main=""; args=(); heap=""; jit=""; gc=""
           |for a in "$$@"; do
           |  if [[ -n "$$main" ]]; then args+=("$$a"); fi
           |  [[ "$$a" == io.gapsweep.cli.Main ]] && main=1
           |  [[ "$$a" == -Xmx* ]] && heap="$$a"
           |  [[ "$$a" == -XX:TieredStopAtLevel=* ]] && jit="$$a"
           |  [[ "$$a" == -XX:SurvivorRatio=* ]] && gc="$$a"
           |done
           |echo "OMP=$${OMP_NUM_THREADS:-unset} $$jit $$gc $$heap $${args[*]}" >> "${home.resolve("calls")}"
           |exit 0
           |""".stripMargin)
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"))
      val env = Map("JAVA_HOME" -> home.toString, "OMP_NUM_THREADS" -> "inherited",
        "GAPSWEEP_JAVA_OPTS" -> "-Xmx7m -Dx=y")
      body(env, () => {
        val calls = home.resolve("calls")
        val lines = if (Files.exists(calls)) Files.readAllLines(calls).asScala.toSeq else Seq()
        Files.deleteIfExists(calls)
        lines
      })
    }

  test("the launcher starts one JVM, whatever the command; run sets its threads inside it") {
    withFakeJava { (env, calls) =>
      val cases = Seq(
        ("gapsweep", Seq("run", "a.conf")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run a.conf"),
        ("gapsweep", Seq("run", "-o", "out", "--overwrite", "a.conf", "--retry-failed")) ->
          Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run -o out --overwrite a.conf --retry-failed"),
        ("gapsweep", Seq("run", "--output", "out", "a.conf")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run --output out a.conf"),
        ("local.sh", Seq("a.conf", "--output", "out")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run a.conf --output out"),
        ("gapsweep", Seq("run", "a.conf", "--help")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run a.conf --help"),
        ("gapsweep", Seq("run")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run"),
        ("gapsweep", Seq("plan", "a.conf")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m plan a.conf"),
        ("gapsweep", Seq("sql", "out", "SELECT 1 AS one")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m sql out SELECT 1 AS one"),
        ("gapsweep", Seq("bench", "--threads", "2")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m bench --threads 2"),
        ("gapsweep", Seq("--help")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m --help"),
        ("local.sh", Seq("--help")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m --help"),
        ("local.sh", Seq("-h")) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m --help"),
        ("local.sh", Seq()) -> Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m run"))
      for (((name, args), expected) <- cases) {
        val result = LocalScript.streams(name, args, env)
        assert(result.code == 0, s"$name ${args.mkString(" ")}: ${result.err}")
        assert(calls() == expected, s"$name ${args.mkString(" ")}")
      }
      val old = LocalScript.streams("local.sh", Seq("DIR", "SELECT 1"), env + ("GAPSWEEP_COMMAND" -> "sql"))
      assert(old.code == 0, old.err)
      assert(calls() == Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m sql DIR SELECT 1"))
      // The JIT the launcher picks (C1 alone) gives way to the user's.
      val c2 = LocalScript.streams("gapsweep", Seq("plan", "a.conf"),
        env + ("GAPSWEEP_JAVA_OPTS" -> "-Xmx7m -XX:TieredStopAtLevel=4"))
      assert(c2.code == 0, c2.err)
      assert(calls() == Seq("OMP=inherited -XX:TieredStopAtLevel=4 -XX:SurvivorRatio=3 -Xmx7m plan a.conf"))
      // So does its G1 survivor ratio.
      val gc = LocalScript.streams("gapsweep", Seq("plan", "a.conf"),
        env + ("GAPSWEEP_JAVA_OPTS" -> "-Xmx7m -XX:SurvivorRatio=8"))
      assert(gc.code == 0, gc.err)
      assert(calls() == Seq("OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=8 -Xmx7m plan a.conf"))
      // local.sh's help is gapsweep's, the launcher's part included.
      val help = LocalScript.streams("gapsweep", Seq("--help"), env)
      assert(help.out.contains("This launcher (submit/gapsweep):"), help.out)
      assert(LocalScript.streams("local.sh", Seq("--help"), env).out == help.out)
      calls()
    }
  }

  test("the launcher compiles again when a source or the pom is newer than the last build") {
    withFakeJava { (env, calls) =>
      withTempDir { root =>
        // A project tree with the real launcher; a stand-in mvn (on PATH) logs beside the
        // stand-in java, so the calls come in the order they ran.
        Files.createDirectories(root.resolve("submit"))
        for (script <- Seq("common.sh", "gapsweep")) {
          Files.copy(Paths.get("submit", script), root.resolve("submit").resolve(script))
        }
        val source = Files.createDirectories(root.resolve("src/main/java")).resolve("A.java")
        Files.writeString(source, "class A {}")
        Files.writeString(root.resolve("pom.xml"), "<project/>")
        val classFile = Files.writeString(
          Files.createDirectories(root.resolve("target/classes")).resolve("A.class"), "")
        Files.writeString(root.resolve("target/runtime-classpath.txt"), "")
        val bin = Files.createDirectories(root.resolve("bin"))
        // A build that recompiled nothing leaves the classes as they were.
        Files.writeString(bin.resolve("mvn"),
          s"""#!/usr/bin/env bash\necho "mvn $$*" >> "${env("JAVA_HOME")}/calls"\n""")
        Files.setPosixFilePermissions(bin.resolve("mvn"), PosixFilePermissions.fromString("rwxr-xr-x"))
        def launch(): (Int, String, Seq[String]) = {
          val builder = new ProcessBuilder("bash", root.resolve("submit/gapsweep").toString, "--help")
          env.foreach { case (k, v) => builder.environment().put(k, v) }
          builder.environment().put("PATH", s"$bin:${System.getenv("PATH")}")
          builder.redirectErrorStream(true)
          val process = builder.start()
          val output = new String(process.getInputStream.readAllBytes())
          (process.waitFor(), output, calls())
        }
        def age(path: Path, seconds: Long): Unit = Files.setLastModifiedTime(path,
          FileTime.fromMillis(System.currentTimeMillis() - seconds * 1000))
        val java = "OMP=inherited -XX:TieredStopAtLevel=1 -XX:SurvivorRatio=3 -Xmx7m --help"
        val compile = s"mvn -B -q -f $root/pom.xml compile"
        age(source, 60)
        age(root.resolve("pom.xml"), 60)
        age(classFile, 30)
        assert(launch()._3 == Seq(java), "classes newer than every source: no build")

        age(source, 10)
        val (code, output, called) = launch()
        assert(code == 0, output)
        assert(called == Seq(compile, java))
        assert(output.contains("Compiling gapsweep: its sources changed since the last build..."),
          output)
        assert(launch()._3 == Seq(java), "that build is recorded, though it changed no class")

        Files.setLastModifiedTime(root.resolve("pom.xml"),
          FileTime.fromMillis(System.currentTimeMillis() + 5000))
        assert(launch()._3 == Seq(compile, java), "a newer pom")
      }
    }
  }

  test("the first run of a build records a class archive that later commands map; a failed or half-written one is dropped") {
    withTempDir { root =>
      // The real launcher and java over a copy of the built classes: this test's archives are its own.
      Files.createDirectories(root.resolve("submit"))
      for (script <- Seq("common.sh", "gapsweep")) {
        Files.copy(Paths.get("submit", script), root.resolve("submit").resolve(script))
      }
      val built = Paths.get("target/classes")
      Files.walk(built).iterator().asScala.foreach { from =>
        val to = root.resolve("target/classes").resolve(built.relativize(from).toString)
        if (Files.isDirectory(from)) Files.createDirectories(to) else Files.copy(from, to)
      }
      Files.copy(Paths.get("target/runtime-classpath.txt"), root.resolve("target/runtime-classpath.txt"))
      val old = FileTime.fromMillis(System.currentTimeMillis() - 60000)
      Files.setLastModifiedTime(Files.writeString(root.resolve("pom.xml"), "<project/>"), old)
      Files.setLastModifiedTime(Files.writeString(
        Files.createDirectories(root.resolve("src/main")).resolve("A.java"), "class A {}"), old)
      val conf = Files.writeString(root.resolve("one.conf"),
        """gapsweep {
          |  name = archived
          |  search-space { depth = [1], dropout = [0.0], l2 = [0.0] }
          |  training { max-epochs = 1, base-filters = 2, dense-units = 8 }
          |  validation.scheme = holdout
          |  data { width = 8, height = 8, synthetic { train-per-class = 3, validation-per-class = 3 } }
          |}
          |""".stripMargin)
      val launchDir = root.resolve("target/launch")
      // Each JVM logs where its classes came from (one file per pid); the options are the same
      // for every launch here, so they all name the same archive.
      val opts = s"-Xmx1g -Xlog:class+load=info:file=$root/load-%p.log"
      def launch(args: String*): (Long, LocalScript.Streams) = {
        val err = Files.createTempFile(root, "launch-", ".err")
        val builder = new ProcessBuilder((Seq("bash", root.resolve("submit/gapsweep").toString) ++ args): _*)
          .directory(root.toFile).redirectError(err.toFile)
        builder.environment().put("GAPSWEEP_JAVA_OPTS", opts)
        val process = builder.start()
        val result = LocalScript.finish(process)
        (process.pid(), LocalScript.Streams(result.code, result.output, Files.readString(err)))
      }
      def archives(): Seq[String] =
        Files.list(launchDir).iterator().asScala.map(_.getFileName.toString)
          .filter(_.startsWith("cds-")).toSeq.sorted
      def mapped(pid: Long): Boolean =
        Files.readString(root.resolve(s"load-$pid.log")).contains("source: shared objects file (top)")
      val planLine = "archived: 1 trials (1 depth x 1 dropout x 1 l2 x 1 augmentation x 1 seeds)"

      // A run that stops at a usage error or prints its help leaves an archive of a few classes:
      // never installed.
      val (failedPid, failed) = launch("run", root.resolve("missing.conf").toString)
      assert(failed.code == 2, failed.err)
      val (_, help) = launch("run", "--help")
      assert(help.code == 0, help.err)
      assert(!archives().exists(_.endsWith(".complete")), archives())
      val (_, plan0) = launch("plan", conf.toString)
      assert(plan0.code == 0, plan0.err)
      assert(plan0.out.linesIterator.next() == planLine, plan0.out)
      assert(archives().isEmpty, s"the archives of the failed run (pid $failedPid) and the help are dropped")

      // The first run that ends well records one, without a word on its standard output.
      val (runPid, first) = launch("run", conf.toString, "--output", root.resolve("out").toString)
      assert(first.code == 0, first.err + first.out)
      assert(first.err.contains("this first run of the build also records the classes it loads"), first.err)
      assert(!first.out.contains("[cds") && !first.out.contains("warning"), first.out)
      val pending = archives()
      assert(pending.size == 2 && pending.forall(_.contains(s".jsa.$runPid")), pending)
      assert(!mapped(runPid))

      // The next command installs it and maps it; so do later ones.
      val (planPid, plan1) = launch("plan", conf.toString)
      assert(plan1.code == 0 && plan1.out == plan0.out && plan1.err.isEmpty, plan1.err + plan1.out)
      val installed = archives()
      assert(installed.size == 1 && installed.head.matches("cds-[0-9]+\\.jsa"), installed)
      assert(mapped(planPid))
      val (againPid, again) = launch("run", conf.toString, "--output", root.resolve("out").toString)
      assert(again.code == 0 && !again.err.contains("records the classes"), again.err)
      assert(mapped(againPid) && archives() == installed)

      // The bench's fixed-cost part times the sweep with the archive and without it, side by side.
      val logs = Files.list(root).iterator().asScala.map(_.getFileName.toString).filter(_.startsWith("load-")).toSet
      val (_, bench) = launch("bench", "--parts", "fixed-cost", "--repeats", "1")
      assert(bench.code == 0, bench.err)
      assert(bench.out.contains("| one-trial sweep's wall time, with / without the launcher's class archive | 1 |"),
        bench.out)
      val children = Files.list(root).iterator().asScala.map(_.getFileName.toString)
        .filter(name => name.startsWith("load-") && !logs(name)).toSeq
      assert(children.size == 4, children) // the bench, the sweep, its resume, the sweep without
      assert(children.count(name => !mapped(name.stripPrefix("load-").stripSuffix(".log").toLong)) == 1)
      assert(archives() == installed, "the bench records no archive")

      // A half-written archive (its writer killed as it exited) is checked before it is mapped
      // (mapping one crashes the JVM) and dropped; the command runs as it would without one.
      val archive = launchDir.resolve(installed.head)
      val dead = new ProcessBuilder("true").start()
      dead.waitFor()
      val half = launchDir.resolve(s"${installed.head}.${dead.pid()}")
      Files.write(half, Files.readAllBytes(archive).take(1 << 20))
      Files.writeString(launchDir.resolve(s"${installed.head}.${dead.pid()}.complete"), "")
      Files.delete(archive)
      val (plainPid, plain) = launch("plan", conf.toString)
      assert(plain.code == 0 && plain.out == plan0.out && plain.err.isEmpty, plain.err + plain.out)
      assert(archives().isEmpty && !mapped(plainPid))
      assert(!Files.list(root).iterator().asScala.exists(_.getFileName.toString.startsWith("hs_err")))
    }
  }
}
