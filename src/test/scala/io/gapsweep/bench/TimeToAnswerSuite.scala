package io.gapsweep.bench

import io.gapsweep.testing.{Cli, TempDirs}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Paths}

/** The answer part's sweeps, as planned (running them takes minutes: `gapsweep bench --parts answer`). */
class TimeToAnswerSuite extends AnyFunSuite with TempDirs {

  test("the answer part runs the demo as shipped and a 108-trial 3-fold sweep on its data") {
    withTempDir { dir =>
      val sweeps = TimeToAnswer.write(dir)
      assert(sweeps.size == 2)
      val demo = sweeps.get(0)
      assert(Files.readString(demo.conf) == Files.readString(Paths.get("conf/demo.conf")))
      for (sweep <- Seq(demo, sweeps.get(1))) {
        val plan = Cli.run("plan", sweep.conf.toString)
        assert(plan.code == 0, plan.err)
        // Header, column names, one line per trial.
        assert(plan.out.linesIterator.size == sweep.trials + 2, plan.out)
      }
      assert(Cli.run("plan", sweeps.get(1).conf.toString).out.linesIterator.next() ==
        "cross-validated: 108 trials (2 depth x 3 dropout x 3 l2 x 2 augmentation x 1 seeds x 3 folds)")
    }
  }
}
