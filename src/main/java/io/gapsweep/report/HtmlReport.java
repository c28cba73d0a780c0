package io.gapsweep.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import io.gapsweep.analysis.AnalysisViews;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.store.OutputFolder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes {@code <output>/report.html}: one self-contained, interactive page. Apache ECharts, the
 * report's script, its styles and images are inlined, so it opens offline from disk and makes no
 * request. The data travels as one JSON object ({@link Json}) that the script draws from.
 *
 * <p>It reads the session's {@code trials}, {@code curves}, {@code leaderboard} and {@code
 * axis_effects} views, and, when they exist, {@code competitive_band}, {@code test_results},
 * {@code audit} and {@code predictions}. Every string from data or configuration is HTML-escaped
 * in the markup and Unicode-escaped in the JSON.
 *
 * <p>Each section is one method that appends its markup and, if it draws, its part of the data.
 */
public final class HtmlReport {

  /** The two axes each heatmap spans; the other axes' values each get their own map. */
  private static final Axis<Double> HEATMAP_X = Axes.DROPOUT;

  private static final Axis<Double> HEATMAP_Y = Axes.L2;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HtmlReport.class);

  private HtmlReport() {}

  /**
   * @param dataSummary the data summary printed before training, or {@code null} if unknown
   * @param settingsHocon the resolved configuration the sweep ran with
   * @return the path of the report
   */
  public static String write(
      SparkSession spark, String output, String title, String dataSummary, String settingsHocon) {
    return write(spark, output, title, dataSummary, settingsHocon, null);
  }

  /**
   * As {@link #write(SparkSession, String, String, String, String)}, with example images. They
   * are kept in the output ({@link OutputFolder#EXAMPLES}); without them ({@code null}), the ones
   * kept there are drawn, so a later {@code gapsweep report} shows what the run showed.
   */
  public static String write(SparkSession spark, String output, String title, String dataSummary,
      String settingsHocon, ExampleImages examples) {
    OutputFolder folder = OutputFolder.of(spark, output);
    if (examples != null) {
      folder.writeText(OutputFolder.EXAMPLES, examples.toJson());
    } else {
      examples = keptExamples(folder);
    }
    List<String> classes = folder.readText(OutputFolder.CLASSES)
        .map(text -> Arrays.stream(text.split("\n")).filter(s -> !s.isEmpty()).toList())
        .orElse(List.of());
    String html = render(spark, title, dataSummary, settingsHocon, classes, examples);
    folder.writeText(OutputFolder.REPORT, html);
    return folder.path(OutputFolder.REPORT).toString();
  }

  /** The example images kept in the output; none (with a warning) if unreadable. */
  private static ExampleImages keptExamples(OutputFolder folder) {
    return folder.readText(OutputFolder.EXAMPLES).map(json -> {
      try {
        return ExampleImages.fromJson(json);
      } catch (IllegalArgumentException e) {
        LOG.warn("The report leaves out the example images: cannot read {}: {}",
            folder.path(OutputFolder.EXAMPLES), e.getMessage());
        return null;
      }
    }).orElse(null);
  }

  static String render(SparkSession spark, String title, String dataSummary, String settings) {
    return render(spark, title, dataSummary, settings, List.of(), null);
  }

  static String render(SparkSession spark, String title, String dataSummary, String settings,
      List<String> classes, ExampleImages examples) {
    List<Row> board = spark.sql("SELECT * FROM " + Leaderboard.VIEW).collectAsList();
    Page page = new Page();
    page.html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>gapsweep: ").append(escape(title)).append("</title>")
        .append("<style>").append(STYLE).append("</style></head><body>\n")
        .append("<h1>gapsweep: ").append(escape(title)).append("</h1>\n");
    answer(page, spark, board);
    testResult(page, spark, board);
    audit(page, spark);
    leaderboard(page, spark, board);
    curves(page, spark, board);
    gapAgainstLoss(page, board);
    parallel(page, board);
    effects(page, spark);
    heatmaps(page, board);
    predictions(page, spark, board, classes);
    examples(page, examples);
    page.html.append("<h2>Data</h2>\n<pre>")
        .append(escape(dataSummary == null ? "(not recorded)" : dataSummary))
        .append("</pre>\n<h2>Settings</h2>\n<pre>").append(escape(settings)).append("</pre>\n")
        .append("<p class=\"note\">Charts drawn with Apache ECharts ").append(Charts.ECHARTS_VERSION)
        .append(", Apache License 2.0; its license text is kept in a comment in this page.</p>\n")
        .append("<!--\n").append(Charts.license()).append("\n-->\n")
        .append("<script id=\"report-data\" type=\"application/json\">")
        .append(Json.write(page.data)).append("</script>\n<script>").append(Charts.echarts())
        .append("</script>\n<script>").append(Charts.script()).append("</script>\n")
        .append("</body></html>\n");
    return page.html.toString();
  }

  /** The markup being written and the data its charts draw from. */
  private static final class Page {
    final StringBuilder html = new StringBuilder(1 << 20);
    final Map<String, Object> data = new LinkedHashMap<>();
  }

  /**
   * The answer first: the recommendation (leaderboard rank 1), why (gap, validation loss and its
   * place in the band), its held-out test result and the audit's verdict on it, when present.
   */
  private static void answer(Page page, SparkSession spark, List<Row> board) {
    StringBuilder html = page.html;
    html.append("<section class=\"answer\"><h2>Recommendation</h2>\n");
    Row best = recommendation(board);
    if (best == null) {
      html.append("<p>No configuration is ranked: no trial completed with a validation accuracy ")
          .append("within the tolerance of the best.</p></section>\n");
      return;
    }
    long competitive = board.stream().filter(HtmlReport::competitive).count();
    html.append("<p class=\"big\">").append(escape(describe(best))).append("</p>\n<ul class=\"why\">\n")
        .append("<li><b>Why:</b> the smallest generalization gap, <b>")
        .append(number(best, "gap_mean")).append("</b>");
    if (has(best, "gap_sd") && !best.isNullAt(best.fieldIndex("gap_sd"))) {
      html.append(" &plusmn; ").append(number(best, "gap_sd")).append(" (sd over its ")
          .append(best.<Integer>getAs("completed")).append(best.<Integer>getAs("folds") > 1
              ? " trials: " + best.<Integer>getAs("seeds") + " seed(s) × "
                  + best.<Integer>getAs("folds") + " folds)"
              : " seeds)");
    }
    html.append(", among the ").append(competitive).append(" configurations (of ")
        .append(board.size()).append(") whose validation loss is competitive with the best.</li>\n")
        .append("<li><b>Validation:</b> loss <b>").append(number(best, "val_loss_mean"))
        .append("</b>");
    if (has(best, "val_loss_se") && nullable(best, "val_loss_se") != null) {
      html.append(" &plusmn; ").append(number(best, "val_loss_se")).append(" (SE)");
    }
    Double distance = has(best, "distance_se") ? nullable(best, "distance_se") : null;
    if (distance != null) {
      html.append(distance == 0.0
          ? ", the lowest of all configurations"
          : ", " + significant(distance) + " standard errors of the paired difference above the "
              + "lowest");
    }
    html.append("; accuracy <b>").append(percent(nullable(best, "val_acc_mean"))).append("</b>.</li>\n");
    Row test = testRow(spark, best);
    if (test != null) {
      html.append("<li><b>Held-out test:</b> accuracy <b>")
          .append(percent(nullable(test, "test_acc"))).append("</b> (95% interval ")
          .append(percent(nullable(test, "test_acc_ci_low"))).append(" to ")
          .append(percent(nullable(test, "test_acc_ci_high"))).append(", n = ")
          .append(escape(text(test, "examples"))).append(" images), measured once, after the ")
          .append("choice.</li>\n");
    }
    auditVerdict(html, spark, best);
    html.append("</ul>\n");
    if (exists(spark, "competitive_band")) {
      List<Row> band = spark.sql("SELECT * FROM competitive_band WHERE config_id = '"
          + quote(best.getAs("config_id")) + "'").collectAsList();
      if (!band.isEmpty()) {
        html.append("<details><summary>Its place in the competitive band</summary>\n");
        keyValues(html, band.get(0));
        html.append("</details>\n");
      }
    }
    html.append("</section>\n");
  }

  /** The recommendation's row of {@code test_results}, or null when the sweep measured none. */
  private static Row testRow(SparkSession spark, Row best) {
    if (!exists(spark, "test_results")) {
      return null;
    }
    List<Row> rows = spark.sql("SELECT * FROM test_results WHERE config_id = '"
        + quote(best.getAs("config_id")) + "'").collectAsList();
    return rows.isEmpty() ? null : rows.get(0);
  }

  /** The audit's line of the answer: where the recommendation ranks on test, and its regret. */
  private static void auditVerdict(StringBuilder html, SparkSession spark, Row best) {
    if (!exists(spark, "audit")) {
      return;
    }
    List<Row> tested = spark.sql("SELECT * FROM audit WHERE test_acc IS NOT NULL "
        + "ORDER BY test_acc DESC, config_id").collectAsList();
    Row mine = tested.stream().filter(r -> best.getAs("config_id").equals(r.getAs("config_id")))
        .findFirst().orElse(null);
    if (mine == null) {
      return;
    }
    Row top = tested.get(0);
    html.append("<li><b>Audit (post-hoc):</b> with every configuration refit and tested the same ")
        .append("way, it ranks <b>").append(escape(text(mine, "rank_on_test"))).append(" of ")
        .append(tested.size()).append("</b> on test; regret <b>")
        .append(significant(100 * nullable(mine, "regret"))).append(" points</b>")
        .append(pairedInterval(mine).map(ci -> " (paired 95% interval " + ci + ", n = "
            + escape(text(mine, "examples")) + ")").orElse(""));
    if (top != mine && !top.getAs("config_id").equals(mine.getAs("config_id"))) {
      html.append(" below the best on test, ").append(escape(describe(top))).append(" (")
          .append(percent(nullable(top, "test_acc"))).append(")");
    }
    html.append(". The audit used the test set for every configuration, so it judges the choice; ")
        .append("it cannot improve it without bias.</li>\n");
  }

  /** The recommendation's held-out test result, when the sweep measured one. */
  private static void testResult(Page page, SparkSession spark, List<Row> board) {
    Row best = recommendation(board);
    Row test = best == null ? null : testRow(spark, best);
    if (test == null) {
      return;
    }
    StringBuilder html = page.html;
    html.append("<section><h2>Held-out test</h2>\n<p class=\"note\">Measured once, on ")
        .append("examples no trial saw, after the recommendation was chosen.</p>\n")
        .append("<table class=\"kv\"><tbody>\n");
    String[][] fields = {{"policy", "refit"}, {"refit_mode", "refit mode"}, {"epochs", "epochs"},
        {"examples", "test images (n)"}, {"correct", "correctly classified"}};
    for (String[] field : fields) {
      if (has(test, field[0])) {
        html.append("<tr><th>").append(field[1]).append("</th>");
        cell(html, text(test, field[0]));
        html.append("</tr>\n");
      }
    }
    html.append("<tr><th>test accuracy</th>");
    cell(html, percent(nullable(test, "test_acc")));
    html.append("</tr>\n<tr><th>95% interval (Wilson)</th>");
    cell(html, percent(nullable(test, "test_acc_ci_low")) + " to "
        + percent(nullable(test, "test_acc_ci_high")));
    html.append("</tr>\n");
    if (has(test, "test_loss")) {
      html.append("<tr><th>test loss (clean cross-entropy)</th>");
      cell(html, number(test, "test_loss"));
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n</section>\n");
  }

  /**
   * The audit (post-hoc: every configuration refit and tested): a chart of test accuracy per
   * configuration with its interval, and the table behind it.
   */
  private static void audit(Page page, SparkSession spark) {
    if (!exists(spark, "audit")) {
      return;
    }
    List<Row> rows = spark.sql("SELECT * FROM audit WHERE test_acc IS NOT NULL "
        + "ORDER BY test_acc DESC, config_id").collectAsList();
    if (rows.isEmpty()) {
      return;
    }
    List<Axis<?>> axes = Leaderboard.shownAxes(rows);
    // The chart's labels name only the axes that vary: the rest is the same on every line.
    List<Axis<?>> varying = axes.stream().filter(axis -> rows.stream()
        .map(row -> Leaderboard.level(row, axis)).distinct().count() > 1).toList();
    List<Map<String, Object>> points = new ArrayList<>();
    StringBuilder table = new StringBuilder("<div class=\"scroll\"><table><thead><tr>");
    List<String> headers = new ArrayList<>(List.of("on test", "rank"));
    axes.forEach(axis -> headers.add(axis.name()));
    headers.addAll(List.of("val loss", "gap", "epochs", "test acc", "95% interval",
        "regret (points)", "regret 95% (paired)"));
    headers.forEach(h -> table.append("<th>").append(escape(h)).append("</th>"));
    table.append("</tr></thead><tbody>\n");
    for (Row row : rows) {
      boolean recommended = Boolean.TRUE.equals(row.getAs("recommended"));
      boolean competitive = Boolean.TRUE.equals(row.getAs("competitive"));
      table.append(recommended ? "<tr class=\"chosen\">" : competitive ? "<tr>" : "<tr class=\"out\">");
      cell(table, text(row, "rank_on_test"));
      cell(table, row.isNullAt(row.fieldIndex("rank")) ? "-" : text(row, "rank"));
      axes.forEach(axis -> cell(table, Leaderboard.level(row, axis)));
      cell(table, number(row, "val_loss"));
      cell(table, number(row, "gap"));
      cell(table, text(row, "epochs"));
      cell(table, percent(nullable(row, "test_acc")));
      cell(table, percent(nullable(row, "test_acc_ci_low")) + " to "
          + percent(nullable(row, "test_acc_ci_high")));
      Double regret = nullable(row, "regret");
      cell(table, regret == null ? "" : significant(100 * regret));
      cell(table, pairedInterval(row).orElse(""));
      table.append("</tr>\n");
      List<String> parts = new ArrayList<>();
      varying.forEach(axis -> parts.add(axis.name() + " " + Leaderboard.level(row, axis)));
      Map<String, Object> point = new LinkedHashMap<>();
      point.put("label", parts.isEmpty() ? row.getAs("config_id") : String.join(", ", parts));
      point.put("acc", percentValue(nullable(row, "test_acc")));
      point.put("low", percentValue(nullable(row, "test_acc_ci_low")));
      point.put("high", percentValue(nullable(row, "test_acc_ci_high")));
      point.put("recommended", recommended);
      point.put("competitive", competitive);
      point.put("rankOnTest", row.isNullAt(row.fieldIndex("rank_on_test")) ? null : row.getAs("rank_on_test"));
      points.add(point);
    }
    table.append("</tbody></table></div>\n");
    page.data.put("audit", points);
    page.html.append("<section><h2>Audit (post-hoc)</h2>\n<p class=\"note\">Every configuration ")
        .append("refit by the same policy and tested on the held-out images, best first; bars are ")
        .append("95% Wilson intervals. The star is the recommendation, blue the other competitive ")
        .append("configurations. Post-hoc: choosing by these numbers would use the test set to ")
        .append("choose, so they judge the choice and are no better choice themselves.</p>\n")
        .append("<div class=\"chart audit\" id=\"chart-audit\"></div>\n")
        .append("<details><summary>The audit table (").append(rows.size())
        .append(" configurations)</summary>\n").append(table).append("</details>\n</section>\n");
  }

  private static void leaderboard(Page page, SparkSession spark, List<Row> board) {
    StringBuilder html = page.html;
    Map<String, Long> pruned = pruned(spark);
    html.append("<h2>Leaderboard</h2>\n<div class=\"scroll\"><table><thead><tr>");
    List<Axis<?>> axes = Leaderboard.shownAxes(board);
    List<String> headers = new ArrayList<>(List.of("rank"));
    axes.forEach(axis -> headers.add(axis.name()));
    headers.addAll(List.of(Leaderboard.countHeader(board), "gap", "acc gap", "val loss",
        "val acc", "best epoch"));
    for (String header : headers) {
      html.append("<th>").append(escape(header)).append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    for (Row row : board) {
      boolean ranked = !row.isNullAt(row.fieldIndex("rank"));
      html.append(ranked ? "<tr>" : "<tr class=\"out\">");
      cell(html, ranked ? String.valueOf(row.<Integer>getAs("rank")) : "-");
      for (Axis<?> axis : axes) {
        cell(html, Leaderboard.level(row, axis));
      }
      String count = Leaderboard.count(row);
      Long prunedHere = pruned.get(row.<String>getAs("config_id"));
      cell(html, prunedHere == null ? count : count + ", " + prunedHere + " pruned");
      String gap = number(row, "gap_mean");
      if (!row.isNullAt(row.fieldIndex("gap_sd"))) {
        gap += " ± " + number(row, "gap_sd");
      }
      cell(html, gap);
      cell(html, number(row, "acc_gap_mean"));
      cell(html, number(row, "val_loss_mean"));
      cell(html, number(row, "val_acc_mean"));
      cell(html, row.isNullAt(row.fieldIndex("best_epoch_mean"))
          ? "" : String.valueOf(Math.round(row.<Double>getAs("best_epoch_mean"))));
      html.append("</tr>\n");
    }
    long prunedTrials = pruned.values().stream().mapToLong(Long::longValue).sum();
    html.append("</tbody></table></div>\n<p class=\"note\">Grey rows are not competitive. ");
    if (prunedTrials > 0) {
      html.append(prunedTrials).append(" trial(s) were pruned: successive halving stopped them ")
          .append("early because others did better at the same epoch; they are marked pruned, ")
          .append("never judged overfit or underfit. ");
    }
    html
        .append("Generalization gap = validation loss &minus; training loss at the best epoch, ")
        .append("both measured in inference mode, without the L2 penalty, on un-augmented ")
        .append("images.</p>\n");
    List<Map<String, Object>> configs = new ArrayList<>();
    for (Row row : board) {
      Map<String, Object> config = new LinkedHashMap<>();
      config.put("id", row.getAs("config_id"));
      config.put("rank", row.isNullAt(row.fieldIndex("rank")) ? null : row.getAs("rank"));
      config.put("label", describe(row));
      Map<String, Object> levels = new LinkedHashMap<>();
      axes.forEach(axis -> levels.put(axis.name(), Leaderboard.level(row, axis)));
      config.put("levels", levels);
      config.put("gap", nullable(row, "gap_mean"));
      config.put("valLoss", nullable(row, "val_loss_mean"));
      config.put("valAcc", nullable(row, "val_acc_mean"));
      config.put("competitive", competitive(row));
      config.put("trials", row.getAs("trials"));
      config.put("pruned", pruned.getOrDefault(row.<String>getAs("config_id"), 0L).intValue());
      configs.add(config);
    }
    page.data.put("axes", axes.stream().map(Axis::name).toList());
    page.data.put("axisLevels", axisLevels(board, axes));
    page.data.put("configs", configs);
  }

  /** For every measured configuration, the curves of its best seed; the script picks which. */
  private static void curves(Page page, SparkSession spark, List<Row> board) {
    List<Row> points =
        spark.sql(
                "SELECT b.config_id, c.epoch, c.train_loss, c.val_loss, c.fit_loss, c.train_acc, "
                    + "c.val_acc, t.best_epoch, s.overfit_onset, t.stop_reason FROM trials t "
                    + "JOIN curves c ON c.trial_id = t.trial_id "
                    + "JOIN trial_summary s ON s.trial_id = t.trial_id "
                    + "JOIN (" + AnalysisViews.BEST_SEEDS_SQL + ") b ON b.trial_id = t.trial_id "
                    + "ORDER BY b.config_id, c.epoch")
            .collectAsList();
    Map<String, Map<String, Object>> curves = new LinkedHashMap<>();
    for (Row p : points) {
      @SuppressWarnings("unchecked")
      Map<String, Object> curve = curves.computeIfAbsent(p.getString(0), id -> {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("best", p.isNullAt(7) ? null : p.getInt(7));
        c.put("onset", p.isNullAt(8) ? null : p.getInt(8));
        c.put("pruned", "pruned".equals(p.getString(9)));
        for (String key : List.of("epoch", "train", "val", "fit", "trainAcc", "valAcc")) {
          c.put(key, new ArrayList<>());
        }
        return c;
      });
      int i = 1;
      for (String key : List.of("epoch", "train", "val", "fit", "trainAcc", "valAcc")) {
        @SuppressWarnings("unchecked")
        List<Object> values = (List<Object>) curve.get(key);
        values.add(p.isNullAt(i) ? null : p.get(i));
        i++;
      }
    }
    page.data.put("curves", curves);
    if (curves.isEmpty()) {
      return;
    }
    page.html.append("<h2>Learning curves</h2>\n<p class=\"note\">The seed with the lowest ")
        .append("validation loss of the chosen configuration; pick a second one to compare ")
        .append("(dashed); a pruned trial says so in the title. The faint grey line is the loss as trained (dropout, augmentation and ")
        .append("L2 included), which is what Keras prints as <code>loss</code> and why comparing ")
        .append("it with validation loss misleads. Green marks the best epoch, orange the ")
        .append("overfitting onset.</p>\n<div class=\"controls\"><label>Configuration ")
        .append("<select id=\"curve-a\"></select></label> <label>compare with ")
        .append("<select id=\"curve-b\"></select></label></div>\n<div class=\"grid\">")
        .append("<div class=\"chart\" id=\"chart-loss\"></div>")
        .append("<div class=\"chart\" id=\"chart-acc\"></div></div>\n");
  }

  private static void gapAgainstLoss(Page page, List<Row> board) {
    if (board.stream().noneMatch(row -> nullable(row, "gap_mean") != null)) {
      return;
    }
    page.html.append("<h2>Why this ranking</h2>\n<p class=\"note\">Each point is a configuration. ")
        .append("Only configurations competitive on validation loss (coloured) are ranked; among ")
        .append("them, the smallest gap wins (star). Hover a point for its configuration.</p>\n")
        .append("<div class=\"chart wide\" id=\"chart-scatter\"></div>\n");
  }

  private static void parallel(Page page, List<Row> board) {
    if (board.size() < 2) {
      return;
    }
    page.html.append("<h2>Every configuration across the axes</h2>\n<p class=\"note\">One line ")
        .append("per configuration through its level on each axis, its gap and its validation ")
        .append("loss; competitive ones coloured. Drag along an axis to filter.</p>\n")
        .append("<div class=\"chart wide\" id=\"chart-parallel\"></div>\n");
  }

  /** Mean gap per level of each axis, over the rest of the grid, with 95% t-intervals. */
  private static void effects(Page page, SparkSession spark) {
    List<Row> rows =
        spark.sql("SELECT axis, level, gap_mean, gap_ci_low, gap_ci_high FROM axis_effects")
            .collectAsList();
    Map<String, List<Map<String, Object>>> byAxis = new LinkedHashMap<>();
    for (Row row : rows) {
      if (row.isNullAt(2)) {
        continue;
      }
      Map<String, Object> level = new LinkedHashMap<>();
      level.put("level", row.getString(1));
      level.put("mean", row.getDouble(2));
      level.put("low", row.isNullAt(3) ? null : row.getDouble(3));
      level.put("high", row.isNullAt(4) ? null : row.getDouble(4));
      byAxis.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(level);
    }
    if (byAxis.isEmpty()) {
      return;
    }
    List<Map<String, Object>> effects = new ArrayList<>();
    page.html.append("<h2>Effect of each axis</h2>\n<p class=\"note\">Mean generalization gap at ")
        .append("each level of an axis, averaged over the rest of the grid; bars are 95% ")
        .append("t-intervals over the completed trials.</p>\n<div class=\"grid\">\n");
    int i = 0;
    for (Map.Entry<String, List<Map<String, Object>>> axis : byAxis.entrySet()) {
      page.html.append("<figure><figcaption>").append(escape(axis.getKey()))
          .append("</figcaption><div class=\"chart small\" id=\"chart-effect-").append(i++)
          .append("\"></div></figure>\n");
      effects.add(Map.of("axis", axis.getKey(), "levels", axis.getValue()));
    }
    page.html.append("</div>\n");
    page.data.put("effects", effects);
  }

  /** Mean gap over {@link #HEATMAP_X} x {@link #HEATMAP_Y}, one map per value of the other axes. */
  private static void heatmaps(Page page, List<Row> board) {
    List<Axis<?>> panelAxes = new ArrayList<>(Leaderboard.shownAxes(board));
    panelAxes.removeAll(List.of(HEATMAP_X, HEATMAP_Y));
    TreeSet<Double> xValues = new TreeSet<>();
    TreeSet<Double> yValues = new TreeSet<>();
    for (Row row : board) {
      xValues.add(row.getAs(HEATMAP_X.column()));
      yValues.add(row.getAs(HEATMAP_Y.column()));
    }
    List<Double> xList = new ArrayList<>(xValues);
    List<Double> yList = new ArrayList<>(yValues);
    List<Row> sorted = new ArrayList<>(board);
    sorted.sort((a, b) -> {
      for (Axis<?> axis : panelAxes) {
        int order = compare(a, b, axis);
        if (order != 0) {
          return order;
        }
      }
      return 0;
    });
    Map<String, List<Object>> panels = new LinkedHashMap<>();
    for (Row row : sorted) {
      List<String> parts = new ArrayList<>();
      panelAxes.forEach(axis -> parts.add(axis.name() + " " + Leaderboard.level(row, axis)));
      List<Object> cells = panels.computeIfAbsent(String.join(", ", parts), k -> new ArrayList<>());
      Double gap = nullable(row, "gap_mean");
      if (gap != null) {
        cells.add(List.of(xList.indexOf(row.<Double>getAs(HEATMAP_X.column())),
            yList.indexOf(row.<Double>getAs(HEATMAP_Y.column())), gap));
      }
    }
    panels.values().removeIf(List::isEmpty);
    if (panels.isEmpty()) {
      return;
    }
    page.html.append("<h2>Gap over ").append(escape(HEATMAP_X.name())).append(" &times; ")
        .append(escape(HEATMAP_Y.name())).append("</h2>\n<p class=\"note\">Mean generalization gap ")
        .append("of every configuration, competitive or not; empty cells had no completed trial. ")
        .append("Green is a small gap, red a large one; one colour scale for all maps.</p>\n")
        .append("<div class=\"grid\">\n");
    List<Map<String, Object>> maps = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, List<Object>> panel : panels.entrySet()) {
      page.html.append("<figure><figcaption>").append(escape(panel.getKey()))
          .append("</figcaption><div class=\"chart heat\" id=\"chart-heat-").append(i++)
          .append("\"></div></figure>\n");
      maps.add(Map.of("title", panel.getKey(), "cells", panel.getValue()));
    }
    page.html.append("</div>\n");
    Map<String, Object> heat = new LinkedHashMap<>();
    heat.put("x", HEATMAP_X.name());
    heat.put("y", HEATMAP_Y.name());
    heat.put("xs", xList.stream().map(HEATMAP_X::print).toList());
    heat.put("ys", yList.stream().map(HEATMAP_Y::print).toList());
    heat.put("panels", maps);
    page.data.put("heatmaps", heat);
  }

  /**
   * Per-class accuracy and confusion matrix of the recommendation: on the held-out test set when
   * {@code test_results} has them, else its validation predictions over its seeds and folds.
   */
  private static void predictions(Page page, SparkSession spark, List<Row> board,
      List<String> classNames) {
    Row best = recommendation(board);
    if (best == null) {
      return;
    }
    long[][] matrix = testConfusion(spark, best);
    String source;
    if (matrix != null) {
      long n = 0;
      for (long[] row : matrix) {
        for (long count : row) {
          n += count;
        }
      }
      source = "Held-out test images (n = " + n + "), classified by the recommendation refit for "
          + "the test.";
    } else {
      matrix = validationConfusion(spark, best);
      source = "Validation predictions at the kept epoch, summed over its seeds and folds (this "
          + "output has no test result per class).";
    }
    if (matrix == null) {
      return;
    }
    int classes = Math.max(classNames.size(), matrix.length);
    List<String> names = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      names.add(c < classNames.size() ? classNames.get(c) : "class " + c);
    }
    List<Object> cells = new ArrayList<>();
    List<Object> accuracy = new ArrayList<>();
    for (int label = 0; label < classes; label++) {
      long total = 0;
      long[] row = label < matrix.length ? matrix[label] : new long[0];
      for (int predicted = 0; predicted < row.length; predicted++) {
        total += row[predicted];
        if (row[predicted] > 0) {
          cells.add(List.of(predicted, label, (int) row[predicted]));
        }
      }
      accuracy.add(total == 0 || label >= row.length ? null : (double) row[label] / total);
    }
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("classes", names);
    data.put("cells", cells);
    data.put("accuracy", accuracy);
    page.data.put("predictions", data);
    page.html.append("<h2>The recommendation, class by class</h2>\n<p class=\"note\">")
        .append(escape(source)).append("</p>\n")
        .append("<div class=\"grid\"><figure><figcaption>accuracy per class</figcaption>")
        .append("<div class=\"chart\" id=\"chart-class-acc\"></div></figure>")
        .append("<figure><figcaption>confusion matrix (rows: true class)</figcaption>")
        .append("<div class=\"chart\" id=\"chart-confusion\"></div></figure></div>\n");
  }

  /** The test confusion matrix ([true][predicted]) of {@code test_results}, or null. */
  private static long[][] testConfusion(SparkSession spark, Row best) {
    Row test = testRow(spark, best);
    if (test == null || !has(test, "confusion") || test.isNullAt(test.fieldIndex("confusion"))) {
      return null;
    }
    // Spark hands the inner arrays over as Scala sequences.
    List<List<Object>> rows = new ArrayList<>();
    for (Object row : test.getList(test.fieldIndex("confusion"))) {
      @SuppressWarnings("unchecked")
      List<Object> counts = row == null ? List.of()
          : scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Object>) row);
      rows.add(counts);
    }
    if (rows.isEmpty()) {
      return null;
    }
    int classes = rows.size();
    for (List<Object> row : rows) {
      classes = Math.max(classes, row.size());
    }
    long[][] matrix = new long[classes][classes];
    for (int label = 0; label < rows.size(); label++) {
      List<Object> row = rows.get(label);
      for (int predicted = 0; predicted < row.size(); predicted++) {
        Object count = row.get(predicted);
        matrix[label][predicted] = count == null ? 0 : ((Number) count).longValue();
      }
    }
    return matrix;
  }

  /** The confusion matrix of the recommendation's validation predictions, or null. */
  private static long[][] validationConfusion(SparkSession spark, Row best) {
    if (!exists(spark, "predictions")) {
      return null;
    }
    List<Row> counts = spark.sql("SELECT label, predicted, count(*) AS n FROM predictions "
        + "WHERE config_id = '" + quote(best.getAs("config_id")) + "' "
        + "GROUP BY label, predicted ORDER BY label, predicted").collectAsList();
    if (counts.isEmpty()) {
      return null;
    }
    int classes = 0;
    for (Row row : counts) {
      classes = Math.max(classes, Math.max(row.getInt(0), row.getInt(1)) + 1);
    }
    long[][] matrix = new long[classes][classes];
    for (Row row : counts) {
      matrix[row.getInt(0)][row.getInt(1)] += row.getLong(2);
    }
    return matrix;
  }

  private static void examples(Page page, ExampleImages examples) {
    if (examples == null || examples.sheets().isEmpty()) {
      return;
    }
    page.html.append("<h2>Training images under each augmentation</h2>\n<p class=\"note\">")
        .append("The same images in every panel, one row per class (")
        .append(escape(String.join(", ", examples.classes())))
        .append("), as the network saw them in one epoch.</p>\n<div class=\"grid\">\n");
    for (ExampleImages.Sheet sheet : examples.sheets()) {
      page.html.append("<figure><figcaption>").append(escape(sheet.preset()))
          .append("</figcaption><img class=\"pixels\" alt=\"training images with augmentation ")
          .append(escape(sheet.preset())).append("\" src=\"").append(escape(sheet.pngDataUri()))
          .append("\"></figure>\n");
    }
    page.html.append("</div>\n");
  }

  private static Row recommendation(List<Row> board) {
    for (Row row : board) {
      if (!row.isNullAt(row.fieldIndex("rank")) && row.<Integer>getAs("rank") == 1) {
        return row;
      }
    }
    return null;
  }

  /** Competitive per the band when the leaderboard has one, else ranked. */
  private static boolean competitive(Row row) {
    if (has(row, "competitive") && !row.isNullAt(row.fieldIndex("competitive"))) {
      return row.<Boolean>getAs("competitive");
    }
    return !row.isNullAt(row.fieldIndex("rank"));
  }

  private static Map<String, Long> pruned(SparkSession spark) {
    Map<String, Long> pruned = new LinkedHashMap<>();
    // Successive halving stops a trial early on purpose; only stop_reason says so (its status
    // is the halving's choice), and such a trial is neither overfit nor underfit.
    for (Row row : spark.sql("SELECT config_id, count(*) FROM trials WHERE stop_reason = 'pruned' "
        + "GROUP BY config_id").collectAsList()) {
      pruned.put(row.getString(0), row.getLong(1));
    }
    return pruned;
  }

  private static Map<String, List<String>> axisLevels(List<Row> board, List<Axis<?>> axes) {
    Map<String, List<String>> levels = new LinkedHashMap<>();
    for (Axis<?> axis : axes) {
      List<Row> sorted = new ArrayList<>(board);
      sorted.sort((a, b) -> compare(a, b, axis));
      levels.put(axis.name(),
          sorted.stream().map(row -> Leaderboard.level(row, axis)).distinct().toList());
    }
    return levels;
  }

  private static String describe(Row row) {
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : Axes.shown(axis -> false)) {
      parts.add(axis.name() + " " + Leaderboard.level(row, axis));
    }
    return String.join(", ", parts);
  }

  /** A row of a view whose schema this class does not own, as a two-column table. */
  private static void keyValues(StringBuilder html, Row row) {
    html.append("<table class=\"kv\"><tbody>\n");
    for (String field : row.schema().fieldNames()) {
      html.append("<tr><th>").append(escape(field.replace('_', ' '))).append("</th>");
      cell(html, text(row, field));
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n");
  }

  private static void table(StringBuilder html, List<Row> rows) {
    html.append("<div class=\"scroll\"><table><thead><tr>");
    for (String field : rows.get(0).schema().fieldNames()) {
      html.append("<th>").append(escape(field.replace('_', ' '))).append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    for (Row row : rows) {
      html.append("<tr>");
      for (String field : row.schema().fieldNames()) {
        cell(html, text(row, field));
      }
      html.append("</tr>\n");
    }
    html.append("</tbody></table></div>\n");
  }

  /** Any value as shown text; fractional numbers with at most four significant digits. */
  static String text(Row row, String field) {
    int i = row.fieldIndex(field);
    if (row.isNullAt(i)) {
      return "";
    }
    Object value = row.get(i);
    if (value instanceof Double || value instanceof Float || value instanceof java.math.BigDecimal) {
      return significant(((Number) value).doubleValue());
    }
    return String.valueOf(value);
  }

  /** Four significant digits at most, written plainly (0.0001234, not 1.234E-4). */
  static String significant(double value) {
    if (!Double.isFinite(value)) {
      return String.valueOf(value);
    }
    return new java.math.BigDecimal(Json.round(value)).round(new java.math.MathContext(4))
        .stripTrailingZeros().toPlainString();
  }

  /** A fraction in [0, 1] as a percentage with at most four significant digits. */
  static String percent(Double fraction) {
    return fraction == null ? "" : significant(100 * fraction) + "%";
  }

  private static Double percentValue(Double fraction) {
    return fraction == null ? null : 100 * fraction;
  }

  private static String number(Row row, String field) {
    Double value = nullable(row, field);
    return value == null ? "" : significant(value);
  }

  /**
   * "-0.4 to 2.0": an audit row's paired interval of its regret, in points; empty for the row it is
   * measured against and for audits written before the interval existed.
   */
  private static Optional<String> pairedInterval(Row row) {
    if (!has(row, "regret_ci_low") || row.isNullAt(row.fieldIndex("regret_ci_low"))) {
      return Optional.empty();
    }
    return Optional.of(significant(100 * nullable(row, "regret_ci_low")) + " to "
        + significant(100 * nullable(row, "regret_ci_high")));
  }

  private static Double nullable(Row row, String field) {
    int i = row.fieldIndex(field);
    return row.isNullAt(i) ? null : ((Number) row.get(i)).doubleValue();
  }

  private static boolean has(Row row, String field) {
    return Arrays.asList(row.schema().fieldNames()).contains(field);
  }

  private static boolean exists(SparkSession spark, String view) {
    return spark.catalog().tableExists(view);
  }

  private static String quote(String text) {
    return text.replace("'", "''");
  }

  @SuppressWarnings("unchecked")
  private static int compare(Row a, Row b, Axis<?> axis) {
    return ((Comparable<Object>) a.getAs(axis.column())).compareTo(b.getAs(axis.column()));
  }

  private static void cell(StringBuilder html, String text) {
    html.append("<td>").append(escape(text)).append("</td>");
  }

  /** Escapes text for HTML element content and double-quoted attribute values. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:84em}"
          + "h2{margin-top:1.6em}"
          + ".why{padding-left:1.2em;margin:.4em 0}.why li{margin:.25em 0}"
          + "details{margin:.5em 0}summary{cursor:pointer;color:#333}"
          + "tr.chosen td{font-weight:600;background:#eaf5ea}"
          + ".answer{background:#f3f8f3;border-left:4px solid #2ca02c;padding:.6em 1em}"
          + ".big{font-size:125%;font-weight:600}"
          + ".scroll{overflow-x:auto}"
          + "table{border-collapse:collapse;font-size:90%}"
          + "th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:right}"
          + "table.kv th{text-align:left;font-weight:normal;color:#555}"
          + "tr.out td{color:#999}"
          + ".grid{display:flex;flex-wrap:wrap;gap:1em}"
          + ".grid>*{flex:1 1 360px;min-width:0}"
          + "figure{margin:0}figcaption{font-size:90%;color:#333;margin-bottom:.2em}"
          + ".chart{height:320px;min-width:0}.chart.wide{height:420px}.chart.small{height:240px}"
          + ".chart.heat{height:300px}.chart.audit{height:360px}"
          + ".controls{margin:.5em 0}select{max-width:100%}"
          + "img.pixels{image-rendering:pixelated;max-width:100%}"
          + ".note{font-size:90%;color:#555}"
          + "pre{background:#f6f6f6;padding:1em;overflow:auto}";
}
