package io.gapsweep.search

import io.gapsweep.search.AsynchronousHalving.{Arrival, Job}
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

/** ASHA's promotion rule, arrivals in a given order; no Spark. */
class AsynchronousHalvingSuite extends AnyFunSuite {

  private val noTies: AsynchronousHalving.TieTest = _ => Set.empty[String].asJava

  private def asha(configs: Seq[String], eta: Int, rungs: Int,
      ties: AsynchronousHalving.TieTest = noTies) =
    new AsynchronousHalving(configs.asJava, eta, rungs, ties)

  private def next(a: AsynchronousHalving): Option[(String, Int)] = {
    val job = a.next()
    if (job.isPresent) Some(job.get.configId -> job.get.rung) else None
  }

  private def arrive(a: AsynchronousHalving, rung: Int, id: String, score: Double,
      running: Boolean = true): Unit =
    a.reached(rung, new Arrival(id, score, running, null))

  test("a freed slot promotes the best of the top ⌊n/η⌋ not yet promoted, else starts the next") {
    val a = asha(Seq("a", "b", "c", "d", "e", "f"), 3, 3)
    assert(next(a) == Some("a" -> 0))
    assert(next(a) == Some("b" -> 0))
    arrive(a, 0, "a", 0.5)
    assert(next(a) == Some("c" -> 0)) // 1 at rung 0: ⌊1/3⌋ = 0 promotable
    arrive(a, 0, "b", 0.3)
    assert(next(a) == Some("d" -> 0)) // 2 at rung 0: still none
    arrive(a, 0, "c", 0.4)
    assert(next(a) == Some("b" -> 1)) // 3 at rung 0: the best, b, goes on
    arrive(a, 0, "d", 0.1)
    assert(next(a) == Some("d" -> 1)) // 4 at rung 0: ⌊4/3⌋ = 1, the top is now d
    arrive(a, 1, "b", 0.25)
    assert(next(a) == Some("e" -> 0)) // b is alone at rung 1; rung 0's top (d) is promoted
    arrive(a, 1, "d", 0.05)
    arrive(a, 0, "e", 0.2)
    // Rung 1 holds 2 (< η): none goes on; rung 0 holds 5, ⌊5/3⌋ = 1: d, promoted. So f starts.
    assert(next(a) == Some("f" -> 0))
    assert(a.inFlight.asScala == Map("f" -> 0))
    assert(!a.closed(0) && a.pruned(0).isEmpty) // nothing is pruned while its rung is open
    arrive(a, 0, "f", 0.35)
    // All 6 started and arrived: rung 0 closes, its quota is ⌈6/3⌉ = 2: d (promoted) and e.
    assert(a.closed(0) && a.quota(0) == 2)
    assert(next(a) == Some("e" -> 1))
    assert(!a.closed(1))
    assert(a.pruned(0).asScala == Seq("f", "c", "a")) // d, e and b were promoted
    arrive(a, 1, "e", 0.15)
    // Rung 1 closed with d, e, b: ⌈3/3⌉ = 1 → d, the best, to the last rung.
    assert(next(a) == Some("d" -> 2))
    assert(next(a) == None && !a.finished)
    arrive(a, 2, "d", 0.04, running = false) // every trial ends at the last rung
    assert(next(a) == None && a.finished)
    assert(a.pruned(0).asScala == Seq("f", "c", "a"))
    assert(a.pruned(1).asScala == Seq("e", "b"))
    assert(a.pruned(2).isEmpty)
    assert(a.promoted(0).asScala == Set("b", "d", "e") && a.promoted(1).asScala == Set("d"))
  }

  test("promotions are checked from the highest rung down before any new configuration") {
    val a = asha((1 to 9).map(i => s"c$i"), 3, 3)
    (1 to 3).foreach(_ => next(a))
    arrive(a, 0, "c1", 0.3); arrive(a, 0, "c2", 0.2); arrive(a, 0, "c3", 0.1)
    assert(next(a) == Some("c3" -> 1))
    (4 to 6).foreach(i => assert(next(a) == Some(s"c$i" -> 0)))
    arrive(a, 0, "c4", 0.9); arrive(a, 0, "c5", 0.8); arrive(a, 0, "c6", 0.05)
    // Rung 0: 6 arrived, ⌊6/3⌋ = 2: c6 then c3 (promoted): c6 goes on.
    arrive(a, 1, "c3", 0.09)
    assert(next(a) == Some("c6" -> 1))
    arrive(a, 1, "c6", 0.04)
    (7 to 8).foreach(i => assert(next(a) == Some(s"c$i" -> 0)))
    arrive(a, 0, "c7", 0.01); arrive(a, 0, "c8", 0.02)
    // Rung 1 has 2 (< η): nothing there. Rung 0 has 8, ⌊8/3⌋ = 2: c7, c8, both new to promote.
    assert(next(a) == Some("c7" -> 1))
    assert(next(a) == Some("c8" -> 1))
    arrive(a, 1, "c7", 0.03)
    // Rung 1 now has 3: ⌊3/3⌋ = 1, c7: it goes to rung 2 before c9 starts.
    assert(next(a) == Some("c7" -> 2))
    assert(next(a) == Some("c9" -> 0))
  }

