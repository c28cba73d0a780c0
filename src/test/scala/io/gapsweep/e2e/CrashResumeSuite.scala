package io.gapsweep.e2e

import io.gapsweep.testing.{Cli, ListeningSockets, LocalScript, SharedSparkSession, TempDirs}
import io.gapsweep.testing.Journals.committed
import org.apache.spark.sql.Row
import org.scalatest.BeforeAndAfterAll
import org.scalatest.concurrent.Eventually
import org.scalatest.funsuite.AnyFunSuite
import org.scalatest.time.{Millis, Minutes, Span}

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/**
 * The driver is killed with SIGKILL (a real one, in a separate process) at every stage of a sweep
 * and resumed; the result must be what one uninterrupted run of the same sweep gives.
 */
class CrashResumeSuite extends AnyFunSuite with SharedSparkSession with TempDirs
    with BeforeAndAfterAll with Eventually {

  private val kill = "GAPSWEEP_FAULT_KILL_DRIVER"
  private lazy val dir = Files.createTempDirectory("gapsweep-crash-")

  override def afterAll(): Unit = {
    try deleteRecursively(dir)
    finally super.afterAll()
  }

  /**
   * 2 configurations under reference.conf's 3-fold validation: 6 trials of 3 epochs on 8x8
   * images, a few seconds each, 2 at a time.
   */
  private lazy val conf: Path = Files.writeString(dir.resolve("crash.conf"),
    """gapsweep {
      |  search-space { depth = [1], dropout = [0.0, 0.5], l2 = [0.0] }
      |  training { max-epochs = 3, patience = 3, base-filters = 2, dense-units = 8 }
      |  data { width = 8, height = 8, synthetic { train-per-class = 3, validation-per-class = 3 } }
      |}
      |""".stripMargin)

  /** Trials of the sweep in `conf`. */
  private val total = 6

  private def run(out: Path, env: (String, String)*): LocalScript.Result =
    LocalScript.run(Seq(conf.toString, "--output", out.toString), env.toMap)

  /** The same sweep run once, without faults. */
  private lazy val baseline: Path = {
    val out = dir.resolve("baseline")
    val result = run(out)
    assert(result.code == 0, result.output)
    out
  }

  /** Everything a trial computed: all columns but timings and where it ran. */
  private def metrics(out: Path): (Seq[Row], Seq[Row]) = {
    val trials = spark.read.parquet(out.resolve("trials").toString)
      .drop("seconds", "executor_id", "host", "pid").orderBy("trial_id").collect().toSeq
    val curves = spark.read.parquet(out.resolve("curves").toString)
      .drop("seconds").orderBy("trial_id", "epoch").collect().toSeq
    (trials, curves)
  }

  private def assertSameAsBaseline(out: Path): Unit = {
    val (trials, curves) = metrics(out)
    val (expectedTrials, expectedCurves) = metrics(baseline)
    assert(trials.map(_.getAs[String]("trial_id")).distinct.size == total)
    assert(trials.map(_.getAs[Int]("fold")).toSet == Set(0, 1, 2))
    assert(trials == expectedTrials)
    assert(curves == expectedCurves)
    assert(committed(out) == committed(baseline))
    val left = Files.walk(out).iterator().asScala.map(out.relativize(_).toString).toSeq
    assert(!left.exists(p => p.contains("_staged-") || p.contains("_staging/") || p == "run.lock"),
      left)
  }

  test("killed at six points in turn, each run resuming the last, the sweep ends as if never killed") {
    val out = dir.resolve("chain")
    // (fault, trials committed once the process is dead)
    val steps = Seq(
      "started" -> 0, // configuration saved, nothing trained
      "staged:1" -> 0, // first record written under _staging, not yet renamed into place
      "committed:2" -> 2, // two trials durable, the others running or waiting
      "trained" -> total, // every trial committed, tables not yet written
      "compacting" -> total, // curves table replaced, trials table not
      "compacted" -> total) // tables written, models and report not
    for ((fault, expected) <- steps) {
      val killed = run(out, kill -> fault)
      assert(killed.code == 137, s"$fault:\n${killed.output}")
      val point = if (fault.contains(':')) fault else fault + ":1"
      assert(killed.output.contains(s"Fault injection: SIGKILL at $point"), killed.output)
      assert(committed(out).size == expected, fault)
      assert(Files.exists(out.resolve("run.lock")), "a killed run cannot release its lock")
      if (fault == "staged:1") {
        assert(Files.list(out.resolve("journal/_staging")).count() == 1)
      }
      if (fault == "compacting") {
        assert(Files.isDirectory(out.resolve("curves")) && !Files.exists(out.resolve("trials")))
        val board = Cli.run("leaderboard", out.toString)
        assert(board.code == 2)
        assert(board.err == s"gapsweep: Cannot read results from $out: no trials table (the sweep" +
          " has not finished; run gapsweep run on it again to resume it)\n")
      }
    }
    val last = run(out)
    assert(last.code == 0, last.output)
    assert(last.output.contains(
      s"Resuming the sweep in $out: $total of $total trials are already done; 0 to run"), last.output)
    assertSameAsBaseline(out)
    assert(Files.isRegularFile(out.resolve("report.html")))
    assert(Files.list(out.resolve("models")).count() == 1)
  }

  test("a driver killed from outside while trials run resumes to the same results") {
    val out = dir.resolve("external")
    // Every trial waits 2 s before training, so the kill lands while trials run: at 8x8 pixels
    // the trials alone take a second or two, which a poll and a kill could miss.
    val process = LocalScript.start(Seq(conf.toString, "--output", out.toString),
      Map("GAPSWEEP_FAULT_TRIAL_SLEEPS" -> "2000"))
    try {
      eventually(timeout(Span(3, Minutes)), interval(Span(100, Millis))) {
        assert(committed(out).nonEmpty)
      }
      // Meanwhile, security: local mode listens on the loopback interface only, and no Spark UI.
      val sockets = ListeningSockets.of(process.pid())
      assert(sockets.nonEmpty && sockets.forall(_.startsWith("127.0.0.1:")), sockets)
      assert(!sockets.exists(_.endsWith(":4040")), sockets)
    } finally {
      // Process.destroyForcibly would close the pipe we read the output from.
      new ProcessBuilder("kill", "-KILL", process.pid().toString).start().waitFor()
    }
    val killed = LocalScript.finish(process)
    assert(killed.code == 137, killed.output)
    val before = committed(out)
    assert(before.nonEmpty && before.size < total, killed.output)

    val resumed = run(out)
    assert(resumed.code == 0, resumed.output)
    assert(resumed.output.contains(s"${before.size} of $total trials are already done; " +
      s"${total - before.size} to run"), resumed.output)
    assertSameAsBaseline(out)
  }

  test("a task that fails on its first attempt is retried by Spark and its trial recorded once") {
    val out = dir.resolve("retried")
    val retrying = Files.writeString(dir.resolve("retrying.conf"),
      s"""include "${conf.toAbsolutePath}"
         |gapsweep.run.local-master = "local[2,2]"
         |""".stripMargin)
    val result = LocalScript.run(Seq(retrying.toString, "--output", out.toString),
      Map("GAPSWEEP_FAULT_FAIL_FIRST_ATTEMPT" -> "1"))
    assert(result.code == 0, result.output)
    assert(result.output.contains("Fault injection: failing the first attempt of partition 1"),
      result.output)
    assertSameAsBaseline(out)
  }

  test("a FAILED trial is kept on resume, and run again with --retry-failed") {
    val out = dir.resolve("failed")
    val victim = committed(baseline).min
    val first = run(out, "GAPSWEEP_FAULT_TRIAL_THROWS" -> victim)
    assert(first.code == 3, first.output)
    assert(first.output.contains(s"$total trials: ${total - 1} completed, 0 diverged, 1 failed."),
      first.output)
    assert(first.output.contains(s"  FAILED $victim: IllegalStateException: Fault injection"),
      first.output)

    val kept = run(out)
    assert(kept.code == 3, kept.output)
    assert(kept.output.contains(s"$total trials, all done in"), kept.output)
    assert(kept.output.contains(s"  FAILED $victim: IllegalStateException: Fault injection"),
      kept.output)
    assert(kept.output.contains(
      "1 FAILED trial(s) kept as they are; pass --retry-failed to run them again"), kept.output)

    val retried = LocalScript.run(Seq(conf.toString, "--output", out.toString, "--retry-failed"))
    assert(retried.code == 0, retried.output)
    assert(retried.output.contains(s"${total - 1} of $total trials are already done; 1 to run"),
      retried.output)
    assertSameAsBaseline(out)
  }

  /**
   * 4 configurations under successive halving: rungs end at 1, 2 and 4 epochs, η = 2. The learning
   * rates are far apart, so that rung 0 prunes despite the tie guard.
   */
  private lazy val halvingConf: Path = Files.writeString(dir.resolve("halving.conf"),
    """gapsweep {
      |  search { scheduler = successive-halving, successive-halving { min-epochs = 1, reduction-factor = 2 } }
      |  search-space { depth = [1], dropout = [0.0, 0.5], l2 = [0.0], learning-rate = [0.000001, 0.02] }
      |  training { max-epochs = 4, patience = 4, base-filters = 2, dense-units = 8, batch-size = 4 }
      |  validation.scheme = holdout
      |  data { width = 8, height = 8, synthetic { train-per-class = 10, validation-per-class = 10 } }
      |}
      |""".stripMargin)

  test("successive halving killed between rungs and inside a rung resumes to the uninterrupted tables") {
    def runHalving(out: Path, env: (String, String)*) =
      LocalScript.run(Seq(halvingConf.toString, "--output", out.toString), env.toMap)
    val reference = dir.resolve("halving-baseline")
    val clean = runHalving(reference)
    assert(clean.code == 0, clean.output)

    val out = dir.resolve("halving-chain")
    // Rung 0's decision journaled, its pruned trials not yet committed.
    val decided = runHalving(out, kill -> "rung-decided")
    assert(decided.code == 137, decided.output)
    assert(decided.output.contains("Fault injection: SIGKILL at rung-decided:1"), decided.output)
    assert(Files.isRegularFile(out.resolve("journal/rungs/rung-0.json")))
    // Hadoop's local filesystem writes a .crc beside each file: count the checkpoints only.
    assert(Files.list(out.resolve("journal/checkpoints")).iterator().asScala
      .count(_.getFileName.toString.endsWith(".ckpt")) == 4)
    assert(committed(out).isEmpty)
    // The rerun reuses rung 0 (no segment trains again), commits the pruned trials, and dies after
    // the first checkpoint of rung 1.
    val inRung = runHalving(out, kill -> "checkpointed")
    assert(inRung.code == 137, inRung.output)
    assert(inRung.output.contains("Fault injection: SIGKILL at checkpointed:1"), inRung.output)
    assert(committed(out).nonEmpty)
    val last = runHalving(out)
    assert(last.code == 0, last.output)

    val (trials, curves) = metrics(out)
    val (expectedTrials, expectedCurves) = metrics(reference)
    assert(trials.size == 4 && trials == expectedTrials)
    assert(curves == expectedCurves)
    assert(trials.exists(_.getAs[String]("stop_reason") == "pruned"))
    assert(committed(out) == committed(reference))
    assert(!Files.exists(out.resolve("journal/checkpoints")))
  }
}
