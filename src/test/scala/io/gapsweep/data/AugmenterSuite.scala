package io.gapsweep.data

import io.gapsweep.testing.Fixtures.preset
import io.gapsweep.config.{AugmentationPreset, FillMode}
import io.gapsweep.data.Augmenter.Transform
import java.util.Random
import org.scalatest.funsuite.AnyFunSuite

class AugmenterSuite extends AnyFunSuite {


  private def transform(
      rotation: Double = 0,
      rowShift: Double = 0,
      columnShift: Double = 0,
      shear: Double = 0,
      rowZoom: Double = 1,
      columnZoom: Double = 1,
      flipHorizontal: Boolean = false,
      flipVertical: Boolean = false,
      channelShift: Double = 0,
      brightness: Double = 1): Transform =
    new Transform(rotation, rowShift, columnShift, shear, rowZoom, columnZoom, flipHorizontal,
      flipVertical, channelShift, brightness)

  /** A channels x height x width image whose value at (ch, r, c) is f(ch, r, c). */
  private def image(channels: Int, height: Int, width: Int)(f: (Int, Int, Int) => Double)
      : Array[Float] = {
    val a = new Array[Float](channels * height * width)
    for (ch <- 0 until channels; r <- 0 until height; c <- 0 until width) {
      a((ch * height + r) * width + c) = f(ch, r, c).toFloat
    }
    a
  }

  private def applied(
      img: Array[Float], channels: Int, height: Int, width: Int, t: Transform,
      p: AugmentationPreset = preset()): Array[Float] = {
    val out = img.clone()
    new Augmenter(p).apply(out, 0, channels, height, width, t)
    out
  }

  // An asymmetric pattern: every pixel of every channel has its own value.
  private def pattern(channels: Int, size: Int): Array[Float] =
    image(channels, size, size)((ch, r, c) => 100 * ch + 10 * r + c)

  private def at(img: Array[Float], size: Int, ch: Int, r: Int, c: Int): Float =
    img((ch * size + r) * size + c)

  private def assertImage(actual: Array[Float], channels: Int, size: Int)(
      expected: (Int, Int, Int) => Double, tolerance: Double = 0): Unit = {
    for (ch <- 0 until channels; r <- 0 until size; c <- 0 until size) {
      val a = at(actual, size, ch, r, c)
      val e = expected(ch, r, c)
      assert(math.abs(a - e) <= tolerance, s"at ($ch, $r, $c): $a, expected $e")
    }
  }

  test("the none preset leaves the image bit-identical and draws no random numbers") {
    val img = pattern(3, 9)
    val out = img.clone()
    val random = new Random(5)
    new Augmenter(AugmentationPreset.none()).apply(out, 3, 9, 9, random)
    assert(out.sameElements(img))
    assert(random.nextLong() == new Random(5).nextLong())
  }

  test("a preset with every range zero changes nothing, whatever its fill mode") {
    for (mode <- FillMode.values()) {
      val img = image(1, 8, 8)((_, r, c) => (r * 31 + c * 7) % 256 + 0.25)
      val out = img.clone()
      new Augmenter(preset(fillMode = mode, fillValue = 99)).apply(out, 1, 8, 8, new Random(1))
      assert(java.util.Arrays.equals(out, img))
    }
    val identity = applied(pattern(3, 9), 3, 9, 9, Transform.identity())
    assert(identity.sameElements(pattern(3, 9)))
  }

  test("a horizontal flip mirrors the columns exactly") {
    val out = applied(pattern(3, 9), 3, 9, 9, transform(flipHorizontal = true))
    assertImage(out, 3, 9)((ch, r, c) => 100 * ch + 10 * r + (8 - c))
  }

  test("a vertical flip mirrors the rows exactly") {
    val out = applied(pattern(3, 8), 3, 8, 8, transform(flipVertical = true))
    assertImage(out, 3, 8)((ch, r, c) => 100 * ch + 10 * (7 - r) + c)
  }

  test("a rotation by 90 degrees rotates the pattern exactly, clockwise for positive angles") {
    for (size <- Seq(8, 9)) {
      val n = size - 1
      val plus = applied(pattern(2, size), 2, size, size, transform(rotation = 90))
      // out(r, c) = in(n - c, r): the top-right corner moves to the bottom-right.
      assertImage(plus, 2, size)((ch, r, c) => 100 * ch + 10 * (n - c) + r)
      val minus = applied(pattern(2, size), 2, size, size, transform(rotation = -90))
      assertImage(minus, 2, size)((ch, r, c) => 100 * ch + 10 * c + (n - r))
    }
  }

  test("a rotation by 180 degrees equals both flips, with or without the affine path") {
    val rotated = applied(pattern(3, 9), 3, 9, 9, transform(rotation = 180))
    val flipped = applied(pattern(3, 9), 3, 9, 9,
      transform(flipHorizontal = true, flipVertical = true))
    assert(rotated.sameElements(flipped))
    // Flips fold into the resampling when there is also an affine part.
    val both = applied(pattern(1, 9), 1, 9, 9, transform(rotation = 90, flipVertical = true))
    assertImage(both, 1, 9)((_, r, c) => 10 * (8 - c) + (8 - r))
  }

