package io.gapsweep.testing

import java.awt.image.BufferedImage
import java.nio.file.{Files, Path}
import javax.imageio.ImageIO

/** Real image files on disk, written with javax.imageio, for the image folder source. */
object ImageTrees {

  /** A solid colour image, `TYPE_INT_RGB`. */
  def solid(width: Int, height: Int, r: Int, g: Int, b: Int): BufferedImage = {
    val image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB)
    val rgb = (r << 16) | (g << 8) | b
    for (y <- 0 until height; x <- 0 until width) image.setRGB(x, y, rgb)
    image
  }

  /** A solid gray image stored as one 8-bit channel (a grayscale PNG when written as png). */
  def gray(width: Int, height: Int, value: Int): BufferedImage = {
    val image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY)
    val raster = image.getRaster
    for (y <- 0 until height; x <- 0 until width) raster.setSample(x, y, 0, value)
    image
  }

  /** Writes `image` as `format` (png, jpg, bmp, gif), creating parent folders. */
  def write(file: Path, image: BufferedImage, format: String): Path = {
    Files.createDirectories(file.getParent)
    assert(ImageIO.write(image, format, file.toFile), s"no writer for $format")
    file
  }

  /**
   * `count` solid images `img-00.png`... in `folder`; image i has red = `base + i`, so a test can
   * tell the files apart after decoding.
   */
  def classFolder(folder: Path, count: Int, base: Int, g: Int, b: Int,
      format: String = "png", width: Int = 12, height: Int = 10): Seq[Path] =
    (0 until count).map { i =>
      write(folder.resolve(f"img-$i%02d.$format"), solid(width, height, base + i, g, b), format)
    }

  /** The first `keep` bytes of a real image: a truncated file. */
  def truncated(file: Path, image: BufferedImage, format: String, keep: Int): Path = {
    write(file, image, format)
    val bytes = Files.readAllBytes(file)
    Files.write(file, bytes.take(keep))
  }
}
