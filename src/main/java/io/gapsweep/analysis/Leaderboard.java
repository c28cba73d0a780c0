package io.gapsweep.analysis;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.LeaderboardSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Ranks configurations by generalization gap, in Spark SQL over the views {@code trials} and
 * {@code curves} (see {@code OutputFolder#registerViews}).
 *
 * <p>Definitions, all in {@link #sql(LeaderboardSettings)}:
 *
 * <ul>
 *   <li>A trial's point is its {@code curves} row at {@code best_epoch} (not its last epoch). Only
 *       {@code COMPLETED} trials have one; {@code gap = val_loss - train_loss}, {@code acc_gap =
 *       train_acc - val_acc} at that point.
 *   <li>A configuration is a value of every axis of {@link Axes#ALL}, identified by {@code
 *       config_id}.
 *       Its trials are one per seed and fold (fold 0 only under holdout). {@code completed} counts
 *       its trials with a point, {@code seeds} and {@code folds} the distinct seed indices and
 *       folds among them, {@code trials} all its trials, failed and diverged included. The {@code
 *       *_mean} columns average over its points (seeds and folds alike); {@code gap_sd} and {@code
 *       val_acc_sd} are sample standard deviations, null with fewer than two points.
 *   <li>{@code gap_ci_low}, {@code gap_ci_high}: the 95% two-sided t-interval of the mean gap over
 *       the points, {@code gap_mean ± t(0.975, completed - 1) · gap_sd / sqrt(completed)}, null
 *       with fewer than two. Under holdout seeds are the only source of variation inside a
 *       configuration, so the interval says how far the mean could move with other seeds; it
 *       assumes the gaps are roughly normal. Under k-fold the folds share training images, so the
 *       points are not independent and the interval is too narrow.
 *   <li>{@code val_acc_best_mean}: the best validation accuracy anywhere on a trial's curve (which
 *       may be at another epoch than {@code best_epoch}, chosen by validation loss), averaged over
 *       seeds. {@code best_epoch_mean} is the mean epoch of the lowest validation loss, i.e. the
 *       mean number of epochs to the kept model.
 *   <li>A configuration is competitive when {@code val_acc_mean >= max(val_acc_mean) -
 *       accuracy-tolerance} (inclusive, with 1e-9 slack for binary rounding),
 *       so a model that learned nothing (chance accuracy, hence no gap) cannot win as long as
 *       another configuration is more than the tolerance above chance. When no configuration
 *       learned anything, all are at chance, all compete, and the leaderboard cannot tell.
 *   <li>Competitive configurations come first, by {@code gap_mean}, then {@code val_loss_mean},
 *       then {@code config_id}, with {@code rank} 1..k. The others follow with a null rank, by
 *       {@code val_acc_mean} descending (then {@code val_loss_mean}, {@code config_id}).
 *       Configurations whose trials all failed or diverged come last, with {@code seeds = 0}, null
 *       metrics and a null rank.
 * </ul>
 *
 * <p>The result is also registered as the temp view {@code leaderboard}; its columns are {@code
 * rank, config_id}, one column per axis, {@code seeds, folds, completed, trials, gap_mean, gap_sd, gap_ci_low,
 * gap_ci_high, acc_gap_mean, val_loss_mean, val_acc_mean, val_acc_sd, val_acc_best_mean,
 * train_loss_mean, train_acc_mean, best_epoch_mean, competitive}. The query joins the lookup view
 * {@code t_quantiles}, which {@link #compute} registers first. A query over the view should order by its own columns, e.g.
 * {@code ORDER BY rank NULLS LAST}: SQL does not promise a view's order to survive a query.
 */
public final class Leaderboard {

  /** Name of the temp view {@link #compute} registers. */
  public static final String VIEW = "leaderboard";

  /**
   * Slack on the competitiveness threshold, far below one image's worth of accuracy, so that a
   * mean exactly on the boundary (0.85 vs 0.90 - 0.05 = 0.8500000000000001) counts as competitive.
   */
  static final double THRESHOLD_SLACK = 1e-9;

  private static final String SQL_TEMPLATE =
      """
      WITH points AS (
        SELECT t.trial_id, t.seed_index, t.fold,
               c.val_loss - c.train_loss AS gap,
               c.train_acc - c.val_acc AS acc_gap,
               c.val_loss, c.val_acc, c.train_loss, c.train_acc,
               peak.val_acc_best,
               t.best_epoch
        FROM trials t
        JOIN curves c ON c.trial_id = t.trial_id AND c.epoch = t.best_epoch
        JOIN (SELECT trial_id, max(val_acc) AS val_acc_best FROM curves GROUP BY trial_id) peak
          ON peak.trial_id = t.trial_id
        WHERE t.status = 'COMPLETED'
      ),
      configs AS (
        SELECT t.config_id, {t.axes},
               -- A trial is (configuration, seed, fold): the means are over seeds and folds.
               count(p.trial_id) AS completed,
               count(DISTINCT p.seed_index) AS seeds,
               count(DISTINCT p.fold) AS folds,
               count(*) AS trials,
               avg(p.gap) AS gap_mean,
               stddev_samp(p.gap) AS gap_sd,
               avg(p.acc_gap) AS acc_gap_mean,
               avg(p.val_loss) AS val_loss_mean,
               avg(p.val_acc) AS val_acc_mean,
               stddev_samp(p.val_acc) AS val_acc_sd,
               avg(p.val_acc_best) AS val_acc_best_mean,
               avg(p.train_loss) AS train_loss_mean,
               avg(p.train_acc) AS train_acc_mean,
               avg(p.best_epoch) AS best_epoch_mean
        FROM trials t
        LEFT JOIN points p ON p.trial_id = t.trial_id
        GROUP BY t.config_id, {t.axes}
      ),
      flagged AS (
        SELECT c.*,
               coalesce(c.val_acc_mean >= b.best_val_acc - %s - %s, false) AS competitive
        FROM configs c
        CROSS JOIN (SELECT max(val_acc_mean) AS best_val_acc FROM configs) b
      ),
      ranked AS (
        SELECT f.*,
               CASE WHEN competitive
                    THEN row_number() OVER (
                      PARTITION BY competitive
                      ORDER BY gap_mean, val_loss_mean, config_id)
               END AS rank
        FROM flagged f
      ),
      intervals AS (
        -- 95%% t-interval of the mean gap over the completed trials; null below two.
        SELECT r.*,
               gap_mean - q.t975 * gap_sd / sqrt(completed) AS gap_ci_low,
               gap_mean + q.t975 * gap_sd / sqrt(completed) AS gap_ci_high
        FROM ranked r
        LEFT JOIN t_quantiles q ON q.df = r.completed - 1
      )
      SELECT CAST(rank AS INT) AS rank, config_id, {axes},
             CAST(seeds AS INT) AS seeds, CAST(folds AS INT) AS folds,
             CAST(completed AS INT) AS completed, CAST(trials AS INT) AS trials,
             gap_mean, gap_sd, gap_ci_low, gap_ci_high, acc_gap_mean, val_loss_mean,
             val_acc_mean, val_acc_sd, val_acc_best_mean, train_loss_mean, train_acc_mean,
             best_epoch_mean, competitive
      FROM intervals
      ORDER BY CASE WHEN competitive THEN 0 WHEN seeds > 0 THEN 1 ELSE 2 END,
               rank,
               val_acc_mean DESC,
               val_loss_mean,
               config_id
      """;

  private Leaderboard() {}

  /**
   * The leaderboard of the registered {@code trials} and {@code curves} views, one row per
   * configuration in rank order; also registered as the temp view {@value #VIEW}.
   */
  public static Dataset<Row> compute(SparkSession spark, LeaderboardSettings settings) {
    TQuantiles.register(spark);
    Dataset<Row> leaderboard = spark.sql(sql(settings));
    leaderboard.createOrReplaceTempView(VIEW);
    return leaderboard;
  }

  /**
   * The query {@link #compute} runs, for display and for notebooks; it needs the views {@code
   * trials}, {@code curves} and {@code t_quantiles}.
   */
  public static String sql(LeaderboardSettings settings) {
    double tolerance = settings.accuracyTolerance();
    if (!(tolerance >= 0 && tolerance <= 1)) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "Cannot compute the leaderboard: accuracy tolerance %s is not in [0, 1]",
              tolerance));
    }
    String template = SQL_TEMPLATE
        .replace("{t.axes}", AnalysisViews.axisColumns("t."))
        .replace("{axes}", AnalysisViews.axisColumns(""));
    return String.format(
        Locale.ROOT, template, doubleLiteral(tolerance), doubleLiteral(THRESHOLD_SLACK));
  }

  /**
   * An aligned plain-text table of the first {@code maxRows} rows of a leaderboard, in its order,
   * for the console. Columns: rank, depth, dropout, l2, augmentation, seeds (completed/total
   * trials; headed trials under k-fold), gap (mean ± sample sd when there is one), acc gap, val loss, val acc, best epoch (all
   * means over seeds). Losses and accuracies have 4 decimals, the best epoch 1; hyperparameters
   * are written plainly (0.0001, never 1.0E-4); a null is "-". Numbers are right-aligned; in the
   * gap column means align with means and sds with sds. When rows are left out, a last line says
   * how many.
   */
  public static String format(Dataset<Row> leaderboard, int maxRows) {
    if (maxRows < 0) {
      throw new IllegalArgumentException(
          "Cannot format the leaderboard: maxRows " + maxRows + " is negative");
    }
    List<Row> rows = leaderboard.collectAsList();
    List<Axis<?>> axes = shownAxes(rows);
    List<String> headers = new ArrayList<>(List.of("rank"));
    List<Boolean> right = new ArrayList<>(List.of(true));
    for (Axis<?> axis : axes) {
      headers.add(axis.name());
      right.add(axis.kind() != Axis.Kind.TEXT);
    }
    // Under k-fold a configuration has several trials per seed: count trials, not seeds.
    boolean folds = rows.stream().anyMatch(row -> row.<Integer>getAs("folds") > 1);
    headers.addAll(List.of(folds ? "trials" : "seeds", "gap", "acc gap", "val loss", "val acc", "best epoch"));
    right.addAll(List.of(true, true, true, true, true, true));
    TextTable table = new TextTable(headers, right);
    List<Row> shown = rows.subList(0, Math.min(maxRows, rows.size()));
    List<String> gaps = gapCells(shown);
    for (int i = 0; i < shown.size(); i++) {
      Row row = shown.get(i);
      List<String> cells = new ArrayList<>();
      Integer rank = row.getAs("rank");
      cells.add(rank == null ? "-" : rank.toString());
      for (Axis<?> axis : axes) {
        cells.add(level(row, axis));
      }
      cells.add(row.<Integer>getAs("completed") + "/" + row.<Integer>getAs("trials"));
      cells.add(gaps.get(i));
      cells.add(TextTable.fixed(row.getAs("acc_gap_mean"), 4));
      cells.add(TextTable.fixed(row.getAs("val_loss_mean"), 4));
      cells.add(TextTable.fixed(row.getAs("val_acc_mean"), 4));
      cells.add(TextTable.fixed(row.getAs("best_epoch_mean"), 1));
      table.add(cells);
    }
    StringBuilder text = new StringBuilder(table.render());
    int hidden = rows.size() - Math.min(maxRows, rows.size());
    if (hidden > 0) {
      text.append(String.format(Locale.ROOT, "(%d more configurations not shown)\n", hidden));
    }
    return text.toString();
  }

  /**
   * The axes a table of {@code rows} shows: every axis that is not optional, and the optional ones
   * with more than one value among the rows.
   */
  public static List<Axis<?>> shownAxes(List<Row> rows) {
    return Axes.shown(
        axis -> rows.stream().map(row -> row.getAs(axis.column())).distinct().count() > 1);
  }

  /** A leaderboard row's value on {@code axis}, printed as the axis prints it; "-" for null. */
  public static String level(Row row, Axis<?> axis) {
    Object value = row.getAs(axis.column());
    return value == null ? "-" : axis.printAny(value);
  }

  /** "mean ± sd" cells padded so that means align with means and sds with sds, down the column. */
  private static List<String> gapCells(List<Row> rows) {
    List<String> means = new ArrayList<>();
    List<String> sds = new ArrayList<>();
    int meanWidth = 0;
    int sdWidth = 0;
    for (Row row : rows) {
      String mean = TextTable.fixed(row.getAs("gap_mean"), 4);
      Double sd = row.getAs("gap_sd");
      String sdText = sd == null ? "" : TextTable.fixed(sd, 4);
      means.add(mean);
      sds.add(sdText);
      meanWidth = Math.max(meanWidth, mean.length());
      sdWidth = Math.max(sdWidth, sdText.length());
    }
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      String mean = " ".repeat(meanWidth - means.get(i).length()) + means.get(i);
      String sd = sds.get(i);
      if (sd.isEmpty()) {
        cells.add(sdWidth == 0 ? mean : mean + " ".repeat(3 + sdWidth));
      } else {
        cells.add(mean + " ± " + " ".repeat(sdWidth - sd.length()) + sd);
      }
    }
    return cells;
  }

  // Spark SQL reads a plain 0.05 as DECIMAL; the D suffix keeps the comparison in DOUBLE.
  private static String doubleLiteral(double value) {
    return Double.toString(value) + "D";
  }
}
