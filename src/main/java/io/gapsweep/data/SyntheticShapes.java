package io.gapsweep.data;

import io.gapsweep.config.DataSettings;
import io.gapsweep.config.SyntheticSettings;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Area;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;

/**
 * The built-in synthetic dataset: six classes of filled shapes ({@code disk}, {@code plus}, {@code
 * ring}, {@code square}, {@code star}, {@code triangle}; alphabetical, so label {@code i} is {@code
 * classes().get(i)}) on backgrounds that vary more than the shapes do.
 *
 * <p>Each image has a random background colour with a gentle gradient, one shape with random
 * position (it may cross an edge a little), size (35–80% of the smaller image side), aspect ratio,
 * rotation and colour, then {@code clutter} distracting strokes and blobs and per-pixel Gaussian
 * noise of standard deviation {@code noise}. Colours are drawn the same way for every class, so
 * colour does not predict the label; only the shape outline does. The shape always differs from
 * the background by at least {@value #MIN_CONTRAST} luminance levels, so it stays visible in
 * grayscale.
 *
 * <p>Determinism: every image has its own {@link Random} seeded from the settings' seed, the split,
 * the class and the image's index within the class. The same settings give the same bytes; the
 * training images do not depend on {@code validation-per-class} (nor validation images on {@code
 * train-per-class}; the test images of {@link #load} are a third stream), and raising a per-class count keeps every existing image (though the shuffle
 * moves it). Within a split the images are shuffled with a permutation that depends only on the
 * seed and the split's size, so consecutive images are not grouped by class; the trainer still
 * reshuffles each epoch. Images are rendered by Java2D in software; run
 * headless.
 */
public final class SyntheticShapes {

  /** Class names, sorted; a label is an index into this list. */
  public static final List<String> CLASSES =
      List.of("disk", "plus", "ring", "square", "star", "triangle");

  private static final int DISK = 0;
  private static final int PLUS = 1;
  private static final int RING = 2;
  private static final int SQUARE = 3;
  private static final int STAR = 4;
  private static final int TRIANGLE = 5;

  // Luminance levels (0..255) between the shape and the mean background.
  private static final int MIN_CONTRAST = 70;
  // Shape extent as a fraction of the smaller image side.
  private static final double MIN_SCALE = 0.5;
  private static final double MAX_SCALE = 0.9;
  private static final double MAX_TILT = Math.toRadians(25);

  private static final long TRAIN_STREAM = 1;
  private static final long VALIDATION_STREAM = 2;
  private static final long SHUFFLE_STREAM = 3;
  private static final long TEST_STREAM = 4;

  private SyntheticShapes() {}

  /**
   * Generates the dataset described by {@code data.synthetic()} at {@code data.width()} x {@code
   * data.height()} pixels with {@code data.channels()} channels (1: luminance, 3: RGB).
   */
  public static Dataset generate(DataSettings data) {
    SyntheticSettings synthetic = data.synthetic();
    if (data.channels() != 1 && data.channels() != 3) {
      throw new IllegalArgumentException(
          "Cannot generate synthetic shapes: channels must be 1 or 3, got " + data.channels());
    }
    if (data.width() < 4 || data.height() < 4) {
      throw new IllegalArgumentException(
          "Cannot generate synthetic shapes: images must be at least 4x4 pixels, got "
              + data.width() + "x" + data.height());
    }
    if (synthetic.trainPerClass() < 0 || synthetic.validationPerClass() < 0) {
      throw new IllegalArgumentException(
          "Cannot generate synthetic shapes: negative images per class (train "
              + synthetic.trainPerClass() + ", validation " + synthetic.validationPerClass() + ")");
    }
    ImageSet train = split(data, synthetic.trainPerClass(), TRAIN_STREAM);
    ImageSet validation = split(data, synthetic.validationPerClass(), VALIDATION_STREAM);
    return new Dataset(CLASSES, train, validation);
  }

  /**
   * The dataset of {@link #generate} with its test split of {@code test-per-class} images per
   * class, drawn from a stream of their own: adding or resizing the test split changes no training
   * or validation image.
   */
  public static LoadedDataset load(DataSettings data) {
    Dataset dataset = generate(data);
    if (data.synthetic().testPerClass() < 0) {
      throw new IllegalArgumentException(
          "Cannot generate synthetic shapes: negative test images per class ("
              + data.synthetic().testPerClass() + ")");
    }
    return LoadedDataset.clean(
        dataset, "synthetic", split(data, data.synthetic().testPerClass(), TEST_STREAM));
  }

