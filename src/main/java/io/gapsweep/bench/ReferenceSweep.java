package io.gapsweep.bench;

import com.typesafe.config.ConfigFactory;
import io.gapsweep.config.LoadedSettings;
import io.gapsweep.config.SettingsLoader;
import io.gapsweep.config.SweepSettings;

/**
 * The sweep every bench part trains: the reference network (2 conv blocks with batch norm and
 * dropout 0.25, 8 and 16 filters, dense 16, 6 classes, 32x32x3 images, batch 32, Adam) in a grid of
 * identical configurations that differ only by seed. Early stopping is given no say (patience =
 * max-epochs), so every trial trains exactly {@code epochs} epochs and every run does equal work.
 */
final class ReferenceSweep {

  private ReferenceSweep() {}

  /**
   * @param trials trials in the grid (seeds of the one configuration)
   * @param epochs epochs of every trial
   * @param trainPerClass synthetic training images per class (validation gets half as many)
   * @param masterCores cores of the {@code local[N]} master the sweep runs on
   */
  static SweepSettings settings(int trials, int epochs, int trainPerClass, int masterCores) {
    return loaded(trials, epochs, trainPerClass, masterCores).settings();
  }

  /** As {@link #settings}, with the resolved configuration a run would save. */
  static LoadedSettings loaded(int trials, int epochs, int trainPerClass, int masterCores) {
    String hocon =
        String.join(
            "\n",
            "gapsweep {",
            "  name = bench",
            "  search-space { depth = [2], dropout = [0.25], l2 = [0.0], augmentation = [none],",
            "    seeds = " + trials + " }",
            "  training { optimizer = adam, learning-rate = 0.001, batch-size = 32,",
            "    base-filters = 8, dense-units = 16,",
            "    max-epochs = " + epochs + ", patience = " + epochs + " }",
            "  validation.scheme = holdout",
            "  data { source = synthetic, width = 32, height = 32, channels = 3,",
            "    synthetic { train-per-class = " + trainPerClass + ",",
            "      validation-per-class = " + Math.max(1, trainPerClass / 2) + " } }",
            "  run { local-master = \"local[" + masterCores + "]\", threads-per-trial = auto }",
            "}");
    return SettingsLoader.read(ConfigFactory.parseString(hocon));
  }
}
