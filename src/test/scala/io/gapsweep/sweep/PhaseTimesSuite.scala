package io.gapsweep.sweep

import org.scalatest.funsuite.AnyFunSuite

import java.time.Duration
import scala.jdk.CollectionConverters._

class PhaseTimesSuite extends AnyFunSuite {

  test("the breakdown names every phase in run order, with the total") {
    val times = new PhaseTimes(Map(
      Phase.SPARK_START -> Duration.ofMillis(2140),
      Phase.TRAINING -> Duration.ofMillis(21960),
      Phase.SETTINGS_AND_PLAN -> Duration.ofMillis(310)).asJava)
    assert(times.format() == "Time: settings+plan 0.3 s, Spark start 2.1 s, data 0.0 s, training 22.0 s," +
      " commit+compaction 0.0 s, views 0.0 s, held-out test 0.0 s, audit 0.0 s, models 0.0 s, report 0.0 s; total 24.4 s")
  }

  test("commits made while trials train move from training to commit+compaction, the total stays") {
    val clock = new PhaseTimes.Clock()
    clock.lap(Phase.TRAINING)
    val before = clock.times()
    clock.move(Duration.ofNanos(1000), Phase.TRAINING, Phase.COMMIT_AND_COMPACTION)
    val after = clock.times()
    assert(after.total() == before.total())
    assert(after.of(Phase.COMMIT_AND_COMPACTION) == Duration.ofNanos(1000))
    assert(after.of(Phase.TRAINING) == before.of(Phase.TRAINING).minusNanos(1000))
  }
}
