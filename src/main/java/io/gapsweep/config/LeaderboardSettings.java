package io.gapsweep.config;

/**
 * How configurations are ranked: which rule draws the competitive band (see {@code
 * analysis/CompetitiveBand}), and its parameter. Only the parameter of the chosen rule is used; the
 * others are still read and validated, so a typo never waits for the day its rule is chosen.
 *
 * @param band the rule
 * @param bandMultiple {@code one-standard-error}: competitive when the mean paired loss difference
 *     to the best configuration is at most this many of its standard errors
 * @param bandAlpha {@code paired-t-test}: competitive unless a one-sided paired t-test finds it
 *     worse than the best at this level
 * @param accuracyTolerance {@code accuracy-tolerance}: competitive when its mean validation accuracy
 *     is at least the best configuration's minus this many accuracy points (0.05 = 5 points)
 */
public record LeaderboardSettings(
    Band band, double bandMultiple, double bandAlpha, double accuracyTolerance) {

  /** The rules of the competitive band, by their names in {@code gapsweep.leaderboard.band}. */
  public enum Band {
    ONE_STANDARD_ERROR("one-standard-error"),
    PAIRED_T_TEST("paired-t-test"),
    ACCURACY_TOLERANCE("accuracy-tolerance"),
    MINIMUM_LOSS("minimum-loss");

    private final String configName;

    Band(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }
  }
}
