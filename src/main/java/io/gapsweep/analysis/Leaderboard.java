package io.gapsweep.analysis;

import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.config.LeaderboardSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Ranks configurations by generalization gap inside the competitive band, in Spark SQL over the
 * views {@code trials}, {@code curves} and {@code predictions} (see {@code
 * OutputFolder#registerViews}).
 *
 * <p>Definitions, in {@link #sql()} and, for the band, {@link #compute}:
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
 *   <li>The competitive band ({@link CompetitiveBand}, registered as the view {@value
 *       CompetitiveBand#VIEW} before the leaderboard, which joins it). Input: per configuration
 *       and example of {@code predictions}, the loss averaged over the configuration's completed
 *       trials that held the example out (seeds, and repeats of a repeated k-fold). Computed on
 *       the driver, it has one row per configuration: {@code config_id, examples, val_loss_cv}
 *       (mean over examples), {@code val_loss_se} (its standard error), {@code loss_diff, loss_diff_se}
 *       (mean paired difference to the best configuration and its standard error), {@code
 *       distance_se = loss_diff / loss_diff_se} (0 for the best, infinite for a constant positive
 *       shift), {@code p_value} (one-sided paired t-test) and {@code competitive}, under the rule
 *       of {@code gapsweep.leaderboard.band}. Fixed edge cases: a configuration without predictions
 *       (every trial failed or diverged) has {@code examples = 0}, null statistics and is not
 *       competitive; one that lacks some examples the others have (every seed of one fold failed)
 *       has its own {@code val_loss_cv, val_loss_se}, null paired statistics, and is not
 *       competitive; when a single configuration has predictions it is the best, hence rank 1.
 *       A sweep with no predictions at all (none recorded) has null statistics: the
 *       accuracy-tolerance rule still applies, any other rule admits only the lowest {@code
 *       val_loss_mean}.
 *   <li>Competitive configurations come first, by {@code gap_mean}, then {@code val_loss_cv}, then
 *       {@code config_id} (as {@link CompetitiveBand#rank} orders them), with {@code rank} 1..k:
 *       inside a statistical tie of validation loss, the gap decides; but a configuration that
 *       successive halving pruned (a trial with stop reason {@code pruned}) ranks after every
 *       fully trained one of the band, since its small gap after a few epochs says nothing of the
 *       gap it would have reached (its loss is never below a survivor's of the same rung, so it
 *       is rarely in the band at all). The others follow with a
 *       null rank, by {@code val_loss_cv} (then {@code config_id}). Configurations whose trials
 *       all failed or diverged come last, with {@code seeds = 0}, null metrics and a null rank.
 * </ul>
 *
 * <p>The result is also registered as the temp view {@code leaderboard}; its columns are {@code
 * rank, config_id}, one column per axis, {@code seeds, folds, completed, trials, gap_mean, gap_sd, gap_ci_low,
 * gap_ci_high, acc_gap_mean, val_loss_mean, val_acc_mean, val_acc_sd, val_acc_best_mean,
 * train_loss_mean, train_acc_mean, best_epoch_mean, val_loss_se, loss_diff, loss_diff_se,
 * distance_se, competitive}, the last five from the band. The query joins the lookup view {@code
 * t_quantiles}, which {@link #compute} registers first. A query over the view should order by its
 * own columns, e.g.
 * {@code ORDER BY rank NULLS LAST}: SQL does not promise a view's order to survive a query.
 */
public final class Leaderboard {

  /** Name of the temp view {@link #compute} registers. */
  public static final String VIEW = "leaderboard";

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
               avg(p.best_epoch) AS best_epoch_mean,
               -- Successive halving prunes a configuration as a whole, after a few epochs.
               sum(CASE WHEN t.stop_reason = 'pruned' THEN 1 ELSE 0 END) AS pruned
        FROM trials t
        LEFT JOIN points p ON p.trial_id = t.trial_id
        GROUP BY t.config_id, {t.axes}
      ),
      flagged AS (
        SELECT c.*, b.val_loss_cv, b.val_loss_se, b.loss_diff, b.loss_diff_se, b.distance_se,
               b.competitive
        FROM configs c
        JOIN competitive_band b ON b.config_id = c.config_id
      ),
      ranked AS (
        SELECT f.*,
               CASE WHEN competitive
                    THEN row_number() OVER (
                      PARTITION BY competitive
                      ORDER BY CASE WHEN pruned > 0 THEN 1 ELSE 0 END,
                               gap_mean, coalesce(val_loss_cv, val_loss_mean), config_id)
               END AS rank
        FROM flagged f
      ),
      intervals AS (
        -- 95% t-interval of the mean gap over the completed trials; null below two.
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
             best_epoch_mean, val_loss_se, loss_diff, loss_diff_se, distance_se, competitive
      FROM intervals
      ORDER BY CASE WHEN competitive THEN 0 WHEN seeds > 0 THEN 1 ELSE 2 END,
               rank,
               coalesce(val_loss_cv, val_loss_mean),
               config_id
      """;

  private Leaderboard() {}

  /**
   * The leaderboard of the registered {@code trials}, {@code curves} and (when there is one) {@code
   * predictions} views, one row per configuration in rank order; registers {@value
   * CompetitiveBand#VIEW} first, then the result as the temp view {@value #VIEW}.
   *
   * @throws IllegalArgumentException when a setting of the band is out of range, or the band
   *     cannot be drawn (see {@link CompetitiveBand#rank})
   */
  public static Dataset<Row> compute(SparkSession spark, LeaderboardSettings settings) {
    CompetitiveBand.Rule rule = rule(settings);
    TQuantiles.register(spark);
    return computeOverQuantiles(spark, rule);
  }

  /** As {@link #compute}, with {@value TQuantiles#VIEW} already registered for these trials. */
  static Dataset<Row> computeOverQuantiles(SparkSession spark, CompetitiveBand.Rule rule) {
    registerBand(spark, rule);
    Dataset<Row> leaderboard = spark.sql(sql());
    leaderboard.createOrReplaceTempView(VIEW);
    return leaderboard;
  }

  /**
   * The query {@link #compute} runs, for display and for notebooks; it needs the views {@code
   * trials}, {@code curves}, {@code t_quantiles} and {@value CompetitiveBand#VIEW}.
   */
  public static String sql() {
    return SQL_TEMPLATE
        .replace("{t.axes}", AnalysisViews.axisColumns("t."))
        .replace("{axes}", AnalysisViews.axisColumns(""));
  }

  /**
   * The rule of {@code settings}, its parameter checked.
   *
   * @throws IllegalArgumentException naming the key when the parameter of the chosen rule is out of
   *     range (the settings loader refuses those first; this guards callers that build settings)
   */
  public static CompetitiveBand.Rule rule(LeaderboardSettings settings) {
    return switch (settings.band()) {
      case ONE_STANDARD_ERROR -> {
        double multiple = settings.bandMultiple();
        if (!(multiple >= 0) || Double.isInfinite(multiple)) {
          throw badSetting("band-multiple", multiple, "a finite number >= 0");
        }
        yield new CompetitiveBand.OneStandardError(multiple);
      }
      case PAIRED_T_TEST -> {
        double alpha = settings.bandAlpha();
        if (!(alpha > 0 && alpha < 1)) {
          throw badSetting("band-alpha", alpha, "in (0, 1)");
        }
        yield new CompetitiveBand.PairedTTest(alpha);
      }
      case ACCURACY_TOLERANCE -> {
        double tolerance = settings.accuracyTolerance();
        if (!(tolerance >= 0 && tolerance <= 1)) {
          throw badSetting("accuracy-tolerance", tolerance, "in [0, 1]");
        }
        yield new CompetitiveBand.AccuracyTolerance(tolerance);
      }
      case MINIMUM_LOSS -> new CompetitiveBand.MinimumLoss();
    };
  }

  private static IllegalArgumentException badSetting(String key, double value, String expected) {
    return new IllegalArgumentException(String.format(Locale.ROOT,
        "Cannot draw the competitive band: gapsweep.leaderboard.%s %s is not %s",
        key, value, expected));
  }

  /** What the band needs of a configuration, from its completed trials. */
  private record Evidence(int seeds, Double gap, Double accuracy, Double loss) {}

  private static final String EVIDENCE_SQL =
      """
      SELECT t.config_id,
             count(c.trial_id) AS seeds,
             avg(c.val_loss - c.train_loss) AS gap_mean,
             avg(c.val_acc) AS val_acc_mean,
             avg(c.val_loss) AS val_loss_mean
      FROM trials t
      LEFT JOIN curves c
        ON c.trial_id = t.trial_id AND c.epoch = t.best_epoch AND t.status = 'COMPLETED'
      GROUP BY t.config_id
      """;

  /**
   * Per configuration and example, the loss averaged over the configuration's completed trials
   * that held the example out: over seeds, and over repeats of a repeated k-fold.
   */
  private static final String EXAMPLE_LOSSES_SQL =
      """
      SELECT p.config_id, p.example_id, avg(p.loss) AS loss
      FROM predictions p
      JOIN trials t ON t.trial_id = p.trial_id AND t.status = 'COMPLETED'
      GROUP BY p.config_id, p.example_id
      """;

  /** The schema of {@value CompetitiveBand#VIEW}. */
  static final StructType BAND_SCHEMA = new StructType()
      .add("config_id", DataTypes.StringType, false)
      .add("examples", DataTypes.IntegerType, false)
      .add("val_loss_cv", DataTypes.DoubleType, true)
      .add("val_loss_se", DataTypes.DoubleType, true)
      .add("loss_diff", DataTypes.DoubleType, true)
      .add("loss_diff_se", DataTypes.DoubleType, true)
      .add("distance_se", DataTypes.DoubleType, true)
      .add("p_value", DataTypes.DoubleType, true)
      .add("competitive", DataTypes.BooleanType, false);

  /**
   * Computes the band on the driver (per-example means are small: configurations × examples) and
   * registers it as {@value CompetitiveBand#VIEW}, one row per configuration of {@code trials}, by
   * config_id.
   */
  static Dataset<Row> registerBand(SparkSession spark, CompetitiveBand.Rule rule) {
    Map<String, Evidence> evidence = new TreeMap<>();
    for (Row row : spark.sql(EVIDENCE_SQL).collectAsList()) {
      evidence.put(row.getString(0), new Evidence((int) row.getLong(1),
          (Double) row.get(2), (Double) row.get(3), (Double) row.get(4)));
    }
    Map<String, TreeMap<Integer, Double>> losses = new TreeMap<>();
    if (spark.catalog().tableExists(PREDICTIONS)) {
      for (Row row : spark.sql(EXAMPLE_LOSSES_SQL).collectAsList()) {
        losses.computeIfAbsent(row.getString(0), k -> new TreeMap<>())
            .put(row.getInt(1), row.getDouble(2));
      }
    }
    List<Row> rows = losses.isEmpty() ? withoutPredictions(evidence, rule) : band(evidence, losses, rule);
    Dataset<Row> band = spark.createDataFrame(rows, BAND_SCHEMA);
    band.createOrReplaceTempView(CompetitiveBand.VIEW);
    return band;
  }

  /** Name of the per-example predictions view ({@code OutputFolder#registerViews}). */
  static final String PREDICTIONS = "predictions";

  private static List<Row> band(Map<String, Evidence> evidence,
      Map<String, TreeMap<Integer, Double>> losses, CompetitiveBand.Rule rule) {
    Set<Integer> examples = new TreeSet<>();
    losses.values().forEach(byExample -> examples.addAll(byExample.keySet()));
    List<CompetitiveBand.Candidate> candidates = new ArrayList<>();
    for (Map.Entry<String, TreeMap<Integer, Double>> e : losses.entrySet()) {
      Evidence ev = evidence.get(e.getKey());
      if (ev != null && ev.seeds() > 0 && e.getValue().keySet().equals(examples)) {
        candidates.add(new CompetitiveBand.Candidate(e.getKey(), values(e.getValue()),
            ev.accuracy(), ev.gap()));
      }
    }
    Map<String, CompetitiveBand.Standing> standings = new TreeMap<>();
    if (!candidates.isEmpty()) {
      for (CompetitiveBand.Standing s : CompetitiveBand.rank(candidates, rule)) {
        standings.put(s.key(), s);
      }
    }
    List<Row> rows = new ArrayList<>();
    for (String config : evidence.keySet()) {
      CompetitiveBand.Standing s = standings.get(config);
      TreeMap<Integer, Double> own = losses.get(config);
      if (s != null) {
        rows.add(RowFactory.create(config, s.n(), s.meanLoss(), s.lossSe(), s.difference(),
            s.differenceSe(), s.distance(), s.pValue(), s.competitive()));
      } else if (own != null && evidence.get(config).seeds() > 0) {
        // Some examples have no loss (every seed of a fold failed): not comparable, not ranked.
        double[] v = values(own);
        rows.add(RowFactory.create(config, v.length, CompetitiveBand.mean(v),
            v.length > 1 ? CompetitiveBand.standardError(v) : null, null, null, null, null,
            false));
      } else {
        rows.add(RowFactory.create(config, 0, null, null, null, null, null, null, false));
      }
    }
    return rows;
  }

  /**
   * A sweep that recorded no per-example predictions has no noise estimate: the statistics are
   * null, the accuracy-tolerance rule applies as it needs none, and every other rule falls back to
   * the lowest mean validation loss alone.
   */
  private static List<Row> withoutPredictions(Map<String, Evidence> evidence,
      CompetitiveBand.Rule rule) {
    double bestLoss = evidence.values().stream().filter(e -> e.loss() != null)
        .mapToDouble(Evidence::loss).min().orElse(Double.NaN);
    double bestAccuracy = evidence.values().stream().filter(e -> e.accuracy() != null)
        .mapToDouble(Evidence::accuracy).max().orElse(Double.NaN);
    List<Row> rows = new ArrayList<>();
    evidence.forEach((config, e) -> {
      boolean competitive = e.loss() != null && (rule instanceof CompetitiveBand.AccuracyTolerance r
          ? e.accuracy() >= bestAccuracy - r.tolerance() - CompetitiveBand.ACCURACY_SLACK
          : e.loss() == bestLoss);
      rows.add(RowFactory.create(config, 0, null, null, null, null, null, null, competitive));
    });
    return rows;
  }

  private static double[] values(TreeMap<Integer, Double> byExample) {
    return byExample.values().stream().mapToDouble(Double::doubleValue).toArray();
  }

  /**
   * The heading of the {@link #count} column: "trials" when any configuration is cross-validated
   * (several trials per seed), else "seeds".
   */
  public static String countHeader(List<Row> rows) {
    return rows.stream().anyMatch(row -> row.<Integer>getAs("folds") > 1) ? "trials" : "seeds";
  }

  /** A configuration's completed trials out of its trials, e.g. "3/3". */
  public static String count(Row row) {
    return row.<Integer>getAs("completed") + "/" + row.<Integer>getAs("trials");
  }

  /**
   * An aligned plain-text table of the first {@code maxRows} rows of a leaderboard, in its order,
   * for the console. Columns: rank, the axes shown, seeds (completed/total trials; headed trials under k-fold), gap (mean ±
   * sample sd over seeds when there is one), acc gap, val loss (mean ± standard error over
   * examples when the band has one), se to best (the distance to the best configuration's loss in
   * standard errors of the paired difference, {@code distance_se}; "inf" for a constant shift),
   * val acc, best epoch (all means over seeds). Losses and accuracies have 4 decimals, the best
   * epoch and the distance 1; hyperparameters are written plainly (0.0001, never 1.0E-4); a null is
   * "-". Numbers are right-aligned; in the ± columns means align with means and spreads with
   * spreads. When rows are left out, a last line says how many.
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
    headers.addAll(List.of(countHeader(rows), "gap", "acc gap", "val loss", "se to best",
        "val acc", "best epoch"));
    right.addAll(List.of(true, true, true, true, true, true, true));
    TextTable table = new TextTable(headers, right);
    List<Row> shown = rows.subList(0, Math.min(maxRows, rows.size()));
    List<String> gaps = plusMinusCells(shown, "gap_mean", "gap_sd");
    List<String> losses = plusMinusCells(shown, "val_loss_mean", "val_loss_se");
    for (int i = 0; i < shown.size(); i++) {
      Row row = shown.get(i);
      List<String> cells = new ArrayList<>();
      Integer rank = row.getAs("rank");
      cells.add(rank == null ? "-" : rank.toString());
      for (Axis<?> axis : axes) {
        cells.add(level(row, axis));
      }
      cells.add(count(row));
      cells.add(gaps.get(i));
      cells.add(TextTable.fixed(row.getAs("acc_gap_mean"), 4));
      cells.add(losses.get(i));
      Double distance = row.getAs("distance_se");
      cells.add(distance != null && distance.isInfinite() ? "inf" : TextTable.fixed(distance, 1));
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

  /**
   * "mean ± spread" cells of two columns, padded so that means align with means and spreads with
   * spreads, down the column.
   */
  private static List<String> plusMinusCells(List<Row> rows, String meanColumn,
      String spreadColumn) {
    List<String> means = new ArrayList<>();
    List<String> sds = new ArrayList<>();
    int meanWidth = 0;
    int sdWidth = 0;
    for (Row row : rows) {
      String mean = TextTable.fixed(row.getAs(meanColumn), 4);
      Double sd = row.getAs(spreadColumn);
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
}