  private static ImageSet split(DataSettings data, int perClass, long stream) {
    SyntheticSettings synthetic = data.synthetic();
    int classes = CLASSES.size();
    int count = classes * perClass;
    int size = data.channels() * data.height() * data.width();
    int[] order = permutation(count, new Random(mix(synthetic.seed(), SHUFFLE_STREAM, stream, 0)));
    byte[] pixels = new byte[count * size];
    int[] labels = new int[count];
    Renderer renderer = new Renderer(data.width(), data.height());
    for (int label = 0; label < classes; label++) {
      for (int index = 0; index < perClass; index++) {
        int position = order[label * perClass + index];
        Random random = new Random(mix(synthetic.seed(), stream, label, index));
        renderer.render(label, random, synthetic.clutter());
        renderer.copyOut(
            random, data.channels(), synthetic.noise(), pixels, position * size);
        labels[position] = label;
      }
    }
    return new ImageSet(count, data.channels(), data.height(), data.width(), pixels, labels);
  }

  private static int[] permutation(int count, Random random) {
    int[] order = new int[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    for (int i = count - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  // SplitMix64 finalizer over the inputs: a fixed, documented seed derivation (java.util.Random's
  // own algorithm is specified too), so the pixels do not depend on the JDK version.
  static long mix(long seed, long stream, long label, long index) {
    long z = seed;
    for (long part : new long[] {stream, label, index}) {
      z = splitMix(z + 0x9E3779B97F4A7C15L * (part + 1));
    }
    return z;
  }

  private static long splitMix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Draws one image at a time into a reused RGB canvas. Not thread-safe. */
  private static final class Renderer {
    private final int width;
    private final int height;
    private final BufferedImage canvas;
    private final int[] rgb;

    Renderer(int width, int height) {
      this.width = width;
      this.height = height;
      this.canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      this.rgb = new int[width * height];
    }

    void render(int label, Random random, int clutter) {
      Graphics2D g = canvas.createGraphics();
      try {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);

        Color background = darkColor(random);
        Color second = jitter(background, 40, random);
        float angle = (float) (random.nextDouble() * 2 * Math.PI);
        float cx = width / 2f;
        float cy = height / 2f;
        float reach = Math.max(width, height) / 2f;
        g.setPaint(new GradientPaint(
            cx - reach * (float) Math.cos(angle), cy - reach * (float) Math.sin(angle), background,
            cx + reach * (float) Math.cos(angle), cy + reach * (float) Math.sin(angle), second));
        g.fill(new Rectangle2D.Double(0, 0, width, height));

        Color foreground = contrastingColor(mean(background, second), random);

        // Each clutter item goes under or over the shape, decided per item.
        Shape[] items = new Shape[clutter];
        Color[] colors = new Color[clutter];
        boolean[] above = new boolean[clutter];
        for (int i = 0; i < clutter; i++) {
          items[i] = clutterItem(random);
          colors[i] = randomColor(random);
          above[i] = random.nextBoolean();
          if (!above[i]) {
            paint(g, items[i], colors[i]);
          }
        }

        double side = Math.min(width, height);
        double radius = side * (MIN_SCALE + random.nextDouble() * (MAX_SCALE - MIN_SCALE)) / 2;
        double aspect = 0.8 + 0.2 * random.nextDouble();
        // The centre keeps at least 70% of the radius inside the image: edges may clip a little.
        double x = radius * 0.7 + random.nextDouble() * Math.max(0, width - 1.4 * radius);
        double y = radius * 0.7 + random.nextDouble() * Math.max(0, height - 1.4 * radius);
        // Upright within +-MAX_TILT: with any rotation, tens of images per class teach a small CNN
        // nothing but the training set.
        double rotation = (2 * random.nextDouble() - 1) * MAX_TILT;
        AffineTransform placement = new AffineTransform();
        placement.translate(x, y);
        placement.rotate(rotation);
        placement.scale(radius * aspect, radius);
        g.setColor(foreground);
        g.fill(placement.createTransformedShape(unitShape(label, random)));

        for (int i = 0; i < clutter; i++) {
          if (above[i]) {
            paint(g, items[i], colors[i]);
          }
        }
      } finally {
        g.dispose();
      }
    }

    private void paint(Graphics2D g, Shape item, Color color) {
      g.setColor(color);
      if (item instanceof Ellipse2D) {
        g.fill(item);
      } else {
        g.draw(item);
      }
    }

    private Shape clutterItem(Random random) {
      if (random.nextInt(3) == 0) {
        // A blob: a small ellipse, 5–12% of the side.
        double side = Math.min(width, height);
        double w = side * (0.05 + 0.07 * random.nextDouble());
        double h = side * (0.05 + 0.07 * random.nextDouble());
        return new Ellipse2D.Double(
            random.nextDouble() * width - w / 2, random.nextDouble() * height - h / 2, w, h);
      }
      // A stroke: a gently curved line, drawn with a 1 px pen.
      return new QuadCurve2D.Double(
          random.nextDouble() * width, random.nextDouble() * height,
          random.nextDouble() * width, random.nextDouble() * height,
          random.nextDouble() * width, random.nextDouble() * height);
    }

    void copyOut(Random random, int channels, double noise, byte[] out, int offset) {
      canvas.getRGB(0, 0, width, height, rgb, 0, width);
      int plane = width * height;
      for (int p = 0; p < plane; p++) {
        int value = rgb[p];
        int r = (value >> 16) & 0xFF;
        int gr = (value >> 8) & 0xFF;
        int b = value & 0xFF;
        if (channels == 1) {
          out[offset + p] = noisy(luminance(r, gr, b), noise, random);
        } else {
          out[offset + p] = noisy(r, noise, random);
          out[offset + plane + p] = noisy(gr, noise, random);
          out[offset + 2 * plane + p] = noisy(b, noise, random);
        }
      }
    }
  }

  private static byte noisy(double value, double noise, Random random) {
    double v = noise > 0 ? value + noise * random.nextGaussian() : value;
    long rounded = Math.round(v);
    return (byte) Math.max(0, Math.min(255, rounded));
  }

  // ITU-R BT.601 weights, as PIL's "L" conversion uses.
  private static double luminance(int r, int g, int b) {
    return 0.299 * r + 0.587 * g + 0.114 * b;
  }

  private static double luminance(Color c) {
    return luminance(c.getRed(), c.getGreen(), c.getBlue());
  }

  /** A background colour: any hue, at most 60% of full brightness per channel. */
  private static Color darkColor(Random random) {
    return new Color(random.nextInt(154), random.nextInt(154), random.nextInt(154));
  }

  private static Color randomColor(Random random) {
    return new Color(random.nextInt(256), random.nextInt(256), random.nextInt(256));
  }

  private static Color jitter(Color c, int amount, Random random) {
    return new Color(
        clamp(c.getRed() + random.nextInt(2 * amount + 1) - amount),
        clamp(c.getGreen() + random.nextInt(2 * amount + 1) - amount),
        clamp(c.getBlue() + random.nextInt(2 * amount + 1) - amount));
  }

  private static Color mean(Color a, Color b) {
    return new Color(
        (a.getRed() + b.getRed()) / 2, (a.getGreen() + b.getGreen()) / 2,
        (a.getBlue() + b.getBlue()) / 2);
  }

  private static Color contrastingColor(Color background, Random random) {
    // Shapes are always lighter than their background: with a random polarity a small CNN needs
    // far more than tens of images per class to learn anything at all.
    double target = luminance(background);
    for (int attempt = 0; attempt < 100; attempt++) {
      Color candidate = randomColor(random);
      if (luminance(candidate) - target >= MIN_CONTRAST) {
        return candidate;
      }
    }
    // Unreachable in practice: backgrounds are dark, so many colours qualify.
    return Color.WHITE;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /** The class's outline in a unit frame centred on the origin, circumradius about 1. */
  private static Shape unitShape(int label, Random random) {
    switch (label) {
      case DISK:
        return new Ellipse2D.Double(-1, -1, 2, 2);
      case RING: {
        double inner = 0.5 + 0.15 * random.nextDouble();
        Area ring = new Area(new Ellipse2D.Double(-1, -1, 2, 2));
        ring.subtract(new Area(new Ellipse2D.Double(-inner, -inner, 2 * inner, 2 * inner)));
        return ring;
      }
      case SQUARE:
        return new Rectangle2D.Double(-0.78, -0.78, 1.56, 1.56);
      case TRIANGLE:
        return polygon(3, 1.15, 1.15, -Math.PI / 2);
      case STAR:
        return polygon(5, 1.1, 0.45, -Math.PI / 2);
      case PLUS: {
        double arm = 1.0;
        double half = 0.3;
        Area plus = new Area(new Rectangle2D.Double(-arm, -half, 2 * arm, 2 * half));
        plus.add(new Area(new Rectangle2D.Double(-half, -arm, 2 * half, 2 * arm)));
        return plus;
      }
      default:
        throw new IllegalArgumentException("Cannot draw shape: unknown label " + label);
    }
  }

  // A regular polygon (inner == outer) or star with `points` tips.
  private static Shape polygon(int points, double outer, double inner, double start) {
    Path2D.Double path = new Path2D.Double();
    int vertices = inner == outer ? points : 2 * points;
    for (int i = 0; i < vertices; i++) {
      double r = (inner == outer || i % 2 == 0) ? outer : inner;
      double a = start + i * 2 * Math.PI / vertices;
      if (i == 0) {
        path.moveTo(r * Math.cos(a), r * Math.sin(a));
      } else {
        path.lineTo(r * Math.cos(a), r * Math.sin(a));
      }
    }
    path.closePath();
    return path;
  }
}
