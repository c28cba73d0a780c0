package io.gapsweep.data

import org.scalatest.funsuite.AnyFunSuite

class FoldsSuite extends AnyFunSuite {

  // 3 classes of 10, 7 and 5 examples, interleaved as a real pool would be.
  private val labels: Array[Int] =
    (Seq.fill(10)(0) ++ Seq.fill(7)(1) ++ Seq.fill(5)(2)).zipWithIndex
      .sortBy { case (_, i) => (i * 7919) % 22 }.map(_._1).toArray

  private def counts(ids: Array[Int]): Map[Int, Int] =
    ids.groupBy(labels(_)).map { case (c, xs) => c -> xs.length }

  test("every class is spread over the folds as evenly as its count allows, as scikit-learn deals it") {
    // Sorted labels 0x10, 1x7, 2x5 dealt round-robin to folds 0,1,2,0,1,2...: class 0 takes
    // positions 0..9 (folds 4,3,3), class 1 positions 10..16 (2,3,2), class 2 positions 17..21
    // (2,1,2).
    val expected = Seq(Map(0 -> 4, 1 -> 2, 2 -> 2), Map(0 -> 3, 1 -> 3, 2 -> 1), Map(0 -> 3, 1 -> 2, 2 -> 2))
    for (r <- 0 until 2) {
      val folds = Folds.stratified(labels, 3, 2, 42L)
      assert((0 until 3).map(f => counts(folds.heldOut(r, f))) == expected)
      assert((0 until 3).map(f => folds.heldOut(r, f).length) == Seq(8, 7, 7))
    }
  }

  test("each repeat's held-out folds are disjoint and cover the pool; training is the complement") {
    val folds = Folds.stratified(labels, 4, 3, 1L)
    assert(folds.splits == 12 && folds.size == labels.length)
    for (r <- 0 until 3) {
      val heldOut = (0 until 4).map(f => folds.heldOut(r, f).toSeq)
      assert(heldOut.flatten.sorted == labels.indices)
      for (f <- 0 until 4) {
        assert(folds.training(r, f).toSeq == labels.indices.filterNot(heldOut(f).toSet))
        assert(heldOut(f).forall(i => folds.foldOf(r, i) == f))
        assert(heldOut(f) == heldOut(f).sorted)
      }
    }
  }

  test("the same labels, k, repeats and seed give the same folds; repeats and seeds differ") {
    def assignment(folds: Folds, r: Int) = labels.indices.map(folds.foldOf(r, _))
    val a = Folds.stratified(labels, 3, 2, 5L)
    val b = Folds.stratified(labels, 3, 2, 5L)
    assert(assignment(a, 0) == assignment(b, 0) && assignment(a, 1) == assignment(b, 1))
    assert(assignment(a, 0) != assignment(a, 1))
    assert(assignment(a, 0) != assignment(Folds.stratified(labels, 3, 2, 6L), 0))
    // A repeat does not depend on how many repeats there are.
    assert(assignment(Folds.stratified(labels, 3, 1, 5L), 0) == assignment(a, 0))
  }

  test("a class with fewer members than k is a clear error, as are k < 2 and repeats < 1") {
    val small = Array(0, 0, 0, 1, 1, 0, 1)
    val e = intercept[IllegalArgumentException](Folds.stratified(small, 4, 1, 0L))
    assert(e.getMessage == "Cannot make 4 stratified folds: class 1 has only 3 examples; every class needs at least 4")
    assert(intercept[IllegalArgumentException](Folds.stratified(small, 1, 1, 0L)).getMessage ==
      "Cannot make folds: k must be at least 2, got 1")
    assert(intercept[IllegalArgumentException](Folds.stratified(small, 2, 0, 0L)).getMessage ==
      "Cannot make folds: repeats must be at least 1, got 0")
    assert(Folds.stratified(small, 3, 1, 0L).k == 3)
  }

  test("a split cuts the pool's images with ids that index the pool") {
    val n = labels.length
    // Image i is one grey pixel of value i, so the bytes name the example.
    val pool = new ImageSet(n, 1, 1, 1, Array.tabulate(n)(_.toByte), labels)
    val folds = Folds.stratified(labels, 3, 2, 9L)
    val split = folds.split(pool, 1, 2)
    assert(split.repeat == 1 && split.fold == 2)
    assert(split.heldOutIds.toSeq == folds.heldOut(1, 2).toSeq)
    assert(split.heldOut.pixels.toSeq == split.heldOutIds.toSeq.map(_.toByte))
    assert(split.heldOut.labels.toSeq == split.heldOutIds.toSeq.map(labels(_)))
    assert(split.train.pixels.toSeq == split.trainIds.toSeq.map(_.toByte))
    assert(split.train.count + split.heldOut.count == n)
    val other = new ImageSet(n, 1, 1, 1, new Array[Byte](n), labels.map(l => (l + 1) % 3))
    assert(intercept[IllegalArgumentException](folds.split(other, 0, 0)).getMessage ==
      s"Cannot split a pool of $n images with folds made for $n examples of other labels")
  }

  test("pooling two sets concatenates them; an empty set has the shape and no images") {
    val a = new ImageSet(2, 1, 1, 2, Array[Byte](1, 2, 3, 4), Array(0, 1))
    val b = new ImageSet(1, 1, 1, 2, Array[Byte](5, 6), Array(2))
    val both = a.concat(b)
    assert(both.count == 3 && both.pixels.toSeq == Seq[Byte](1, 2, 3, 4, 5, 6) && both.labels.toSeq == Seq(0, 1, 2))
    val empty = ImageSet.empty(3, 8, 9)
    assert(empty.count == 0 && empty.imageSize == 3 * 8 * 9 && empty.pixels.isEmpty)
    assert(intercept[IllegalArgumentException](a.concat(empty)).getMessage ==
      "Cannot concatenate image sets of 1x1x2 and 3x8x9")
  }
}
