package io.gapsweep.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes one image file (PNG, JPEG, BMP, GIF: whatever {@code javax.imageio} reads) into RGB or
 * grayscale NCHW bytes of a fixed size.
 *
 * <p>Pure Java rather than DataVec's OpenCV loader: no native pool to tame in Spark tasks, no BGR
 * order to undo, and a truncated file is reported (as a reader warning) instead of half-decoded.
 */
final class ImageDecoder {

  /** What became of one file: pixels, or why there are none. */
  record Result(byte[] pixels, String problem) implements Serializable {
    static Result failed(String problem) {
      return new Result(null, problem);
    }
  }

  static {
    // Decoding from memory needs no temporary files.
    ImageIO.setUseCache(false);
  }

  private ImageDecoder() {}

  /**
   * Decodes {@code file} to {@code channels x height x width} bytes, channels in RGB order (or one
   * luma channel). Never throws for a bad file: the result names the problem instead.
   */
  static Result decode(byte[] file, int width, int height, int channels) {
    BufferedImage image;
    try {
      image = read(file);
    } catch (IOException | RuntimeException e) {
      return Result.failed("cannot decode: " + describe(e));
    }
    if (image == null) {
      return Result.failed("not an image file");
    }
    int[] rgb = resize(toRgb(image), image.getWidth(), image.getHeight(), width, height);
    return new Result(toBytes(rgb, width, height, channels), null);
  }

  /** The first image in {@code file}; {@code null} when no reader recognises the format. */
  private static BufferedImage read(byte[] file) throws IOException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        return null;
      }
      ImageReader reader = readers.next();
      try {
        // A truncated JPEG decodes with only a warning ("Premature end of JPEG file"); treat it as
        // the broken file it is.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(input, true, true);
        BufferedImage image = reader.read(0);
        if (!warnings.isEmpty()) {
          throw new IOException(warnings.get(0));
        }
        return image;
      } finally {
        reader.dispose();
      }
    }
  }

  /** Packed 0xRRGGBB per pixel, sRGB, alpha dropped (as PIL's convert("RGB") does). */
  private static int[] toRgb(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] rgb = new int[w * h];
    ColorModel model = image.getColorModel();
    if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY
        && !(model instanceof IndexColorModel)) {
      // ImageIO puts gray PNGs in a linear gray space, and getRGB would brighten them: 100 reads
      // back as 170. The stored samples are what every other tool shows.
      Raster raster = image.getRaster();
      int bits = model.getComponentSize(0);
      int max = (1 << bits) - 1;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int v = raster.getSample(x, y, 0);
          int gray = bits == 8 ? v : (v * 255 + max / 2) / max;
          rgb[y * w + x] = gray * 0x010101;
        }
      }
    } else {
      image.getRGB(0, 0, w, h, rgb, 0, w);
      for (int i = 0; i < rgb.length; i++) {
        rgb[i] &= 0xFFFFFF;
      }
    }
    return rgb;
  }

  /** Bilinear resize in sRGB (Keras's load_img resizes the same way, in the stored values). */
  private static int[] resize(int[] rgb, int w, int h, int width, int height) {
    if (w == width && h == height) {
      return rgb;
    }
    BufferedImage source = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    source.setRGB(0, 0, w, h, rgb, 0, w);
    BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = target.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(source, 0, 0, width, height, null);
    } finally {
      g.dispose();
    }
    return target.getRGB(0, 0, width, height, null, 0, width);
  }

  private static byte[] toBytes(int[] rgb, int width, int height, int channels) {
    int plane = width * height;
    byte[] out = new byte[channels * plane];
    for (int i = 0; i < plane; i++) {
      int r = (rgb[i] >> 16) & 0xFF;
      int g = (rgb[i] >> 8) & 0xFF;
      int b = rgb[i] & 0xFF;
      if (channels == 3) {
        out[i] = (byte) r;
        out[plane + i] = (byte) g;
        out[2 * plane + i] = (byte) b;
      } else {
        // ITU-R 601 luma in 16-bit fixed point, rounded: PIL's convert("L"), so grayscale matches
        // what Keras users get.
        out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
      }
    }
    return out;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
