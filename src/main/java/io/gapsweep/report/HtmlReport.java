package io.gapsweep.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import io.gapsweep.analysis.AnalysisViews;
import io.gapsweep.analysis.Leaderboard;
import io.gapsweep.analysis.TextTable;
import io.gapsweep.config.Axes;
import io.gapsweep.config.Axis;
import io.gapsweep.store.OutputFolder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes {@code <output>/report.html}: one self-contained page (charts embedded as PNG data URIs,
 * no external scripts, styles or fonts) that opens offline from disk.
 *
 * <p>It reads the session's {@code trials}, {@code curves} and {@code leaderboard} views. Every
 * string that comes from data or configuration is HTML-escaped.
 */
public final class HtmlReport {

  /** How many configurations from each end of the leaderboard get their curves drawn. */
  private static final int CURVES_EACH_END = 3;

  /** The two axes each heatmap spans; the other axes' values each get their own map. */
  private static final Axis<Double> HEATMAP_X = Axes.DROPOUT;

  private static final Axis<Double> HEATMAP_Y = Axes.L2;

  private HtmlReport() {}

  /**
   * @param dataSummary the data summary printed before training, or {@code null} if unknown
   * @param settingsHocon the resolved configuration the sweep ran with
   * @return the path of the report
   */
  public static String write(
      SparkSession spark, String output, String title, String dataSummary, String settingsHocon) {
    String html = render(spark, title, dataSummary, settingsHocon);
    OutputFolder folder = OutputFolder.of(spark, output);
    folder.writeText(OutputFolder.REPORT, html);
    return folder.path(OutputFolder.REPORT).toString();
  }

  static String render(SparkSession spark, String title, String dataSummary, String settings) {
    List<Row> board =
        spark.sql("SELECT * FROM leaderboard").collectAsList();
    StringBuilder html = new StringBuilder(1 << 16);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>gapsweep: ").append(escape(title)).append("</title>")
        .append("<style>").append(STYLE).append("</style></head><body>\n")
        .append("<h1>gapsweep: ").append(escape(title)).append("</h1>\n")
        .append("<p>Generalization gap = validation loss &minus; training loss at the best epoch, ")
        .append("both measured in inference mode, without the L2 penalty, on un-augmented images. ")
        .append("Only configurations whose validation accuracy is within the tolerance of the best ")
        .append("are ranked.</p>\n");
    leaderboard(html, board);
    curves(html, spark, board);
    heatmaps(html, board);
    effects(html, spark);
    html.append("<h2>Data</h2>\n<pre>")
        .append(escape(dataSummary == null ? "(not recorded)" : dataSummary))
        .append("</pre>\n<h2>Settings</h2>\n<pre>").append(escape(settings)).append("</pre>\n")
        .append("</body></html>\n");
    return html.toString();
  }

  private static void leaderboard(StringBuilder html, List<Row> board) {
    html.append("<h2>Leaderboard</h2>\n<table><thead><tr>");
    List<Axis<?>> axes = Leaderboard.shownAxes(board);
    List<String> headers = new ArrayList<>(List.of("rank"));
    axes.forEach(axis -> headers.add(axis.name()));
    headers.addAll(List.of("seeds", "gap", "acc gap", "val loss", "val acc", "best epoch"));
    for (String header : headers) {
      html.append("<th>").append(header).append("</th>");
    }
    html.append("</tr></thead><tbody>\n");
    for (Row row : board) {
      boolean ranked = !row.isNullAt(row.fieldIndex("rank"));
      html.append(ranked ? "<tr>" : "<tr class=\"out\">");
      cell(html, ranked ? String.valueOf(row.<Integer>getAs("rank")) : "-");
      for (Axis<?> axis : axes) {
        cell(html, Leaderboard.level(row, axis));
      }
      cell(html, row.<Integer>getAs("seeds") + "/" + row.<Integer>getAs("trials"));
      String gap = TextTable.fixed(row.getAs("gap_mean"), 4);
      if (!row.isNullAt(row.fieldIndex("gap_sd"))) {
        gap += " ± " + TextTable.fixed(row.getAs("gap_sd"), 4);
      }
      cell(html, gap);
      cell(html, TextTable.fixed(row.getAs("acc_gap_mean"), 4));
      cell(html, TextTable.fixed(row.getAs("val_loss_mean"), 4));
      cell(html, TextTable.fixed(row.getAs("val_acc_mean"), 4));
      cell(html, TextTable.fixed(row.getAs("best_epoch_mean"), 1));
      html.append("</tr>\n");
    }
    html.append("</tbody></table>\n<p class=\"note\">Grey rows are not competitive: their ")
        .append("validation accuracy is too far below the best for their gap to mean anything.</p>\n");
  }

