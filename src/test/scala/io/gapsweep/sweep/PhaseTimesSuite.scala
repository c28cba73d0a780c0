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
    assert(times.format() == "Time: launcher 0.0 s, JVM start 0.0 s, settings+plan 0.3 s, Spark start 2.1 s," +
      " data 0.0 s, ND4J load 0.0 s, training 22.0 s, compaction 0.0 s, views 0.0 s, held-out test 0.0 s," +
      " audit 0.0 s, models 0.0 s, report 0.0 s; total 24.4 s")
  }

  test("the launcher's share runs from the time it passes to the JVM's start; anything odd counts 0") {
    assert(PhaseTimes.launcher("1000", 1750) == Duration.ofMillis(750))
    assert(PhaseTimes.launcher(" 1000\n", 1750) == Duration.ofMillis(750))
    assert(PhaseTimes.launcher(null, 1750) == Duration.ZERO)
    assert(PhaseTimes.launcher("soon", 1750) == Duration.ZERO)
    assert(PhaseTimes.launcher("2000", 1750) == Duration.ZERO)
  }

  test("a clock counts the JVM's start only when the process was started for the run, and once") {
    assert(new PhaseTimes.Clock().times().of(Phase.JVM_START) == Duration.ZERO)
    PhaseTimes.countProcessStart()
    val first = new PhaseTimes.Clock().times()
    assert(first.of(Phase.JVM_START).compareTo(Duration.ZERO) > 0)
    assert(new PhaseTimes.Clock().times().of(Phase.JVM_START) == Duration.ZERO)
  }

  test("a run's output reads back into its breakdown, to the tenth of a second") {
    val times = new PhaseTimes(Map(
      Phase.JVM_START -> Duration.ofMillis(1240),
      Phase.TRAINING -> Duration.ofMillis(21960)).asJava)
    val parsed = PhaseTimes.parse("Report: out/report.html\n" + times.format() + "\n")
    assert(parsed.of(Phase.JVM_START) == Duration.ofMillis(1200))
    assert(parsed.of(Phase.TRAINING) == Duration.ofMillis(22000))
    assert(parsed.format() == times.format())
    val none = intercept[IllegalArgumentException](PhaseTimes.parse("Report: out/report.html\n"))
    assert(none.getMessage.startsWith("No phase breakdown"))
    val odd = intercept[IllegalArgumentException](PhaseTimes.parse("Time: warp 1.0 s; total 1.0 s"))
    assert(odd.getMessage == "Unknown phase 'warp 1.0 s' in: Time: warp 1.0 s; total 1.0 s")
  }
}
