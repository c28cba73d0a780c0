package io.gapsweep.cli

import io.gapsweep.testing.{Cli, TempDirs}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Files

/** Arguments, help and exit codes; no training (see EndToEndSuite for that). */
class CommandLineSuite extends AnyFunSuite with TempDirs {

  test("every command has --help and exits 0") {
    for (command <- Seq("run", "plan", "leaderboard", "bench")) {
      val result = Cli.run(command, "--help")
      assert(result.code == 0)
      assert(result.out.startsWith(s"Usage: gapsweep $command "), result.out)
    }
    val top = Cli.run("--help")
    assert(top.code == 0)
    assert(top.out.contains("Exit codes:"))
    assert(top.out.contains("3   the sweep finished and wrote its results, but some trials FAILED"))
  }

  test("an unknown command or a missing argument is a usage error with exit code 2") {
    val unknown = Cli.run("train")
    assert(unknown.code == 2)
    assert(unknown.err.startsWith("Unmatched argument at index 0: 'train'"), unknown.err)
    val missing = Cli.run("run")
    assert(missing.code == 2)
    assert(missing.err.startsWith("Missing required parameter: 'CONF'"), missing.err)
    assert(Cli.run().code == 2)
  }

  test("a bad configuration prints every problem, no stack trace, exit code 2") {
    withTempDir { dir =>
      val conf = dir.resolve("bad.conf")
      Files.writeString(conf,
        """gapsweep {
          |  search-space { dropout = [0.5, 1.5] }
          |  training { learning-rat = 0.1 }
          |}
          |""".stripMargin)
      val result = Cli.run("plan", conf.toString)
      assert(result.code == 2)
      assert(result.out.isEmpty)
      assert(result.err ==
        s"""gapsweep: $conf:2: gapsweep.search-space.dropout[1]: 1.5 is out of range; expected a number in [0, 1)
           |  $conf:3: gapsweep.training.learning-rat: unknown key; did you mean gapsweep.training.learning-rate?
           |""".stripMargin)
    }
  }

  test("augmentation mistakes exit 2 with the exact message and leave the output untouched") {
    val cases = Seq(
      ("gapsweep.search-space.augmentation = [none, ligth]\n",
        "1: gapsweep.search-space.augmentation[1]: \"ligth\" is unknown; expected one of heavy, " +
          "keras-example, light, none"),
      ("gapsweep.augmentation-presets.light.rotation-range = -5\n",
        "1: gapsweep.augmentation-presets.light.rotation-range: -5 is out of range; expected a " +
          "number in [0, 180]"),
      ("gapsweep.augmentation-presets.light.zoom-range = 40\n",
        "1: gapsweep.augmentation-presets.light.zoom-range: 40 is out of range; expected a number " +
          "in [0, 1)"))
    for ((text, message) <- cases) {
      withTempDir { dir =>
        val conf = Files.writeString(dir.resolve("sweep.conf"), text)
        val out = Files.createDirectories(dir.resolve("out"))
        Files.writeString(out.resolve("keep.txt"), "earlier work")
        val before = snapshot(out)
        val result = Cli.run("run", conf.toString, "--output", out.toString)
        assert(result.code == 2, result.err)
        assert(result.err == s"gapsweep: $conf:$message\n")
        assert(snapshot(out) == before)
      }
    }
  }

  test("a missing configuration file names the path") {
    val result = Cli.run("run", "/nonexistent/sweep.conf")
    assert(result.code == 2)
    assert(result.err == "gapsweep: Cannot read configuration /nonexistent/sweep.conf: file not found\n")
  }

  test("plan lists the trials in grid order without training") {
    val result = Cli.run("plan", "conf/demo.conf")
    assert(result.code == 0, result.err)
    val lines = result.out.linesIterator.toSeq
    assert(lines.head == "demo: 16 trials (2 depth x 2 dropout x 2 l2 x 2 augmentation x 1 seeds)")
    assert(lines(1).startsWith("trial_id"))
    assert(lines.size == 18)
    assert(lines(2).matches("[0-9a-f]{16}  [0-9a-f]{16}      2        0      0  light  +0"), lines(2))
  }

  test("leaderboard of a folder without results says so") {
    withTempDir { dir =>
      val result = Cli.run("leaderboard", dir.toString)
      assert(result.code == 2)
      assert(result.err ==
        s"gapsweep: Cannot read results from $dir: no trials table (is this a gapsweep output folder?)\n")
    }
  }
}
