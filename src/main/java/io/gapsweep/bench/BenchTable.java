package io.gapsweep.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleFunction;

/** The bench's measurements, in the order first taken, and the Markdown that reports them. */
final class BenchTable {

  private record Series(String unit, List<Double> values) {}

  /** How a target's values read: a ratio, a share, or seconds. */
  private enum Kind { RATIO, PERCENT, SECONDS }

  private record Target(String name, List<Double> values, double goal, boolean atMost,
      Kind kind) {

    double median() {
      return BenchTable.median(values);
    }
  }

  private final int repeats;
  private final Map<String, Series> series = new LinkedHashMap<>();
  private final List<Target> targets = new ArrayList<>();
  private final Set<String> notes = new LinkedHashSet<>();

  BenchTable(int repeats) {
    this.repeats = repeats;
  }

  void add(String label, String unit, double value) {
    series.computeIfAbsent(label, k -> new Series(unit, new ArrayList<>())).values().add(value);
  }

  void note(String text) {
    notes.add(text);
  }

  /**
   * A target on the ratio {@code numerator / denominator}, taken run by run (the i-th runs of both
   * were measured side by side) before the median. As an overhead, the value is {@code 1 - ratio}.
   */
  void target(String name, String numerator, String denominator, double goal, boolean overhead) {
    List<Double> top = series.get(numerator).values();
    List<Double> bottom = series.get(denominator).values();
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(top.size(), bottom.size()); i++) {
      double ratio = top.get(i) / bottom.get(i);
      ratios.add(overhead ? 1 - ratio : ratio);
    }
    targets.add(new Target(name, ratios, goal, overhead, overhead ? Kind.PERCENT : Kind.RATIO));
  }

  /** As {@link #target}, for a ratio that meets its goal at or below it (not an overhead). */
  void ratioAtMost(String name, String numerator, String denominator, double goal) {
    target(name, numerator, denominator, goal, false);
    Target t = targets.remove(targets.size() - 1);
    targets.add(new Target(t.name(), t.values(), goal, true, Kind.RATIO));
  }

  /**
   * A target on series {@code label} itself, recorded in percent: met at or above {@code goal}, a
   * fraction.
   */
  void percentAtLeast(String name, String label, double goal) {
    targets.add(new Target(name,
        series.get(label).values().stream().map(v -> v / 100).toList(), goal, false,
        Kind.PERCENT));
  }

  /** A target on the seconds of series {@code label} themselves: at most {@code goal}. */
  void atMostSeconds(String name, String label, double goal) {
    targets.add(new Target(name, List.copyOf(series.get(label).values()), goal, true, Kind.SECONDS));
  }

  /** As {@link #target}, for a ratio that is reported without a goal. */
  void ratio(String name, String numerator, String denominator) {
    target(name, numerator, denominator, Double.NaN, false);
  }

  String markdown(Bench.Machine machine) {
    StringBuilder md = new StringBuilder();
    md.append(String.format(Locale.ROOT,
        "Machine: %s, %d processors, %s, libnd4j %s; %d repeat(s), medians of the n runs.%n%n",
        machine.cpu(), machine.processors(), machine.java(), machine.backend(), repeats));
    md.append("| measure | n | median | min | max | unit |\n|---|--:|--:|--:|--:|---|\n");
    series.forEach((label, s) -> md.append(String.format(Locale.ROOT,
        "| %s | %d | %s | %s | %s | %s |%n", label, s.values().size(), number(median(s.values())),
        number(s.values().stream().mapToDouble(v -> v).min().orElse(Double.NaN)),
        number(s.values().stream().mapToDouble(v -> v).max().orElse(Double.NaN)), s.unit())));
    if (!targets.isEmpty()) {
      md.append("\n| target | n | measured | min | max | goal | met |\n"
          + "|---|--:|--:|--:|--:|--:|---|\n");
      for (Target t : targets) {
        boolean met = t.atMost() ? t.median() <= t.goal() : t.median() >= t.goal();
        DoubleFunction<String> format = switch (t.kind()) {
          case RATIO -> BenchTable::ratio;
          case PERCENT -> BenchTable::percent;
          case SECONDS -> v -> number(v) + " s";
        };
        String goal = (t.atMost() ? "≤ " : "≥ ") + format.apply(t.goal());
        boolean measureOnly = Double.isNaN(t.goal());
        md.append(String.format(Locale.ROOT, "| %s | %d | %s | %s | %s | %s | %s |%n",
            t.name(), t.values().size(), format.apply(t.median()),
            format.apply(Collections.min(t.values())), format.apply(Collections.max(t.values())),
            measureOnly ? "–" : goal, measureOnly ? "–" : met ? "yes" : "no"));
      }
    }
    for (String note : notes) {
      md.append('\n').append(note).append('\n');
    }
    return md.toString();
  }

  static double median(List<Double> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String number(double v) {
    return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%,.0f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }

  private static String ratio(double v) {
    return String.format(Locale.ROOT, "%.2f×", v);
  }

  private static String percent(double v) {
    return String.format(Locale.ROOT, "%.1f%%", v * 100);
  }
}