  /** Curves of the best-ranked and of the worst-overfitting configurations. */
  private static void curves(StringBuilder html, SparkSession spark, List<Row> board) {
    List<Row> measured = new ArrayList<>();
    for (Row row : board) {
      if (row.<Integer>getAs("seeds") > 0) {
        measured.add(row);
      }
    }
    Map<String, String> chosen = new LinkedHashMap<>();
    for (int i = 0; i < Math.min(CURVES_EACH_END, measured.size()); i++) {
      Row row = measured.get(i);
      chosen.put(row.getAs("config_id"), label("top", row));
    }
    measured.sort((a, b) -> Double.compare(b.<Double>getAs("gap_mean"), a.<Double>getAs("gap_mean")));
    for (int i = 0, added = 0; i < measured.size() && added < CURVES_EACH_END; i++) {
      Row row = measured.get(i);
      if (!chosen.containsKey(row.<String>getAs("config_id"))) {
        chosen.put(row.getAs("config_id"), label("largest gap", row));
        added++;
      }
    }
    html.append("<h2>Learning curves</h2>\n<p class=\"note\">For each configuration, the seed with ")
        .append("the lowest validation loss. Solid lines are measured cleanly; the faint grey line ")
        .append("is the loss as trained (dropout, augmentation and L2 included), which is what ")
        .append("Keras prints as <code>loss</code> and why comparing it with validation loss ")
        .append("misleads. The green dashed line marks the best epoch, the orange one the overfitting ")
        .append("onset (see the README for its definition).</p>\n<div class=\"grid\">\n");
    for (Map.Entry<String, String> entry : chosen.entrySet()) {
      List<Row> points =
          spark.sql(
                  "SELECT c.epoch, c.train_loss, c.val_loss, c.fit_loss, c.train_acc, c.val_acc, "
                      + "t.best_epoch, s.overfit_onset FROM trials t "
                      + "JOIN curves c ON c.trial_id = t.trial_id "
                      + "JOIN trial_summary s ON s.trial_id = t.trial_id "
                      + "JOIN (" + AnalysisViews.BEST_SEEDS_SQL + ") b ON b.trial_id = t.trial_id "
                      + "WHERE b.config_id = '" + entry.getKey().replace("'", "''") + "' "
                      + "ORDER BY c.epoch")
              .collectAsList();
      if (points.isEmpty()) {
        continue;
      }
      List<Integer> epochs = new ArrayList<>();
      List<Double> trainLoss = new ArrayList<>();
      List<Double> valLoss = new ArrayList<>();
      List<Double> fitLoss = new ArrayList<>();
      List<Double> trainAcc = new ArrayList<>();
      List<Double> valAcc = new ArrayList<>();
      for (Row p : points) {
        epochs.add(p.getInt(0));
        trainLoss.add(p.getDouble(1));
        valLoss.add(p.getDouble(2));
        fitLoss.add(p.getDouble(3));
        trainAcc.add(p.getDouble(4));
        valAcc.add(p.getDouble(5));
      }
      int best = points.get(0).isNullAt(6) ? 0 : points.get(0).getInt(6);
      Integer onset = points.get(0).isNullAt(7) ? null : points.get(0).getInt(7);
      html.append("<figure>");
      image(html, Charts.curve("loss", "cross-entropy", epochs, trainLoss, valLoss, fitLoss, best,
          onset), "loss curves of " + entry.getValue());
      image(html, Charts.curve("accuracy", "accuracy", epochs, trainAcc, valAcc, null, best, onset),
          "accuracy curves of " + entry.getValue());
      html.append("<figcaption>").append(escape(entry.getValue())).append("</figcaption></figure>\n");
    }
    html.append("</div>\n");
  }

