package io.gapsweep.e2e

import io.gapsweep.testing.{Cli, ImageTrees, SharedSparkSession, TempDirs}
import org.apache.spark.sql.Row
import org.scalatest.funsuite.AnyFunSuite

import java.nio.file.{Files, Path}
import scala.jdk.CollectionConverters._

/** The real pipeline on a folder of PNG and JPEG files, and every way such a folder is refused. */
class ImageFolderSweepSuite extends AnyFunSuite with SharedSparkSession with TempDirs {

  private def writeConf(dir: Path, images: Path, directory: String = ""): Path = {
    val conf = dir.resolve("images.conf")
    Files.writeString(conf,
      s"""gapsweep {
         |  name = folders
         |  search-space { depth = [1], dropout = [0.0, 0.5], l2 = [0.0], augmentation = [none] }
         |  training { batch-size = 4, max-epochs = 2, patience = 2, base-filters = 2, dense-units = 4 }
         |  validation.scheme = holdout
         |  data {
         |    source = directory
         |    width = 8
         |    height = 8
         |    directory { path = "$images", min-images-per-class = 3 }
         |    directory { $directory }
         |  }
         |  run.output = "${dir.resolve("out")}"
         |}
         |""".stripMargin)
    conf
  }


  /**
   * A class name that would open a script element if the report did not escape it (a folder name
   * cannot hold the "/" of a closing tag).
   */
  private val hostile = "dot<script>alert(1)"

  /** Class folders: cross (PNG) and a hostile name (JPEG), a corrupt PNG and a stray text file. */
  private def flatTree(root: Path): Path = {
    ImageTrees.classFolder(root.resolve("cross"), 8, 200, 20, 20)
    ImageTrees.classFolder(root.resolve(hostile), 8, 20, 20, 200, "jpg")
    Files.write(root.resolve("cross/broken.png"), Array[Byte](-119, 80, 78, 71, 13, 10, 26, 10, 0, 0))
    Files.writeString(root.resolve(s"$hostile/notes.txt"), "labels checked by hand")
    root
  }

  test("a tiny sweep on an image folder trains every trial and names the skipped files") {
    withTempDir { dir =>
      val images = flatTree(dir.resolve("images"))
      val conf = writeConf(dir, images, "validation-split = 0.25")
      val result = Cli.run("run", conf.toString)
      assert(result.code == 0, result.err + result.out)
      assert(result.out.contains(
        "Dataset: 2 classes, 12 training and 4 validation images, 8x8 pixels, 3 channels"), result.out)
      assert(result.out.contains("Warning: skipped 2 files that are not readable images:\n" +
        s"  $images/cross/broken.png: cannot decode: "), result.out)
      assert(result.out.contains(s"  $images/$hostile/notes.txt: not an image file\n"), result.out)
      assert(result.out.contains("2 trials: 2 completed, 0 diverged, 0 failed."), result.out)
      val trials = spark.read.parquet(dir.resolve("out/trials").toString)
      assert(trials.count() == 2)
      assert(trials.selectExpr("max(epochs_run)").head() == Row(2))
      // The class name reaches the report, escaped wherever it appears.
      val report = Files.readString(dir.resolve("out/report.html"))
      assert(report.contains("dot&lt;script&gt;alert(1)"), report)
      assert(!report.contains(hostile))
    }
  }

  /** Runs the sweep on `images`; it must fail with `message` and change nothing. */
  private def refused(dir: Path, images: Path, message: String, directory: String = ""): Unit = {
    val conf = writeConf(dir, images, directory)
    val before = snapshot(dir)
    val result = Cli.run("run", conf.toString)
    assert(result.code == 2, result.out + result.err)
    assert(result.err == s"gapsweep: $message\n")
    assert(snapshot(dir) == before)
    assert(!Files.exists(dir.resolve("out")))
  }

