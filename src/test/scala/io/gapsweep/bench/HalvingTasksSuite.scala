package io.gapsweep.bench

import org.scalatest.funsuite.AnyFunSuite

/** Slot utilization while work remains, on made-up task spans (milliseconds). */
class HalvingTasksSuite extends AnyFunSuite {

  private def tasks(spans: (Long, Long)*): HalvingCost.Tasks = {
    val tasks = new HalvingCost.Tasks()
    spans.foreach { case (launch, finish) => tasks.add(launch, finish) }
    tasks
  }

  test("the last configuration training alone is not idle time of the other slot") {
    // Two slots busy for 10 ms, then one task alone for 10 more: no work left for the other slot.
    assert(tasks((0, 10), (0, 10), (10, 20)).whileWorkRemains(0, 100, 2) == 1.0)
  }

  test("a rung barrier and the driver's decision before the last launch count as idle") {
    // One slot waits 8 ms for its neighbour to end the rung, both wait 2 ms for the decision, then
    // the next rung fills both: 28 busy of 40 slot-milliseconds.
    assert(tasks((0, 10), (0, 2), (12, 20), (12, 20)).whileWorkRemains(0, 100, 2) == 28.0 / 40)
  }

  test("after the last launch, work remains until the first slot frees") {
    // Three slots: the last launch at 5 finds three tasks running; the first ends at 8.
    assert(tasks((0, 8), (0, 30), (5, 30)).whileWorkRemains(0, 100, 3) == (8 + 8 + 3).toDouble / 24)
  }

  test("tasks launched after the training (compaction, views) are left out") {
    assert(tasks((0, 10), (0, 10), (50, 60)).whileWorkRemains(0, 20, 2) == 1.0)
  }

  test("a finish recorded after the slot's next launch does not count the slot twice") {
    // Two slots; the first slot's task is marked finished at 12, its next one launched at 10.
    val u = tasks((0, 12), (10, 20), (0, 20)).whileWorkRemains(0, 100, 2)
    assert(u == 1.0, s"utilization $u")
  }
}
