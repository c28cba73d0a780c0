package io.gapsweep.data

import io.gapsweep.UserError
import io.gapsweep.plan.FoldPlan
import io.gapsweep.testing.Fixtures
import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

/** The dataset a k-fold sweep broadcasts: the pool, its folds, and each trial's split of it. */
class DatasetFoldsSuite extends AnyFunSuite {

  // 6 classes, 3 training and 2 validation images each: a pool of 30.
  private val data = SyntheticShapes.generate(Fixtures.data(size = 8, trainPerClass = 3,
    validationPerClass = 2))
  private val plan = new FoldPlan(2, 2, 1234L)
  private val pool = data.train.concat(data.validation)

  test("holdout: the given split, held-out ids are validation positions") {
    val split = data.withFolds(FoldPlan.HOLDOUT).split(0)
    assert(split.train == data.train && split.heldOut == data.validation)
    assert(split.heldOutIds.toSeq == (0 until 12))
  }

  test("k-fold: each repeat holds every pooled example out exactly once, stratified") {
    val folded = data.withFolds(plan)
    for (repeat <- 0 until 2) {
      val splits = (0 until 2).map(i => folded.split(repeat * 2 + i))
      val held = splits.flatMap(_.heldOutIds.toSeq)
      assert(held.sorted == (0 until 30))
      for (split <- splits) {
        assert(split.train.count + split.heldOut.count == 30)
        assert(split.heldOut.labels.toSeq == split.heldOutIds.toSeq.map(pool.labels()(_)))
        // 5 images per class over 2 folds: 2 or 3 of each class held out.
        val perClass = split.heldOut.labels.groupBy(identity).values.map(_.length).toSet
        assert(perClass.subsetOf(Set(2, 3)), perClass)
      }
    }
    // Folds depend on the data and the plan's seed only.
    assert((0 until 4).map(f => data.withFolds(plan).split(f).heldOutIds.toSeq) ==
      (0 until 4).map(f => folded.split(f).heldOutIds.toSeq))
    assert(folded.split(0).heldOutIds.toSeq != folded.split(2).heldOutIds.toSeq)
  }

  test("k-fold with more folds than a class has images is a user error naming the class") {
    val e = intercept[UserError](data.withFolds(new FoldPlan(6, 1, 1L)))
    assert(e.getMessage == "Cannot make 6 stratified folds (gapsweep.validation.folds): class" +
      " disk has only 5 images in training and validation together; lower folds to at most 5 or" +
      " set gapsweep.validation.scheme = holdout")
  }
}
