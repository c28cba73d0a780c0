package io.gapsweep.data

import io.gapsweep.config.{DataSettings, SyntheticSettings}
import io.gapsweep.testing.{Fixtures, TempDirs}
import java.nio.ByteBuffer
import javax.imageio.ImageIO
import org.scalatest.funsuite.AnyFunSuite
import scala.collection.JavaConverters._

class SyntheticShapesSuite extends AnyFunSuite with TempDirs {

  private def settings(
      train: Int = 30,
      validation: Int = 20,
      seed: Long = 7,
      channels: Int = 3,
      size: Int = 32,
      noise: Double = 24.0,
      clutter: Int = 3): DataSettings =
    new DataSettings(
      "synthetic", size, size, channels, new SyntheticSettings(train, validation, seed, noise, clutter), Fixtures.noDirectory)

  private lazy val default = SyntheticShapes.generate(settings())

  private def images(set: ImageSet): Seq[ByteBuffer] =
    (0 until set.count).map(i => ByteBuffer.wrap(set.pixels, i * set.imageSize, set.imageSize).slice())

  test("classes are the six shape names in alphabetical order") {
    val expected = Seq("disk", "plus", "ring", "square", "star", "triangle")
    assert(default.classes.asScala == expected)
    assert(SyntheticShapes.CLASSES.asScala == expected)
    assert(expected.sorted == expected)
    assert(default.classCount == 6)
  }

  test("each split has the configured shape and images per class") {
    for ((set, perClass) <- Seq(default.train -> 30, default.validation -> 20)) {
      assert(set.count == 6 * perClass)
      assert((set.channels, set.height, set.width) == ((3, 32, 32)))
      assert(set.pixels.length == 6 * perClass * 3 * 32 * 32)
      assert(set.labels.groupBy(identity).map { case (l, ls) => l -> ls.length } ==
        (0 until 6).map(_ -> perClass).toMap)
    }
  }

  test("images are shuffled within a split, not grouped by class") {
    val labels = default.train.labels.toSeq
    assert(labels != labels.sorted)
    assert(labels.take(12).distinct.size > 2)
  }

  test("the same settings give identical bytes") {
    val again = SyntheticShapes.generate(settings())
    assert(again.train.pixels.sameElements(default.train.pixels))
    assert(again.train.labels.sameElements(default.train.labels))
    assert(again.validation.pixels.sameElements(default.validation.pixels))
    assert(again.validation.labels.sameElements(default.validation.labels))
  }

  test("the test split has its own images, deterministic, and changes no training or validation image") {
    def withTest(test: Int) = SyntheticShapes.load(new DataSettings("synthetic", 32, 32, 3,
      new SyntheticSettings(30, 20, 7, 24.0, 3, test), Fixtures.noDirectory))
    val loaded = withTest(25)
    assert(loaded.source == "synthetic" && loaded.hasTest)
    val test = loaded.test
    assert(test.count == 150 && (test.channels, test.height, test.width) == ((3, 32, 32)))
    assert(test.labels.groupBy(identity).map { case (l, ls) => l -> ls.length } == (0 until 6).map(_ -> 25).toMap)
    assert(loaded.dataset.train.pixels.sameElements(default.train.pixels))
    assert(loaded.dataset.validation.pixels.sameElements(default.validation.pixels))
    assert(withTest(25).test.pixels.sameElements(test.pixels))
    val seen = (images(default.train) ++ images(default.validation)).toSet
    assert(images(test).forall(!seen.contains(_)))
    val none = withTest(0)
    assert(!none.hasTest && none.test.count == 0 && none.test.imageSize == 3 * 32 * 32)
  }

  test("another seed gives different bytes") {
    val other = SyntheticShapes.generate(settings(seed = 8))
    assert(!other.train.pixels.sameElements(default.train.pixels))
    assert(!other.validation.pixels.sameElements(default.validation.pixels))
  }

  test("training and validation images differ") {
    val train = images(default.train).toSet
    assert(images(default.validation).forall(v => !train.contains(v)))
  }

  test("training images do not change when validation-per-class changes, and vice versa") {
    val moreValidation = SyntheticShapes.generate(settings(validation = 5))
    assert(moreValidation.train.pixels.sameElements(default.train.pixels))
    assert(moreValidation.train.labels.sameElements(default.train.labels))
    val moreTrain = SyntheticShapes.generate(settings(train = 3))
    assert(moreTrain.validation.pixels.sameElements(default.validation.pixels))
  }

