package io.gapsweep.data

import org.scalatest.funsuite.AnyFunSuite

class ImageSetSuite extends AnyFunSuite {

  test("scaled images are pixel / 255 for every byte value, in the order asked") {
    // 256 one-channel 1x1 images, image i holding the byte value i
    val images = new ImageSet(256, 1, 1, 1, Array.tabulate(256)(_.toByte), Array.fill(256)(0))
    val order = Array.tabulate(256)(i => 255 - i)
    val scaled = images.scaled(order, 0, 256)
    assert(scaled.toSeq == order.toSeq.map(v => v / 255f))
    assert(images.scaled(order, 10, 13).toSeq == Seq(245 / 255f, 244 / 255f, 243 / 255f))
  }

  test("a multi-channel image keeps its NCHW values together") {
    val images = new ImageSet(2, 3, 1, 2, Array.tabulate(12)(i => (i * 20).toByte), Array(0, 1))
    assert(images.scaled(Array(1, 0), 0, 1).toSeq == (6 until 12).map(i => i * 20 / 255f))
  }
}
