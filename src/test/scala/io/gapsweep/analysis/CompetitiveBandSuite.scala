package io.gapsweep.analysis

import io.gapsweep.analysis.CompetitiveBand._
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class CompetitiveBandSuite extends AnyFunSuite {

  // Four examples. b is the best (mean 0.5); against b, paired differences are:
  //   c1: 0.1, 0.1, 0, 0.2   mean 0.1,   sd sqrt(0.02/3),  se 0.0408248, distance sqrt(6)
  //   c2: 0.05 x 4            mean 0.05,  sd 0 (a constant shift), distance infinite
  //   c3: -0.1, 0.2, -0.1, 0.1 mean 0.025, sd 0.15, se 0.075, distance 1/3
  private val b = new Candidate("b", Array(0.2, 0.4, 0.6, 0.8), 0.80, 0.30)
  private val c1 = new Candidate("c1", Array(0.3, 0.5, 0.6, 1.0), 0.78, 0.05)
  private val c2 = new Candidate("c2", Array(0.25, 0.45, 0.65, 0.85), 0.70, 0.10)
  private val c3 = new Candidate("c3", Array(0.1, 0.6, 0.5, 0.9), 0.76, 0.20)
  private val all = Seq(c2, c1, b, c3).asJava

  private def order(rule: Rule): Seq[(String, Integer)] =
    CompetitiveBand.rank(all, rule).asScala.map(s => (s.key, s.rank)).toSeq

  private def close(a: Double, e: Double) = assert(math.abs(a - e) < 1e-12, s"$a != $e")

  test("means, standard errors, paired differences and distances match hand computation") {
    val byKey = CompetitiveBand.rank(all, new OneStandardError(1)).asScala.map(s => s.key -> s).toMap
    val best = byKey("b")
    assert(best.best && best.n == 4)
    close(best.meanLoss, 0.5)
    close(best.lossSe, math.sqrt(1.0 / 60))
    close(best.difference, 0); close(best.differenceSe, 0); close(best.distance, 0); close(best.pValue, 1)

    val one = byKey("c1")
    close(one.meanLoss, 0.6)
    close(one.difference, 0.1)
    close(one.differenceSe, math.sqrt(0.02 / 3) / 2)
    close(one.distance, math.sqrt(6))
    // Student's t with 3 degrees of freedom has a closed-form CDF:
    // 1/2 + (t / (sqrt3 (1 + t^2/3)) + atan(t / sqrt3)) / pi.
    assert(math.abs(one.pValue - 0.04586055665578592) < 1e-9, one.pValue)
    assert(!one.best)

    val two = byKey("c2")
    close(two.difference, 0.05)
    assert(two.differenceSe < 1e-15 || two.distance > 1e12)
    assert(two.pValue < 1e-9)

    val three = byKey("c3")
    close(three.meanLoss, 0.525)
    close(three.difference, 0.025)
    close(three.differenceSe, 0.075)
    close(three.distance, 1.0 / 3)
    assert(math.abs(three.pValue - 0.3804101877572553) < 1e-9, three.pValue)
  }

  test("one standard error: the band is who is within the multiple; inside it the gap ranks") {
    assert(order(new OneStandardError(1)) == Seq(("c3", 1), ("b", 2), ("c2", null), ("c1", null)))
    // 3 se = 0.1225 > 0.1: c1 joins and, with the smallest gap, becomes the recommendation.
    assert(order(new OneStandardError(3)) == Seq(("c1", 1), ("c3", 2), ("b", 3), ("c2", null)))
  }

  test("paired t-test: c1 is worse at alpha 0.05 (p = 0.0459) but not at alpha 0.01") {
    assert(order(new PairedTTest(0.05)) == Seq(("c3", 1), ("b", 2), ("c2", null), ("c1", null)))
    assert(order(new PairedTTest(0.01)) == Seq(("c1", 1), ("c3", 2), ("b", 3), ("c2", null)))
  }

  test("the old accuracy tolerance and plain minimum loss") {
    // Best accuracy 0.80, tolerance 0.05: c2 (0.70) is out.
    assert(order(new AccuracyTolerance(0.05)) == Seq(("c1", 1), ("c3", 2), ("b", 3), ("c2", null)))
    assert(order(new MinimumLoss()) == Seq(("b", 1), ("c3", null), ("c2", null), ("c1", null)))
  }

  test("ties of mean loss pick the best by key; equal gaps rank by loss then key") {
    val x = new Candidate("x", Array(1.0, 2.0), 0.5, 0.1)
    val y = new Candidate("y", Array(2.0, 1.0), 0.5, 0.1)
    val standings = CompetitiveBand.rank(Seq(y, x).asJava, new MinimumLoss()).asScala
    assert(standings.map(s => (s.key, s.best, s.rank)) == Seq(("x", true, 1), ("y", false, 2)))
  }

  test("inputs that cannot be compared are refused with the reason") {
    def fails(cs: Seq[Candidate]) =
      intercept[IllegalArgumentException](CompetitiveBand.rank(cs.asJava, new MinimumLoss())).getMessage
    assert(fails(Seq()) == "Cannot draw the competitive band: no configuration")
    assert(fails(Seq(b, new Candidate("short", Array(0.1), 0, 0))) ==
      "Cannot draw the competitive band: configuration short has 1 example losses, b has 4")
    assert(fails(Seq(new Candidate("one", Array(0.1), 0, 0))) ==
      "Cannot draw the competitive band: a standard error needs at least 2 examples, got 1")
    assert(fails(Seq(new Candidate("nan", Array(0.1, Double.NaN), 0, 0))) ==
      "Cannot draw the competitive band: configuration nan has a non-finite example loss NaN")
  }
}