  test("raising images per class keeps the existing images") {
    val small = SyntheticShapes.generate(settings(train = 10, validation = 1))
    val large = images(default.train).toSet
    assert(images(small.train).forall(large.contains))
  }

  test("one channel gives luminance images of the same scenes") {
    val gray = SyntheticShapes.generate(settings(channels = 1))
    assert(gray.train.channels == 1)
    assert(gray.train.pixels.length == 180 * 32 * 32)
    assert(gray.train.labels.sameElements(default.train.labels))
    assert(gray.validation.count == 120)
    assertSane(gray.train)
    // Without noise, gray is exactly the BT.601 luminance of the colour rendering.
    val colour = SyntheticShapes.generate(settings(channels = 3, noise = 0))
    val luminance = SyntheticShapes.generate(settings(channels = 1, noise = 0))
    for (i <- 0 until 12; row <- 0 until 32; col <- 0 until 32) {
      val expected = math.round(0.299 * colour.train.pixel(i, 0, row, col) +
        0.587 * colour.train.pixel(i, 1, row, col) + 0.114 * colour.train.pixel(i, 2, row, col))
      assert(luminance.train.pixel(i, 0, row, col) == expected)
    }
  }

  test("pixel statistics are sane: no constant image, mid-range mean, wide spread") {
    assertSane(default.train)
    assertSane(default.validation)
  }

  test("noise adds spread around the noiseless picture") {
    val clean = SyntheticShapes.generate(settings(noise = 0))
    val diffs = clean.train.pixels.indices.map(i =>
      (default.train.pixels()(i) & 0xFF) - (clean.train.pixels()(i) & 0xFF))
    val rms = math.sqrt(diffs.map(d => d.toDouble * d).sum / diffs.size)
    assert(rms > 15 && rms < 24, s"rms $rms") // clamping at 0 and 255 trims the 24 a little
  }

  test("colour does not predict the class: per-class mean intensity is near the overall mean") {
    val many = SyntheticShapes.generate(settings(train = 200, validation = 1, size = 16))
    val set = many.train
    val means = Array.fill(6)(0.0)
    for (i <- 0 until set.count; j <- 0 until set.imageSize) {
      means(set.labels()(i)) += (set.pixels()(i * set.imageSize + j) & 0xFF)
    }
    val perClass = means.map(_ / (200.0 * set.imageSize))
    val overall = perClass.sum / 6
    assert(perClass.forall(m => math.abs(m - overall) < 12), perClass.mkString(", "))
  }

  test("smaller and non-square images work") {
    val d = SyntheticShapes.generate(
      new DataSettings("synthetic", 24, 16, 3, new SyntheticSettings(2, 1, 1, 10, 0), Fixtures.noDirectory))
    assert((d.train.count, d.train.height, d.train.width) == ((12, 16, 24)))
    assertSane(d.train)
  }

  test("rejects a channel count other than 1 or 3") {
    val e = intercept[IllegalArgumentException](SyntheticShapes.generate(settings(channels = 2)))
    assert(e.getMessage == "Cannot generate synthetic shapes: channels must be 1 or 3, got 2")
  }

  test("a contact sheet shows one row per class, enlarged, with the images' pixels") {
    withTempDir { dir =>
      val png = dir.resolve("sheets/train.png")
      ContactSheet.write(default.train, 6, 4, 2, png)
      val sheet = ImageIO.read(png.toFile)
      assert((sheet.getWidth, sheet.getHeight) == ((4 * 65, 6 * 65)))
      val first = default.train.labels.indexOf(0)
      val rgb = (0 until 3).map(ch => default.train.pixel(first, ch, 5, 7))
      assert(sheet.getRGB(2 * 7 + 1, 2 * 5 + 1) == (0xFF000000 | rgb(0) << 16 | rgb(1) << 8 | rgb(2)))
    }
  }

  private def assertSane(set: ImageSet): Unit = {
    val values = set.pixels.map(_ & 0xFF)
    val mean = values.map(_.toDouble).sum / values.length
    val std = math.sqrt(values.map(v => (v - mean) * (v - mean)).sum / values.length)
    assert(mean > 60 && mean < 195, s"mean $mean")
    assert(std > 40, s"std $std")
    assert(values.min == 0 && values.max == 255)
    for (i <- 0 until set.count) {
      val image = values.slice(i * set.imageSize, (i + 1) * set.imageSize)
      assert(image.max - image.min > 60, s"image $i spans ${image.min}..${image.max}")
    }
  }
}
