package io.gapsweep.config;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.stream.Collectors;

/**
 * What one axis of the search space may take: a list of choices (the grid's only kind) or, for
 * random search, a range to draw from. Written in HOCON as a list (choices) or as an object with
 * one key, the {@linkplain Shape shape}: {@code l2 = { log-uniform = [1e-5, 1e-2] }}.
 *
 * @param shape how values are drawn
 * @param values the choices, in the order written, for {@link Shape#CHOICES}; else {@code [low,
 *     high]}, both inclusive, in the axis's type
 */
public record Distribution(Shape shape, List<?> values) implements Serializable {

  /**
   * The kinds of distribution, declared once each: the HOCON key, the axes it fits, what its
   * bounds must satisfy and how a uniform number in [0, 1) becomes a value. Adding a kind is one
   * constant here (and its documentation in {@code reference.conf}).
   */
  public enum Shape {
    /** One of the listed values, each equally likely. Fits every axis. */
    CHOICES("choices", Set.of(Axis.Kind.INTEGER, Axis.Kind.NUMBER, Axis.Kind.TEXT), "", null, null),
    /** Uniform between the bounds. */
    UNIFORM("uniform", Set.of(Axis.Kind.INTEGER, Axis.Kind.NUMBER), "low < high",
        (low, high) -> low < high, (low, high, u) -> low + u * (high - low)),
    /**
     * Uniform in the logarithm: each decade between the bounds is equally likely (1e-5 to 1e-2
     * puts a third of the draws in each of [1e-5, 1e-4), [1e-4, 1e-3), [1e-3, 1e-2)).
     */
    LOG_UNIFORM("log-uniform", Set.of(Axis.Kind.INTEGER, Axis.Kind.NUMBER), "0 < low < high",
        (low, high) -> 0 < low && low < high, (low, high, u) -> Math.exp(Math.log(low) + u * (Math.log(high) - Math.log(low))));

    /** Maps u in [0, 1) to a number between {@code low} and {@code high}. */
    interface Draw {
      double apply(double low, double high, double u);
    }

    private final String configName;
    private final Set<Axis.Kind> kinds;
    private final String bounds;
    private final BiPredicate<Double, Double> boundsValid;
    private final Draw draw;

    Shape(String configName, Set<Axis.Kind> kinds, String bounds,
        BiPredicate<Double, Double> boundsValid, Draw draw) {
      this.configName = configName;
      this.kinds = kinds;
      this.bounds = bounds;
      this.boundsValid = boundsValid;
      this.draw = draw;
    }

    /** The HOCON key, e.g. {@code log-uniform}. */
    public String configName() {
      return configName;
    }

    /** Whether an axis of {@code kind} can take this shape. */
    public boolean fits(Axis.Kind kind) {
      return kinds.contains(kind);
    }

    /** Whether the shape is a range [low, high] rather than a list of choices. */
    public boolean isRange() {
      return draw != null;
    }

    /** What the bounds must satisfy, as error messages say it, e.g. "0 < low < high". */
    public String boundsExpected() {
      return bounds;
    }

    /** Whether {@code [low, high]} are bounds this shape can draw between. */
    public boolean acceptsBounds(double low, double high) {
      return boundsValid.test(low, high);
    }

    /** The shape whose HOCON key is {@code name}, or {@code null}. */
    public static Shape named(String name) {
      for (Shape shape : values()) {
        if (shape.configName.equals(name)) {
          return shape;
        }
      }
      return null;
    }

    /** Every HOCON key, comma-separated, for messages. */
    public static String names() {
      return java.util.Arrays.stream(values()).map(Shape::configName)
          .collect(Collectors.joining(", "));
    }
  }

  public Distribution {
    values = List.copyOf(values);
    if (values.isEmpty() || (shape.isRange() && values.size() != 2)) {
      throw new IllegalArgumentException("Cannot make a " + shape.configName + " distribution of "
          + values + ": expected " + (shape.isRange() ? "[low, high]" : "a non-empty list"));
    }
  }

  /** The choices {@code values}. */
  public static Distribution choices(List<?> values) {
    return new Distribution(Shape.CHOICES, values);
  }

  /** Whether this is a list of choices, the only kind a grid takes. */
  public boolean isChoices() {
    return shape == Shape.CHOICES;
  }

  /**
   * How many distinct values a draw can give: the choices, the integers of an integer range, or
   * {@link Long#MAX_VALUE} for a range of real numbers.
   */
  public long count(Axis<?> axis) {
    if (isChoices()) {
      return values.size();
    }
    if (axis.kind() == Axis.Kind.INTEGER) {
      return ((Integer) values.get(1)).longValue() - (Integer) values.get(0) + 1;
    }
    return Long.MAX_VALUE;
  }

  /**
   * The value that the uniform number {@code u} in [0, 1) draws. A real number is rounded to
   * {@code digits} significant digits (half-even) and kept inside the bounds, so that its printed
   * form, which trial ids hash, is short and the same on every machine. An integer range is drawn
   * as Optuna's {@code IntDistribution} does: a real number between {@code low - 0.5} and {@code
   * high + 0.5} (in the logarithm for log-uniform), rounded to the nearest integer, so that each end
   * gets its fair share.
   */
  public <T extends Comparable<T>> T draw(Axis<T> axis, double u, int digits) {
    if (isChoices()) {
      return axis.type().cast(values.get(Math.min(values.size() - 1, (int) (u * values.size()))));
    }
    double low = ((Number) values.get(0)).doubleValue();
    double high = ((Number) values.get(1)).doubleValue();
    if (axis.kind() == Axis.Kind.INTEGER) {
      // Integer bounds of log-uniform are >= 1, so low - 0.5 stays positive.
      double wide = shape.draw.apply(low - 0.5, high + 0.5, u);
      long rounded = Math.round(wide);
      return axis.type().cast((int) Math.max((long) low, Math.min((long) high, rounded)));
    }
    double drawn = shape.draw.apply(low, high, u);
    double rounded = new BigDecimal(drawn).round(new MathContext(digits, RoundingMode.HALF_EVEN))
        .doubleValue();
    return axis.type().cast(Math.max(low, Math.min(high, rounded)));
  }

  /** As the plan prints it, e.g. {@code log-uniform [0.00001, 0.01]} or {@code [none, light]}. */
  public String describe(Axis<?> axis) {
    String listed = values.stream().map(axis::printAny).collect(Collectors.joining(", ", "[", "]"));
    return isChoices() ? listed : shape.configName + " " + listed;
  }
}
