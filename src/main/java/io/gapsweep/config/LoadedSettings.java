package io.gapsweep.config;

/**
 * Validated settings together with the configuration they were read from.
 *
 * @param settings the validated settings
 * @param resolvedHocon the resolved {@code gapsweep} subtree (user file over {@code reference.conf},
 *     substitutions resolved) as HOCON text; saved beside results, it loads back to the same settings
 */
public record LoadedSettings(SweepSettings settings, String resolvedHocon) {}
