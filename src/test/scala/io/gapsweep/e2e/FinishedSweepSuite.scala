package io.gapsweep.e2e

import io.gapsweep.plan.GridExpander
import io.gapsweep.config.SettingsLoader
import io.gapsweep.sweep.{FinishedSweep, Phase, PhaseTimes}
import io.gapsweep.config.{DataSettings, DirectorySettings}
import io.gapsweep.data.DatasetSource
import io.gapsweep.testing.{Cli, Fixtures, ImageTrees, TempDirs, TrialFixtures}
import io.gapsweep.train.{TrialResult, TrialStatus}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * Running a finished sweep again, with nothing to train: the run prints what the last run printed,
 * from `finished.json`, without starting Spark; anything that would change that answer makes it
 * compute everything again, as before.
 */
class FinishedSweepSuite extends AnyFunSuite with TempDirs {

  /** 2 configurations on 8x8 synthetic shapes with a test split. */
  private def conf(dir: Path): Path =
    Files.writeString(dir.resolve("finished.conf"),
      s"""gapsweep {
         |  search-space { depth = [1], dropout = [0.0], l2 = [0.0, 0.01] }
         |  training { batch-size = 8, max-epochs = 2, patience = 2, base-filters = 2, dense-units = 4 }
         |  validation.scheme = holdout
         |  data {
         |    width = 8, height = 8
         |    synthetic { train-per-class = 6, validation-per-class = 6, test-per-class = 5 }
         |  }
         |  run.output = "${dir.resolve("out")}"
         |}
         |""".stripMargin)

  /** What a run printed from the leaderboard to the report's line: the answer. */
  private def answer(out: String): Seq[String] =
    out.linesIterator.dropWhile(!_.startsWith("rank ")).takeWhile(!_.startsWith("Time: ")).toSeq

  private def replayed(out: String): Boolean = out.contains("which is as the last run left it")

  test("a finished sweep run again prints its last run's answer without starting Spark") {
    withTempDir { dir =>
      val sweep = conf(dir).toString
      val first = Cli.run("run", sweep)
      assert(first.code == 0, first.err + first.out)
      assert(!replayed(first.out))
      assert(answer(first.out).exists(_.startsWith("Recommended: ")), first.out)
      assert(Files.isRegularFile(dir.resolve("out/finished.json")))

      val again = Cli.run("run", sweep)
      assert(again.code == 0, again.err + again.out)
      assert(replayed(again.out), again.out)
      assert(answer(again.out) == answer(first.out))
      assert(again.out.startsWith("Data source: synthetic\n"), again.out)
      val phases = PhaseTimes.parse(again.out)
      for (phase <- Seq(Phase.SPARK_START, Phase.DATA, Phase.TRAINING, Phase.VIEWS, Phase.REPORT)) {
        assert(phases.of(phase).isZero, again.out)
      }
    }
  }

  test("a missing entry or --audit makes the run compute its answer again") {
    withTempDir { dir =>
      val sweep = conf(dir).toString
      val first = Cli.run("run", sweep)
      assert(first.code == 0, first.err + first.out)
      val report = dir.resolve("out/report.html")
      Files.delete(report)

      val rebuilt = Cli.run("run", sweep)
      assert(rebuilt.code == 0, rebuilt.err + rebuilt.out)
      assert(!replayed(rebuilt.out) && rebuilt.out.contains("0 to run"), rebuilt.out)
      assert(Files.isRegularFile(report))
      assert(answer(rebuilt.out) == answer(first.out))

      val audited = Cli.run("run", sweep, "--audit")
      assert(audited.code == 0, audited.err + audited.out)
      assert(!replayed(audited.out), audited.out)
      val auditLine = answer(audited.out).filter(_.startsWith("Audit (post-hoc"))
      assert(auditLine.size == 1, audited.out)

      val again = Cli.run("run", sweep, "--audit")
      assert(replayed(again.out), again.out)
      assert(answer(again.out) == answer(audited.out))
    }
  }

  test("the key changes with the configuration, --audit and any trial's status") {
    val settings = SettingsLoader.read(com.typesafe.config.ConfigFactory.parseString(
      "gapsweep.validation.scheme = holdout"))
    val plan = GridExpander.expand(settings.settings).trials
    def result(status: TrialStatus): TrialResult =
      TrialFixtures.trial("c", 0, TrialFixtures.curve((1.0, 0.5, 1.2, 0.4)), 1, status = status)
    val done = plan.asScala.map(t => t.trialId -> result(TrialStatus.COMPLETED)).toMap
    val key = FinishedSweep.key(settings.resolvedHocon, false, "synthetic", plan, done.asJava)
    assert(key == FinishedSweep.key(settings.resolvedHocon, false, "synthetic", plan, done.asJava))
    assert(key != FinishedSweep.key(settings.resolvedHocon + " ", false, "synthetic", plan, done.asJava))
    assert(key != FinishedSweep.key(settings.resolvedHocon, true, "synthetic", plan, done.asJava))
    assert(key != FinishedSweep.key(settings.resolvedHocon, false, "other files", plan, done.asJava))
    val oneFailed = done.updated(plan.get(3).trialId, result(TrialStatus.FAILED))
    assert(key != FinishedSweep.key(settings.resolvedHocon, false, "synthetic", plan, oneFailed.asJava))
    assert(key != FinishedSweep.key(settings.resolvedHocon, false, "synthetic", plan, (done - plan.get(0).trialId).asJava))
  }

  test("an image folder's fingerprint changes with any file added, resized or touched") {
    withTempDir { dir =>
      val images = dir.resolve("images")
      ImageTrees.classFolder(images.resolve("train/a"), 2, 10, 20, 30)
      ImageTrees.classFolder(images.resolve("test/a"), 2, 10, 20, 30)
      def fingerprint(path: String) = DatasetSource.fingerprint(new DataSettings("directory", 8, 8,
        3, Fixtures.data().synthetic(), new DirectorySettings(path, 0.0, false, 10, 40000000)))
      val before = fingerprint(images.toString)
      assert(before.isPresent && before == fingerprint(images.toString))
      assert(before == fingerprint(images.toUri.toString), "a file: URI lists the same files")
      assert(before.get.linesIterator.size == 4)
      ImageTrees.classFolder(images.resolve("test/b"), 1, 90, 20, 30)
      val withAdded = fingerprint(images.toString)
      assert(withAdded != before)
      val file = Files.list(images.resolve("test/a")).findFirst().get()
      Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0))
      assert(fingerprint(images.toString) != withAdded)
      // A folder it cannot list: no fingerprint, so no run may take the data as unchanged.
      assert(fingerprint("nosuchscheme://host/images").isEmpty)
      assert(DatasetSource.fingerprint(Fixtures.data()) == java.util.Optional.of("synthetic"))
    }
  }
}
