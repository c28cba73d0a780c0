package io.gapsweep.data

import io.gapsweep.UserError
import io.gapsweep.config.{DataSettings, DirectorySettings}
import io.gapsweep.testing.{Fixtures, ImageTrees, SharedSparkSession, TempDirs}
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

class ImageFolderSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private def settings(
      path: Path,
      split: Double = 0.0,
      strict: Boolean = false,
      minPerClass: Int = 0,
      width: Int = 8,
      height: Int = 6,
      channels: Int = 3,
      maxPixels: Int = 40000000): DataSettings =
    new DataSettings("directory", width, height, channels, Fixtures.data().synthetic(),
      new DirectorySettings(path.toString, split, strict, minPerClass, maxPixels))

  private def load(s: DataSettings): LoadedDataset = DatasetSource.load(spark, s)

  /** Every value of image `i` in `set`, per channel. */
  private def values(set: ImageSet, i: Int): Seq[Set[Int]] =
    (0 until set.channels).map { c =>
      (for (y <- 0 until set.height; x <- 0 until set.width) yield set.pixel(i, c, y, x)).toSet
    }

  private def reds(set: ImageSet, label: Int): Seq[Int] =
    (0 until set.count).filter(set.labels()(_) == label).map(set.pixel(_, 0, 0, 0))

  /** train/ + validation/ (+ test/) with classes zebra (3+2 PNG) and apple (4+1 PNG). */
  private def splitTree(dir: Path): Path = {
    val root = dir.resolve("images")
    ImageTrees.classFolder(root.resolve("train/zebra"), 3, 10, 20, 30)
    ImageTrees.classFolder(root.resolve("train/apple"), 4, 100, 150, 200)
    ImageTrees.classFolder(root.resolve("validation/zebra"), 2, 50, 20, 30)
    ImageTrees.classFolder(root.resolve("validation/apple"), 1, 140, 150, 200)
    ImageTrees.classFolder(root.resolve("test/zebra"), 1, 0, 0, 0)
    Files.writeString(root.resolve("train/apple/.DS_Store"), "finder")
    Files.writeString(root.resolve("README.txt"), "files at the top are ignored")
    root
  }

  test("train/ and validation/: classes sorted, exact counts and labels, RGB order kept") {
    withTempDir { dir =>
      val loaded = load(settings(splitTree(dir)))
      val data = loaded.dataset
      assert(data.classes.asScala == Seq("apple", "zebra"))
      assert(data.train.count == 7)
      assert(data.validation.count == 3)
      assert(data.train.labels.toSeq == Seq(0, 0, 0, 0, 1, 1, 1))
      assert(data.validation.labels.toSeq == Seq(0, 1, 1))
      assert((data.train.channels, data.train.height, data.train.width) == (3, 6, 8))
      // Solid colours survive the resize from 12x10 exactly, red first.
      assert(values(data.train, 0) == Seq(Set(100), Set(150), Set(200)))
      assert(reds(data.train, 0) == Seq(100, 101, 102, 103))
      assert(reds(data.train, 1) == Seq(10, 11, 12))
      assert(reds(data.validation, 1) == Seq(50, 51))
      assert(loaded.skipped.isEmpty)
      assert(loaded.warnings.isEmpty)
      // test/ is decoded into the driver-side test split; apple has no test/ folder.
      assert(loaded.test.count == 1)
      assert(loaded.test.labels.toSeq == Seq(1))
      assert(values(loaded.test, 0) == Seq(Set(0), Set(0), Set(0)))
      assert(DatasetSource.summary(loaded).contains(
        "Test: 1 image held out, never seen by trials (apple 0, zebra 1)\n"))
    }
  }

  test("no test/ folder: an empty test split of the dataset's shape") {
    withTempDir { dir =>
      val root = splitTree(dir)
      deleteRecursively(root.resolve("test"))
      val loaded = load(settings(root))
      assert((loaded.test.count, loaded.test.channels, loaded.test.height, loaded.test.width) == (0, 3, 6, 8))
      assert(!DatasetSource.summary(loaded).contains("Test:"))
    }
  }

  test("a class in test/ that is not in train/ is an error") {
    withTempDir { dir =>
      val root = splitTree(dir)
      ImageTrees.classFolder(root.resolve("test/pear"), 1, 0, 0, 0)
      val e = intercept[UserError](load(settings(root)))
      assert(e.getMessage == s"Cannot load images from $root: class pear is in test/ but not in" +
        " train/; expected only training classes in test/")
    }
  }

  test("an image that declares more pixels than max-pixels is skipped and named, never decoded") {
    withTempDir { dir =>
      val root = splitTree(dir)
      // A PNG header declaring 20000 x 20000 RGB pixels (1.2 GB decoded) and nothing else.
      val header = new java.io.ByteArrayOutputStream()
      val out = new java.io.DataOutputStream(header)
      out.write(Array(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A).map(_.toByte))
      val ihdr = new java.io.ByteArrayOutputStream()
      val chunk = new java.io.DataOutputStream(ihdr)
      chunk.writeBytes("IHDR"); chunk.writeInt(20000); chunk.writeInt(20000)
      chunk.write(Array[Byte](8, 2, 0, 0, 0))
      val crc = new java.util.zip.CRC32(); crc.update(ihdr.toByteArray)
      out.writeInt(13); out.write(ihdr.toByteArray); out.writeInt(crc.getValue.toInt)
      Files.write(root.resolve("train/zebra/huge.png"), header.toByteArray)
      val loaded = load(settings(root))
      assert(loaded.skipped.asScala.map(f => f.path -> f.reason) == Seq(
        s"$root/train/zebra/huge.png" -> ("declares 20000x20000 pixels, more than" +
          " gapsweep.data.directory.max-pixels = 40000000")))
      assert(loaded.dataset.train.count == 7)

      // The limit is the user's: 20x20 = 400 pixels, one more than allowed; 12x10 files pass.
      ImageTrees.write(root.resolve("train/apple/wide.png"), ImageTrees.solid(20, 20, 1, 2, 3), "png")
      val small = load(settings(root, maxPixels = 399))
      assert(small.skipped.asScala.map(_.reason) == Seq(
        "declares 20x20 pixels, more than gapsweep.data.directory.max-pixels = 399",
        "declares 20000x20000 pixels, more than gapsweep.data.directory.max-pixels = 399"))
      Files.delete(root.resolve("train/apple/wide.png"))
      val e = intercept[UserError](load(settings(root, strict = true)))
      assert(e.getMessage == s"Cannot load image $root/train/zebra/huge.png: declares 20000x20000" +
        " pixels, more than gapsweep.data.directory.max-pixels = 40000000" +
        " (gapsweep.data.directory.strict = true)")
    }
  }

  test("a symbolic link loop and a broken link in a class folder are named among the skipped") {
    withTempDir { dir =>
      val root = splitTree(dir)
      val loop = root.resolve("train/apple/loop.png")
      Files.createSymbolicLink(loop, loop.getFileName)
      Files.createSymbolicLink(root.resolve("validation/zebra/gone.png"), dir.resolve("nowhere.png"))
      val loaded = load(settings(root))
      assert(loaded.skipped.asScala.map(f => f.path -> f.reason) == Seq(
        s"$root/train/apple/loop.png" -> "cannot read: a symbolic link loop",
        s"$root/validation/zebra/gone.png" -> "cannot read: a broken symbolic link"))
      assert((loaded.dataset.train.count, loaded.dataset.validation.count) == (7, 3))
      val e = intercept[UserError](load(settings(root, strict = true)))
      assert(e.getMessage == s"Cannot load image $root/train/apple/loop.png: cannot read: a symbolic" +
        " link loop (gapsweep.data.directory.strict = true)")
    }
  }

  test("grayscale: colour files become PIL's luma; gray PNGs keep their stored value") {
    withTempDir { dir =>
      val root = dir.resolve("gray")
      ImageTrees.write(root.resolve("train/a/c.png"), ImageTrees.solid(5, 5, 200, 30, 90), "png")
      ImageTrees.write(root.resolve("train/b/g.png"), ImageTrees.gray(5, 5, 100), "png")
      ImageTrees.write(root.resolve("validation/a/c.bmp"), ImageTrees.solid(5, 5, 200, 30, 90), "bmp")
      ImageTrees.write(root.resolve("validation/b/g.gif"), ImageTrees.gray(5, 5, 100), "gif")
      val luma = (200 * 19595 + 30 * 38470 + 90 * 7471 + 0x8000) >> 16
      val one = load(settings(root, channels = 1)).dataset
      assert(one.train.channels == 1)
      assert(values(one.train, 0) == Seq(Set(luma)))
      assert(values(one.train, 1) == Seq(Set(100)))
      assert(values(one.validation, 0) == Seq(Set(luma)))
      assert(values(one.validation, 1) == Seq(Set(100)))
      val three = load(settings(root, channels = 3)).dataset
      assert(values(three.train, 1) == Seq(Set(100), Set(100), Set(100)))
      assert(values(three.validation, 0) == Seq(Set(200), Set(30), Set(90)))
    }
  }

  test("JPEG colours come back within JPEG's rounding, and images are resized") {
    withTempDir { dir =>
      val root = dir.resolve("jpeg")
      ImageTrees.classFolder(root.resolve("train/cat"), 2, 200, 40, 60, "jpg", 40, 30)
      ImageTrees.classFolder(root.resolve("train/dog"), 2, 20, 180, 60, "jpg", 40, 30)
      ImageTrees.classFolder(root.resolve("validation/cat"), 1, 200, 40, 60, "jpeg", 40, 30)
      ImageTrees.classFolder(root.resolve("validation/dog"), 1, 20, 180, 60, "jpeg", 40, 30)
      val data = load(settings(root, width = 16, height = 12)).dataset
      assert((data.train.width, data.train.height) == (16, 12))
      for ((expected, c) <- Seq(200, 40, 60).zipWithIndex) {
        assert(values(data.train, 0)(c).forall(v => math.abs(v - expected) <= 3), (c, values(data.train, 0)))
      }
      for ((expected, c) <- Seq(20, 180, 60).zipWithIndex) {
        assert(values(data.validation, 1)(c).forall(v => math.abs(v - expected) <= 3))
      }
    }
  }

  test("validation-split: stratified by class, the same split on every run") {
    withTempDir { dir =>
      val root = dir.resolve("flat")
      ImageTrees.classFolder(root.resolve("b"), 10, 0, 0, 0)
      ImageTrees.classFolder(root.resolve("a"), 5, 100, 0, 0)
      val s = settings(root, split = 0.3)
      val first = load(s).dataset
      assert(first.classes.asScala == Seq("a", "b"))
      assert(DatasetSource.countPerClass(first.train, 2).toSeq == Seq(3, 7))
      assert(DatasetSource.countPerClass(first.validation, 2).toSeq == Seq(2, 3))
      assert((reds(first.train, 1) ++ reds(first.validation, 1)).sorted == (0 until 10))
      assert((reds(first.train, 0) ++ reds(first.validation, 0)).sorted == (100 until 105))
      // Shuffled, not the first files by name.
      assert(reds(first.validation, 1) != Seq(0, 1, 2))
      val second = load(s).dataset
      assert(second.train.pixels.toSeq == first.train.pixels.toSeq)
      assert(second.validation.pixels.toSeq == first.validation.pixels.toSeq)
    }
  }

  test("corrupt, truncated and non-image files are skipped and named; the rest loads") {
    withTempDir { dir =>
      val root = dir.resolve("messy")
      ImageTrees.classFolder(root.resolve("train/a"), 2, 10, 0, 0)
      ImageTrees.classFolder(root.resolve("train/b"), 2, 20, 0, 0)
      ImageTrees.classFolder(root.resolve("validation/a"), 1, 30, 0, 0)
      ImageTrees.classFolder(root.resolve("validation/b"), 1, 40, 0, 0)
      val big = ImageTrees.solid(64, 64, 1, 2, 3)
      ImageTrees.truncated(root.resolve("train/a/cut.png"), big, "png", 60)
      val jpeg = new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB)
      for (y <- 0 until 64; x <- 0 until 64) jpeg.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | 99)
      ImageTrees.truncated(root.resolve("train/b/cut.jpg"), jpeg, "jpg", 700)
      Files.writeString(root.resolve("validation/b/notes.txt"), "not an image")
      val loaded = load(settings(root, minPerClass = 2))
      assert(DatasetSource.countPerClass(loaded.dataset.train, 2).toSeq == Seq(2, 2))
      assert(DatasetSource.countPerClass(loaded.dataset.validation, 2).toSeq == Seq(1, 1))
      val skipped = loaded.skipped.asScala.map(f => f.path -> f.reason)
      assert(skipped.map(_._1) == Seq(
        s"$root/train/a/cut.png", s"$root/train/b/cut.jpg", s"$root/validation/b/notes.txt"))
      assert(skipped.map(_._2).take(2).forall(_.startsWith("cannot decode: ")), skipped)
      assert(skipped(2)._2 == "not an image file")
      assert(loaded.warnings.asScala == Seq(
        "class a has 1 validation image, fewer than gapsweep.data.directory.min-images-per-class = 2",
        "class b has 1 validation image, fewer than gapsweep.data.directory.min-images-per-class = 2"))

      val summary = DatasetSource.summary(loaded)
      assert(summary.startsWith(s"Data source: $root\nDataset: 2 classes"), summary)
      assert(summary.contains(
        "  class  train  validation\n" +
        "  a          2           1\n" +
        "  b          2           1\n"), summary)
      assert(summary.contains("Dataset: 2 classes, 4 training and 2 validation images, 8x6 pixels, 3 channels"))
      assert(summary.contains("Warning: skipped 3 files that are not readable images:\n" +
        s"  $root/train/a/cut.png: cannot decode: "))
      assert(summary.contains(s"  $root/validation/b/notes.txt: not an image file\n"))
      assert(summary.contains("Warning: class b has 1 validation image"))

      val e = intercept[UserError](load(settings(root, strict = true)))
      assert(e.getMessage.startsWith(s"Cannot load image $root/train/a/cut.png: cannot decode: "))
      assert(e.getMessage.endsWith(" (gapsweep.data.directory.strict = true)"))
    }
  }

  test("a class folder whose files are all unreadable is an error") {
    withTempDir { dir =>
      val root = dir.resolve("unreadable")
      ImageTrees.classFolder(root.resolve("train/a"), 1, 10, 0, 0)
      ImageTrees.classFolder(root.resolve("train/b"), 1, 20, 0, 0)
      ImageTrees.classFolder(root.resolve("validation/a"), 1, 30, 0, 0)
      Files.createDirectories(root.resolve("validation/b"))
      Files.writeString(root.resolve("validation/b/x.png"), "not really a png")
      val e = intercept[UserError](load(settings(root)))
      assert(e.getMessage ==
        s"Cannot load images from $root/validation/b: none of its files is a readable image")
    }
  }

  test("a class with one image cannot be split") {
    withTempDir { dir =>
      val root = dir.resolve("one")
      ImageTrees.classFolder(root.resolve("a"), 1, 10, 0, 0)
      ImageTrees.classFolder(root.resolve("b"), 3, 20, 0, 0)
      val e = intercept[UserError](load(settings(root, split = 0.5)))
      assert(e.getMessage == s"Cannot hold out validation images from $root/a: it has 1 readable" +
        " image; expected at least 2 with validation-split 0.5")
    }
  }

  test("train/ with validation-split holds out part of train/") {
    withTempDir { dir =>
      val root = dir.resolve("trainonly")
      ImageTrees.classFolder(root.resolve("train/a"), 4, 10, 0, 0)
      ImageTrees.classFolder(root.resolve("train/b"), 4, 20, 0, 0)
      val data = load(settings(root, split = 0.25)).dataset
      assert(DatasetSource.countPerClass(data.train, 2).toSeq == Seq(3, 3))
      assert(DatasetSource.countPerClass(data.validation, 2).toSeq == Seq(1, 1))
    }
  }

  test("a Hadoop file: URI works like a local path") {
    withTempDir { dir =>
      val root = splitTree(dir)
      val viaUri = new DataSettings("directory", 8, 6, 3, Fixtures.data().synthetic(),
        new DirectorySettings(root.toUri.toString, 0.0, false, 0, 40000000))
      val data = load(viaUri).dataset
      assert(data.train.count == 7 && data.validation.count == 3)
      assert(data.train.pixels.toSeq == load(settings(root)).dataset.train.pixels.toSeq)
    }
  }

  /** A solid BGR image written by OpenCV (`imwrite` picks the codec from the name). */
  private def writeWithOpenCv(file: Path, depth16: Boolean, r: Int, g: Int, b: Int): Path = {
    import org.bytedeco.opencv.global.{opencv_core, opencv_imgcodecs}
    import org.bytedeco.opencv.opencv_core.{Mat, Scalar}
    Files.createDirectories(file.getParent)
    val scale = if (depth16) 257.0 else 1.0
    val mat = new Mat(10, 12, if (depth16) opencv_core.CV_16UC3 else opencv_core.CV_8UC3,
      new Scalar(b * scale, g * scale, r * scale, 0))
    try assert(opencv_imgcodecs.imwrite(file.toString, mat), s"OpenCV cannot write $file")
    finally mat.close()
    file
  }

  /** A 4-channel (CMYK) JPEG, as print workflows and Photoshop write them. */
  private def writeCmykJpeg(file: Path, c: Int, m: Int, y: Int, k: Int): Path = {
    import java.awt.image.{DataBuffer, Raster}
    import javax.imageio.{IIOImage, ImageIO}
    Files.createDirectories(file.getParent)
    val raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 12, 10, 4, null)
    for (yy <- 0 until 10; xx <- 0 until 12) raster.setPixel(xx, yy, Array(c, m, y, k))
    val writer = ImageIO.getImageWritersByFormatName("jpeg").next()
    val out = ImageIO.createImageOutputStream(file.toFile)
    try {
      writer.setOutput(out)
      writer.write(null, new IIOImage(raster, null, null), null)
    } finally {
      out.close()
      writer.dispose()
    }
    file
  }

  test("TIFF, WebP, 16-bit PNG and CMYK JPEG files are read") {
    withTempDir { dir =>
      val root = dir.resolve("formats")
      ImageTrees.classFolder(root.resolve("validation/a"), 1, 10, 0, 0)
      ImageTrees.classFolder(root.resolve("validation/b"), 1, 20, 0, 0)
      writeWithOpenCv(root.resolve("train/a/1.tiff"), depth16 = false, 200, 40, 60)
      writeWithOpenCv(root.resolve("train/a/2.webp"), depth16 = false, 200, 40, 60)
      writeWithOpenCv(root.resolve("train/a/3.png"), depth16 = true, 200, 40, 60)
      writeCmykJpeg(root.resolve("train/b/4.jpg"), 30, 90, 200, 10)
      writeCmykJpeg(root.resolve("train/b/5.jpg"), 30, 90, 200, 10)
      val loaded = load(settings(root))
      assert(loaded.skipped.isEmpty, loaded.skipped)
      val train = loaded.dataset.train
      assert(train.labels.toSeq == Seq(0, 0, 0, 1, 1))
      val exact = values(train, 0)
      assert(exact == Seq(Set(200), Set(40), Set(60)), "TIFF")
      // Lossy WebP: solid colours come back within its rounding (4:2:0 chroma).
      for ((expected, c) <- Seq(200, 40, 60).zipWithIndex) {
        assert(values(train, 1)(c).forall(v => math.abs(v - expected) <= 8), ("WebP", values(train, 1)))
      }
      assert(values(train, 2) == Seq(Set(200), Set(40), Set(60)), "16-bit PNG")
      // A CMYK file decodes to one solid colour, the same for both copies.
      assert(values(train, 3).forall(_.size == 1), values(train, 3))
      assert(values(train, 3) == values(train, 4))
    }
  }

  test("the URI's scheme picks who reads the files: the driver for local paths, executors otherwise") {
    import DataVecDecode.Reading._
    assert(DataVecDecode.Reading.of("images") == DRIVER_SHIPS_BYTES)
    assert(DataVecDecode.Reading.of("/data/images") == DRIVER_SHIPS_BYTES)
    assert(DataVecDecode.Reading.of("file:///data/images") == DRIVER_SHIPS_BYTES)
    assert(DataVecDecode.Reading.of("hdfs://namenode:8020/images") == EXECUTORS_READ)
    assert(DataVecDecode.Reading.of("s3a://bucket/images") == EXECUTORS_READ)
  }

  test("executors reading with binaryFiles give the same images and skipped files as the driver") {
    withTempDir { dir =>
      val root = splitTree(dir)
      // Names Hadoop would read as globs or as a list of paths, and a space.
      ImageTrees.write(root.resolve("train/apple/odd, {name} [1] *.png"),
        ImageTrees.solid(12, 10, 104, 150, 200), "png")
      ImageTrees.write(root.resolve("train/zebra/with space.png"), ImageTrees.solid(12, 10, 13, 20, 30), "png")
      ImageTrees.write(root.resolve("train/zebra/anim.gif"), ImageTrees.solid(12, 10, 14, 20, 30), "gif")
      // Cut inside the scan data: the header reads, OpenCV would return the image half-decoded.
      val cut = ImageTrees.write(root.resolve("train/zebra/cut.jpg"), ImageTrees.solid(64, 64, 1, 2, 3), "jpg")
      Files.write(cut, Files.readAllBytes(cut).dropRight(40))
      Files.writeString(root.resolve("validation/apple/notes.txt"), "not an image")
      val loop = root.resolve("train/apple/loop.png")
      Files.createSymbolicLink(loop, loop.getFileName)
      // Folders inside class folders are not read, by either route.
      ImageTrees.classFolder(root.resolve("train/apple/nested"), 1, 7, 7, 7)
      val s = settings(root)
      val driver = ImageFolders.load(spark, s, DataVecDecode.Reading.DRIVER_SHIPS_BYTES)
      val executors = ImageFolders.load(spark, s, DataVecDecode.Reading.EXECUTORS_READ)
      assert(driver.dataset.train.count == 10)
      assert(reds(driver.dataset.train, 0) == Seq(100, 101, 102, 103, 104))
      assert(reds(driver.dataset.train, 1) == Seq(14, 10, 11, 12, 13))
      for (d <- Seq(driver, executors)) {
        assert(d.skipped.asScala.map(f => f.path -> f.reason) == Seq(
          s"$root/train/apple/loop.png" -> "cannot read: a symbolic link loop",
          s"$root/train/zebra/cut.jpg" -> "cannot decode: the JPEG file is truncated (no end-of-image marker)",
          s"$root/validation/apple/notes.txt" -> "not an image file"))
      }
      assert(executors.dataset.train.labels.toSeq == driver.dataset.train.labels.toSeq)
      assert(executors.dataset.train.pixels.toSeq == driver.dataset.train.pixels.toSeq)
      assert(executors.dataset.validation.pixels.toSeq == driver.dataset.validation.pixels.toSeq)
      assert(executors.test.pixels.toSeq == driver.test.pixels.toSeq)
      val e = intercept[UserError](ImageFolders.load(spark, settings(root, strict = true),
        DataVecDecode.Reading.EXECUTORS_READ))
      assert(e.getMessage == s"Cannot load image $root/train/apple/loop.png: cannot read: a symbolic" +
        " link loop (gapsweep.data.directory.strict = true)")
    }
  }

  test("a file DataVec's ImageRecordReader cannot decode is skipped and named; the job goes on") {
    withTempDir { dir =>
      val root = splitTree(dir)
      // A valid PNG header (javax.imageio reads its size) over garbage: OpenCV fails on it.
      val good = Files.readAllBytes(root.resolve("train/apple/img-00.png"))
      Files.write(root.resolve("train/apple/garbled.png"), good.take(33) ++ Array.fill[Byte](200)(7))
      for (reading <- Seq(DataVecDecode.Reading.DRIVER_SHIPS_BYTES, DataVecDecode.Reading.EXECUTORS_READ)) {
        val loaded = ImageFolders.load(spark, settings(root), reading)
        assert(loaded.skipped.asScala.map(_.path) == Seq(s"$root/train/apple/garbled.png"), reading)
        assert(loaded.skipped.get(0).reason.startsWith("cannot decode: "), loaded.skipped)
        assert(loaded.dataset.train.count == 7)
      }
    }
  }
}
