package io.gapsweep.data;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.FillMode;
import java.util.random.RandomGenerator;

/**
 * Random image augmentation with the semantics of Keras's {@code ImageDataGenerator}
 * ({@code get_random_transform} followed by {@code apply_transform}), on one decoded image at a
 * time: floats in 0..255 units, channel-major ({@code [channel][row][column]}), changed in place.
 *
 * <p>What a draw means, as in Keras: rotation {@code theta} uniform in [-r, r] degrees; vertical
 * and horizontal shifts uniform in [-r, r] times the height and width, in pixels; shear angle
 * uniform in [-r, r] degrees; zoom factors for rows and columns drawn independently from [1 - z, 1
 * + z]; each enabled flip with probability 1/2; one channel-shift intensity from [-r, r] added to
 * every channel and then clipped to the image's own [min, max]; a brightness factor from [low,
 * high]. Rotation, shift, shear and zoom are composed into one affine map about the image centre
 * (Keras's {@code transform_matrix_offset_center}) that takes each output pixel to the input point
 * it samples, and the image is resampled once with bilinear interpolation (scipy {@code
 * affine_transform}, {@code order=1}). Points outside the image are filled according to the
 * preset's {@link FillMode}: {@code nearest} repeats the edge pixel, {@code constant} gives {@code
 * fillValue} to every point outside [0, size - 1], {@code reflect} mirrors including the edge
 * pixel ({@code d c b a | a b c d | d c b a}). The steps run in Keras's order: affine, channel
 * shift, flips, brightness.
 *
 * <p>Where this departs from Keras: brightness multiplies the floats and clips them to 0..255,
 * where Keras round-trips through an 8-bit PIL image (which also quantises and, with its default
 * {@code scale=True}, stretches the image to 0..255 first); sampling points within 1e-6 pixels of a
 * grid point are snapped to it, so that right-angle rotations and whole-pixel shifts are exact.
 *
 * <p>Random numbers: only the enabled knobs draw, in Keras's order (rotation, height shift, width
 * shift, shear, zoom rows then columns, horizontal flip, vertical flip, channel shift, brightness),
 * each one {@code nextDouble()}. So the number of draws per image depends only on the preset, and
 * a preset that changes nothing (such as {@link AugmentationPreset#none()}) draws nothing and
 * leaves the image bit-identical. The same generator state gives the same result.
 *
 * <p>An instance keeps a scratch buffer that grows to the largest image seen, so applying
 * allocates nothing after the first image. It is therefore for one thread at a time: give each
 * training task its own instance.
 */
public final class Augmenter {

  // Sampling points this close to a grid point are taken to be on it (pixels).
  private static final double SNAP = 1e-6;

  private final AugmentationPreset preset;
  private float[] scratch = new float[0];

  public Augmenter(AugmentationPreset preset) {
    if (preset.fillMode() == null) {
      throw new IllegalArgumentException(
          "Cannot build augmenter: preset " + preset.name() + " has no fill mode");
    }
    this.preset = preset;
  }

  public AugmentationPreset preset() {
    return preset;
  }

  /**
   * The parameters of one augmentation, in Keras's meanings.
   *
   * @param rotation degrees; with rows growing downwards a positive angle turns the content
   *     clockwise on screen
   * @param rowShift pixels; the output row {@code r} samples input row {@code r + rowShift}, so a
   *     positive shift moves the content up (Keras's {@code tx})
   * @param columnShift pixels; a positive shift moves the content left (Keras's {@code ty})
   * @param shear degrees (Keras's shear matrix {@code [[1, -sin s], [0, cos s]]} on row, column)
   * @param rowZoom factor on sampled row distances from the centre; above 1 shrinks the content
   *     vertically (Keras's {@code zx})
   * @param columnZoom the same for columns (Keras's {@code zy})
   * @param flipHorizontal mirror the columns
   * @param flipVertical mirror the rows
   * @param channelShift added to every channel, in 0..255 units, then clipped to the image's own
   *     [min, max]; 0 = none
   * @param brightness factor on every value, then clipped to 0..255; 1 = none
   */
  public record Transform(
      double rotation,
      double rowShift,
      double columnShift,
      double shear,
      double rowZoom,
      double columnZoom,
      boolean flipHorizontal,
      boolean flipVertical,
      double channelShift,
      double brightness) {

    private static final Transform IDENTITY =
        new Transform(0, 0, 0, 0, 1, 1, false, false, 0, 1);

    /** The transform that changes nothing. */
    public static Transform identity() {
      return IDENTITY;
    }

    boolean isAffine() {
      return rotation != 0
          || rowShift != 0
          || columnShift != 0
          || shear != 0
          || rowZoom != 1
          || columnZoom != 1;
    }

    boolean isIdentity() {
      return !isAffine()
          && !flipHorizontal
          && !flipVertical
          && channelShift == 0
          && brightness == 1;
    }
  }

