package io.gapsweep.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn with XChart and embedded as PNG data URIs. */
final class Charts {

  static final Color TRAIN = new Color(31, 119, 180);
  static final Color VALIDATION = new Color(214, 39, 40);
  /** Keras's "loss" is drawn faintly: it is what users are used to, and what misleads them. */
  static final Color FIT = new Color(150, 150, 150, 120);
  static final Color MARK = new Color(44, 160, 44);
  static final Color ONSET = new Color(255, 127, 14);

  private Charts() {}

  /** One learning curve: two clean lines, the faint fit line, and vertical marks. */
  static XYChart curve(
      String title,
      String yTitle,
      List<Integer> epochs,
      List<Double> train,
      List<Double> validation,
      List<Double> fit,
      int bestEpoch,
      Integer onsetEpoch) {
    XYChart chart =
        new XYChartBuilder().width(360).height(240).title(title).xAxisTitle("epoch")
            .yAxisTitle(yTitle).build();
    style(chart);
    if (fit != null) {
      line(chart, "fit (as trained)", epochs, fit, FIT, 1.5f);
    }
    line(chart, "train (clean)", epochs, train, TRAIN, 2f);
    line(chart, "validation", epochs, validation, VALIDATION, 2f);
    double low = min(train, validation);
    double high = max(train, validation);
    if (fit != null) {
      low = Math.min(low, min(fit, fit));
      high = Math.max(high, max(fit, fit));
    }
    if (bestEpoch > 0) {
      mark(chart, "best epoch", bestEpoch, low, high, MARK);
    }
    if (onsetEpoch != null) {
      mark(chart, "overfitting onset", onsetEpoch, low, high, ONSET);
    }
    return chart;
  }

  static HeatMapChart heatmap(
      String title, String xTitle, String yTitle, List<String> xs, List<String> ys,
      List<Number[]> cells) {
    HeatMapChart chart =
        new HeatMapChartBuilder().width(360).height(260).title(title).xAxisTitle(xTitle)
            .yAxisTitle(yTitle).build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setShowValue(true);
    chart.getStyler().setRangeColors(
        new Color[] {new Color(26, 152, 80), new Color(255, 255, 191), new Color(215, 48, 39)});
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    double low = Double.POSITIVE_INFINITY;
    double high = Double.NEGATIVE_INFINITY;
    for (Number[] cell : cells) {
      low = Math.min(low, cell[2].doubleValue());
      high = Math.max(high, cell[2].doubleValue());
    }
    // XChart 3.8.8 indexes past its colour table for a value equal to the maximum, and divides by
    // the range when all values are equal: keep every value strictly inside a non-empty range.
    double pad = Math.max(1e-6, (high - low) * 0.01);
    chart.getStyler().setMin(low - pad).setMax(high + pad);
    chart.addSeries("gap", xs, ys, cells);
    return chart;
  }

  /** Bars of the mean gap per level, with symmetric error bars. */
  static CategoryChart effect(
      String axis, List<String> levels, List<Double> means, List<Double> errors) {
    CategoryChart chart =
        new CategoryChartBuilder().width(300).height(240).title(axis).xAxisTitle(axis)
            .yAxisTitle("mean gap").build();
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setErrorBarsColor(Color.DARK_GRAY);
    chart.addSeries("gap", levels, means, errors).setFillColor(TRAIN);
    return chart;
  }

  static String dataUri(Chart<?, ?> chart) {
    try {
      byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
      return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot render chart " + chart.getTitle(), e);
    }
  }

  static void style(XYChart chart) {
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setLegendFont(chart.getStyler().getLegendFont().deriveFont(9f));
    chart.getStyler().setMarkerSize(0);
  }

  private static void line(
      XYChart chart, String name, List<Integer> x, List<Double> y, Color color, float width) {
    XYSeries series = chart.addSeries(name, x, y);
    series.setLineColor(color);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineStyle(new BasicStroke(width));
  }

  private static void mark(XYChart chart, String name, int epoch, double low, double high,
      Color color) {
    XYSeries series =
        chart.addSeries(name, new double[] {epoch, epoch}, new double[] {low, high});
    series.setLineColor(color);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineStyle(
        new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
            new float[] {4f, 3f}, 0f));
  }

  /** The smallest (or, with {@code sign} -1, largest) finite value of the lists; 0 if none. */
  private static double extreme(int sign, List<Double> a, List<Double> b) {
    double best = Double.NaN;
    for (List<Double> values : List.of(a, b)) {
      for (double v : values) {
        if (Double.isFinite(v) && (Double.isNaN(best) || sign * v < sign * best)) {
          best = v;
        }
      }
    }
    return Double.isNaN(best) ? 0 : best;
  }

  private static double min(List<Double> a, List<Double> b) {
    return extreme(1, a, b);
  }

  private static double max(List<Double> a, List<Double> b) {
    return extreme(-1, a, b);
  }
}