  private def twoClasses(folder: Path): Unit = {
    ImageTrees.classFolder(folder.resolve("a"), 2, 10, 0, 0)
    ImageTrees.classFolder(folder.resolve("b"), 2, 20, 0, 0)
  }

  test("a path that does not exist") {
    withTempDir { dir =>
      val images = dir.resolve("nowhere")
      refused(dir, images, s"Cannot load images from $images: it does not exist")
    }
  }

  test("a file where the folder belongs") {
    withTempDir { dir =>
      val images = Files.writeString(dir.resolve("images.txt"), "x")
      refused(dir, images, s"Cannot load images from $images: it is a file, not a folder")
    }
  }

  test("a folder without class folders") {
    withTempDir { dir =>
      val images = Files.createDirectories(dir.resolve("images"))
      Files.writeString(images.resolve("a.png"), "x")
      refused(dir, images, s"Cannot load images from $images: it has no class folders; expected" +
        " one folder per class, or train/ and validation/ folders with one folder per class",
        "validation-split = 0.2")
    }
  }

  test("a class in train/ that validation/ lacks, and the reverse") {
    withTempDir { dir =>
      val images = dir.resolve("images")
      twoClasses(images.resolve("train"))
      twoClasses(images.resolve("validation"))
      ImageTrees.classFolder(images.resolve("train/c"), 1, 30, 0, 0)
      refused(dir, images, s"Cannot load images from $images: class c is in train/ but not in" +
        " validation/; expected the same class folders in both")
    }
    withTempDir { dir =>
      val images = dir.resolve("images")
      twoClasses(images.resolve("train"))
      twoClasses(images.resolve("validation"))
      ImageTrees.classFolder(images.resolve("validation/c"), 1, 30, 0, 0)
      refused(dir, images, s"Cannot load images from $images: class c is in validation/ but not in" +
        " train/; expected the same class folders in both")
    }
  }

  test("an empty class folder") {
    withTempDir { dir =>
      val images = dir.resolve("images")
      twoClasses(images.resolve("train"))
      twoClasses(images.resolve("validation"))
      Files.createDirectories(images.resolve("train/c"))
      Files.createDirectories(images.resolve("validation/c"))
      Files.writeString(images.resolve("validation/c/.DS_Store"), "hidden files do not count")
      refused(dir, images, s"Cannot load images from $images/train/c: the class folder is empty")
    }
  }

  test("fewer than two classes") {
    withTempDir { dir =>
      val images = dir.resolve("images")
      ImageTrees.classFolder(images.resolve("only"), 4, 10, 0, 0)
      refused(dir, images, s"Cannot load images from $images: it has 1 class folder (only);" +
        " expected at least 2 classes", "validation-split = 0.5")
    }
  }

  test("validation-split together with a validation/ folder") {
    withTempDir { dir =>
      val images = dir.resolve("images")
      twoClasses(images.resolve("train"))
      twoClasses(images.resolve("validation"))
      refused(dir, images, s"Cannot load images from $images: it has its own validation/ folder," +
        " and gapsweep.data.directory.validation-split is 0.2; set validation-split = 0 to use" +
        " validation/, or remove validation/", "validation-split = 0.2")
    }
  }

  test("class folders without train/, validation/ or a validation-split") {
    withTempDir { dir =>
      val images = dir.resolve("images")
      twoClasses(images)
      refused(dir, images, s"Cannot load images from $images: it has class folders but no train/" +
        " and validation/ folders, and gapsweep.data.directory.validation-split is 0; set" +
        " validation-split in (0, 1) to hold out part of each class, or add train/ and" +
        " validation/ folders")
    }
  }

  test("strict = true stops at the first unreadable file") {
    withTempDir { dir =>
      val images = flatTree(dir.resolve("images"))
      refused(dir, images, s"Cannot load image $images/cross/broken.png: cannot decode:" +
        " I/O error reading PNG header! (gapsweep.data.directory.strict = true)",
        "validation-split = 0.25, strict = true")
    }
  }
}