  /**
   * Draws a random transform for an image of the given size, using only the preset's enabled knobs
   * (see the class comment for the order and count of draws).
   */
  public Transform draw(int height, int width, RandomGenerator random) {
    if (!preset.changesImages()) {
      return Transform.identity();
    }
    double rotation = symmetric(preset.rotationRange(), random);
    double rowShift = symmetric(preset.heightShiftRange(), random) * height;
    double columnShift = symmetric(preset.widthShiftRange(), random) * width;
    double shear = symmetric(preset.shearRange(), random);
    double rowZoom = 1;
    double columnZoom = 1;
    if (preset.zoomRange() != 0) {
      rowZoom = uniform(1 - preset.zoomRange(), 1 + preset.zoomRange(), random);
      columnZoom = uniform(1 - preset.zoomRange(), 1 + preset.zoomRange(), random);
    }
    boolean flipHorizontal = preset.horizontalFlip() && random.nextDouble() < 0.5;
    boolean flipVertical = preset.verticalFlip() && random.nextDouble() < 0.5;
    double channelShift = symmetric(preset.channelShiftRange(), random);
    double brightness = 1;
    if (preset.brightnessMin() != 1 || preset.brightnessMax() != 1) {
      brightness = uniform(preset.brightnessMin(), preset.brightnessMax(), random);
    }
    return new Transform(
        rotation, rowShift, columnShift, shear, rowZoom, columnZoom, flipHorizontal, flipVertical,
        channelShift, brightness);
  }

  /** Augments one image, {@code chw.length == channels * height * width}, in place. */
  public void apply(float[] chw, int channels, int height, int width, RandomGenerator random) {
    apply(chw, 0, channels, height, width, random);
  }

  /**
   * Augments the image that starts at {@code offset} in {@code images} (for example one image of
   * an NCHW batch), in place, with a freshly drawn transform.
   */
  public void apply(
      float[] images, int offset, int channels, int height, int width, RandomGenerator random) {
    if (!preset.changesImages()) {
      return;
    }
    apply(images, offset, channels, height, width, draw(height, width, random));
  }

  /** Applies the given transform to the image at {@code offset}, in place. */
  public void apply(
      float[] images, int offset, int channels, int height, int width, Transform transform) {
    int size = channels * height * width;
    if (offset < 0 || offset + size > images.length) {
      throw new IllegalArgumentException(
          "Cannot augment image: " + channels + "x" + height + "x" + width + " at offset " + offset
              + " does not fit in " + images.length + " values");
    }
    if (transform.isIdentity()) {
      return;
    }
    if (transform.isAffine()) {
      resample(images, offset, channels, height, width, transform);
    } else if (transform.flipHorizontal() || transform.flipVertical()) {
      flip(images, offset, channels, height, width, transform);
    }
    if (transform.channelShift() != 0) {
      shiftChannels(images, offset, size, (float) transform.channelShift());
    }
    if (transform.brightness() != 1) {
      scaleBrightness(images, offset, size, transform.brightness());
    }
  }

  private float[] copyToScratch(float[] images, int offset, int size) {
    if (scratch.length < size) {
      scratch = new float[size];
    }
    System.arraycopy(images, offset, scratch, 0, size);
    return scratch;
  }

  private void flip(
      float[] images, int offset, int channels, int height, int width, Transform t) {
    float[] source = copyToScratch(images, offset, channels * height * width);
    for (int ch = 0; ch < channels; ch++) {
      int plane = ch * height * width;
      for (int r = 0; r < height; r++) {
        int sr = t.flipVertical() ? height - 1 - r : r;
        for (int c = 0; c < width; c++) {
          int sc = t.flipHorizontal() ? width - 1 - c : c;
          images[offset + plane + r * width + c] = source[plane + sr * width + sc];
        }
      }
    }
  }

