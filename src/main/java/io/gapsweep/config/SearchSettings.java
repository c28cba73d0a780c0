package io.gapsweep.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the configurations of a sweep are chosen from the search space ({@code gapsweep.search}).
 * Read once on the driver; see {@code reference.conf} for each key.
 *
 * @param strategy grid or random
 * @param trials configurations to draw (random only); each trains once per seed index
 * @param seed the seed every draw derives from (random only)
 * @param significantDigits significant digits a drawn real number is rounded to (random only)
 * @param scheduler which trials continue ({@code gapsweep.search.scheduler}); under either strategy
 */
public record SearchSettings(
    Strategy strategy, int trials, long seed, int significantDigits, Scheduler scheduler)
    implements Serializable {

  public SearchSettings {
    java.util.Objects.requireNonNull(scheduler, "scheduler");
  }

  /** Settings without a scheduler: every trial trains until early stopping. */
  public SearchSettings(Strategy strategy, int trials, long seed, int significantDigits) {
    this(strategy, trials, seed, significantDigits, Scheduler.none());
  }

  /**
   * Which trials continue ({@code gapsweep.search.scheduler} and {@code
   * gapsweep.search.successive-halving}); see {@code search.SuccessiveHalving} and {@code
   * search.AsynchronousHalving}.
   *
   * @param successiveHalving whether configurations are pruned at rungs; false: none
   * @param minEpochs epochs of the first rung (r)
   * @param reductionFactor η: about one configuration in η continues at each rung
   * @param mode synchronous rungs or asynchronous promotion
   */
  public record Scheduler(boolean successiveHalving, int minEpochs, int reductionFactor,
      Mode mode) implements Serializable {

    public Scheduler {
      java.util.Objects.requireNonNull(mode, "mode");
    }

    /** Successive halving with synchronous rungs (or none, with the same numbers). */
    public Scheduler(boolean successiveHalving, int minEpochs, int reductionFactor) {
      this(successiveHalving, minEpochs, reductionFactor, Mode.SYNCHRONOUS);
    }

    /** No scheduler (the defaults of the halving settings, which then change nothing). */
    public static Scheduler none() {
      return new Scheduler(false, 3, 3);
    }

    /** The scheduler's HOCON name. */
    public String configName() {
      return successiveHalving ? "successive-halving" : "none";
    }

    /** Whether configurations are promoted asynchronously (only under successive halving). */
    public boolean asynchronous() {
      return successiveHalving && mode == Mode.ASYNCHRONOUS;
    }
  }

  /** How successive halving decides ({@code gapsweep.search.successive-halving.mode}). */
  public enum Mode {
    /** One Spark job per rung; a rung's decision sees all its configurations: deterministic. */
    SYNCHRONOUS("synchronous"),
    /** ASHA: a freed slot promotes a configuration or starts a new one; depends on timing. */
    ASYNCHRONOUS("asynchronous");

    private final String configName;

    Mode(String configName) {
      this.configName = configName;
    }

    public String configName() {
      return configName;
    }
  }

  /**
   * The strategies, by their HOCON name. Each has its sampler in {@code search.Samplers}, whose
   * switch over this enum the compiler checks for completeness: a new strategy is a constant here
   * and a case there.
   */
  public enum Strategy {
    /** Every combination of the axes' choices. */
    GRID("grid", false),
    /** {@code trials} configurations drawn from each axis's distribution. */
    RANDOM("random", true);

    private final String configName;
    private final boolean takesRanges;

    Strategy(String configName, boolean takesRanges) {
      this.configName = configName;
      this.takesRanges = takesRanges;
    }

    public String configName() {
      return configName;
    }

    /** Whether an axis may be a range under this strategy, rather than choices only. */
    public boolean takesRanges() {
      return takesRanges;
    }
  }

  private static final String SEARCH = "gapsweep.search.";

  /**
   * The grid: its other settings change nothing, so a grid's settings are this one value whatever
   * they say (also for search spaces built in code).
   */
  public static SearchSettings grid() {
    return new SearchSettings(Strategy.GRID, 0, 0L, 0);
  }

  /** Whether configurations are drawn rather than enumerated. */
  public boolean isRandom() {
    return strategy == Strategy.RANDOM;
  }

  /** Reads and checks {@code gapsweep.search}; {@code null} after a problem (reported). */
  static SearchSettings read(ConfigReader r) {
    Map<String, Strategy> byName = new LinkedHashMap<>();
    for (Strategy strategy : Strategy.values()) {
      byName.put(strategy.configName(), strategy);
    }
    Strategy strategy = r.choice(SEARCH + "strategy", byName);
    Integer trials = r.integer(SEARCH + "trials", "an integer >= 1", v -> v >= 1);
    Long seed = r.longInteger(SEARCH + "seed", "an integer");
    Integer digits = r.integer(SEARCH + "significant-digits", "an integer in [1, 15]",
        v -> v >= 1 && v <= 15);
    Map<String, Boolean> schedulers = new LinkedHashMap<>();
    schedulers.put("none", Boolean.FALSE);
    schedulers.put("successive-halving", Boolean.TRUE);
    Boolean halving = r.choice(SEARCH + "scheduler", schedulers);
    Integer minEpochs = r.integer(SEARCH + "successive-halving.min-epochs", "an integer >= 1",
        v -> v >= 1);
    Integer eta = r.integer(SEARCH + "successive-halving.reduction-factor", "an integer >= 2",
        v -> v >= 2);
    Map<String, Mode> modes = new LinkedHashMap<>();
    for (Mode mode : Mode.values()) {
      modes.put(mode.configName(), mode);
    }
    Mode mode = r.choice(SEARCH + "successive-halving.mode", modes);
    if (strategy == null || trials == null || seed == null || digits == null || halving == null
        || minEpochs == null || eta == null || mode == null) {
      return null;
    }
    Scheduler scheduler = halving ? new Scheduler(true, minEpochs, eta, mode) : Scheduler.none();
    return strategy == Strategy.GRID
        ? grid().withScheduler(scheduler)
        : new SearchSettings(strategy, trials, seed, digits, scheduler);
  }

  /** These settings with {@code scheduler}. */
  public SearchSettings withScheduler(Scheduler scheduler) {
    return new SearchSettings(strategy, trials, seed, significantDigits, scheduler);
  }
}
