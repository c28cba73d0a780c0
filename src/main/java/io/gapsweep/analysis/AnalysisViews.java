package io.gapsweep.analysis;

import io.gapsweep.Beside;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.LeaderboardSettings;
import io.gapsweep.store.OutputFolder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Registers every analysis view over the temp views {@code trials} and {@code curves} (see {@code
 * OutputFolder#registerViews}), in dependency order, so that the command line and a notebook query
 * the same definitions. Each definition is Spark SQL text in this class or in {@link Leaderboard};
 * each view is computed once, when registered, and holds its rows (see {@link #materialize}).
 *
 * <ol>
 *   <li>{@code t_quantiles(df, t975)}: the 0.975 quantile of Student's t for df = 1 .. trials - 1,
 *       computed with Commons Math, because Spark SQL has none. Every 95% interval below is a
 *       two-sided <b>t-interval</b> over n samples: {@code mean ± t(0.975, n - 1) · sd / sqrt(n)}
 *       with the sample sd, null when n &lt; 2.
 *   <li>{@code trial_summary}: one row per trial; see {@link #trialSummarySql(int)}.
 *   <li>{@code competitive_band}: one row per configuration, the statistics of the competitive
 *       band from the {@code predictions} view; see {@link CompetitiveBand} and {@link
 *       Leaderboard#compute}.
 *   <li>{@code leaderboard}: one row per configuration; see {@link Leaderboard}.
 *   <li>{@code axis_effects}: one row per level of each axis; see {@link #AXIS_EFFECTS_SQL}.
 * </ol>
 *
 * <h2>Overfitting onset</h2>
 *
 * Let {@code s(e)} be the validation loss smoothed by a centred 3-epoch moving average (epochs e-1,
 * e, e+1; two epochs at either end of the curve). The onset is the first epoch {@code e} with the
 * lowest {@code s(e)} on the whole curve (so {@code s} never again goes below {@code min s(1..e)}),
 * provided that at least two epochs follow it, that {@code s} at the last epoch is strictly above
 * {@code s(e)}, and that the training loss at the last epoch is strictly below the training loss at
 * {@code e} (training still improves while validation worsens). Otherwise, and for trials that did
 * not complete, it is null: the curve never showed overfitting. Without smoothing and these two
 * conditions the onset would just be {@code best_epoch}; the smoothing ignores a one-epoch dip of
 * the validation loss, and the conditions separate overfitting from a plateau or from training that
 * degraded as a whole.
 *
 * <h2>Fit label</h2>
 *
 * First rule that applies: {@code failed} (status FAILED), {@code diverged} (status DIVERGED),
 * {@code pruned} (stop reason {@code pruned}: successive halving stopped it after a few epochs, so
 * its fit says nothing about the configuration),
 * {@code underfit} (training accuracy at the best epoch below halfway from chance to perfect,
 * {@code train_acc < (1 + 1/classes) / 2}), {@code overfit} (accuracy gap at the best epoch, {@code
 * train_acc - val_acc}, above {@value #OVERFIT_ACC_GAP}), {@code good} otherwise. The labels judge
 * the model that early stopping kept, with accuracy (not loss) so that the thresholds do not depend
 * on the number of classes or on calibration.
 */
public final class AnalysisViews {

  /** Name of the per-trial view. */
  public static final String TRIAL_SUMMARY = "trial_summary";

  /** Name of the per-axis-level view. */
  public static final String AXIS_EFFECTS = "axis_effects";

  /** Name of the lookup view of t quantiles. */
  public static final String T_QUANTILES = TQuantiles.VIEW;

  /** Every view {@link #register} creates, in the order it creates them. */
  public static final List<String> VIEWS =
      List.of(T_QUANTILES, TRIAL_SUMMARY, CompetitiveBand.VIEW, Leaderboard.VIEW, AXIS_EFFECTS);

  /** A trial whose kept model is more than this many accuracy points better on training data is overfit. */
  public static final double OVERFIT_ACC_GAP = 0.1;

  private static final String TRIAL_SUMMARY_TEMPLATE =
      """
      WITH smoothed AS (
        SELECT trial_id, epoch, train_loss, train_acc, val_loss, val_acc,
               -- Rows are epochs 1..n without holes, so 1 PRECEDING is the previous epoch.
               avg(val_loss) OVER (PARTITION BY trial_id ORDER BY epoch
                                   ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) AS val_loss_smooth,
               row_number() OVER (PARTITION BY trial_id ORDER BY epoch DESC) AS from_end
        FROM curves
      ),
      lowest AS (
        SELECT trial_id, epoch AS low_epoch, val_loss_smooth AS low_val, train_loss AS low_train
        FROM (SELECT s.*,
                     row_number() OVER (PARTITION BY trial_id
                                        ORDER BY val_loss_smooth, epoch) AS r
              FROM smoothed s)
        WHERE r = 1
      ),
      last AS (
        SELECT trial_id, epoch AS last_epoch, val_loss_smooth AS last_val,
               train_loss AS last_train,
               val_loss - train_loss AS final_gap,
               train_acc - val_acc AS final_acc_gap
        FROM smoothed
        WHERE from_end = 1
      ),
      peak AS (
        SELECT trial_id, max(val_acc) AS val_acc_best FROM curves GROUP BY trial_id
      ),
      joined AS (
        SELECT t.trial_id, t.config_id, {t.axes}, t.seed_index, t.fold,
               t.status, t.stop_reason, t.epochs_run, t.best_epoch,
               b.train_loss, b.val_loss, b.train_acc, b.val_acc,
               b.val_loss - b.train_loss AS gap,
               b.train_acc - b.val_acc AS acc_gap,
               CASE WHEN t.status = 'COMPLETED' THEN p.val_acc_best END AS val_acc_best,
               CASE WHEN t.status = 'COMPLETED' THEN l.final_gap END AS final_gap,
               CASE WHEN t.status = 'COMPLETED' THEN l.final_acc_gap END AS final_acc_gap,
               CASE WHEN t.status = 'COMPLETED'
                         AND l.last_epoch - w.low_epoch >= 2
                         AND l.last_val > w.low_val
                         AND l.last_train < w.low_train
                    THEN w.low_epoch
               END AS overfit_onset
        FROM trials t
        LEFT JOIN curves b
          ON b.trial_id = t.trial_id AND b.epoch = t.best_epoch AND t.status = 'COMPLETED'
        LEFT JOIN lowest w ON w.trial_id = t.trial_id
        LEFT JOIN last l ON l.trial_id = t.trial_id
        LEFT JOIN peak p ON p.trial_id = t.trial_id
      )
      SELECT trial_id, config_id, {axes}, seed_index, fold, status,
             stop_reason, epochs_run, best_epoch, train_loss, val_loss, train_acc, val_acc,
             gap, acc_gap, val_acc_best, final_gap, final_acc_gap,
             CAST(overfit_onset AS INT) AS overfit_onset,
             CAST(epochs_run - overfit_onset AS INT) AS epochs_past_onset,
             CASE WHEN status = 'FAILED' THEN 'failed'
                  WHEN status = 'DIVERGED' THEN 'diverged'
                  WHEN stop_reason = 'pruned' THEN 'pruned'
                  WHEN train_acc IS NULL THEN NULL
                  WHEN train_acc < %s THEN 'underfit'
                  WHEN acc_gap > %s THEN 'overfit'
                  ELSE 'good'
             END AS fit
      FROM joined
      ORDER BY config_id, seed_index, fold, trial_id
      """;

  /**
   * Per configuration, the completed trial (of any seed and fold) with the lowest validation loss
   * at its best epoch (ties by trial id): the trial whose curves the report draws and whose model is saved. Columns
   * {@code config_id, trial_id}; a query over {@code trial_summary}.
   */
  public static final String BEST_SEEDS_SQL =
      """
      SELECT config_id, trial_id FROM (
        SELECT config_id, trial_id,
               row_number() OVER (PARTITION BY config_id ORDER BY val_loss, trial_id) AS n
        FROM trial_summary
        WHERE status = 'COMPLETED' AND val_loss IS NOT NULL)
      WHERE n = 1
      """;

  /**
   * One row per level of each axis of {@link Axes#ALL}: how the level does averaged
   * over the rest of the grid.
   *
   * <ul>
   *   <li>A level's samples are the points (as in the leaderboard: the best-epoch row of a
   *       COMPLETED trial) of every trial at that level, whatever its other parameters, seed and
   *       fold.
   *       {@code trials} counts all trials at the level, {@code completed} its points, {@code
   *       configs} the configurations with at least one point.
   *   <li>{@code gap_mean}, {@code val_acc_mean}: means over the points, with 95% t-intervals over
   *       them ({@code *_ci_low}, {@code *_ci_high}, null below two points). The spread includes
   *       the effect of the other axes, so the intervals are wide; and when trials failed, the
   *       rest of the grid is no longer the same for every level.
   *   <li>{@code baseline}: the axis's reference level: the smallest value, or the level the axis
   *       names ({@code none} for augmentation; no baseline when no level is called so). {@code
   *       gap_change_vs_baseline = gap_mean - gap_mean of the baseline} (negative: this level cut
   *       the gap), {@code val_acc_change_vs_baseline} likewise.
   *   <li>{@code level} is the value as text, written plainly (0.0001, not 1.0E-4), {@code
   *       level_value} the number (null for augmentation). Rows come by axis in registry order,
   *       then by value (augmentation: baseline first, then by name). An optional axis (learning
   *       rate, batch size) has rows only when the sweep gave it more than one level.
   * </ul>
   */
  public static final String AXIS_EFFECTS_SQL =
      """
      WITH points AS (
        SELECT t.config_id, {t.axes},
               c.val_loss - c.train_loss AS gap, c.val_acc
        FROM trials t
        LEFT JOIN curves c
          ON c.trial_id = t.trial_id AND c.epoch = t.best_epoch AND t.status = 'COMPLETED'
      ),
      long AS (
      {long}
      ),
      levels AS (
        SELECT axis_order, axis, optional, level_value, level,
               count(DISTINCT CASE WHEN gap IS NOT NULL THEN config_id END) AS configs,
               count(*) AS trials,
               count(gap) AS completed,
               avg(gap) AS gap_mean,
               stddev_samp(gap) AS gap_sd,
               avg(val_acc) AS val_acc_mean,
               stddev_samp(val_acc) AS val_acc_sd
        FROM long
        GROUP BY axis_order, axis, optional, level_value, level
      ),
      flagged AS (
        SELECT l.*,
               CASE {baselines}ELSE level_value = min(level_value) OVER (PARTITION BY axis)
               END AS baseline,
               count(*) OVER (PARTITION BY axis) AS axis_levels
        FROM levels l
      ),
      compared AS (
        SELECT f.*,
               max(CASE WHEN baseline THEN gap_mean END) OVER (PARTITION BY axis) AS base_gap,
               max(CASE WHEN baseline THEN val_acc_mean END) OVER (PARTITION BY axis) AS base_acc
        FROM flagged f
      )
      SELECT axis, level, level_value, baseline,
             CAST(configs AS INT) AS configs,
             CAST(trials AS INT) AS trials,
             CAST(completed AS INT) AS completed,
             gap_mean,
             gap_mean - q.t975 * gap_sd / sqrt(completed) AS gap_ci_low,
             gap_mean + q.t975 * gap_sd / sqrt(completed) AS gap_ci_high,
             val_acc_mean,
             val_acc_mean - q.t975 * val_acc_sd / sqrt(completed) AS val_acc_ci_low,
             val_acc_mean + q.t975 * val_acc_sd / sqrt(completed) AS val_acc_ci_high,
             gap_mean - base_gap AS gap_change_vs_baseline,
             val_acc_mean - base_acc AS val_acc_change_vs_baseline
      FROM compared c
      LEFT JOIN t_quantiles q ON q.df = c.completed - 1
      WHERE NOT c.optional OR c.axis_levels > 1
      ORDER BY axis_order, CASE WHEN baseline THEN 0 ELSE 1 END, level_value, level
      """
          .replace("{t.axes}", axisColumns("t."))
          .replace("{long}", axisLevels())
          .replace("{baselines}", baselines());

  private AnalysisViews() {}

  /** The axis columns of {@code trials}, in {@link Axes#ALL} order, e.g. {@code t.depth, t.l2}. */
  public static String axisColumns(String prefix) {
    return String.join(", ", Axes.ALL.stream().map(axis -> prefix + axis.column()).toList());
  }

  /** One SELECT per axis over {@code points}, joined by UNION ALL: the long form of the levels. */
  private static String axisLevels() {
    List<String> selects = new ArrayList<>();
    for (int i = 0; i < Axes.ALL.size(); i++) {
      Axis<?> axis = Axes.ALL.get(i);
      String column = axis.column();
      String value = switch (axis.kind()) {
        case INTEGER, NUMBER -> "CAST(" + column + " AS DOUBLE)";
        case TEXT -> "CAST(NULL AS DOUBLE)";
      };
      String level = switch (axis.kind()) {
        case INTEGER -> "CAST(" + column + " AS STRING)";
        case NUMBER -> plainText(column);
        case TEXT -> column;
      };
      selects.add("  SELECT " + (i + 1) + " AS axis_order, '" + column + "' AS axis, "
          + axis.isOptional() + " AS optional, " + value + " AS level_value, " + level
          + " AS level, config_id, gap, val_acc FROM points");
    }
    return String.join("\n        UNION ALL\n      ", selects);
  }

  /** The CASE branches of axes whose reference level is named, not the smallest value. */
  private static String baselines() {
    StringBuilder cases = new StringBuilder();
    for (Axis<?> axis : Axes.ALL) {
      if (axis.baselineLevel() != null) {
        cases.append("WHEN axis = '").append(axis.column()).append("' THEN level = '")
            .append(axis.baselineLevel().replace("'", "''")).append("'\n                    ");
      }
    }
    return cases.toString();
  }

  /**
   * Registers {@link #VIEWS} over the registered {@code trials} and {@code curves}, replacing any
   * views of those names.
   *
   * @param settings the leaderboard's settings, as the sweep ran with them
   * @param classes number of classes of the sweep's dataset (chance accuracy is 1 / classes); the
   *     tables do not record it. The built-in synthetic dataset has 6.
   */
  public static void register(SparkSession spark, LeaderboardSettings settings, int classes) {
    // Arguments are checked first, so bad ones leave the session's views as they were.
    String trialSummary = trialSummarySql(classes);
    CompetitiveBand.Rule rule = Leaderboard.rule(settings);
    // Once, before both threads read it.
    TQuantiles.register(spark);
    // axis_effects needs none of the other views: it is computed beside their chain.
    Beside.run("gapsweep-axis-effects",
        () -> {
          spark.sql(AXIS_EFFECTS_SQL).createOrReplaceTempView(AXIS_EFFECTS);
          materialize(spark, AXIS_EFFECTS);
        },
        () -> {
          spark.sql(trialSummary).createOrReplaceTempView(TRIAL_SUMMARY);
          materialize(spark, TRIAL_SUMMARY);
          Leaderboard.computeOverQuantiles(spark, rule);
          materialize(spark, Leaderboard.VIEW);
        });
  }

  /**
   * Saves the rows of {@link #VIEWS}, as {@link #register} computed them, into {@code folder}: a
   * command that reads the sweep later ({@link #registerSaved}) queries them instead of computing
   * them again, which costs a chain of Spark jobs per view.
   */
  public static void save(
      SparkSession spark, OutputFolder folder, LeaderboardSettings settings, int classes) {
    folder.saveViews(spark, VIEWS, savedKey(settings, classes));
  }

  /**
   * Registers {@link #VIEWS} over the sweep in {@code folder}, whose tables are registered: the rows
   * its run saved ({@link #save}) while they are still those of its tables, these settings and
   * these definitions; otherwise computed again, as {@link #register} does.
   *
   * @return whether the saved rows were registered
   */
  public static boolean registerSaved(
      SparkSession spark, OutputFolder folder, LeaderboardSettings settings, int classes) {
    if (folder.registerSavedViews(spark, savedKey(settings, classes))) {
      return true;
    }
    register(spark, settings, classes);
    return false;
  }

  /** What the views depend on besides the tables: settings, classes and the views' SQL. */
  private static String savedKey(LeaderboardSettings settings, int classes) {
    String definitions = trialSummarySql(classes) + Leaderboard.sql() + AXIS_EFFECTS_SQL;
    return String.format(Locale.ROOT, "%s, %d classes, definitions %08x",
        settings, classes, definitions.hashCode());
  }

  /**
   * Replaces the view {@code name} by its rows, computed once, on the driver (a local relation):
   * the leaderboard, Winners, the held-out test, the report and a notebook query it many times,
   * and each query of the SQL view would run the whole chain of Spark jobs again. The rows are a
   * handful per trial or configuration; rows, order and schema (comments included) stay the same; one partition, so
   * queries over it add up in row order as before.
   */
  private static void materialize(SparkSession spark, String name) {
    org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> view = spark.table(name);
    spark.createDataFrame(view.collectAsList(), view.schema()).coalesce(1)
        .createOrReplaceTempView(name);
  }

  /**
   * The query of {@code trial_summary}: one row per trial with {@code trial_id, config_id, depth,
   * dropout, l2, augmentation, seed_index, fold, status, stop_reason, epochs_run, best_epoch}, the point
   * at the best epoch ({@code train_loss, val_loss, train_acc, val_acc, gap, acc_gap}; null unless
   * COMPLETED), {@code val_acc_best} (highest validation accuracy on the curve), {@code final_gap}
   * and {@code final_acc_gap} (at the last epoch), {@code overfit_onset}, {@code epochs_past_onset =
   * epochs_run - overfit_onset} and {@code fit}; onset and fit as defined on this class. Non-
   * COMPLETED trials have null metrics.
   *
   * @param classes number of classes, at least 2
   */
  public static String trialSummarySql(int classes) {
    if (classes < 2) {
      throw new IllegalArgumentException(
          "Cannot define the fit label: " + classes + " classes; a classifier needs at least 2");
    }
    double underfitBelow = (1.0 + 1.0 / classes) / 2.0;
    return String.format(
        Locale.ROOT,
        TRIAL_SUMMARY_TEMPLATE
            .replace("{t.axes}", axisColumns("t."))
            .replace("{axes}", axisColumns("")),
        doubleLiteral(underfitBelow),
        doubleLiteral(OVERFIT_ACC_GAP));
  }

  /**
   * A double column as plain text: 0.0001 rather than Spark's 1.0E-4. The DECIMAL cast takes the
   * double's shortest decimal form; 18 decimals cover any sensible rate or coefficient.
   */
  private static String plainText(String column) {
    String fixed = "CAST(CAST(" + column + " AS DECIMAL(38, 18)) AS STRING)";
    // 18 decimals always contain a point: drop the trailing zeros, then a point left bare. Zero
    // apart, in case a decimal zero is written 0E-18.
    return "CASE WHEN " + column + " = 0 THEN '0' ELSE TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM "
        + fixed + ")) END";
  }

  // Spark SQL reads a plain 0.05 as DECIMAL; the D suffix keeps the comparison in DOUBLE.
  private static String doubleLiteral(double value) {
    return Double.toString(value) + "D";
  }
}