  private void resample(
      float[] images, int offset, int channels, int height, int width, Transform t) {
    // Keras composes rotation . shift . shear . zoom, each mapping output (row, column) to input.
    // The product is kept as [[a b e] [c d f] [0 0 1]].
    double a = 1;
    double b = 0;
    double c = 0;
    double d = 1;
    double e = 0;
    double f = 0;
    if (t.rotation() != 0) {
      double theta = Math.toRadians(t.rotation());
      a = Math.cos(theta);
      b = -Math.sin(theta);
      c = Math.sin(theta);
      d = Math.cos(theta);
    }
    if (t.rowShift() != 0 || t.columnShift() != 0) {
      e += a * t.rowShift() + b * t.columnShift();
      f += c * t.rowShift() + d * t.columnShift();
    }
    if (t.shear() != 0) {
      double s = Math.toRadians(t.shear());
      double nb = -a * Math.sin(s) + b * Math.cos(s);
      double nd = -c * Math.sin(s) + d * Math.cos(s);
      b = nb;
      d = nd;
    }
    if (t.rowZoom() != 1 || t.columnZoom() != 1) {
      a *= t.rowZoom();
      c *= t.rowZoom();
      b *= t.columnZoom();
      d *= t.columnZoom();
    }
    double centreRow = height / 2.0 - 0.5;
    double centreColumn = width / 2.0 - 0.5;

    int plane = height * width;
    float[] source = copyToScratch(images, offset, channels * plane);
    FillMode mode = preset.fillMode();
    float fill = (float) preset.fillValue();
    for (int r = 0; r < height; r++) {
      double dr = (t.flipVertical() ? height - 1 - r : r) - centreRow;
      for (int col = 0; col < width; col++) {
        double dc = (t.flipHorizontal() ? width - 1 - col : col) - centreColumn;
        double y = snap(a * dr + b * dc + e + centreRow);
        double x = snap(c * dr + d * dc + f + centreColumn);
        int out = offset + r * width + col;
        if (mode == FillMode.CONSTANT && (y < 0 || y > height - 1 || x < 0 || x > width - 1)) {
          for (int ch = 0; ch < channels; ch++) {
            images[out + ch * plane] = fill;
          }
          continue;
        }
        double y0 = Math.floor(y);
        double x0 = Math.floor(x);
        double fy = y - y0;
        double fx = x - x0;
        int row0 = index((long) y0, height, mode) * width;
        int row1 = index((long) y0 + 1, height, mode) * width;
        int col0 = index((long) x0, width, mode);
        int col1 = index((long) x0 + 1, width, mode);
        for (int ch = 0; ch < channels; ch++) {
          int p = ch * plane;
          double top = (1 - fx) * source[p + row0 + col0] + fx * source[p + row0 + col1];
          double bottom = (1 - fx) * source[p + row1 + col0] + fx * source[p + row1 + col1];
          images[out + ch * plane] = (float) ((1 - fy) * top + fy * bottom);
        }
      }
    }
  }

  private static double snap(double v) {
    double rounded = Math.rint(v);
    return Math.abs(v - rounded) < SNAP ? rounded : v;
  }

  // Maps a possibly outside index into [0, n). Constant mode only gets here for points inside
  // [0, n - 1], whose outside neighbour has weight 0, so clamping serves it too.
  private static int index(long i, int n, FillMode mode) {
    if (i >= 0 && i < n) {
      return (int) i;
    }
    if (mode == FillMode.REFLECT) {
      long period = 2L * n;
      long m = Math.floorMod(i, period);
      return (int) (m < n ? m : period - 1 - m);
    }
    return i < 0 ? 0 : n - 1;
  }

  private static void shiftChannels(float[] images, int offset, int size, float intensity) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (int i = offset; i < offset + size; i++) {
      min = Math.min(min, images[i]);
      max = Math.max(max, images[i]);
    }
    for (int i = offset; i < offset + size; i++) {
      images[i] = Math.max(min, Math.min(max, images[i] + intensity));
    }
  }

  private static void scaleBrightness(float[] images, int offset, int size, double factor) {
    for (int i = offset; i < offset + size; i++) {
      images[i] = (float) Math.max(0, Math.min(255, images[i] * factor));
    }
  }

  private static double symmetric(double range, RandomGenerator random) {
    return range != 0 ? uniform(-range, range, random) : 0;
  }

  // numpy's uniform(low, high): low + (high - low) * U[0, 1).
  private static double uniform(double low, double high, RandomGenerator random) {
    return low + (high - low) * random.nextDouble();
  }
}
