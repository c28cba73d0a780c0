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
 * Reads image headers for {@link DataVecDecode} (format, size against the pixel limit, depth), and
 * decodes the files it hands back: GIF, which OpenCV cannot read. {@link #decode} is also the
 * previous all-formats decoder, kept for those and for the bench.
 *
 * <p>{@link #decode}: one image file into RGB or grayscale NCHW bytes of a fixed size: PNG (8 and 16 bits),
 * JPEG, BMP, GIF and TIFF with {@code javax.imageio}; WebP and CMYK/YCCK JPEG, which it cannot
 * read, with OpenCV, the codec library DataVec's image loaders use.
 *
 * <p>{@code javax.imageio} first, rather than OpenCV for everything: it reads GIF (OpenCV does
 * not), reports a truncated JPEG (as a reader warning) where OpenCV returns it half-decoded, and
 * reads a header without decoding, which the pixel limit needs. Whichever codec decodes, the same
 * Java code converts and resizes, so a file gives the same pixels whatever its format.
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
  static Result decode(byte[] file, int width, int height, int channels, int maxPixels) {
    BufferedImage image;
    try {
      image = read(file, maxPixels);
    } catch (TooLarge e) {
      return Result.failed(e.getMessage());
    } catch (NeedsOpenCv e) {
      return decodeWithOpenCv(file, width, height, channels);
    } catch (IOException | RuntimeException e) {
      return Result.failed("cannot decode: " + describe(e));
    }
    if (image == null) {
      return Result.failed("not an image file");
    }
    int[] rgb = resize(toRgb(image), image.getWidth(), image.getHeight(), width, height);
    return new Result(toBytes(rgb, width, height, channels), null);
  }

  /** What OpenCV decoded: packed 0xRRGGBB per pixel. */
  private record Decoded(int[] rgb, int width, int height) {}

  /** Decodes with OpenCV whatever the format; for files javax.imageio cannot read, and the bench. */
  static Result decodeWithOpenCv(byte[] file, int width, int height, int channels) {
    Decoded image = OpenCv.decode(file);
    if (image == null) {
      return Result.failed("cannot decode: OpenCV could not read it");
    }
    int[] rgb = resize(image.rgb(), image.width(), image.height(), width, height);
    return new Result(toBytes(rgb, width, height, channels), null);
  }

  /** OpenCV, loaded on first use only: most image folders never need it. */
  private static final class OpenCv {
    static {
      // OpenCV's own pool is sized to the machine's cores and would run beside every Spark task's
      // threads; one image per call needs none of it (stack.md, "Hidden threads").
      org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
    }

    /** 8-bit BGR as OpenCV's IMREAD_COLOR gives it (16-bit samples scaled, CMYK converted). */
    static Decoded decode(byte[] file) {
      try (org.bytedeco.opencv.opencv_core.Mat encoded =
              new org.bytedeco.opencv.opencv_core.Mat(file);
          org.bytedeco.opencv.opencv_core.Mat bgr =
              org.bytedeco.opencv.global.opencv_imgcodecs.imdecode(
                  encoded, org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR)) {
        if (bgr == null || bgr.empty() || bgr.channels() != 3) {
          return null;
        }
        int w = bgr.cols();
        int h = bgr.rows();
        byte[] data = new byte[w * h * 3];
        org.bytedeco.opencv.opencv_core.Mat packed = bgr.isContinuous() ? bgr : bgr.clone();
        packed.data().get(data);
        int[] rgb = new int[w * h];
        for (int i = 0; i < rgb.length; i++) {
          rgb[i] = (data[3 * i + 2] & 0xFF) << 16 | (data[3 * i + 1] & 0xFF) << 8
              | (data[3 * i] & 0xFF);
        }
        return new Decoded(rgb, w, h);
      }
    }
  }

  /**
   * Width and height a WebP file declares (lossy VP8, lossless VP8L, extended VP8X headers);
   * {@code null} for anything else.
   */
  static long[] webpSize(byte[] f) {
    if (f.length < 30 || !ascii(f, 0, "RIFF") || !ascii(f, 8, "WEBP")) {
      return null;
    }
    if (ascii(f, 12, "VP8 ") && (f[23] & 0xFF) == 0x9d && (f[24] & 0xFF) == 0x01
        && (f[25] & 0xFF) == 0x2a) {
      return new long[] {le(f, 26, 2) & 0x3FFF, le(f, 28, 2) & 0x3FFF};
    }
    if (ascii(f, 12, "VP8L") && (f[20] & 0xFF) == 0x2f) {
      long bits = le(f, 21, 4);
      return new long[] {(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
    }
    if (ascii(f, 12, "VP8X")) {
      return new long[] {le(f, 24, 3) + 1, le(f, 27, 3) + 1};
    }
    return null;
  }

  private static boolean ascii(byte[] f, int at, String text) {
    for (int i = 0; i < text.length(); i++) {
      if (f[at + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private static long le(byte[] f, int at, int bytes) {
    long value = 0;
    for (int i = bytes - 1; i >= 0; i--) {
      value = value << 8 | (f[at + i] & 0xFF);
    }
    return value;
  }

  private static TooLarge tooLarge(long width, long height, int maxPixels) {
    return new TooLarge("declares " + width + "x" + height + " pixels, more than"
        + " gapsweep.data.directory.max-pixels = " + maxPixels);
  }

  /** javax.imageio read the header but has no decoder for this kind: OpenCV's turn. */
  private static final class NeedsOpenCv extends IOException {
    NeedsOpenCv() {
      super("needs OpenCV");
    }
  }

  /** A file that declares more pixels than the limit; its message is the skip reason. */
  private static final class TooLarge extends IOException {
    TooLarge(String message) {
      super(message);
    }
  }

  /**
   * The first image in {@code file}; {@code null} when no reader recognises the format.
   *
   * @throws TooLarge when the header declares more than {@code maxPixels} pixels; nothing but the
   *     header has been read then
   */
  private static BufferedImage read(byte[] file, int maxPixels) throws IOException {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        long[] webp = webpSize(file);
        if (webp == null) {
          return null;
        }
        if (webp[0] * webp[1] > maxPixels) {
          throw tooLarge(webp[0], webp[1], maxPixels);
        }
        throw new NeedsOpenCv();
      }
      ImageReader reader = readers.next();
      try {
        // A truncated JPEG decodes with only a warning ("Premature end of JPEG file"); treat it as
        // the broken file it is.
        List<String> warnings = new ArrayList<>();
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
        reader.setInput(input, true, true);
        long declaredWidth = reader.getWidth(0);
        long declaredHeight = reader.getHeight(0);
        if (declaredWidth * declaredHeight > maxPixels) {
          throw tooLarge(declaredWidth, declaredHeight, maxPixels);
        }
        BufferedImage image;
        try {
          image = reader.read(0);
        } catch (javax.imageio.IIOException e) {
          // The JPEG reader's word for CMYK and YCCK files, which libjpeg in OpenCV converts.
          if ("Unsupported Image Type".equals(e.getMessage())) {
            throw new NeedsOpenCv();
          }
          throw e;
        }
        if (!warnings.isEmpty()) {
          throw new IOException(warnings.get(0));
        }
        return image;
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * What a file's header declares, read without decoding a pixel: the format name as
   * {@code javax.imageio} knows it ({@code "webp"} for WebP) and the largest sample depth.
   */
  record Header(String format, long width, long height, int bits) implements Serializable {}

  /**
   * Reads only the header of {@code file}: the pixel limit and the format are known before any
   * codec decodes it (OpenCV has no header-only call).
   *
   * @return the header, or a {@link Result} naming why the file is skipped: not an image file, or
   *     more pixels than {@code maxPixels}
   */
  static Object header(byte[] file, int maxPixels) {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (!readers.hasNext()) {
        long[] webp = webpSize(file);
        if (webp == null) {
          return Result.failed("not an image file");
        }
        if (webp[0] * webp[1] > maxPixels) {
          return Result.failed(tooLarge(webp[0], webp[1], maxPixels).getMessage());
        }
        return new Header("webp", webp[0], webp[1], 8);
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        long width = reader.getWidth(0);
        long height = reader.getHeight(0);
        if (width * height > maxPixels) {
          return Result.failed(tooLarge(width, height, maxPixels).getMessage());
        }
        int bits = 8;
        try {
          javax.imageio.ImageTypeSpecifier type = reader.getRawImageType(0);
          if (type != null) {
            for (int size : type.getSampleModel().getSampleSize()) {
              bits = Math.max(bits, size);
            }
          }
        } catch (IOException | RuntimeException e) {
          // CMYK JPEG: javax.imageio has no type for it; it is 8 bits per sample.
        }
        return new Header(reader.getFormatName().toLowerCase(java.util.Locale.ROOT), width, height,
            bits);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return Result.failed("cannot decode: " + describe(e));
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