  test("a shift of 2 pixels moves the pattern by 2 pixels; nearest fill repeats the edge") {
    val single = image(1, 9, 9)((_, r, c) => if (r == 5 && c == 4) 255 else 0)
    val up = applied(single, 1, 9, 9, transform(rowShift = 2))
    assertImage(up, 1, 9)((_, r, c) => if (r == 3 && c == 4) 255 else 0)
    val right = applied(pattern(1, 9), 1, 9, 9, transform(columnShift = -2))
    assertImage(right, 1, 9)((_, r, c) => 10 * r + math.max(0, c - 2))
  }

  test("a zoom of 0.5 enlarges about the centre; 2 shrinks; rows and columns are independent") {
    // Bilinear interpolation reproduces a linear ramp, so the expected values are exact.
    val ramp = pattern(1, 9)
    val enlarged = applied(ramp, 1, 9, 9, transform(rowZoom = 0.5, columnZoom = 0.5))
    assertImage(enlarged, 1, 9)((_, r, c) => 10 * (4 + 0.5 * (r - 4)) + (4 + 0.5 * (c - 4)), 1e-4)
    val tall = applied(ramp, 1, 9, 9, transform(rowZoom = 0.5))
    assertImage(tall, 1, 9)((_, r, c) => 10 * (4 + 0.5 * (r - 4)) + c, 1e-4)
    val single = image(1, 9, 9)((_, r, c) => if (r == 6 && c == 4) 255 else 0)
    val shrunk = applied(single, 1, 9, 9, transform(rowZoom = 2, columnZoom = 2),
      preset(fillMode = FillMode.CONSTANT))
    assertImage(shrunk, 1, 9)((_, r, c) => if (r == 5 && c == 4) 255 else 0)
  }

  test("a shear of 30 degrees slants a horizontal line by half a row per column") {
    val line = image(1, 9, 9)((_, r, _) => if (r == 4) 255 else 0)
    val out = applied(line, 1, 9, 9, transform(shear = 30))
    // Output (r, c) samples input row r - sin(30°) (c - 4): the line lands on r = 4 + (c - 4) / 2.
    for (c <- 0 to 8 by 2; r <- 0 until 9) {
      val expected = if (r == 4 + (c - 4) / 2) 255 else 0
      assert(math.abs(at(out, 9, 0, r, c) - expected) < 1e-3, s"at ($r, $c)")
    }
    // Odd columns fall between two rows and share the line.
    assert(math.abs(at(out, 9, 0, 3, 3) - 127.5) < 1e-3)
    assert(math.abs(at(out, 9, 0, 4, 3) - 127.5) < 1e-3)
  }

  test("each fill mode fills as named") {
    val row = Seq(10, 20, 30, 40, 50, 60)
    val img = image(2, 3, 6)((ch, _, c) => row(c) + ch)
    def shifted(mode: FillMode, shift: Double): Seq[Float] = {
      val out = img.clone()
      new Augmenter(preset(fillMode = mode, fillValue = 99))
        .apply(out, 0, 2, 3, 6, transform(columnShift = shift))
      for (ch <- 0 until 2; r <- 0 until 3) {
        assert(out.slice((ch * 3 + r) * 6, (ch * 3 + r) * 6 + 6).toSeq ==
          out.slice(0, 6).map(_ + ch).toSeq.map(v => if (ch == 1 && v == 100) 99f else v))
      }
      out.slice(0, 6).toSeq
    }
    assert(shifted(FillMode.NEAREST, -2) == Seq(10, 10, 10, 20, 30, 40).map(_.toFloat))
    assert(shifted(FillMode.CONSTANT, -2) == Seq(99, 99, 10, 20, 30, 40).map(_.toFloat))
    assert(shifted(FillMode.REFLECT, -2) == Seq(20, 10, 10, 20, 30, 40).map(_.toFloat))
    assert(shifted(FillMode.NEAREST, 2) == Seq(30, 40, 50, 60, 60, 60).map(_.toFloat))
    assert(shifted(FillMode.CONSTANT, 2) == Seq(30, 40, 50, 60, 99, 99).map(_.toFloat))
    assert(shifted(FillMode.REFLECT, 2) == Seq(30, 40, 50, 60, 60, 50).map(_.toFloat))
    // Reflection repeats with period 2n: ... e f f e d c b a | a b c d e f | f e ...
    assert(shifted(FillMode.REFLECT, -8) == Seq(50, 60, 60, 50, 40, 30).map(_.toFloat))
    // Constant mode does not interpolate beyond the edge: half a pixel out is already fill.
    assert(shifted(FillMode.CONSTANT, -0.5) == Seq(99, 15, 25, 35, 45, 55).map(_.toFloat))
  }

