package io.gapsweep.config;

import java.util.Map;

/**
 * Everything one HOCON file says about a sweep, read and validated once on the driver.
 *
 * <p>Defaults live only in {@code reference.conf}; this record holds the resolved values. It is never
 * shipped to executors: each trial receives only the records it needs ({@link TrainingSettings}, the
 * {@link AugmentationPreset} it uses).
 *
 * @param name human name of the sweep, used in reports
 * @param searchSpace the grid axes
 * @param training fixed training settings shared by every trial
 * @param data where the images come from
 * @param augmentationPresets every preset by name, {@code none} included
 * @param validation holdout or k-fold
 * @param leaderboard how configurations are ranked
 * @param run where results go and how trials share the machine
 * @param refit how the chosen configuration is retrained for its held-out test, and the audit
 */
public record SweepSettings(
    String name,
    SearchSpace searchSpace,
    TrainingSettings training,
    DataSettings data,
    Map<String, AugmentationPreset> augmentationPresets,
    ValidationSettings validation,
    LeaderboardSettings leaderboard,
    RunSettings run,
    RefitSettings refit) {

  public SweepSettings {
    augmentationPresets = Map.copyOf(augmentationPresets);
  }

  /** Settings with the refit defaults of {@code reference.conf}. */
  public SweepSettings(
      String name, SearchSpace searchSpace, TrainingSettings training, DataSettings data,
      Map<String, AugmentationPreset> augmentationPresets, ValidationSettings validation,
      LeaderboardSettings leaderboard, RunSettings run) {
    this(name, searchSpace, training, data, augmentationPresets, validation, leaderboard, run,
        RefitSettings.DEFAULT);
  }

  /** These settings with another refit, e.g. {@code gapsweep run --audit}. */
  public SweepSettings withRefit(RefitSettings newRefit) {
    return new SweepSettings(
        name, searchSpace, training, data, augmentationPresets, validation, leaderboard, run,
        newRefit);
  }

  /** These settings with another output folder, e.g. from {@code gapsweep run --output}. */
  public SweepSettings withOutput(String output) {
    return new SweepSettings(
        name, searchSpace, training, data, augmentationPresets, validation, leaderboard,
        run.withOutput(output), refit);
  }
}
