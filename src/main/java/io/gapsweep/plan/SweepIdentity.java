package io.gapsweep.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.SettingsException;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether an output's saved configuration describes the sweep about to run.
 *
 * <p>Two configurations are the same sweep when they expand to the same trial ids. Ids hash
 * everything that changes what a trial computes, so the order values were written in, an unused
 * preset, the leaderboard's tolerance, the thread count or the output path do not make a
 * different sweep; a new axis value, another learning rate or other data do.
 */
public final class SweepIdentity {

  /** Keys that never change what a trial computes. */
  private static final List<String> NOT_IDENTITY =
      List.of("gapsweep.run", "gapsweep.leaderboard", "gapsweep.name", "gapsweep.refit");

  private static final int MAX_LINES = 12;

  private static final String ROOT = "gapsweep";

  private static final String SCHEDULER = ROOT + ".search.scheduler";

  private static final String HALVING = ROOT + ".search.successive-halving";

  private SweepIdentity() {}

  /**
   * Empty when the saved configuration expands to exactly the trials of {@code plan}; otherwise
   * what differs, one line per key: {@code <key>: <saved value> in the output, <value> now}.
   */
  public static List<String> differences(String savedHocon, String currentHocon, SweepPlan plan) {
    Config saved;
    Set<String> savedIds = new HashSet<>();
    try {
      saved = withScheduler(withValidation(ConfigFactory.parseString(savedHocon).resolve()));
      Optional<String> missing = missingKey(saved);
      if (missing.isPresent()) {
        return List.of(olderVersion(missing.get()));
      }
      SweepSettings settings = SettingsLoader.fromConfig(saved);
      GridExpander.expand(settings).trials().forEach(t -> savedIds.add(t.trialId()));
    } catch (ConfigException | SettingsException e) {
      return List.of("its sweep.conf cannot be read by this version of gapsweep: "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    Set<String> ids = new HashSet<>();
    plan.trials().forEach(t -> ids.add(t.trialId()));
    if (ids.equals(savedIds)) {
      // Trial ids leave the scheduler out (a trial computes the same epochs with or without it),
      // but a sweep resumed under another scheduler would mix pruned and fully trained trials.
      return keyDifferences(
          schedulerOf(saved), schedulerOf(ConfigFactory.parseString(currentHocon).resolve()));
    }
    List<String> lines = keyDifferences(saved, ConfigFactory.parseString(currentHocon).resolve());
    if (lines.isEmpty()) {
      return List.of("the same settings give other trial ids (written by another gapsweep version)");
    }
    return lines;
  }

  /**
   * The output's line when its {@code sweep.conf} lacks a key that this version's {@code
   * reference.conf} defines. Every version saves the whole resolved {@code gapsweep} tree, so a
   * missing key means an older gapsweep wrote it, one whose trial ids (before {@value
   * TrialIds#VERSION}) this version does not compute.
   */
  static String olderVersion(String missingKey) {
    return "it was written by an older gapsweep (no " + missingKey + "), whose trial ids this"
        + " version (" + TrialIds.VERSION + ") does not reproduce, so it cannot be resumed";
  }

  /**
   * An output saved before {@code gapsweep.validation} existed was validated by holdout, whose
   * trial ids did not change when the block was added: read it as holdout, whatever the default
   * scheme is now.
   */
  private static Config withValidation(Config saved) {
    if (saved.hasPath(ROOT + ".validation")) {
      return saved;
    }
    return ConfigFactory.parseString(ROOT + ".validation { scheme = holdout, folds = 5,"
        + " repeats = 1, keep-given-split = false }").withFallback(saved);
  }

  /**
   * An output saved before the scheduler existed trained every trial to early stopping, with the
   * same trial ids: read it as {@code scheduler = none}; one saved before {@code
   * successive-halving.mode} existed ran synchronous rungs.
   */
  private static Config withScheduler(Config saved) {
    Config filled = saved.hasPath(SCHEDULER) ? saved
        : ConfigFactory.parseString(SCHEDULER + " = none\n" + HALVING
            + " { min-epochs = 3, reduction-factor = 3 }").withFallback(saved);
    // Saved before asynchronous promotion existed: its rungs were synchronous.
    return filled.hasPath(HALVING + ".mode") ? filled
        : ConfigFactory.parseString(HALVING + ".mode = synchronous").withFallback(filled);
  }

  private static Config schedulerOf(Config config) {
    return config.withOnlyPath(SCHEDULER).withFallback(config.withOnlyPath(HALVING));
  }

  private static Optional<String> missingKey(Config saved) {
    Config reference = ConfigFactory.defaultReference().withOnlyPath(ROOT);
    return reference.entrySet().stream()
        .map(Map.Entry::getKey)
        .filter(key -> !saved.hasPathOrNull(key))
        // A key that never changes a trial (added later, e.g. gapsweep.refit) takes its default.
        .filter(key -> NOT_IDENTITY.stream().noneMatch(path -> key.startsWith(path + ".")))
        .sorted()
        .findFirst();
  }

  private static List<String> keyDifferences(Config saved, Config current) {
    Map<String, String> before = flatten(saved);
    Map<String, String> now = flatten(current);
    Set<String> keys = new TreeSet<>(before.keySet());
    keys.addAll(now.keySet());
    List<String> lines = new ArrayList<>();
    for (String key : keys) {
      String was = before.getOrDefault(key, "(not set)");
      String is = now.getOrDefault(key, "(not set)");
      if (!was.equals(is)) {
        lines.add(key + ": " + was + " in the output, " + is + " now");
      }
    }
    if (lines.size() > MAX_LINES) {
      int more = lines.size() - MAX_LINES;
      lines = new ArrayList<>(lines.subList(0, MAX_LINES));
      lines.add("... and " + more + " more");
    }
    return lines;
  }

  private static Map<String, String> flatten(Config config) {
    Config identity = config;
    for (String path : NOT_IDENTITY) {
      identity = identity.withoutPath(path);
    }
    Map<String, String> values = new java.util.HashMap<>();
    for (Map.Entry<String, ConfigValue> entry : identity.entrySet()) {
      values.put(entry.getKey(), entry.getValue().render(ConfigRenderOptions.concise()));
    }
    // An axis left at its default repeats its training setting ([0.01] for 0.01): listing both
    // would name one change twice.
    for (Axis<?> axis : Axes.ALL) {
      if (axis.trainingKey() != null) {
        String training = values.get("gapsweep.training." + axis.trainingKey());
        values.remove("gapsweep.search-space." + axis.name(), "[" + training + "]");
      }
    }
    return values;
  }
}
