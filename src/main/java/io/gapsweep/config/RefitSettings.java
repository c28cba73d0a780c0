package io.gapsweep.config;

/**
 * How a chosen configuration is retrained before its held-out test ({@code gapsweep.refit}), and
 * whether every configuration is tested after the fact ({@code gapsweep.run.audit}).
 *
 * @param mode where the refit runs: one Spark task, or data-parallel across the executors
 * @param averagingFrequency data-parallel only: batches each worker fits between two parameter
 *     averages, >= 1
 * @param audit refit and test every configuration after the sweep, not only the recommendation
 */
public record RefitSettings(Mode mode, int averagingFrequency, boolean audit) {

  /** The defaults of {@code reference.conf}. */
  public static final RefitSettings DEFAULT = new RefitSettings(Mode.LOCAL, 5, false);

  /** Where a refit trains. */
  public enum Mode {
    /** In one Spark task, with the trials' own training code: the default, for meager data. */
    LOCAL("local"),
    /** Across the executors with dl4j-spark's parameter averaging. */
    DATA_PARALLEL("data-parallel");

    private final String configName;

    Mode(String configName) {
      this.configName = configName;
    }

    /** Its name in the configuration and in {@code test_results.refit_mode}. */
    public String configName() {
      return configName;
    }
  }

  /** These settings with the audit switched on, e.g. by {@code gapsweep run --audit}. */
  public RefitSettings withAudit() {
    return new RefitSettings(mode, averagingFrequency, true);
  }
}
