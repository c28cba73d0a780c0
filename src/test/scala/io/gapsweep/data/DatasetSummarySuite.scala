package io.gapsweep.data

import org.scalatest.funsuite.AnyFunSuite

import scala.jdk.CollectionConverters._

class DatasetSummarySuite extends AnyFunSuite {

  private def images(labels: Int*): ImageSet =
    new ImageSet(labels.size, 1, 1, 1, new Array[Byte](labels.size), labels.toArray)

  test("a class whose share differs by more than 10 points between splits is named") {
    val data = new Dataset(Seq("cat", "dog").asJava,
      images(0, 0, 0, 0, 0, 0, 1, 1, 1, 1),
      images(0, 0, 1, 1, 1))
    assert(DatasetSource.balanceWarnings(data).asScala == Seq(
      "class cat is 60% of the training images but 40% of the validation images",
      "class dog is 40% of the training images but 60% of the validation images"))
    assert(DatasetSource.summary(LoadedDataset.clean(data, "test")).contains(
      "Warning: class cat is 60% of the training images but 40% of the validation images"))
  }

  test("balanced splits give no warning") {
    val data = new Dataset(Seq("cat", "dog").asJava, images(0, 0, 1, 1), images(0, 1))
    assert(DatasetSource.balanceWarnings(data).isEmpty)
  }
}
