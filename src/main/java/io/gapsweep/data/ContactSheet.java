package io.gapsweep.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Writes a PNG grid of an image set for a human to look at: one row per class, the first {@code
 * perClass} images of that class in set order, each enlarged {@code scale} times (nearest
 * neighbour, so the pixels stay visible). Rows of classes with fewer images are left black.
 */
public final class ContactSheet {

  private ContactSheet() {}

  public static void write(ImageSet images, int classCount, int perClass, int scale, Path png)
      throws IOException {
    if (perClass < 1 || scale < 1 || classCount < 1) {
      throw new IllegalArgumentException(
          "Cannot write contact sheet: classCount, perClass and scale must be >= 1, got "
              + classCount + ", " + perClass + ", " + scale);
    }
    int gap = 1;
    int cellW = images.width() * scale + gap;
    int cellH = images.height() * scale + gap;
    BufferedImage sheet =
        new BufferedImage(cellW * perClass, cellH * classCount, BufferedImage.TYPE_INT_RGB);
    int[] filled = new int[classCount];
    for (int image = 0; image < images.count(); image++) {
      int label = images.labels()[image];
      if (label < 0 || label >= classCount || filled[label] >= perClass) {
        continue;
      }
      int left = filled[label]++ * cellW;
      int top = label * cellH;
      for (int row = 0; row < images.height() * scale; row++) {
        for (int col = 0; col < images.width() * scale; col++) {
          sheet.setRGB(left + col, top + row, rgb(images, image, row / scale, col / scale));
        }
      }
    }
    Path parent = png.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    ImageIO.write(sheet, "png", png.toFile());
  }

  private static int rgb(ImageSet images, int image, int row, int col) {
    if (images.channels() == 1) {
      int v = images.pixel(image, 0, row, col);
      return (v << 16) | (v << 8) | v;
    }
    return (images.pixel(image, 0, row, col) << 16)
        | (images.pixel(image, 1, row, col) << 8)
        | images.pixel(image, 2, row, col);
  }
}