  test("a configuration that ended before the rung ranks and takes its place, but never goes on") {
    val a = asha(Seq("a", "b", "c", "d"), 3, 2)
    (1 to 3).foreach(_ => next(a))
    arrive(a, 0, "a", 0.1, running = false)
    arrive(a, 0, "b", 0.2); arrive(a, 0, "c", 0.3)
    assert(next(a) == Some("d" -> 0)) // the top place is a's, and a has nothing left to train
    arrive(a, 0, "d", 0.4)
    // Closed: ⌈4/3⌉ = 2 places: a (ended) and b.
    assert(next(a) == Some("b" -> 1))
    arrive(a, 1, "b", 0.15, running = false)
    assert(a.finished && a.pruned(0).asScala == Seq("c", "d"))
  }

  test("the tie guard promotes a running configuration tied with the rung's leader beyond ⌊n/η⌋") {
    // Tied: within 0.05 of the leader's score (the real test pairs losses by example).
    val within: AsynchronousHalving.TieTest = arrivals => {
      val sorted = arrivals.asScala.sortBy(_.score)
      sorted.filter(_.score <= sorted.head.score + 0.05).map(_.configId).toSet.asJava
    }
    val a = asha(Seq("a", "b", "c", "d", "e"), 3, 2, within)
    next(a); next(a)
    arrive(a, 0, "a", 0.30)
    arrive(a, 0, "b", 0.33)
    // 2 arrived, ⌊2/3⌋ = 0 places, but b is tied with the leader a: both are promotable.
    assert(next(a) == Some("a" -> 1))
    assert(next(a) == Some("b" -> 1))
    assert(next(a) == Some("c" -> 0))
    arrive(a, 0, "c", 0.10) // a new leader: a and b are no longer tied with it; never revisited
    assert(a.promoted(0).asScala == Set("a", "b"))
    assert(next(a) == Some("c" -> 1)) // ⌊3/3⌋ = 1: c
    assert(next(a) == Some("d" -> 0))
    arrive(a, 0, "d", 0.14) // tied with c
    assert(next(a) == Some("d" -> 1))
    assert(next(a) == Some("e" -> 0))
    arrive(a, 0, "e", 0.50)
    assert(next(a) == None) // ⌈5/3⌉ = 2 places (c, d) once closed; e is neither placed nor tied
    arrive(a, 1, "a", 0.2, running = false); arrive(a, 1, "b", 0.2, running = false)
    arrive(a, 1, "c", 0.1, running = false); arrive(a, 1, "d", 0.1, running = false)
    assert(a.finished && a.pruned(0).asScala == Seq("e"))
  }

  test("equal scores are ranked by configuration id; a failed configuration (+inf) ranks last") {
    val a = asha(Seq("z", "b", "a"), 2, 2)
    (1 to 3).foreach(_ => next(a))
    arrive(a, 0, "z", Double.PositiveInfinity)
    arrive(a, 0, "b", 0.2)
    arrive(a, 0, "a", 0.2)
    assert(a.ranked(0).asScala.map(_.configId) == Seq("a", "b", "z"))
    assert(next(a) == Some("a" -> 1)) // closed: ⌈3/2⌉ = 2 places, a then b
    assert(next(a) == Some("b" -> 1))
    assert(a.pruned(0).asScala == Seq("z"))
  }

  test("replaying the journaled jobs and arrivals rebuilds the same state; a wrong replay is refused") {
    val configs = (1 to 7).map(i => s"c$i")
    val scores = Map("c1" -> 0.7, "c2" -> 0.2, "c3" -> 0.5, "c4" -> 0.1, "c5" -> 0.6,
      "c6" -> 0.3, "c7" -> 0.4)
    val first = asha(configs, 3, 2)
    val steps = scala.collection.mutable.ArrayBuffer[Either[Job, (Int, Arrival)]]()
    def step(): Unit = {
      val job = first.next().get
      steps += Left(job)
      val arrival = new Arrival(job.configId, scores(job.configId) / (job.rung + 1), job.rung == 0,
        null)
      if (job.rung == 0 && steps.size % 3 != 0) {
        first.reached(0, arrival)
        steps += Right(0 -> arrival)
      }
    }
    (1 to 5).foreach(_ => step())
    val replayed = asha(configs, 3, 2)
    steps.foreach {
      case Left(job) => replayed.replay(job)
      case Right((rung, arrival)) => replayed.reached(rung, arrival)
    }
    assert(replayed.inFlight == first.inFlight)
    for (k <- 0 until 2) {
      assert(replayed.ranked(k) == first.ranked(k) && replayed.promoted(k) == first.promoted(k))
    }
    assert(replayed.next() == first.next())

    val wrong = asha(configs, 3, 2)
    val e = intercept[IllegalStateException](wrong.replay(new Job("c2", 0)))
    assert(e.getMessage == "Cannot start configuration c2: the next configuration of the plan is c1")
    wrong.replay(new Job("c1", 0))
    val p = intercept[IllegalStateException](wrong.replay(new Job("c1", 1)))
    assert(p.getMessage == "Configuration c1 is already training towards rung 0")
  }
}
