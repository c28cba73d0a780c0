package io.gapsweep.dispatch

import io.gapsweep.testing.{SharedSparkSession, TrialFixtures}
import org.scalatest.funsuite.AnyFunSuite

import java.io.{PrintWriter, StringWriter}
import java.time.Duration

/** The progress line's count of running trials (issue 18: "running 3" on local[2]). */
class SweepProgressSuite extends AnyFunSuite with SharedSparkSession {

  test("a retried attempt of a partition replaces the failed one instead of adding a slot") {
    val running = new SweepProgress.RunningTrials()
    running.started(0, 0, 1L)
    running.started(0, 1, 2L)
    assert(running.count(2, 4) == 2)
    // Attempt 1 of partition 0 starts before the end of attempt 0 is heard.
    running.started(0, 0, 3L)
    assert(running.count(2, 4) == 2)
    running.ended(0, 0, 1L) // the old attempt's end does not remove the new one
    assert(running.count(2, 4) == 2)
    running.ended(0, 0, 3L)
    running.ended(0, 1, 2L)
    assert(running.count(2, 4) == 0)
  }

  test("running never exceeds the slots nor the trials left") {
    val running = new SweepProgress.RunningTrials()
    (0 until 3).foreach(p => running.started(0, p, p.toLong))
    running.started(7, 0, 10L) // a commit's task while trials run
    assert(running.count(2, 10) == 2)
    assert(running.count(8, 1) == 1)
    assert(running.count(8, 0) == 0)
  }

  test("the line of a finished sweep on local[2] says running 0") {
    val out = new StringWriter()
    val progress = SweepProgress.lines(spark, 1, new PrintWriter(out, true), Duration.ZERO)
    try {
      spark.sparkContext.parallelize(1 to 4, 4).count()
      progress.accept(new io.gapsweep.train.TrialOutput(
        TrialFixtures.trial("cfg-a", 0, TrialFixtures.curve((1.0, 0.5, 1.0, 0.5)), bestEpoch = 1),
        null))
    } finally progress.close()
    // The live line shows the lowest validation loss so far and its gap (the band needs every
    // configuration's predictions, so it is drawn at the end).
    assert(out.toString.startsWith(
      "trials 1/1 (100%), running 0, failed 0, diverged 0, best loss 1.0000 (gap 0.0000), elapsed "),
      out.toString)
  }
}