  /** Mean gap over {@link #HEATMAP_X} x {@link #HEATMAP_Y}, one map per value of the other axes. */
  private static void heatmaps(StringBuilder html, List<Row> board) {
    List<Axis<?>> panelAxes = new ArrayList<>(Leaderboard.shownAxes(board));
    panelAxes.removeAll(List.of(HEATMAP_X, HEATMAP_Y));
    TreeSet<Double> xValues = new TreeSet<>();
    TreeSet<Double> yValues = new TreeSet<>();
    Map<String, Map<List<Double>, Double>> maps = new LinkedHashMap<>();
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
    for (Row row : sorted) {
      double x = row.getAs(HEATMAP_X.column());
      double y = row.getAs(HEATMAP_Y.column());
      xValues.add(x);
      yValues.add(y);
      List<String> parts = new ArrayList<>();
      panelAxes.forEach(axis -> parts.add(axis.name() + " " + Leaderboard.level(row, axis)));
      String key = String.join(", ", parts);
      Map<List<Double>, Double> cells = maps.computeIfAbsent(key, k -> new LinkedHashMap<>());
      if (!row.isNullAt(row.fieldIndex("gap_mean"))) {
        cells.put(List.of(x, y), row.getAs("gap_mean"));
      }
    }
    List<String> xs = xValues.stream().map(HEATMAP_X::print).toList();
    List<String> ys = yValues.stream().map(HEATMAP_Y::print).toList();
    html.append("<h2>Gap over ").append(HEATMAP_X.name()).append(" &times; ")
        .append(HEATMAP_Y.name().toUpperCase(Locale.ROOT))
        .append("</h2>\n<p class=\"note\">Mean generalization gap ")
        .append("of every configuration, competitive or not; empty cells had no completed trial.")
        .append("</p>\n<div class=\"grid\">\n");
    List<Double> xList = new ArrayList<>(xValues);
    List<Double> yList = new ArrayList<>(yValues);
    for (Map.Entry<String, Map<List<Double>, Double>> entry : maps.entrySet()) {
      List<Number[]> cells = new ArrayList<>();
      for (int x = 0; x < xList.size(); x++) {
        for (int y = 0; y < yList.size(); y++) {
          Double gap = entry.getValue().get(List.of(xList.get(x), yList.get(y)));
          if (gap != null) {
            cells.add(new Number[] {x, y, Math.round(gap * 1000) / 1000.0});
          }
        }
      }
      if (cells.isEmpty()) {
        continue;
      }
      html.append("<figure>");
      image(html, Charts.heatmap(entry.getKey(), HEATMAP_X.name(), HEATMAP_Y.name(), xs, ys, cells),
          "gap heatmap, " + entry.getKey());
      html.append("</figure>\n");
    }
    html.append("</div>\n");
  }

  @SuppressWarnings("unchecked")
  private static int compare(Row a, Row b, Axis<?> axis) {
    return ((Comparable<Object>) a.getAs(axis.column())).compareTo(b.getAs(axis.column()));
  }

  /** Mean gap per level of each axis, over the rest of the grid, with 95% t-intervals. */
  private static void effects(StringBuilder html, SparkSession spark) {
    List<Row> rows =
        spark.sql("SELECT axis, level, gap_mean, gap_ci_low, gap_ci_high, val_acc_mean, "
                + "gap_change_vs_baseline FROM axis_effects")
            .collectAsList();
    Map<String, List<Row>> byAxis = new LinkedHashMap<>();
    for (Row row : rows) {
      byAxis.computeIfAbsent(row.getString(0), k -> new ArrayList<>()).add(row);
    }
    html.append("<h2>Effect of each axis</h2>\n<p class=\"note\">Mean generalization gap at each ")
        .append("level of an axis, averaged over the rest of the grid; error bars are 95% ")
        .append("t-intervals over the completed trials.</p>\n<div class=\"grid\">\n");
    for (Map.Entry<String, List<Row>> axis : byAxis.entrySet()) {
      List<String> levels = new ArrayList<>();
      List<Double> means = new ArrayList<>();
      List<Double> errors = new ArrayList<>();
      for (Row row : axis.getValue()) {
        if (row.isNullAt(2)) {
          continue;
        }
        levels.add(row.getString(1));
        means.add(row.getDouble(2));
        errors.add(row.isNullAt(3) ? 0.0 : (row.getDouble(4) - row.getDouble(3)) / 2);
      }
      if (levels.isEmpty()) {
        continue;
      }
      html.append("<figure>");
      image(html, Charts.effect(axis.getKey(), levels, means, errors),
          "mean gap per level of " + axis.getKey());
      html.append("</figure>\n");
    }
    html.append("</div>\n");
  }

  private static String label(String group, Row row) {
    List<String> parts = new ArrayList<>();
    for (Axis<?> axis : Axes.shown(axis -> false)) {
      parts.add(axis.name() + " " + Leaderboard.level(row, axis));
    }
    return group + ": " + String.join(", ", parts)
        + " (gap " + TextTable.fixed(row.getAs("gap_mean"), 4) + ")";
  }

  private static void image(StringBuilder html, org.knowm.xchart.internal.chartpart.Chart<?, ?> chart,
      String alt) {
    html.append("<img alt=\"").append(escape(alt)).append("\" src=\"")
        .append(Charts.dataUri(chart)).append("\">");
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
      "body{font-family:sans-serif;margin:2em;color:#222;max-width:80em}"
          + "table{border-collapse:collapse;font-size:90%}"
          + "th,td{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:right}"
          + "th:nth-child(5),td:nth-child(5){text-align:left}"
          + "tr.out td{color:#999}"
          + ".grid{display:flex;flex-wrap:wrap;gap:1em}"
          + "figure{margin:0}figcaption{font-size:85%;max-width:720px}"
          + ".note{font-size:90%;color:#555}"
          + "pre{background:#f6f6f6;padding:1em;overflow:auto}";
}
