package io.gapsweep.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads a sweep's HOCON file into validated {@link SweepSettings}, once, on the driver.
 *
 * <p>Precedence: the user's file, then {@code reference.conf} (the only home of defaults); the two
 * are merged before substitutions are resolved, so {@code ${gapsweep.name}} in a default sees the
 * user's name. Every key under {@code gapsweep} is checked and every problem is reported together
 * in one {@link SettingsException}; see its Javadoc for the message formats. Keys outside
 * {@code gapsweep} are left alone.
 *
 * <p>{@link #load(Path)} and {@link #fromConfig(Config)} return the settings;
 * {@link #read(Path)} and {@link #read(Config)} also return the resolved {@code gapsweep} subtree as
 * HOCON text, to save beside the results.
 */
public final class SettingsLoader {

  private static final String SEARCH_SPACE = "gapsweep.search-space.";
  private static final String TRAINING = "gapsweep.training.";
  private static final String DATA = "gapsweep.data.";
  private static final String SYNTHETIC = "gapsweep.data.synthetic.";
  private static final String DIRECTORY = "gapsweep.data.directory.";
  private static final String SOURCE_DIRECTORY = "directory";
  private static final String RUN = "gapsweep.run.";

  private static final String INT_AT_LEAST_0 = "an integer >= 0";
  private static final String INT_AT_LEAST_1 = "an integer >= 1";
  private static final String NUMBER_AT_LEAST_0 = "a number >= 0";
  private static final String FRACTION = "a number in [0, 1)";

  private static final ConfigRenderOptions HOCON =
      ConfigRenderOptions.defaults().setOriginComments(false).setComments(false).setJson(false);

  private SettingsLoader() {}

  /**
   * Loads and validates {@code file} over {@code reference.conf}.
   *
   * @throws SettingsException listing every problem found
   */
  public static SweepSettings load(Path file) {
    return read(file).settings();
  }

  /**
   * Validates {@code config} over {@code reference.conf}; for tests and embedded use.
   *
   * @param config the user's configuration, resolved or not; {@code reference.conf} is added here
   * @throws SettingsException listing every problem found
   */
  public static SweepSettings fromConfig(Config config) {
    return read(config).settings();
  }

  /** As {@link #load(Path)}, also returning the resolved configuration as HOCON text. */
  public static LoadedSettings read(Path file) {
    if (!Files.exists(file)) {
      throw new SettingsException(List.of("Cannot read configuration " + file + ": file not found"));
    }
    if (Files.isDirectory(file)) {
      throw new SettingsException(
          List.of("Cannot read configuration " + file + ": is a directory, not a file"));
    }
    if (!Files.isReadable(file)) {
      throw new SettingsException(List.of("Cannot read configuration " + file + ": permission denied"));
    }
    // Before the parser, which replaces bytes that are not UTF-8 and misnames missing includes.
    SourceCheck.check(file);
    Config user;
    try {
      user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException.Parse e) {
      throw new SettingsException(List.of("Cannot parse configuration " + detail(e)));
    } catch (ConfigException e) {
      throw new SettingsException(List.of("Cannot read configuration " + file + ": " + detail(e)));
    }
    return read(user);
  }

  /** As {@link #fromConfig(Config)}, also returning the resolved configuration as HOCON text. */
  public static LoadedSettings read(Config config) {
    Config resolved;
    try {
      resolved = config.withFallback(ConfigFactory.defaultReferenceUnresolved()).resolve();
    } catch (ConfigException e) {
      throw new SettingsException(List.of("Cannot resolve configuration " + detail(e)));
    }
    ConfigReader reader = new ConfigReader(resolved, config.root());
    ConfigObject schema = (ConfigObject) ConfigFactory.defaultReference().root().get(KeyCheck.ROOT);
    KeyCheck.checkRoot(config.root(), reader);
    KeyCheck.check(resolved.root().get(KeyCheck.ROOT), schema, reader);
    SweepSettings settings = settings(reader);
    if (reader.hasProblems()) {
      throw new SettingsException(reader.problems());
    }
    return new LoadedSettings(settings, render(resolved));
  }

  /** The resolved {@code gapsweep} subtree as HOCON text, without comments. */
  static String render(Config resolved) {
    return resolved.withOnlyPath(KeyCheck.ROOT).root().render(HOCON);
  }

  /** The settings, or {@code null} when the reader found a problem. */
  @SuppressWarnings("unchecked")
  private static SweepSettings settings(ConfigReader r) {
    String name = r.string("gapsweep.name");

    Integer seeds = r.integer(SEARCH_SPACE + "seeds", INT_AT_LEAST_1, v -> v >= 1);

    Optimizer optimizer = r.choice(TRAINING + "optimizer", byName(Optimizer.values(), Optimizer::configName));
    Double learningRate = r.number(TRAINING + "learning-rate", "a number > 0", v -> v > 0);
    Double momentum = r.number(TRAINING + "momentum", FRACTION, v -> v >= 0 && v < 1);
    Integer batchSize = r.integer(TRAINING + "batch-size", INT_AT_LEAST_1, v -> v >= 1);
    Integer maxEpochs = r.integer(TRAINING + "max-epochs", INT_AT_LEAST_1, v -> v >= 1);
    Integer patience = r.integer(TRAINING + "patience", INT_AT_LEAST_1, v -> v >= 1);
    Double minDelta = r.number(TRAINING + "min-delta", NUMBER_AT_LEAST_0, v -> v >= 0);
    Integer baseFilters = r.integer(TRAINING + "base-filters", INT_AT_LEAST_1, v -> v >= 1);
    Integer denseUnits = r.integer(TRAINING + "dense-units", INT_AT_LEAST_1, v -> v >= 1);

    SearchSettings search = SearchSettings.read(r);

    Map<String, Distribution> axes = new LinkedHashMap<>();
    Map<String, Object> trainingValues = new HashMap<>();
    trainingValues.put("learning-rate", learningRate);
    trainingValues.put("batch-size", batchSize);
    for (Axis<?> axis : Axes.ALL) {
      Distribution distribution = AxisReader.distribution(r, axis, trainingValues, search);
      if (distribution != null) {
        axes.put(axis.name(), distribution);
      }
    }
    Distribution augmentation = axes.get(Axes.AUGMENTATION.name());
    Distribution depth = axes.get(Axes.DEPTH.name());

    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("synthetic", "synthetic");
    sources.put(SOURCE_DIRECTORY, SOURCE_DIRECTORY);
    String source = r.choice(DATA + "source", sources);
    Integer width = r.integer(DATA + "width", "an integer >= 4", v -> v >= 4);
    Integer height = r.integer(DATA + "height", "an integer >= 4", v -> v >= 4);
    Integer channels = r.integer(DATA + "channels", "1 or 3", v -> v == 1 || v == 3);
    Integer trainPerClass = r.integer(SYNTHETIC + "train-per-class", INT_AT_LEAST_1, v -> v >= 1);
    Integer validationPerClass = r.integer(SYNTHETIC + "validation-per-class", INT_AT_LEAST_1, v -> v >= 1);
    Long seed = r.longInteger(SYNTHETIC + "seed", "an integer");
    Double noise = r.number(SYNTHETIC + "noise", NUMBER_AT_LEAST_0, v -> v >= 0);
    Integer clutter = r.integer(SYNTHETIC + "clutter", INT_AT_LEAST_0, v -> v >= 0);
    Integer testPerClass = r.integer(SYNTHETIC + "test-per-class", INT_AT_LEAST_0, v -> v >= 0);
    String imagePath = r.stringOrEmpty(DIRECTORY + "path", "a local path or Hadoop URI");
    Double validationSplit = r.number(DIRECTORY + "validation-split",
        "0 (no split) or a number in (0, 1)", v -> v >= 0 && v < 1);
    Boolean strict = r.bool(DIRECTORY + "strict");
    Integer minImagesPerClass =
        r.integer(DIRECTORY + "min-images-per-class", INT_AT_LEAST_0, v -> v >= 0);
    Integer maxPixels = r.integer(DIRECTORY + "max-pixels", "an integer >= 1", v -> v >= 1);

    Map<String, AugmentationPreset> presets = presets(r);

    ValidationSettings validation = validation(r);

    LeaderboardSettings leaderboard = leaderboard(r);

    String output = r.string(RUN + "output");
    String localMaster = r.string(RUN + "local-master");
    Integer threadsPerTrial = r.integerOr(RUN + "threads-per-trial", "auto", RunSettings.AUTO,
        "auto or an integer >= 1", v -> v >= 1);
    Integer maxTrials = r.integer(RUN + "max-trials", INT_AT_LEAST_1, v -> v >= 1);
    Integer saveModels = r.integer(RUN + "save-models", INT_AT_LEAST_0, v -> v >= 0);
    RefitSettings refit = refit(r);

    if (SOURCE_DIRECTORY.equals(source) && imagePath != null && imagePath.isBlank()) {
      checkImagePathSet(r);
    }
    if (augmentation != null) {
      checkPresetsExist(r, augmentation);
    }
    if (depth != null && width != null && height != null) {
      checkDepthFits(r, depth, width, height);
    }
    if (axes.size() == Axes.ALL.size() && seeds != null && maxTrials != null && search != null
        && validation != null && source != null) {
      SearchSpace space = new SearchSpace(axes, seeds, search);
      int splits = validationSplit == null ? 1 : validation.splits(source, validationSplit);
      checkGridSize(r, space, splits, maxTrials);
      AxisReader.checkEnoughConfigurations(r, space);
    }
    if (r.hasProblems()) {
      return null;
    }
    return new SweepSettings(
        name,
        new SearchSpace(axes, seeds, search),
        new TrainingSettings(optimizer, learningRate, momentum, batchSize, maxEpochs, patience,
            minDelta, baseFilters, denseUnits),
        new DataSettings(source, width, height, channels,
            new SyntheticSettings(
                trainPerClass, validationPerClass, seed, noise, clutter, testPerClass),
            new DirectorySettings(imagePath.strip(), validationSplit, strict, minImagesPerClass,
                maxPixels)),
        presets,
        validation,
        leaderboard,
        new RunSettings(output, localMaster, threadsPerTrial, maxTrials, saveModels),
        refit);
  }

  /** {@code gapsweep.refit} and {@code gapsweep.run.audit}; {@code null} after a problem. */
  private static RefitSettings refit(ConfigReader r) {
    RefitSettings.Mode mode = r.choice("gapsweep.refit.mode",
        byName(RefitSettings.Mode.values(), RefitSettings.Mode::configName));
    Integer averagingFrequency =
        r.integer("gapsweep.refit.averaging-frequency", INT_AT_LEAST_1, v -> v >= 1);
    Boolean audit = r.bool(RUN + "audit");
    if (mode == null || averagingFrequency == null || audit == null) {
      return null;
    }
    return new RefitSettings(mode, averagingFrequency, audit);
  }

  /** {@code gapsweep.validation}; {@code null} after a problem. */
  private static ValidationSettings validation(ConfigReader r) {
    String at = "gapsweep.validation.";
    ValidationSettings.Scheme scheme = r.choice(at + "scheme",
        byName(ValidationSettings.Scheme.values(), ValidationSettings.Scheme::configName));
    Integer folds = r.integer(at + "folds", "an integer >= 2", v -> v >= 2);
    Integer repeats = r.integer(at + "repeats", INT_AT_LEAST_1, v -> v >= 1);
    Boolean keepGivenSplit = r.bool(at + "keep-given-split");
    if (scheme == null || folds == null || repeats == null || keepGivenSplit == null) {
      return null;
    }
    return new ValidationSettings(scheme, folds, repeats, keepGivenSplit);
  }

  /** The competitive band's rule and parameters; {@code null} when one could not be read. */
  private static LeaderboardSettings leaderboard(ConfigReader r) {
    String at = "gapsweep.leaderboard.";
    LeaderboardSettings.Band band = r.choice(at + "band",
        byName(LeaderboardSettings.Band.values(), LeaderboardSettings.Band::configName));
    Double multiple = r.number(at + "band-multiple", "a number >= 0", v -> v >= 0);
    Double alpha = r.number(at + "band-alpha", "a number in (0, 1)", v -> v > 0 && v < 1);
    Double tolerance = r.number(
        at + "accuracy-tolerance", "a number in [0, 1]", v -> v >= 0 && v <= 1);
    if (band == null || multiple == null || alpha == null || tolerance == null) {
      return null;
    }
    return new LeaderboardSettings(band, multiple, alpha, tolerance);
  }

  /**
   * Every preset by name, {@code none} included; {@code null} when one could not be read. The
   * defaults are checked even when no preset inherits them.
   */
  private static Map<String, AugmentationPreset> presets(ConfigReader r) {
    String defaults = "gapsweep." + KeyCheck.DEFAULTS;
    AugmentationPreset checkedDefaults = preset(r, KeyCheck.DEFAULTS, defaults, null);
    ConfigObject userPresets = r.object("gapsweep." + KeyCheck.PRESETS);
    if (userPresets == null) {
      return null;
    }
    Map<String, AugmentationPreset> presets = new TreeMap<>();
    boolean complete = checkedDefaults != null;
    for (String name : new TreeSet<>(userPresets.keySet())) {
      String path = ConfigUtil.joinPath("gapsweep", KeyCheck.PRESETS, name);
      if (!(userPresets.get(name) instanceof ConfigObject own)) {
        complete = false; // reported by KeyCheck
        continue;
      }
      AugmentationPreset preset = preset(r, name, path, own);
      if (preset == null) {
        complete = false;
      } else if (name.equals(AugmentationPreset.NONE) && preset.changesImages()) {
        r.report(r.objectOrigin(path), path,
            "redefines the built-in preset none so that it changes images;"
                + " expected a preset under another name");
      } else {
        presets.put(name, preset);
      }
    }
    presets.put(AugmentationPreset.NONE, AugmentationPreset.none());
    return complete ? presets : null;
  }

  /**
   * Reads one preset: each key from {@code own} when the preset sets it, else from
   * {@code augmentation-defaults}. With {@code own == null}, reads the defaults themselves.
   */
  private static AugmentationPreset preset(ConfigReader r, String name, String path, ConfigObject own) {
    String defaults = "gapsweep." + KeyCheck.DEFAULTS;
    Function<String, String> at =
        key -> (own != null && own.containsKey(key) ? path : defaults) + "." + key;
    Double rotation = r.number(at.apply("rotation-range"), "a number in [0, 180]", v -> v >= 0 && v <= 180);
    Double widthShift = r.number(at.apply("width-shift-range"), FRACTION, v -> v >= 0 && v < 1);
    Double heightShift = r.number(at.apply("height-shift-range"), FRACTION, v -> v >= 0 && v < 1);
    Double shear = r.number(at.apply("shear-range"), "a number in [0, 90)", v -> v >= 0 && v < 90);
    Double zoom = r.number(at.apply("zoom-range"), FRACTION, v -> v >= 0 && v < 1);
    Boolean horizontalFlip = r.bool(at.apply("horizontal-flip"));
    Boolean verticalFlip = r.bool(at.apply("vertical-flip"));
    Double channelShift =
        r.number(at.apply("channel-shift-range"), "a number in [0, 255]", v -> v >= 0 && v <= 255);
    FillMode fillMode = r.choice(at.apply("fill-mode"), byName(FillMode.values(), FillMode::configName));
    Double fillValue = r.number(at.apply("fill-value"), "a number in [0, 255]", v -> v >= 0 && v <= 255);
    double[] brightness = r.range(at.apply("brightness-range"));
    if (Arrays.asList(rotation, widthShift, heightShift, shear, zoom, horizontalFlip, verticalFlip,
            channelShift, fillMode, fillValue, brightness).contains(null)) {
      return null;
    }
    return new AugmentationPreset(name, rotation, widthShift, heightShift, shear, zoom,
        horizontalFlip, verticalFlip, channelShift, fillMode, fillValue, brightness[0], brightness[1]);
  }

  /**
   * The image folder has no default. When the user left it out, the problem is placed at the line
   * that asked for the directory source, not at the empty default in reference.conf.
   */
  private static void checkImagePathSet(ConfigReader r) {
    String key = DIRECTORY + "path";
    ConfigValue path = r.value(key, "a local path or Hadoop URI");
    ConfigOrigin origin =
        path.origin().resource() != null ? r.value(DATA + "source", "").origin() : path.origin();
    r.report(origin, key,
        "is empty; expected a local path or Hadoop URI of the image folder, since "
            + DATA + "source = " + SOURCE_DIRECTORY);
  }

  /** Checks names only, so that a preset with a bad value still counts as defined. */
  private static void checkPresetsExist(ConfigReader r, Distribution distribution) {
    List<String> augmentation = Axes.AUGMENTATION.cast(distribution.values());
    ConfigObject defined = r.object("gapsweep." + KeyCheck.PRESETS);
    if (defined == null) {
      return; // reported by KeyCheck
    }
    Set<String> names = new TreeSet<>(defined.keySet());
    names.add(AugmentationPreset.NONE);
    String path = AxisReader.listPath(r, Axes.AUGMENTATION, distribution);
    for (int i = 0; i < augmentation.size(); i++) {
      if (!names.contains(augmentation.get(i))) {
        ConfigValue element = r.element(path, i);
        r.report(element.origin(), path + "[" + i + "]",
            ConfigReader.render(element) + " is unknown; expected one of " + String.join(", ", names));
      }
    }
  }

  /** Each conv block halves the image; the last block must still have a pixel to pool. */
  private static void checkDepthFits(
      ConfigReader r, Distribution distribution, int width, int height) {
    // Choices or [low, high]: either way each listed value must fit.
    List<Integer> depth = Axes.DEPTH.cast(distribution.values());
    String path = AxisReader.listPath(r, Axes.DEPTH, distribution);
    int side = Math.min(width, height);
    int maxDepth = 31 - Integer.numberOfLeadingZeros(side);
    for (int i = 0; i < depth.size(); i++) {
      if (depth.get(i) > maxDepth) {
        r.report(r.element(path, i).origin(), path + "[" + i + "]",
            depth.get(i) + " is too deep for " + width + "x" + height + " images; expected at most "
                + maxDepth + ", since 2^depth must not exceed the smaller image side");
      }
    }
  }

  private static void checkGridSize(ConfigReader r, SearchSpace space, int splits, int maxTrials) {
    long size = space.size() * splits;
    if (size > maxTrials) {
      String path = "gapsweep.search-space";
      ConfigOrigin origin = r.objectOrigin(path);
      String folds = splits == 1 ? "" : " x " + splits + " folds";
      r.report(origin, path,
          (space.search().isRandom() ? "the random search has " : "the grid has ") + size
              + " trials (" + space.factors() + folds + "); expected at most "
              + maxTrials + " (" + RUN + "max-trials)");
    }
  }

  private static <E> Map<String, E> byName(E[] values, Function<E, String> name) {
    Map<String, E> byName = new LinkedHashMap<>();
    for (E value : values) {
      byName.put(name.apply(value), value);
    }
    return byName;
  }

  /** {@code file:line: detail} of a typesafe exception, without its class name or stack trace. */
  private static String detail(ConfigException e) {
    String message = e.getMessage();
    ConfigOrigin origin = e.origin();
    if (origin == null) {
      return message;
    }
    String prefix = origin.description() + ": ";
    String bare = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    return ConfigReader.where(origin) + ": " + bare;
  }
}
