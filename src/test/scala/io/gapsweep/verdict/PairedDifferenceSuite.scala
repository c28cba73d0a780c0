package io.gapsweep.verdict

import org.apache.commons.math3.stat.interval.WilsonScoreInterval
import org.scalatest.funsuite.AnyFunSuite

import scala.util.Random

class PairedDifferenceSuite extends AnyFunSuite {

  private def outcomes(s: String): Array[Boolean] = s.map(_ == '1').toArray

  test("counts the images the two models agree and disagree on; swapping them negates the interval") {
    val d = PairedDifference.of(outcomes("1100101111"), outcomes("1010001110"))
    assert((d.examples, d.bothRight, d.onlyFirst, d.onlySecond) == (10, 4, 3, 1))
    assert(d.difference == 0.2)
    assert(d.low < 0.2 && 0.2 < d.high, d)
    val swapped = PairedDifference.of(outcomes("1010001110"), outcomes("1100101111"))
    assert(math.abs(swapped.low + d.high) < 1e-12 && math.abs(swapped.high + d.low) < 1e-12)
  }

  test("two models right on every image: a finite interval around 0") {
    val all = Array.fill(50)(true)
    val d = PairedDifference.of(all, all)
    assert(d.difference == 0 && d.low < 0 && d.high > 0 && d.high < 0.1, d)
    assert(intercept[IllegalArgumentException](PairedDifference.of(all, all.take(49))).getMessage ==
      "A paired difference needs the same images, at least one: got 50 and 49")
  }

  // Two models that mostly get the same images right, as two configurations of one sweep do:
  // P(both right) 0.83, P(only the first) 0.05, P(only the second) 0.02, P(neither) 0.10, so the
  // accuracies are 0.88 and 0.85 and the true difference 0.03.
  private def sample(random: Random, n: Int): (Array[Boolean], Array[Boolean]) = {
    val cells = Array.fill(n)(random.nextDouble())
    (cells.map(u => u < 0.88), cells.map(u => u < 0.83 || (u >= 0.88 && u < 0.90)))
  }

  test("covers the true difference about 95% of the time, narrower than an unpaired interval") {
    val random = new Random(2026)
    val reps = 2000
    var covered = 0
    var pairedWidth = 0.0
    var unpairedWidth = 0.0
    for (_ <- 0 until reps) {
      val (first, second) = sample(random, 300)
      val d = PairedDifference.of(first, second)
      if (d.low <= 0.03 && 0.03 <= d.high) covered += 1
      pairedWidth += d.high - d.low
      // Newcombe's hybrid score interval for independent samples, on the same counts.
      val (x1, x2) = (first.count(identity), second.count(identity))
      val (w1, w2) = (new WilsonScoreInterval().createInterval(300, x1, 0.95),
        new WilsonScoreInterval().createInterval(300, x2, 0.95))
      val (p1, p2) = (x1 / 300.0, x2 / 300.0)
      unpairedWidth += math.hypot(p1 - w1.getLowerBound, w2.getUpperBound - p2) +
        math.hypot(p2 - w2.getLowerBound, w1.getUpperBound - p1)
    }
    val coverage = covered.toDouble / reps
    // 2,000 replicates: one standard error of the coverage is 0.005.
    assert(coverage >= 0.93 && coverage <= 0.97, coverage)
    assert(pairedWidth / reps < 0.6 * unpairedWidth / reps, (pairedWidth / reps, unpairedWidth / reps))
  }
}
