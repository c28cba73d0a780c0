package io.gapsweep.plan;

import io.gapsweep.config.AugmentationPreset;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.DataSettings;
import io.gapsweep.config.DirectorySettings;
import io.gapsweep.config.Optimizer;
import io.gapsweep.config.Params;
import io.gapsweep.config.SyntheticSettings;
import io.gapsweep.config.TrainingSettings;
import io.gapsweep.config.ValidationSettings;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The canonical encoding of what a trial computes, and the ids and seeds hashed from it.
 *
 * <p>The encoding is UTF-8 text, one {@code key=value} line per field, joined by {@code \n}, in
 * this order; numbers print canonically ({@code 0.0010} and {@code 1e-3} are both {@code 0.001},
 * {@code 0.0} is {@code 0}), booleans as {@code true}/{@code false}, enums by their HOCON name:
 *
 * <ol>
 *   <li>{@value #VERSION}: bumped whenever the encoding or the meaning of a field changes, so that
 *       ids of another version are never mistaken for these.
 *   <li>Training ({@link #training}): {@code training.optimizer}, {@code training.momentum} (only
 *       for nesterov, the one optimizer that uses it), {@code training.learning-rate} and {@code
 *       training.batch-size} (each only when no axis takes its place), {@code training.max-epochs},
 *       {@code training.patience}, {@code training.min-delta}, {@code training.base-filters},
 *       {@code training.dense-units}.
 *   <li>Data ({@link #data}): {@code data.source}, {@code data.width}, {@code data.height}, {@code
 *       data.channels}, then the used source's own fields only: for synthetic {@code
 *       data.synthetic.train-per-class}, {@code .validation-per-class}, {@code .seed}, {@code
 *       .noise}, {@code .clutter}; for directory {@code data.directory.path}, {@code
 *       .validation-split}. The directory's {@code strict} and {@code min-images-per-class} change
 *       what is reported, not what a trial computes.
 *   <li>Validation ({@link #validation}), only when trials are cross-validated (holdout adds no
 *       line, so holdout ids are those of earlier versions): {@code validation.scheme=k-fold},
 *       {@code validation.folds}, {@code validation.repeats}.
 *   <li>Augmentation ({@link #preset}): the knobs of the trial's preset as {@code
 *       augmentation.<key>=value} in the order of {@code augmentation-defaults}, or nothing when
 *       the preset changes no image.
 *   <li>Axes: {@code axis.<name>=<canonical value>} for every axis of {@link Axes#ALL}, by name.
 * </ol>
 *
 * The configuration id hashes these lines; the trial id hashes them followed by {@code fold=<n>}
 * (repeat x folds + fold index; 0 under holdout) and {@code seed-index=<n>}. An id is the first 8 bytes of the SHA-256, in hex. The sweep's name,
 * {@code run.*} and {@code leaderboard.*} are never part of it.
 */
public final class TrialIds {

  /** The version line of the encoding. */
  public static final String VERSION = "gapsweep-trial-v2";

  private TrialIds() {}

  /** The lines every trial of a holdout sweep shares: the version, training and data. */
  public static List<String> shared(TrainingSettings training, DataSettings data) {
    return shared(training, data, FoldPlan.HOLDOUT);
  }

  /** The lines every trial of a sweep shares: the version, training, data and validation. */
  public static List<String> shared(TrainingSettings training, DataSettings data, FoldPlan folds) {
    List<String> lines = new ArrayList<>();
    lines.add(VERSION);
    lines.addAll(training(training));
    lines.addAll(data(data));
    lines.addAll(validation(folds));
    return lines;
  }

  /**
   * How the trials of a sweep on {@code data} split it under {@code validation}; the folds' seed
   * hashes the data lines only, so that every configuration gets the same folds.
   */
  public static FoldPlan folds(ValidationSettings validation, DataSettings data) {
    if (!validation.crossValidates(data)) {
      return FoldPlan.HOLDOUT;
    }
    long seed = ByteBuffer.wrap(sha256("folds|" + hash(data(data)))).getLong();
    return new FoldPlan(validation.folds(), validation.repeats(), seed);
  }

  static List<String> validation(FoldPlan folds) {
    if (!folds.crossValidates()) {
      return List.of();
    }
    return List.of("validation.scheme=k-fold", "validation.folds=" + folds.folds(),
        "validation.repeats=" + folds.repeats());
  }

  /** The full encoding of a configuration: {@code shared}, its preset and its axis values. */
  public static List<String> configuration(
      List<String> shared, AugmentationPreset preset, Params params) {
    List<String> lines = new ArrayList<>(shared);
    lines.addAll(preset(preset));
    List<Axis<?>> byName = new ArrayList<>(Axes.ALL);
    byName.sort(Comparator.comparing(Axis::name));
    for (Axis<?> axis : byName) {
      lines.add("axis." + axis.name() + "=" + params.print(axis));
    }
    return lines;
  }

  /** The configuration id of an encoding from {@link #configuration}. */
  public static String configId(List<String> configuration) {
    return hash(String.join("\n", configuration));
  }

  /** The trial id of one fold and seed index of a configuration. */
  public static String trialId(List<String> configuration, int fold, int seedIndex) {
    List<String> lines = new ArrayList<>(configuration);
    lines.add("fold=" + fold);
    lines.add("seed-index=" + seedIndex);
    return hash(String.join("\n", lines));
  }

  /** The seed of a trial: non-negative, since some DL4J/ND4J seed paths reject negative seeds. */
  public static long seed(String trialId) {
    return ByteBuffer.wrap(sha256("seed|" + trialId)).getLong() & Long.MAX_VALUE;
  }

  /** A hash of {@code lines}, for a sweep's fingerprint. */
  public static String hash(List<String> lines) {
    return hash(String.join("\n", lines));
  }

  static List<String> training(TrainingSettings t) {
    Set<String> overridden = new TreeSet<>();
    Axes.ALL.stream().filter(a -> a.trainingKey() != null).forEach(a -> overridden.add(a.trainingKey()));
    List<String> lines = new ArrayList<>();
    lines.add("training.optimizer=" + t.optimizer().configName());
    if (t.optimizer() == Optimizer.NESTEROV) {
      lines.add("training.momentum=" + canonical(t.momentum()));
    }
    if (!overridden.contains("learning-rate")) {
      lines.add("training.learning-rate=" + canonical(t.learningRate()));
    }
    if (!overridden.contains("batch-size")) {
      lines.add("training.batch-size=" + t.batchSize());
    }
    lines.add("training.max-epochs=" + t.maxEpochs());
    lines.add("training.patience=" + t.patience());
    lines.add("training.min-delta=" + canonical(t.minDelta()));
    lines.add("training.base-filters=" + t.baseFilters());
    lines.add("training.dense-units=" + t.denseUnits());
    return lines;
  }

  static List<String> data(DataSettings d) {
    List<String> lines = new ArrayList<>();
    lines.add("data.source=" + d.source());
    lines.add("data.width=" + d.width());
    lines.add("data.height=" + d.height());
    lines.add("data.channels=" + d.channels());
    if (d.source().equals("directory")) {
      DirectorySettings dir = d.directory();
      lines.add("data.directory.path=" + dir.path());
      lines.add("data.directory.validation-split=" + canonical(dir.validationSplit()));
    } else {
      SyntheticSettings s = d.synthetic();
      lines.add("data.synthetic.train-per-class=" + s.trainPerClass());
      lines.add("data.synthetic.validation-per-class=" + s.validationPerClass());
      lines.add("data.synthetic.seed=" + s.seed());
      lines.add("data.synthetic.noise=" + canonical(s.noise()));
      lines.add("data.synthetic.clutter=" + s.clutter());
    }
    return lines;
  }

  static List<String> preset(AugmentationPreset p) {
    if (!p.changesImages()) {
      return List.of();
    }
    return List.of(
        "augmentation.rotation-range=" + canonical(p.rotationRange()),
        "augmentation.width-shift-range=" + canonical(p.widthShiftRange()),
        "augmentation.height-shift-range=" + canonical(p.heightShiftRange()),
        "augmentation.shear-range=" + canonical(p.shearRange()),
        "augmentation.zoom-range=" + canonical(p.zoomRange()),
        "augmentation.horizontal-flip=" + p.horizontalFlip(),
        "augmentation.vertical-flip=" + p.verticalFlip(),
        "augmentation.channel-shift-range=" + canonical(p.channelShiftRange()),
        "augmentation.fill-mode=" + p.fillMode().configName(),
        "augmentation.fill-value=" + canonical(p.fillValue()),
        "augmentation.brightness-range=[" + canonical(p.brightnessMin()) + ", "
            + canonical(p.brightnessMax()) + "]");
  }

  /** The same number always prints the same way: 0.0010 and 1e-3 are one value. */
  static String canonical(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }

  private static String hash(String text) {
    return HexFormat.of().formatHex(sha256(text), 0, 8);
  }

  /** The SHA-256 of {@code text} in UTF-8. */
  public static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash: SHA-256 is missing from this JVM", e);
    }
  }
}
