package io.gapsweep.e2e

import io.gapsweep.testing.{LocalScript, TempDirs}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.Files

/** submit/local.sh, the README's demo command, run as a user runs it: a separate process. */
class LocalScriptSuite extends AnyFunSuite with TempDirs {

  private def script(args: String*): (Int, String) = {
    val result = LocalScript.run(args)
    (result.code, result.output)
  }

  test("local.sh runs a sweep end to end and exits 0") {
    withTempDir { dir =>
      val conf = dir.resolve("script.conf")
      Files.writeString(conf,
        """gapsweep {
          |  search-space { depth = [1], dropout = [0.0], l2 = [0.0, 0.01] }
          |  training { max-epochs = 2, base-filters = 2, dense-units = 8 }
          |  data { width = 8, height = 8, synthetic { train-per-class = 3, validation-per-class = 3 } }
          |}
          |""".stripMargin)
      val out = dir.resolve("out")
      val (code, output) = script(conf.toString, "--output", out.toString)
      assert(code == 0, output)
      assert(output.contains("2 trials: 2 completed, 0 diverged, 0 failed."), output)
      assert(Files.isDirectory(out.resolve("trials")))
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
}