  test("a channel shift adds one intensity to every channel and clips to the image's range") {
    val img = image(3, 1, 3)((ch, _, c) => Seq(10, 100, 200)(c) + ch)
    val up = applied(img, 3, 1, 3, transform(channelShift = 50))
    assert(up.toSeq == Seq(60, 150, 202, 61, 151, 202, 62, 152, 202).map(_.toFloat))
    val down = applied(img, 3, 1, 3, transform(channelShift = -50))
    assert(down.toSeq == Seq(10, 50, 150, 10, 51, 151, 10, 52, 152).map(_.toFloat))
  }

  test("brightness multiplies every value and clips to 0..255") {
    val img = image(1, 1, 3)((_, _, c) => Seq(10, 100, 200)(c))
    assert(applied(img, 1, 1, 3, transform(brightness = 1.5)).toSeq == Seq(15f, 150f, 255f))
    assert(applied(img, 1, 1, 3, transform(brightness = 0.5)).toSeq == Seq(5f, 50f, 100f))
  }

  test("random draws lie within the configured ranges and cover them") {
    val heavy = preset(rotation = 30, widthShift = 0.2, heightShift = 0.1, shear = 10, zoom = 0.2,
      horizontalFlip = true, verticalFlip = true, channelShift = 30, brightness = (0.7, 1.3))
    val augmenter = new Augmenter(heavy)
    val random = new Random(11)
    val draws = (0 until 5000).map(_ => augmenter.draw(20, 40, random))
    def check(name: String, values: Seq[Double], low: Double, high: Double): Unit = {
      assert(values.min >= low && values.max <= high, s"$name in ${values.min}..${values.max}")
      val margin = (high - low) * 0.01
      assert(values.min < low + margin && values.max > high - margin, s"$name covers its range")
    }
    check("rotation", draws.map(_.rotation), -30, 30)
    check("row shift", draws.map(_.rowShift), -0.1 * 20, 0.1 * 20)
    check("column shift", draws.map(_.columnShift), -0.2 * 40, 0.2 * 40)
    check("shear", draws.map(_.shear), -10, 10)
    check("row zoom", draws.map(_.rowZoom), 0.8, 1.2)
    check("column zoom", draws.map(_.columnZoom), 0.8, 1.2)
    check("channel shift", draws.map(_.channelShift), -30, 30)
    check("brightness", draws.map(_.brightness), 0.7, 1.3)
    assert(draws.count(d => d.rowZoom != d.columnZoom) == 5000)
    for (flips <- Seq(draws.map(_.flipHorizontal), draws.map(_.flipVertical))) {
      assert(math.abs(flips.count(identity) - 2500) < 200)
    }
  }

  test("disabled knobs stay neutral and draw nothing; each enabled knob draws once") {
    val random = new Random(3)
    val t = new Augmenter(preset(heightShift = 0.25, verticalFlip = true)).draw(8, 16, random)
    assert(t.rotation == 0 && t.columnShift == 0 && t.shear == 0)
    assert(t.rowZoom == 1 && t.columnZoom == 1 && !t.flipHorizontal)
    assert(t.channelShift == 0 && t.brightness == 1)
    assert(math.abs(t.rowShift) <= 2)
    val reference = new Random(3)
    val shift = (reference.nextDouble() * 2 - 1) * 0.25 * 8
    val flip = reference.nextDouble() < 0.5
    assert(t.rowShift == shift && t.flipVertical == flip)
    assert(random.nextLong() == reference.nextLong())
  }

  test("the same seed gives the same augmented image, another seed another") {
    val heavy = preset(rotation = 30, widthShift = 0.2, heightShift = 0.2, shear = 10, zoom = 0.2,
      horizontalFlip = true, channelShift = 30, fillMode = FillMode.REFLECT, brightness = (0.7, 1.3))
    def run(seed: Long): Array[Float] = {
      val augmenter = new Augmenter(heavy)
      val random = new Random(seed)
      val out = pattern(3, 9)
      (0 until 3).foreach(_ => augmenter.apply(out, 3, 9, 9, random))
      out
    }
    assert(run(42).sameElements(run(42)))
    assert(!run(42).sameElements(run(43)))
    assert(run(42).forall(v => v >= 0 && v <= 255))
  }

  test("an image inside a batch is augmented in place without touching its neighbours") {
    val one = pattern(3, 9)
    val batch = Array.fill(3)(one).flatten
    val t = transform(rotation = 90, channelShift = 20)
    new Augmenter(preset()).apply(batch, one.length, 3, 9, 9, t)
    assert(batch.slice(0, one.length).sameElements(one))
    assert(batch.slice(2 * one.length, 3 * one.length).sameElements(one))
    assert(batch.slice(one.length, 2 * one.length).sameElements(applied(one, 3, 9, 9, t)))
  }

  test("rejects an image that does not fit the array") {
    val e = intercept[IllegalArgumentException](
      new Augmenter(preset()).apply(new Array[Float](10), 2, 1, 3, 3, transform(rotation = 5)))
    assert(e.getMessage == "Cannot augment image: 1x3x3 at offset 2 does not fit in 10 values")
  }
}
