package io.gapsweep.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.data.Augmenter;
import io.gapsweep.data.ImageSet;

/**
 * A few training images per class as the network saw them under each augmentation preset: one
 * PNG sheet per preset (a row per class, the same images in every sheet), as data URIs.
 *
 * @param classes class names, in label order
 * @param sheets one sheet per preset, {@code none} first
 */
public record ExampleImages(List<String> classes, List<Sheet> sheets) {

  /** One preset's sheet. */
  public record Sheet(String preset, String pngDataUri) {}

  /** Images per class on a sheet. */
  static final int PER_CLASS = 6;

  /** Fixed, so the same sweep always shows the same augmented examples. */
  private static final long SEED = 20_261_202L;

  public ExampleImages {
    classes = List.copyOf(classes);
    sheets = List.copyOf(sheets);
  }

  /** Sheets of the first images of each class in {@code images}, for {@code presets}. */
  public static ExampleImages of(
      ImageSet images, List<String> classes, Collection<AugmentationPreset> presets) {
    List<AugmentationPreset> ordered = new ArrayList<>();
    ordered.add(AugmentationPreset.none());
    presets.stream().filter(p -> !p.name().equals(AugmentationPreset.NONE)).forEach(ordered::add);
    int scale = Math.max(1, 64 / Math.max(images.height(), images.width()));
    List<Sheet> sheets = new ArrayList<>();
    for (AugmentationPreset preset : ordered) {
      sheets.add(new Sheet(preset.name(), sheet(images, classes.size(), preset, scale)));
    }
    return new ExampleImages(classes, sheets);
  }

  /**
   * As stored in the output ({@code examples.json}), so that {@code gapsweep report} can draw the
   * same sheets later without the data: {@code {"classes": [...], "sheets": [{"preset": ...,
   * "png": "data:image/png;base64,..."}]}}.
   */
  public String toJson() {
    List<Object> sheetList = new ArrayList<>();
    for (Sheet sheet : sheets) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("preset", sheet.preset());
      entry.put("png", sheet.pngDataUri());
      sheetList.add(entry);
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("classes", classes);
    root.put("sheets", sheetList);
    return Json.write(root) + "\n";
  }

  /**
   * Reads what {@link #toJson()} wrote.
   *
   * @throws IllegalArgumentException if {@code json} is not such a document
   */
  public static ExampleImages fromJson(String json) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.path("classes").isArray() || !root.path("sheets").isArray()) {
      throw new IllegalArgumentException("expected an object with arrays classes and sheets");
    }
    List<String> classes = new ArrayList<>();
    root.get("classes").forEach(name -> classes.add(name.asText()));
    List<Sheet> sheets = new ArrayList<>();
    for (JsonNode sheet : root.get("sheets")) {
      String png = sheet.path("png").asText("");
      // Only PNG data URIs: the page places them in img src, where anything else could load.
      if (!sheet.path("preset").isTextual() || !png.startsWith("data:image/png;base64,")) {
        throw new IllegalArgumentException("a sheet needs a preset name and a PNG data URI");
      }
      sheets.add(new Sheet(sheet.get("preset").asText(), png));
    }
    return new ExampleImages(classes, sheets);
  }

  private static String sheet(ImageSet images, int classCount, AugmentationPreset preset, int scale) {
    int gap = 2;
    int cellW = images.width() * scale + gap;
    int cellH = images.height() * scale + gap;
    BufferedImage sheet =
        new BufferedImage(cellW * PER_CLASS, cellH * classCount, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < sheet.getWidth(); x++) {
      for (int y = 0; y < sheet.getHeight(); y++) {
        sheet.setRGB(x, y, 0xFFFFFF);
      }
    }
    Augmenter augmenter = new Augmenter(preset);
    SplittableRandom random = new SplittableRandom(SEED);
    int[] filled = new int[classCount];
    int c = images.channels();
    int h = images.height();
    int w = images.width();
    float[] chw = new float[c * h * w];
    for (int image = 0; image < images.count(); image++) {
      int label = images.labels()[image];
      if (label < 0 || label >= classCount || filled[label] >= PER_CLASS) {
        continue;
      }
      for (int ch = 0; ch < c; ch++) {
        for (int row = 0; row < h; row++) {
          for (int col = 0; col < w; col++) {
            chw[(ch * h + row) * w + col] = images.pixel(image, ch, row, col);
          }
        }
      }
      augmenter.apply(chw, c, h, w, random);
      int left = filled[label]++ * cellW;
      int top = label * cellH;
      for (int row = 0; row < h * scale; row++) {
        for (int col = 0; col < w * scale; col++) {
          int r = row / scale;
          int k = col / scale;
          int red = clamp(chw[r * w + k]);
          int rgb = c == 1
              ? (red << 16) | (red << 8) | red
              : (red << 16) | (clamp(chw[(h + r) * w + k]) << 8) | clamp(chw[(2 * h + r) * w + k]);
          sheet.setRGB(left + col, top + row, rgb);
        }
      }
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(sheet, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot encode example sheet of preset " + preset.name(), e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
  }

  private static int clamp(float value) {
    return Math.max(0, Math.min(255, Math.round(value)));
  }
}
