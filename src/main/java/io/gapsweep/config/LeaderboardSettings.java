package io.gapsweep.config;

/**
 * How configurations are ranked.
 *
 * @param accuracyTolerance a configuration is competitive when its mean validation accuracy is at
 *     least the best configuration's minus this many accuracy points (0.05 = 5 points)
 */
public record LeaderboardSettings(double accuracyTolerance) {}
