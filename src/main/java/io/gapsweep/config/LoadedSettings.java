package io.gapsweep.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

/**
 * Validated settings together with the configuration they were read from.
 *
 * @param settings the validated settings
 * @param resolvedHocon the resolved {@code gapsweep} subtree (user file over {@code reference.conf},
 *     substitutions resolved) as HOCON text; saved beside results, it loads back to the same settings
 */
public record LoadedSettings(SweepSettings settings, String resolvedHocon) {

  /** These settings and their text with another output folder, e.g. from {@code --output}. */
  public LoadedSettings withOutput(String output) {
    Config config =
        ConfigFactory.parseString(resolvedHocon)
            .withValue("gapsweep.run.output", ConfigValueFactory.fromAnyRef(output));
    return new LoadedSettings(settings.withOutput(output), SettingsLoader.render(config));
  }
}
