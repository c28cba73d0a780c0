package io.gapsweep.search

import io.gapsweep.search.SuccessiveHalving.Standing
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class SuccessiveHalvingSuite extends AnyFunSuite {

  private def ends(r: Int, eta: Int, max: Int): Seq[Int] =
    SuccessiveHalving.rungEnds(r, eta, max).asScala.map(_.intValue).toSeq

  test("rungs end at r, r·η, r·η², … below the epoch limit, and the last at the limit") {
    assert(ends(3, 3, 50) == Seq(3, 9, 27, 50))
    assert(ends(1, 3, 9) == Seq(1, 3, 9))
    assert(ends(1, 2, 10) == Seq(1, 2, 4, 8, 10))
    assert(ends(3, 3, 3) == Seq(3))
    assert(ends(5, 3, 4) == Seq(4))
    assert(ends(1, 3, Int.MaxValue).last == Int.MaxValue) // no overflow past the limit
    intercept[IllegalArgumentException](SuccessiveHalving.rungEnds(0, 3, 9))
    intercept[IllegalArgumentException](SuccessiveHalving.rungEnds(1, 1, 9))
  }

  private def standings(scores: (String, Double, Boolean)*): java.util.List[Standing] =
    scores.map { case (id, score, running) => new Standing(id, score, running) }.asJava

  test("the best ⌈n/η⌉ running configurations continue; the rest are pruned") {
    // 7 configurations, η = 3: 3 slots.
    val d = SuccessiveHalving.decide(0, 3, standings(
      ("g", 0.9, true), ("a", 0.1, true), ("c", 0.3, true), ("b", 0.2, true), ("e", 0.5, true),
      ("d", 0.4, true), ("f", 0.6, true)), Set.empty[String].asJava)
    assert(d.slots == 3)
    assert(d.ranked.asScala.map(_.configId) == Seq("a", "b", "c", "d", "e", "f", "g"))
    assert(d.promoted.asScala == Seq("a", "b", "c"))
    assert(d.tied.isEmpty)
    assert(d.pruned.asScala == Seq("d", "e", "f", "g"))
    assert(d.continuing.asScala == Seq("a", "b", "c"))
  }

  test("a configuration that ended before the rung ranks and takes its slot, but is not pruned") {
    val d = SuccessiveHalving.decide(1, 3, standings(
      ("a", 0.1, false), ("b", 0.2, true), ("c", 0.3, true), ("d", 0.4, false), ("e", 0.5, true),
      ("f", 0.6, true)), Set.empty[String].asJava)
    assert(d.slots == 2)
    assert(d.promoted.asScala == Seq("b"))
    assert(d.pruned.asScala == Seq("c", "e", "f"))
  }

  test("a running configuration tied with the leader continues beyond the slots; ties never prune") {
    val d = SuccessiveHalving.decide(0, 3, standings(
      ("a", 0.10, true), ("b", 0.11, true), ("c", 0.12, true), ("d", 0.13, false),
      ("e", 0.50, true), ("f", 0.60, true)), Set("a", "b", "c", "d", "f").asJava)
    assert(d.promoted.asScala == Seq("a", "b"))
    assert(d.tied.asScala == Seq("c", "f"))
    assert(d.pruned.asScala == Seq("e"))
  }

  test("ties of score are broken by configuration id; a failed configuration (+inf) ranks last") {
    val d = SuccessiveHalving.decide(0, 2, standings(
      ("z", Double.PositiveInfinity, true), ("b", 0.2, true), ("a", 0.2, true)),
      Set.empty[String].asJava)
    assert(d.ranked.asScala.map(_.configId) == Seq("a", "b", "z"))
    assert(d.promoted.asScala == Seq("a", "b"))
    assert(d.pruned.asScala == Seq("z"))
  }
}
